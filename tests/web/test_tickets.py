"""The citizen's side of tickets: a declined question's code, ``GET /api/tickets/{code}``, ``POST /api/tickets``.

Against a real app whose no-answer gate is strict (most questions are declined, reviewed answers still
match), and in-process for what needs a curator's work (an answer published through ``Workflow`` and
linked to the ticket) or a tight rate limit.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bot.curation.service import CuratorService
from bot.engine.service import AnswerService
from bot.engine.types import Mode
from bot.web.api import add_api
from bot.web.ratelimit import RateLimiter
from ingest.service import build_pipeline
from knowledge import texts
from knowledge.settings import Settings
from knowledge.stores.accounts import Accounts
from tests.conftest import GLOSSARY
from tests.helpers import service_over
from tests.web.conftest import LiveApp, start_app, stop_app

DECLINED = "黑洞是怎样形成的？"  # nothing about black holes in the test starter set
REVIEWED = "天空为什么是蓝色的？"  # a reviewed answer of the test starter set


def declining_app(factory: pytest.TempPathFactory) -> tuple[object, LiveApp]:
    """A live app whose gate declines what no reviewed answer covers. The data folder is shared by the
    modules that use it (only one app runs at a time), so the second start skips loading the starter set."""
    base = factory.getbasetemp() / "declining-app"
    base.mkdir(exist_ok=True)
    # the answer cache is on, as in production: a question asked again is still logged and ticketed
    return start_app(base, {"ASKSCI_EVIDENCE_THRESHOLD": "0.99", "ASKSCI_ANSWER_CACHE_SIZE": "256"})


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApp]:
    proc, live = declining_app(tmp_path_factory)
    yield live
    stop_app(proc)


def _ask(app: LiveApp, question: str) -> dict:
    r = httpx.post(app.url + "/api/ask", json={"question": question}, timeout=60)
    assert r.status_code == 200, r.text
    return r.json()


@pytest.mark.integration
def test_two_people_asking_the_same_declined_question_each_get_their_own_code(app: LiveApp) -> None:
    first, second = _ask(app, "火星上为什么没有水了？"), _ask(app, "火星上为什么没有水了？")
    assert first["mode"] == second["mode"] == "no_answer" and first["answer"].split("\n")[0] == (
        second["answer"].split("\n")[0])
    assert first["ticket"] and second["ticket"] and first["ticket"] != second["ticket"]
    assert second["ticket"] in second["answer"] and first["ticket"] not in second["answer"]


@pytest.mark.integration
def test_a_declined_question_gets_a_code_that_reads_received(app: LiveApp) -> None:
    reply = _ask(app, DECLINED)
    assert reply["mode"] == "no_answer"
    code = reply["ticket"]
    assert code and code in reply["answer"]  # the citizen reads it in the answer too
    r = httpx.get(f"{app.url}/api/tickets/{code}", timeout=30)
    assert r.status_code == 200
    assert r.headers["cache-control"] == "no-store"
    body = r.json()
    assert body == {"code": code, "status": "received", "status_label": "已收到", "question": DECLINED,
                    "answer": None, "citations": [], "answered_at": None}
    typed = code.lower().replace("-", " ")  # as someone might type it off a note
    assert httpx.get(f"{app.url}/api/tickets/{typed}", timeout=30).json()["code"] == code


@pytest.mark.integration
def test_an_answered_question_has_no_ticket(app: LiveApp) -> None:
    reply = _ask(app, REVIEWED)
    assert reply["mode"] == "curated" and reply["ticket"] is None


@pytest.mark.integration
def test_unknown_and_malformed_codes_get_the_same_404(app: LiveApp) -> None:
    real = _ask(app, DECLINED)["ticket"]
    unknown = "ZZZ-ZZZ" if real != "ZZZ-ZZZ" else "YYY-YYY"
    answers = [httpx.get(f"{app.url}/api/tickets/{c}", timeout=30) for c in (unknown, "Q0O-1IL", "x", "A" * 40)]
    assert {r.status_code for r in answers} == {404}
    assert {r.content for r in answers} == {answers[0].content}  # nothing tells a malformed code from an unknown one
    assert answers[0].json() == {"error": texts.TICKET_NOT_FOUND}


@pytest.mark.integration
def test_the_list_returns_the_known_codes_in_the_order_asked(app: LiveApp) -> None:
    first = _ask(app, DECLINED)["ticket"]
    second = _ask(app, "火山为什么会喷发？")["ticket"]
    assert first and second and first != second  # every logged question gets its own code
    r = httpx.post(app.url + "/api/tickets", json={"codes": [second, "ZZZ-ZZZ", "garbage", first.lower()]},
                   timeout=30)
    assert r.status_code == 200
    assert [t["code"] for t in r.json()["tickets"]] == [second, first]
    too_many = httpx.post(app.url + "/api/tickets", json={"codes": [first] * 51}, timeout=30)
    assert too_many.status_code == 400 and too_many.json() == {"error": texts.BAD_REQUEST}


# ---- in-process: a curator's published answer, and the rate limit ------------------------------------------

BLACK_HOLE = ("---\ntitle: 黑洞是怎样形成的\ntopic: 天文\n---\n\n大质量恒星在生命末期耗尽核燃料，核心在自身引力下坍缩。"
              "当坍缩后的物体密度大到连光都无法逃脱时，就形成了黑洞。\n")


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> tuple[AnswerService, CuratorService, str]:
    """In-process services over one article, a reviewer account, and the ticket of a declined question."""
    base = tmp_path_factory.mktemp("tickets-in-process")
    settings = Settings(_env_file=None, data_dir=base / "data", embedder="hash", glossary_path=GLOSSARY,
                        self_approval=True)
    service = service_over(settings, base / "articles", {"space-black-hole.md": BLACK_HOLE})
    assert service.store is not None
    strict = service.settings.model_copy(update={"evidence_threshold": 0.99})
    service.settings = strict
    declined = service.ask(DECLINED)
    assert declined.mode == Mode.NO_ANSWER and declined.ticket
    accounts = Accounts(service.store.db)
    accounts.add("alice", "correct-horse-battery")  # no roles given: admin, curator and reviewer
    curator = CuratorService(strict, service.kb, service.store, build_pipeline(strict, service.kb), accounts,
                             answers=service)
    return service, curator, declined.ticket


def _client(services: tuple[AnswerService, CuratorService, str], per_minute: int) -> TestClient:
    service, curator, _ = services
    app = FastAPI()
    add_api(app, service, RateLimiter({"questions": per_minute, "feedback": per_minute}), frozenset(),
            curator.workflow)
    return TestClient(app)


def test_a_published_answer_linked_to_the_ticket_is_what_the_citizen_reads(
        services: tuple[AnswerService, CuratorService, str]) -> None:
    client, (_, curator, code) = _client(services, 1000), services
    assert client.get(f"/api/tickets/{code}").json()["status_label"] == "已收到"
    draft = curator.workflow.save_draft(
        "alice", DECLINED, "大质量恒星耗尽燃料后，核心在引力下坍缩，密度大到光也逃不出去，就成了黑洞。",
        articles=["space-black-hole"], tickets=[code])
    assert client.get(f"/api/tickets/{code}").json()["status_label"] == "解答中"
    curator.workflow.publish("alice", draft.id)
    body = client.get(f"/api/tickets/{code}").json()
    assert body["status"] == "answered" and body["status_label"] == "已解答"
    assert body["answer"].startswith("大质量恒星耗尽燃料后") and body["answered_at"]
    assert body["citations"] == [{"title": "黑洞是怎样形成的", "article": "space-black-hole"}]
    listed = client.post("/api/tickets", json={"codes": [code]}).json()["tickets"]
    assert listed == [body]


def test_ticket_lookups_are_rate_limited_per_address(services: tuple[AnswerService, CuratorService, str]) -> None:
    client, code = _client(services, 3), services[2]
    assert [client.get(f"/api/tickets/{c}").status_code for c in (code, "ZZZ-ZZZ", code)] == [200, 404, 200]
    limited = client.get(f"/api/tickets/{code}")
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
    assert client.post("/api/tickets", json={"codes": [code]}).status_code == 429
