"""The curation JSON API over HTTP against a real app with four-eyes review: a citizen's declined question
becomes a ticket, a curator assigns its group to an expert, the expert drafts and submits with an API token,
cannot publish their own answer (409), another reviewer publishes, and the citizen's ticket is answered.
Then the refusals a script or a browser meets: 400 / 401 / 403 / 404 / 409, each a Chinese message that
repeats nothing it was sent."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from knowledge import texts
from knowledge.settings import Settings
from knowledge.stores.database import Database
from knowledge.stores.tickets import Tickets
from knowledge.types import TicketStatus
from tests.conftest import ROOT
from tests.web.conftest import LiveApp, start_app, stop_app

pytestmark = pytest.mark.integration
API = "/curator/api"
PASSWORD = "correct-horse-battery"
FIREFLY = "萤火虫为什么会一闪一闪地发光"
# The hash embedder finds "evidence" for anything at the web tests' usual 0.05; a real gate declines a
# question none of the three starter articles is about, and so does this one.
ENV = {"ASKSCI_SELF_APPROVAL": "0", "ASKSCI_EVIDENCE_THRESHOLD": "0.9"}
MARKER = "ZQ-marker-9431"  # sent in refused requests; must never come back


def cli(data: Path, *args: str, stdin: str = "") -> str:
    """``python -m bot.cli …`` against the app's data dir (as an administrator would, before the start)."""
    env = {**os.environ, "ASKSCI_DATA_DIR": str(data)}
    done = subprocess.run([sys.executable, "-m", "bot.cli", *args], input=stdin, text=True, env=env, cwd=ROOT,
                          capture_output=True, check=True)
    return done.stdout.strip()


def add_account(data: Path, name: str, *roles: str, topic: str = "") -> None:
    flags = [x for r in roles for x in ("--role", r)] + (["--topic", topic] if topic else [])
    cli(data, "accounts", "add", name, *flags, "--password-stdin", stdin=PASSWORD + "\n")


@dataclass(frozen=True)
class Loop:
    app: LiveApp
    token: str  # erin's API token (expert + reviewer)
    curator: httpx.Cookies  # carl (curator only)
    reviewer: httpx.Cookies  # rita (reviewer only)

    def url(self, path: str) -> str:
        return self.app.url + API + path


def login(app: LiveApp, name: str) -> httpx.Cookies:
    r = httpx.post(app.url + "/curator/login", data={"username": name, "password": PASSWORD}, timeout=30)
    assert r.status_code == 303, r.text
    return r.cookies


@pytest.fixture(scope="module")
def loop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loop]:
    base = tmp_path_factory.mktemp("curation_api")
    data = base / "data"
    add_account(data, "carl", "curator")
    add_account(data, "erin", "expert", "reviewer", topic="biology")
    add_account(data, "rita", "reviewer")
    token = cli(data, "accounts", "token", "erin")
    proc, app = start_app(base, ENV)
    try:
        yield Loop(app, token, login(app, "carl"), login(app, "rita"))
    finally:
        stop_app(proc)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def same_site(loop: Loop) -> dict[str, str]:
    return {"Origin": loop.app.url}


def ask_for_ticket(loop: Loop, question: str) -> str:
    reply = httpx.post(loop.app.url + "/api/ask", json={"question": question}, timeout=60).json()
    assert reply["mode"] == "no_answer", reply
    code = reply.get("ticket") or re.search(r"编号：([0-9A-Z]{3}-[0-9A-Z]{3})", reply["answer"]).group(1)
    return code


def ticket_status(loop: Loop, code: str) -> str:
    """What the citizen holding ``code`` would read: the public ticket route when it exists, else the store."""
    r = httpx.get(f"{loop.app.url}/api/tickets/{code}", timeout=30)
    if r.status_code == 200 and "status" in r.json():
        return r.json()["status"]
    settings = Settings(_env_file=None, data_dir=loop.app.data_dir)
    found = Tickets(Database(settings.db_url)).get(code)
    assert found is not None
    return found.status


