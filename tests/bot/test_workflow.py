"""The communicator loop at the service layer, over a real embedded Chroma + jieba index (hash embedder):
a declined question opens a ticket, its group is assigned to an expert, the expert drafts and submits, a
second reviewer publishes (four-eyes), the ticket is answered, the webhook hears of it, and the next citizen
asking gets the reviewed answer."""

from __future__ import annotations

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from bot.curation.service import CuratorService, Forbidden, NotAuthorised
from bot.curation.webhook import signature
from bot.curation.workflow import NotFound, WorkflowInputError
from bot.engine.factory import build_service
from bot.engine.service import AnswerService
from bot.engine.types import Mode
from ingest.service import build_pipeline
from knowledge import texts
from knowledge.errors import IllegalTransition
from knowledge.settings import Settings
from knowledge.stores.accounts import Accounts
from knowledge.stores.models import utcnow
from knowledge.stores.tickets import normalise_code
from knowledge.types import AnswerStatus, Role, TicketStatus

PANDA = "# 大熊猫吃什么\n\n大熊猫虽然属于食肉目，但它们的食物百分之九十九是竹子。大熊猫每天要花十多个小时进食。"
ASKED = "萤火虫为什么会一闪一闪地发光"


class _Receiver(BaseHTTPRequestHandler):
    got: list[tuple[dict, str]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.got.append((json.loads(body), self.headers.get("X-AskScience-Signature", "")))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def receiver():
    _Receiver.got = []
    server = HTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook", _Receiver.got
    server.shutdown()


@pytest.fixture
def loop(settings: Settings, tmp_path: Path, receiver) -> tuple[AnswerService, CuratorService, list]:
    url, got = receiver
    settings = settings.model_copy(update={
        "self_approval": False, "review_group_threshold": 0.8, "answer_webhook_url": url,
        "answer_webhook_secret": "s3cret"})
    service = build_service(settings)
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "panda.md").write_text(PANDA, encoding="utf-8")
    build_pipeline(settings, service.kb).run([folder])
    accounts = Accounts(service.store.db)
    accounts.add("alice", "s3cret-pass", roles=frozenset({Role.CURATOR}))
    accounts.add("erin", "s3cret-pass", "王专家", roles=frozenset({Role.EXPERT}), topics=("biology",))
    accounts.add("rita", "s3cret-pass", roles=frozenset({Role.REVIEWER}))
    accounts.add("adam", "s3cret-pass", roles=frozenset({Role.ADMIN}))
    curator = CuratorService(settings, service.kb, service.store, build_pipeline(settings, service.kb), accounts,
                             answers=service)
    return service, curator, got


def test_the_whole_loop_answers_the_citizen_who_asked(loop) -> None:
    service, curator, got = loop
    flow = curator.workflow
    declined = service.ask(ASKED)
    assert declined.mode == Mode.NO_ANSWER
    assert declined.ticket and normalise_code(declined.ticket) == declined.ticket
    assert declined.ticket in declined.full_text  # the citizen sees the code
    again = service.ask("萤火虫为什么会一闪一闪地发光？？")  # the hash embedder groups only near-copies
    assert flow.ticket(declined.ticket).status == TicketStatus.RECEIVED

    groups = flow.queue("alice")
    group = next(g for g in groups if declined.ticket in g.tickets)
    assert again.ticket in group.tickets  # one need, one group, both tickets
    assert group.experts == ["erin"]
    with pytest.raises(Forbidden):
        flow.assign("erin", group.id, "erin")  # an expert does not assign work
    with pytest.raises(WorkflowInputError):
        flow.assign("alice", group.id, "rita")  # rita is no expert
    assignment = flow.assign("alice", group.id, "erin")
    assert assignment.due_at - utcnow() > dt.timedelta(hours=47)
    assert flow.ticket(declined.ticket).status == TicketStatus.IN_PROGRESS
    assert not [g for g in flow.queue("alice") if declined.ticket in g.tickets]  # left the queue

    assert [v.assignment.id for v in flow.assignments("erin")] == [assignment.id]
    start = flow.start_draft("erin", assignment.id)
    assert ASKED in start.questions and texts.NO_ANSWER in start.told
    with pytest.raises(WorkflowInputError):  # no article and not marked as expert opinion
        flow.save_draft("erin", ASKED, "萤火虫腹部有发光器……", assignment_id=assignment.id)
    draft = flow.save_draft("erin", ASKED, "萤火虫腹部的发光器里，荧光素在荧光素酶作用下氧化发出冷光。",
                            ["萤火虫为啥会发光"], assignment_id=assignment.id, expert_opinion=True)
    assert draft.status == AnswerStatus.DRAFT and draft.expert_opinion == "王专家"
    with pytest.raises(Forbidden):
        flow.publish("erin", draft.id)  # experts cannot publish
    with pytest.raises(IllegalTransition):
        flow.publish("rita", draft.id)  # not submitted yet
    flow.submit("erin", draft.id)
    assert [a.id for a in flow.inbox("rita")] == [draft.id]
    returned = flow.send_back("rita", draft.id, "请补充：这种光几乎不发热。")
    assert returned.status == AnswerStatus.RETURNED and "不发热" in returned.review_comment
    flow.save_draft("erin", ASKED, "萤火虫发的是冷光：荧光素氧化发光，几乎不产生热。", ["萤火虫为啥会发光"],
                    assignment_id=assignment.id, expert_opinion=True)
    flow.submit("erin", draft.id)
    published = flow.publish("rita", draft.id)
    assert published.status == AnswerStatus.PUBLISHED

    view = flow.ticket(declined.ticket)
    assert view.status == TicketStatus.ANSWERED and "冷光" in view.answer
    assert any("王专家" in c["title"] for c in view.citations)
    assert flow.ticket(again.ticket).status == TicketStatus.ANSWERED  # the whole group follows
    assert flow.assignments("erin") == []  # done
    deadline = utcnow() + dt.timedelta(seconds=10)
    while not got and utcnow() < deadline:
        threading.Event().wait(0.05)
    payload, signed = got[0]
    assert sorted(payload["tickets"]) == sorted([declined.ticket, again.ticket])
    assert signed == signature("s3cret", json.dumps(payload, ensure_ascii=False).encode())

    figures = flow.timeliness("alice")
    assert (figures.total.tickets, figures.total.answered, figures.total.open, figures.total.overdue) == (2, 2, 0, 0)
    assert figures.total.within_due_share == 1.0 and figures.total.median_hours is not None
    assert [r.name for r in figures.by_expert] == ["erin"]

    service.curated.refresh(force=True)
    later = service.ask(ASKED)
    assert later.mode == Mode.CURATED and "冷光" in later.text and not later.ticket


