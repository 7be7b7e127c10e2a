"""Two app processes sharing one Chroma server and one PostgreSQL database, and a Chroma server
restarted under a running app."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from gradio_client import Client, handle_file

from knowledge import texts
from tests.helpers import wait_until
from tests.scale.servers import ChromaServer, PostgresServer
from tests.web.conftest import LiveApp, login_cookies, start_app, stop_app

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def replicas(tmp_path_factory: pytest.TempPathFactory, chroma_server: ChromaServer, postgres: PostgresServer
             ) -> Iterator[tuple[LiveApp, LiveApp]]:
    name = f"r{uuid.uuid4().hex[:10]}"
    env = {"ASKSCI_CHROMA_HOST": chroma_server.host, "ASKSCI_CHROMA_PORT": str(chroma_server.port),
           "ASKSCI_COLLECTION_PREFIX": name, "ASKSCI_CURATION_DB_URL": postgres.create_database(name)}
    base = tmp_path_factory.mktemp("replicas")
    proc_a, a = start_app(base / "a", env)
    proc_b, b = start_app(base / "b", env)
    yield a, b
    stop_app(proc_a)
    stop_app(proc_b)


def _ask(app: LiveApp, question: str) -> dict:
    r = httpx.post(app.url + "/api/ask", json={"question": question}, timeout=30)
    assert r.status_code == 200, r.text
    return r.json()


def _eventually(check: Callable[[], bool], seconds: float = 10) -> bool:
    return wait_until(check, seconds, every=0.5)


def _console(app: LiveApp, cookies: httpx.Cookies) -> Client:
    return Client(app.url + "/curator/", verbose=False,
                  headers={"Cookie": f"asksci_session={cookies.get('asksci_session')}"})


def test_replicas_see_each_others_uploads_and_curated_answers(replicas: tuple[LiveApp, LiveApp],
                                                              tmp_path: Path) -> None:
    a, b = replicas
    cookies = login_cookies(a)
    console_a = _console(a, cookies)
    doc = tmp_path / "极光.md"
    doc.write_text("---\ntitle: 极光是怎么形成的\ntopic: 天文与航天\n---\n# 极光是怎么形成的\n\n"
                   "太阳风带来的高能带电粒子沿地球磁力线进入高纬度的高层大气，撞击氧原子和氮原子，"
                   "让它们发出绿色和红色的光，这就是极光。\n", encoding="utf-8")
    summary, _report = console_a.predict([handle_file(str(doc))], api_name="/upload")
    assert "成功 1 个" in summary

    assert _eventually(lambda: any(c["title"] == "极光是怎么形成的"
                                   for c in _ask(b, "极光为什么是绿色的？高能带电粒子撞击氧原子")["citations"]))
    assert "极光" in str(_console(b, cookies).predict("极光", api_name="/list_docs"))  # same session on B

    question = "极光在中国哪里能看到？"
    saved = console_a.predict("", question, "", "在我国最北端的黑龙江漠河一带，强地磁暴时偶尔能看到极光。", "极光", "",
                              "", "全部", api_name="/save")
    answer_id = saved[1]
    message, *_ = console_a.predict(answer_id, "", "全部", api_name="/publish")
    assert "已发布" in message
    assert _eventually(lambda: _ask(b, question)["mode"] == "curated", 5)
    assert "漠河" in _ask(b, question)["answer"]

    console_a.predict(answer_id, "", "全部", api_name="/retire_curated")
    assert _eventually(lambda: _ask(b, question)["mode"] != "curated", 5)


def test_app_recovers_after_the_chroma_server_restarts(replicas: tuple[LiveApp, LiveApp],
                                                       chroma_server: ChromaServer) -> None:
    a, _ = replicas
    assert _ask(a, "为什么天空是蓝色的？")["citations"]
    chroma_server.stop()
    down = httpx.post(a.url + "/api/ask", json={"question": "晚霞的颜色跟空气里的什么东西有关系"}, timeout=60)
    assert down.status_code == 503 and down.json()["error"] == texts.STORE_UNAVAILABLE
    chroma_server.start()
    assert _eventually(lambda: bool(_ask(a, "为什么天空是蓝色的？")["citations"]), 20)