def test_the_whole_loop_over_http_answers_the_citizen(loop: Loop) -> None:
    code = ask_for_ticket(loop, FIREFLY)
    assert ticket_status(loop, code) == TicketStatus.RECEIVED

    queue = httpx.get(loop.url("/queue"), cookies=loop.curator, timeout=60)
    assert queue.status_code == 200
    group = next(g for g in queue.json()["groups"] if code in g["tickets"])
    assert "erin" in group["experts"] and FIREFLY in group["question"]

    assigned = httpx.post(loop.url("/assignments"), json={"group": group["id"], "expert": "erin"},
                          cookies=loop.curator, headers=same_site(loop), timeout=60)
    assert assigned.status_code == 201, assigned.text
    assignment = assigned.json()
    assert assignment["expert"] == "erin" and assignment["status"] == "open"
    assert [t["code"] for t in assignment["tickets"]] == [code]
    assert ticket_status(loop, code) == TicketStatus.IN_PROGRESS
    again = httpx.get(loop.url("/queue"), cookies=loop.curator, timeout=60).json()
    assert not [g for g in again["groups"] if code in g["tickets"]]  # it left the queue

    mine = httpx.get(loop.url("/assignments"), headers=bearer(loop.token), timeout=60)
    assert mine.status_code == 200
    assert assignment["id"] in [a["id"] for a in mine.json()["assignments"]]

    draft = httpx.post(loop.url("/answers"), headers=bearer(loop.token), timeout=60, json={
        "question": FIREFLY, "phrasings": ["萤火虫为啥会发光"], "assignment": assignment["id"],
        "answer": "萤火虫腹部的发光器里，荧光素在荧光素酶作用下氧化，发出几乎不发热的冷光。",
        "articles": [], "tickets": [], "expert_opinion": True})
    assert draft.status_code == 201, draft.text
    answer = draft.json()
    assert answer["status"] == "draft" and answer["author"] == "erin" and answer["expert_opinion"]
    assert answer["phrasings"] == ["萤火虫为啥会发光"]
    answer_id = answer["id"]

    early = httpx.post(loop.url(f"/answers/{answer_id}/publish"), cookies=loop.reviewer,
                       headers=same_site(loop), timeout=60)
    assert early.status_code == 409  # a draft that was never submitted
    assert early.json()["error"] == texts.WORKFLOW_CANNOT_PUBLISH.format(status=texts.STATUS_LABELS["draft"])

    submitted = httpx.post(loop.url(f"/answers/{answer_id}/submit"), headers=bearer(loop.token), timeout=60)
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"

    own = httpx.post(loop.url(f"/answers/{answer_id}/publish"), headers=bearer(loop.token), timeout=60)
    assert own.status_code == 409 and own.json() == {"error": texts.WORKFLOW_FOUR_EYES}  # four-eyes review
    assert httpx.get(loop.url(f"/answers/{answer_id}"), headers=bearer(loop.token),
                     timeout=30).json()["status"] == "submitted"

    published = httpx.post(loop.url(f"/answers/{answer_id}/publish"), cookies=loop.reviewer,
                           headers={"X-Requested-With": "fetch"}, timeout=60)
    assert published.status_code == 200, published.text
    body = published.json()
    assert body["status"] == "published" and body["reviewer"] == "rita"
    assert [(t["code"], t["status"]) for t in body["tickets"]] == [(code, "answered")]
    assert ticket_status(loop, code) == TicketStatus.ANSWERED

    done = httpx.get(loop.url("/assignments?status=done"), cookies=loop.curator, timeout=30).json()
    finished = next(a for a in done["assignments"] if a["id"] == assignment["id"])
    assert finished["answer"] == {"id": answer_id, "status": "published"}
    figures = httpx.get(loop.url("/timeliness"), cookies=loop.reviewer, timeout=30)
    assert figures.status_code == 200
    assert figures.json()["total"]["answered"] >= 1
    by_expert = {row["name"]: row for row in figures.json()["by_expert"]}
    assert by_expert["erin"]["answered"] >= 1


