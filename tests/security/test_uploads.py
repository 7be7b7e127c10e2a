"""Finding 3: anyone could upload files of any size to the citizen app, and curator uploads were
served by the public file route."""

from __future__ import annotations

import httpx
import pytest

from tests.security.conftest import login
from tests.web.conftest import LiveApp

pytestmark = pytest.mark.integration


def test_the_citizen_app_takes_no_uploads(plain_app: LiveApp) -> None:
    big = b"0" * (25 * 1024 * 1024)
    r = httpx.post(plain_app.url + "/gradio_api/upload", files={"files": ("big.txt", big)}, timeout=120)
    assert r.status_code in (403, 413)
    small = httpx.post(plain_app.url + "/gradio_api/upload", files={"files": ("a.txt", b"hello")}, timeout=30)
    assert small.status_code == 403
    assert httpx.post(plain_app.url + "/upload", files={"files": ("a.txt", b"hello")}, timeout=30).status_code == 403


def test_curator_uploads_are_not_served_publicly(plain_app: LiveApp) -> None:
    cookies = login(plain_app, plain_app.username, plain_app.password).cookies
    up = httpx.post(plain_app.url + "/curator/gradio_api/upload", files={"files": ("draft.txt", "内部草稿".encode())},
                    cookies=cookies, timeout=30)
    assert up.status_code == 200, up.text
    path = up.json()[0]
    assert httpx.get(plain_app.url + f"/curator/gradio_api/file={path}", cookies=cookies, timeout=30).status_code == 200
    public = httpx.get(plain_app.url + f"/gradio_api/file={path}", timeout=30)
    assert public.status_code == 404 and "内部草稿" not in public.text  # before: 200 with the file
    assert httpx.get(plain_app.url + f"/gradio_api/file={path}/../{path.rsplit('/', 1)[1]}",
                     timeout=30).status_code == 404


def test_console_uploads_keep_their_size_limit(plain_app: LiveApp) -> None:
    cookies = login(plain_app, plain_app.username, plain_app.password).cookies
    big = b"0" * (25 * 1024 * 1024)
    r = httpx.post(plain_app.url + "/curator/gradio_api/upload", files={"files": ("big.txt", big)},
                   cookies=cookies, timeout=120)
    assert r.status_code == 413
