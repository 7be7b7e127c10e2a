"""Secrets stay secret: an LLM API key and curator passwords never reach logs, pages or the API."""

from __future__ import annotations

import httpx
import pytest

from tests.web.conftest import free_port, start_app, stop_app

pytestmark = pytest.mark.integration
KEY = "sk-test-8c1d2b7e-never-show-me"
WRONG = "wrong-password-never-log"


def test_api_key_and_passwords_never_appear_in_logs_or_pages(tmp_path_factory: pytest.TempPathFactory) -> None:
    env = {"ASKSCI_LLM_BASE_URL": f"http://127.0.0.1:{free_port()}/v1", "ASKSCI_LLM_MODEL": "refused-model",
           "ASKSCI_LLM_API_KEY": KEY, "ASKSCI_LLM_TIMEOUT": "2"}
    proc, app = start_app(tmp_path_factory.mktemp("secrets"), env)
    try:
        answered = httpx.post(app.url + "/api/ask", json={"question": "为什么天空是蓝色的？"}, timeout=60).json()
        assert answered["mode"] == "extractive"  # the LLM endpoint refuses: fallback, with the key sent nowhere
        httpx.post(app.url + "/curator/login", data={"username": app.username, "password": WRONG})
        good = httpx.post(app.url + "/curator/login", data={"username": app.username, "password": app.password})
        cookies = good.cookies
        seen = [httpx.get(app.url + path, cookies=cookies, timeout=30).text
                for path in ("/", "/config", "/gradio_api/info", "/curator/", "/curator/config",
                             "/curator/gradio_api/info", "/curator/login")]
        seen.append(httpx.post(app.url + "/curator/gradio_api/call/audit", json={"data": []}, cookies=cookies,
                               timeout=30).text)
    finally:
        stop_app(proc)
    log = app.log.read_text(encoding="utf-8", errors="replace")
    for secret in (KEY, WRONG, app.password):
        assert secret not in log
        assert not any(secret in page for page in seen)
    db = (app.data_dir / "curation.sqlite3").read_bytes()
    assert KEY.encode() not in db and WRONG.encode() not in db and app.password.encode() not in db