def test_a_returned_answer_goes_back_to_its_author_and_can_be_resubmitted(loop: Loop) -> None:
    made = httpx.post(loop.url("/answers"), headers=bearer(loop.token), timeout=60, json={
        "question": "蜗牛有牙齿吗", "answer": "有，蜗牛的齿舌上有上万颗细小的角质齿。", "expert_opinion": True})
    answer_id = made.json()["id"]
    httpx.post(loop.url(f"/answers/{answer_id}/submit"), headers=bearer(loop.token), timeout=30)
    empty = httpx.post(loop.url(f"/answers/{answer_id}/return"), json={"comment": "  "}, cookies=loop.reviewer,
                       headers=same_site(loop), timeout=30)
    assert empty.status_code == 400 and empty.json() == {"error": texts.WORKFLOW_NEEDS_COMMENT}
    returned = httpx.post(loop.url(f"/answers/{answer_id}/return"), json={"comment": "请说明齿舌是什么。"},
                          cookies=loop.reviewer, headers=same_site(loop), timeout=30)
    assert returned.status_code == 200
    assert returned.json()["status"] == "returned" and returned.json()["review_comment"] == "请说明齿舌是什么。"
    edited = httpx.post(loop.url("/answers"), headers=bearer(loop.token), timeout=30, json={
        "id": answer_id, "question": "蜗牛有牙齿吗", "expert_opinion": True,
        "answer": "有。蜗牛口中有一条带状的齿舌，上面排着上万颗细小的角质齿，像锉刀一样刮食植物。"})
    assert edited.status_code == 200 and edited.json()["status"] == "draft"
    again = httpx.post(loop.url(f"/answers/{answer_id}/submit"), headers=bearer(loop.token), timeout=30)
    assert again.status_code == 200 and again.json()["status"] == "submitted"
    twice = httpx.post(loop.url(f"/answers/{answer_id}/return"), json={"comment": "好"}, cookies=loop.reviewer,
                       headers=same_site(loop), timeout=30)
    assert twice.status_code == 200
    assert httpx.post(loop.url(f"/answers/{answer_id}/return"), json={"comment": "再退一次"}, cookies=loop.reviewer,
                      headers=same_site(loop), timeout=30).status_code == 409  # only a submitted answer


def test_no_login_or_a_bad_token_is_401_and_the_token_opens_only_the_api(loop: Loop) -> None:
    for headers in ({}, bearer("ask_not-a-real-token"), {"Authorization": "Basic Y2FybDpwYXNz"}):
        r = httpx.get(loop.url("/queue"), headers=headers, timeout=30)
        assert r.status_code == 401 and set(r.json()) == {"error"}
        assert r.headers.get("www-authenticate") == "Bearer"
    bad = httpx.get(loop.url("/queue"), headers=bearer("ask_not-a-real-token"), cookies=loop.curator, timeout=30)
    assert bad.status_code == 401  # a wrong token is refused even with a good cookie alongside
    assert bad.json()["error"] == texts.API_TOKEN_REFUSED
    assert httpx.post(loop.url("/answers"), json={}, timeout=30).status_code == 401
    console = httpx.get(loop.app.url + "/curator/config", headers=bearer(loop.token), timeout=30)
    assert console.status_code == 401  # the console itself still wants the session cookie


def test_cookie_posts_need_this_sites_origin_but_token_calls_do_not(loop: Loop) -> None:
    body = {"question": "测试用问题", "answer": "测试用解答。", "expert_opinion": True}
    bare = httpx.post(loop.url("/answers"), json=body, cookies=loop.curator, timeout=30)
    assert bare.status_code == 403 and bare.json() == {"error": texts.API_CSRF_REQUIRED}
    foreign = httpx.post(loop.url("/answers"), json=body, cookies=loop.curator,
                         headers={"Origin": "https://evil.example"}, timeout=30)
    assert foreign.status_code == 403
    ok = httpx.post(loop.url("/answers"), json=body, cookies=loop.curator, headers=same_site(loop), timeout=30)
    assert ok.status_code == 201
    token = httpx.post(loop.url("/answers"), json=body, headers=bearer(loop.token), timeout=30)
    assert token.status_code == 201
    assert httpx.get(loop.url("/queue"), cookies=loop.curator, timeout=30).status_code == 200  # GETs need nothing