def test_four_eyes_the_author_cannot_publish_their_own_answer(loop) -> None:
    _, curator, _ = loop
    curator.accounts.set_roles("alice", frozenset({Role.CURATOR, Role.REVIEWER}))
    flow = curator.workflow
    draft = flow.save_draft("alice", "大熊猫一天吃多久", "十多个小时。", articles=["panda"])
    flow.submit("alice", draft.id)
    with pytest.raises(IllegalTransition) as refused:
        flow.publish("alice", draft.id)
    assert str(refused.value) == texts.WORKFLOW_FOUR_EYES
    assert flow.publish("rita", draft.id).status == AnswerStatus.PUBLISHED
    self_approved = curator.settings.model_copy(update={"self_approval": True})
    flow.settings = self_approved
    second = flow.save_draft("alice", "大熊猫吃竹子吗", "吃，食物九成九是竹子。", articles=["panda"])
    flow.publish("alice", second.id)  # a one-person team: allowed, and the audit trail says so
    assert any("self-approved" in e.detail for e in curator.store.audit.recent(5))


def test_roles_are_checked_on_every_call(loop) -> None:
    _, curator, _ = loop
    flow = curator.workflow
    with pytest.raises(NotAuthorised):
        flow.queue(None)  # type: ignore[arg-type]
    with pytest.raises(Forbidden):
        flow.queue("adam")  # the admin manages accounts, not answers
    with pytest.raises(Forbidden):
        curator.upload("erin", [])
    with pytest.raises(Forbidden):
        curator.documents("rita")
    curator.accounts.set_active("rita", False)  # a reviewer disabled mid-review
    with pytest.raises(NotAuthorised):
        flow.inbox("rita")


def test_a_ticket_closes_itself_when_its_question_gets_a_reviewed_answer(loop) -> None:
    service, curator, _ = loop
    declined = service.ask(ASKED)
    answer = curator.workflow.save_draft("alice", ASKED, "萤火虫发冷光。", articles=["panda"])
    curator.workflow.submit("alice", answer.id)
    curator.workflow.publish("rita", answer.id)  # written directly, not through the ticket
    service.curated.refresh(force=True)
    assert curator.workflow.ticket(declined.ticket).status == TicketStatus.ANSWERED


def test_unknown_and_malformed_codes_say_nothing(loop) -> None:
    _, curator, _ = loop
    for code in ("", "Q7K-3F2", "0O0-1I1", "x" * 500, "'; drop table tickets; --"):
        assert curator.workflow.ticket(code) is None
    with pytest.raises(NotFound):
        curator.workflow.start_draft("erin", 999)


def test_another_experts_assignment_is_not_visible(loop) -> None:
    service, curator, _ = loop
    curator.accounts.add("ed", "s3cret-pass", roles=frozenset({Role.EXPERT}))
    service.ask(ASKED)
    group = curator.workflow.queue("alice")[0]
    assignment = curator.workflow.assign("alice", group.id, "erin")
    assert curator.workflow.assignments("ed") == []
    with pytest.raises(NotFound):
        curator.workflow.start_draft("ed", assignment.id)


def test_the_last_admin_can_be_neither_disabled_nor_demoted(loop) -> None:
    from knowledge.stores.accounts import AccountError

    _, curator, _ = loop
    with pytest.raises(AccountError):
        curator.accounts.set_active("adam", False, actor="adam")  # from the console
    with pytest.raises(AccountError):
        curator.accounts.set_roles("adam", frozenset({Role.CURATOR}))
    curator.accounts.set_roles("rita", frozenset({Role.REVIEWER, Role.ADMIN}))
    curator.accounts.set_active("adam", False, actor="rita")  # another admin remains


def test_answers_and_articles_past_their_review_date_are_listed(loop) -> None:
    import datetime as dt

    from bot.curation.workflow import add_months

    _, curator, _ = loop
    flow = curator.workflow
    dated = flow.save_draft("alice", "大熊猫吃竹子吗", "吃。", articles=["panda"])
    flow.submit("alice", dated.id)
    flow.publish("rita", dated.id)
    today = utcnow().date()
    assert [o for o in flow.overdue_reviews("alice", today) if o.kind == "answer"] == []  # just reviewed
    later = add_months(today, 13)
    listed = flow.overdue_reviews("alice", later)
    answer = next(o for o in listed if o.kind == "answer")
    assert answer.ref == str(dated.id) and answer.due == add_months(today, 12) and answer.days_over(later) > 0
    with pytest.raises(Forbidden):
        flow.overdue_reviews("erin", later)
    assert all(o.due < later for o in listed) and listed == sorted(listed, key=lambda o: (o.due, o.kind, o.ref))
    assert dt.date(2026, 1, 31) < add_months(dt.date(2026, 1, 31), 1)
