"""The running app through its programmatic doors: gradio_client, the JSON API and plain HTTP."""

from __future__ import annotations

import httpx
import pytest
from gradio_client import Client
from gradio_client.exceptions import AuthenticationError

from knowledge import texts
from tests.web.conftest import LiveApp, login_cookies

pytestmark = pytest.mark.integration


def test_gradio_client_gets_a_streamed_cited_answer(live_app: LiveApp) -> None:
    client = Client(live_app.url + "/", verbose=False)
    job = client.submit("为什么天空是蓝色的？", [], "大众", api_name="/ask")
    updates = list(job)
    chat, box = job.result()
    assert updates and box == ""
    answer = chat[-1]["content"]
    answer = answer if isinstance(answer, str) else " ".join(p.get("text", "") for p in answer)
    assert chat[0]["role"] == "user" and chat[-1]["role"] == "assistant"
    assert "散射" in answer and "<details>" in answer and "&#91;1&#93;" in answer


def test_json_api_answers_and_validates(live_app: LiveApp) -> None:
    ok = httpx.post(live_app.url + "/api/ask", json={"question": "大熊猫吃什么？", "history": []}, timeout=30)
    assert ok.status_code == 200
    body = ok.json()
    assert body["mode"] in texts.MODE_LABELS and "竹" in body["answer"]
    assert body["citations"] and set(body["citations"][0]) == {"title", "source", "snippet", "score"}
    for bad in ({}, {"question": 3}, {"question": "   "}, {"question": "问" * 600},
                {"question": "好", "history": "nope"}):
        r = httpx.post(live_app.url + "/api/ask", json=bad, timeout=30)
        assert 400 <= r.status_code < 500 and r.headers["content-type"].startswith("application/json"), bad
    broken = httpx.post(live_app.url + "/api/ask", content=b"\xff\xfe{not json", timeout=30,
                        headers={"content-type": "application/json"})
    assert 400 <= broken.status_code < 500


def _console_endpoints(app: LiveApp) -> list[str]:
    info = httpx.get(app.url + "/curator/gradio_api/info", cookies=login_cookies(app), timeout=30)
    assert info.status_code == 200
    names = [n.lstrip("/") for n in info.json()["named_endpoints"]]
    assert {"upload", "save", "list_docs", "retire_doc", "delete_doc", "dashboard", "audit"} <= set(names)
    return names


def test_every_curator_endpoint_refuses_a_visitor(live_app: LiveApp) -> None:
    names = _console_endpoints(live_app)
    with pytest.raises(AuthenticationError):  # the client cannot even read the console's config
        Client(live_app.url + "/curator/", verbose=False)
    base = live_app.url + "/curator"
    for cookies in (None, {"asksci_session": "forged-token"}):
        for name in names:
            r = httpx.post(f"{base}/gradio_api/call/{name}", json={"data": []}, cookies=cookies, timeout=30)
            assert r.status_code == 401, (name, r.status_code)
        for path in ("/config", "/gradio_api/info", "/gradio_api/upload", "/gradio_api/queue/join",
                     "/gradio_api/run/predict", "/gradio_api/file=x"):
            assert httpx.post(base + path, json={}, cookies=cookies, timeout=30).status_code == 401, path
            assert httpx.get(base + path, cookies=cookies, timeout=30).status_code == 401, path
    page = httpx.get(base + "/", timeout=30)
    assert page.status_code == 303 and page.headers["location"] == "/curator/login"


def test_citizen_api_offers_only_asking(live_app: LiveApp) -> None:
    info = httpx.get(live_app.url + "/gradio_api/info", timeout=30).json()
    assert list(info["named_endpoints"]) == ["/ask"]


def test_login_logout_and_bad_password(live_app: LiveApp) -> None:
    bad = httpx.post(live_app.url + "/curator/login", data={"username": live_app.username, "password": "x" * 9})
    assert bad.status_code == 401 and texts.LOGIN_FAILED in bad.text
    cookies = login_cookies(live_app)
    assert httpx.get(live_app.url + "/curator/config", cookies=cookies).status_code == 200
    out = httpx.post(live_app.url + "/curator/logout", cookies=cookies)
    assert out.status_code == 303
    assert httpx.get(live_app.url + "/curator/config", cookies=cookies).status_code == 401


@pytest.mark.integration
def test_the_api_answers_an_emergency_with_the_number_first(live_app: LiveApp) -> None:
    r = httpx.post(live_app.url + "/api/ask", json={"question": "我爸突然胸口像压了块大石头一样疼，一直冒冷汗"},
                   timeout=60)
    body = r.json()
    assert r.status_code == 200 and body["safety"]["level"] == "emergency"
    assert body["safety"]["call"].startswith("120") and body["safety"]["steps"]
    assert body["answer"].startswith("紧急情况") and "120" in body["answer"].splitlines()[0]
    calm = httpx.post(live_app.url + "/api/ask", json={"question": "为什么天空是蓝色的？"}, timeout=60).json()
    assert calm["safety"]["level"] == "none" and calm["safety"]["steps"] == []