def test_wrong_role_unknown_ids_and_bad_input_say_why_without_echoing(loop: Loop) -> None:
    def check(r: httpx.Response, status: int) -> dict:
        assert r.status_code == status, r.text
        assert MARKER not in r.text
        data = r.json()
        assert set(data) == {"error"} and re.search(r"[\u4e00-\u9fff]", data["error"])
        return data

    token = bearer(loop.token)
    check(httpx.post(loop.url("/assignments"), json={"group": MARKER, "expert": "erin"}, headers=token,
                     timeout=30), 403)  # erin is an expert and a reviewer, not a curator
    check(httpx.post(loop.url("/answers"), json={"question": MARKER, "answer": MARKER, "expert_opinion": True},
                     cookies=loop.reviewer, headers=same_site(loop), timeout=30), 403)  # reviewers do not draft
    for path in ("/answers/999999", f"/answers/{MARKER}", "/answers/0"):
        check(httpx.get(loop.url(path), headers=token, timeout=30), 404)
    check(httpx.post(loop.url("/answers/999999/publish"), cookies=loop.reviewer, headers=same_site(loop),
                     timeout=30), 404)
    check(httpx.post(loop.url(f"/answers/1/{MARKER}"), headers=token, timeout=30), 404)
    check(httpx.get(loop.url(f"/{MARKER}"), headers=token, timeout=30), 404)
    check(httpx.post(loop.url("/assignments"), json={"group": f"g{MARKER}", "expert": "erin"},
                     cookies=loop.curator, headers=same_site(loop), timeout=30), 404)  # no such group
    check(httpx.post(loop.url("/answers"), content=MARKER.encode(), headers=token, timeout=30), 400)  # not JSON
    check(httpx.post(loop.url("/answers"), json=[MARKER], headers=token, timeout=30), 400)  # not an object
    missing = check(httpx.post(loop.url("/answers"), json={"question": MARKER}, headers=token, timeout=30), 400)
    assert missing["error"] == texts.API_BAD_FIELD.format(field="answer")
    extra = check(httpx.post(loop.url("/answers"), json={"question": "问", "answer": "答", MARKER: 1},
                             headers=token, timeout=30), 400)
    assert extra["error"] == texts.API_UNKNOWN_FIELD
    check(httpx.post(loop.url("/answers"), json={"question": "问", "answer": "答", "assignment": "7"},
                     headers=token, timeout=30), 400)  # an id is a number, not a string
    check(httpx.post(loop.url("/answers"), json={"question": "问", "answer": MARKER}, headers=token,
                     timeout=30), 400)  # neither an article nor an expert's opinion supports it
    stranger = check(httpx.post(loop.url("/assignments"), json={"group": "g1", "expert": MARKER},
                                cookies=loop.curator, headers=same_site(loop), timeout=30), 400)
    assert stranger["error"] == texts.API_NOT_AN_EXPERT
    code = ask_for_ticket(loop, "为什么猫咪喜欢钻进纸箱子里")
    groups = httpx.get(loop.url("/queue"), cookies=loop.curator, timeout=60).json()["groups"]
    group = next(g for g in groups if code in g["tickets"])
    past = check(httpx.post(loop.url("/assignments"), json={"group": group["id"], "expert": "erin",
                                                           "due": "2001-01-01T00:00:00Z"},
                            cookies=loop.curator, headers=same_site(loop), timeout=30), 400)
    assert past["error"] == texts.WORKFLOW_DUE_PAST
    check(httpx.post(loop.url("/assignments"), json={"group": group["id"], "expert": "erin", "due": MARKER},
                     cookies=loop.curator, headers=same_site(loop), timeout=30), 400)
    assert ticket_status(loop, code) == TicketStatus.RECEIVED  # nothing was assigned
    check(httpx.get(loop.url(f"/queue?days={MARKER}"), cookies=loop.curator, timeout=30), 400)
    check(httpx.get(loop.url(f"/assignments?status={MARKER}"), cookies=loop.curator, timeout=30), 400)
