"""Finding 7: information leaks — server paths in citations, public OpenAPI and monitoring routes,
errors that name handlers or echo input, a reflected forwarded host, credentialed CORS for other
origins, missing security headers — and finding 4's public login names."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from bot.engine.factory import build_service
from ingest.service import build_pipeline
from knowledge import texts
from knowledge.settings import Settings
from knowledge.stores.accounts import Accounts
from tests.web.conftest import LiveApp

ARTICLE = "---\ntitle: 大熊猫\ntopic: 生物与生态\n---\n大熊猫的食物绝大部分是竹子，每天要吃十几个小时。"


@pytest.mark.integration
def test_citations_carry_no_server_path(plain_app: LiveApp) -> None:
    r = httpx.post(plain_app.url + "/api/ask", json={"question": "大熊猫吃什么？"}, timeout=60)
    citations = r.json()["citations"]
    assert citations
    for c in citations:
        assert not c["source"].startswith("/") and str(plain_app.data_dir.parent) not in r.text
        assert "/tmp/" not in r.text and "starter/articles" not in r.text


@pytest.mark.integration
@pytest.mark.parametrize("path", ["/openapi.json", "/docs", "/redoc", "/monitoring", "/monitoring/summary",
                                  "/gradio_api/monitoring", "/gradio_api/openapi.json"])
def test_no_public_schema_or_monitoring(plain_app: LiveApp, path: str) -> None:
    assert httpx.get(plain_app.url + path, timeout=30).status_code == 404


@pytest.mark.integration
def test_errors_echo_nothing_and_name_nothing(plain_app: LiveApp) -> None:
    marker = "<marker-8f3a>"
    r = httpx.post(plain_app.url + "/api/ask", json={"question": [marker]}, timeout=30)
    assert r.status_code == 400 and marker not in r.text and r.json() == {"error": texts.BAD_REQUEST}
    bad = httpx.post(plain_app.url + "/gradio_api/queue/join", json={"data": [marker], "fn_index": 999,
                                                                     "session_hash": "x"}, timeout=30)
    assert marker not in bad.text and not re.search(r"0x[0-9a-f]{6,}|Traceback|File \"", bad.text)
    malformed = httpx.post(plain_app.url + "/gradio_api/run/predict", content=b"{not json", timeout=30,
                           headers={"content-type": "application/json"})
    assert not re.search(r"0x[0-9a-f]{6,}|Traceback|def |object at", malformed.text)


@pytest.mark.integration
def test_forwarded_host_is_ignored_without_a_trusted_proxy(plain_app: LiveApp) -> None:
    page = httpx.get(plain_app.url + "/config", headers={"X-Forwarded-Host": "evil.example"}, timeout=30)
    assert "evil.example" not in page.text
    html = httpx.get(plain_app.url + "/", headers={"X-Forwarded-Host": "evil.example"}, timeout=30)
    assert "evil.example" not in html.text


@pytest.mark.integration
def test_no_credentialed_cors_for_other_origins(plain_app: LiveApp) -> None:
    r = httpx.options(plain_app.url + "/gradio_api/queue/join", timeout=30,
                      headers={"Origin": "http://localhost:9999", "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in r.headers and "access-control-allow-credentials" not in r.headers
    r = httpx.get(plain_app.url + "/config", headers={"Origin": "http://127.0.0.1:1"}, timeout=30)
    assert "access-control-allow-origin" not in r.headers


@pytest.mark.integration
def test_pages_carry_security_headers(plain_app: LiveApp) -> None:
    for path in ("/", "/curator/login", "/api/ask"):
        r = httpx.get(plain_app.url + path, timeout=30)
        assert "frame-ancestors 'self'" in r.headers["content-security-policy"], path
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "same-origin"


def test_citizens_never_see_a_login_name(settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "a"
    folder.mkdir()
    (folder / "panda.md").write_text(ARTICLE, encoding="utf-8")
    service = build_service(settings)
    build_pipeline(settings, service.kb).run([folder])
    accounts = Accounts(service.store.db)
    accounts.add("alice.w", "correct-horse-battery")
    accounts.add("wang.l", "correct-horse-battery", display_name="王老师（中学物理）")
    service.public_name = accounts.public_name
    for actor, shown in (("alice.w", settings.public_reviewer), ("wang.l", "王老师（中学物理）")):
        draft = service.store.answers.save_draft(actor, f"熊猫平时吃点啥{actor}", "主要吃竹子。", [], ["panda"])
        service.store.answers.set_status(actor, draft.id, "published")
        service.curated.refresh()
        answer = service.ask(f"熊猫平时吃点啥{actor}")
        assert answer.citations and answer.citations[0].reviewer == shown
        assert actor not in str(answer.citations)
