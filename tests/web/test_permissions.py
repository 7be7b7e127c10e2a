"""Every role × every curation action, checked against the one table (bot/curation/roles.py ``PERMISSIONS``):
on the JSON API (status codes, one live app for the module) and on the service layer the console calls
(``CuratorService`` / ``Workflow``: allowed, ``Forbidden`` or ``NotAuthorised``). The cases are generated
from the table, and every action in it must have a probe here, so the table and the behaviour cannot drift
apart unnoticed. Each allowed case really succeeds (its objects are prepared fresh by an all-roles account),
so a 403 is never mistaken for some other refusal."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest

from bot.curation.roles import PERMISSIONS, Action, allowed
from bot.curation.service import CuratorService, Forbidden, NotAuthorised, Upload
from bot.curation.workflow import Workflow
from bot.engine.factory import build_service
from bot.engine.service import AnswerService
from bot.engine.types import Mode
from bot.web.console.posters import make_poster
from ingest.service import build_pipeline
from knowledge.settings import Settings
from knowledge.stores.accounts import Accounts
from knowledge.stores.answer_pages import AnswerPages
from knowledge.stores.database import Database
from knowledge.types import AnswerStatus, Role
from tests.conftest import GLOSSARY
from tests.web.conftest import LiveApp, start_app, stop_app

pytestmark = pytest.mark.integration

ROLES: dict[str, frozenset[Role]] = {"admin": frozenset({Role.ADMIN}), "curator": frozenset({Role.CURATOR}),
                                     "expert": frozenset({Role.EXPERT}), "reviewer": frozenset({Role.REVIEWER}),
                                     "none": frozenset()}  # none: no account, no session, no token
BOSS = "p-boss"  # every role: prepares what each case acts on
OTHER_EXPERT = "p-expert2"  # holds an assignment nobody else was given
PASSWORD = "correct-horse-battery"
PANDA = "# 大熊猫吃什么\n\n大熊猫虽然属于食肉目，但它们的食物百分之九十九是竹子。大熊猫每天要花十多个小时进食。"
ENV = {"ASKSCI_SELF_APPROVAL": "0", "ASKSCI_EVIDENCE_THRESHOLD": "0.9"}  # four-eyes; off-topic questions decline


def name_of(role: str) -> str | None:
    return None if role == "none" else f"p-{role}"


def add_accounts(accounts: Accounts) -> dict[str, str]:
    """One account per role, the boss and a second expert; their API tokens."""
    for role, roles in ROLES.items():
        if roles:
            accounts.add(f"p-{role}", PASSWORD, roles=roles, topics=("biology",) if Role.EXPERT in roles else ())
    accounts.add(BOSS, PASSWORD, roles=frozenset(Role))
    accounts.add(OTHER_EXPERT, PASSWORD, roles=frozenset({Role.EXPERT}))
    return {n: accounts.issue_token(n) for n in [BOSS, *(f"p-{r}" for r, s in ROLES.items() if s)]}


_UNIQUE = itertools.count()


def odd_question() -> str:
    """A question about nothing the knowledge base holds, sharing no character with any other one asked here
    (so the hash embedder neither answers it nor groups it with another need)."""
    k = next(_UNIQUE)
    return "".join(chr(0x4E00 + 97 * (k * 9 + i) % 20000) for i in range(9))


def outcome(call: Callable[[], object]) -> str:
    try:
        done = call()
    except Forbidden:
        return "forbidden"
    except NotAuthorised:
        return "unauthorised"
    return "forbidden" if done is False else "allowed"


def expectation(role: str, *needs: Action) -> str:
    if role == "none":
        return "unauthorised"
    return "allowed" if any(allowed(ROLES[role], a) for a in needs) else "forbidden"


# ---- the service layer ----------------------------------------------------------------------------------
@dataclass
class Desk:
    """An in-process answer service and curator service over one article, with the accounts above."""

    service: AnswerService
    curator: CuratorService
    folder: Path
    _other: int | None = None

    @property
    def flow(self) -> Workflow:
        return self.curator.workflow

    def group(self) -> str:
        declined = self.service.ask(odd_question())
        assert declined.mode == Mode.NO_ANSWER and declined.ticket
        return next(g.id for g in self.flow.queue(BOSS) if declined.ticket in g.tickets)

    def others_assignment(self) -> int:
        if self._other is None:
            self._other = self.flow.assign(BOSS, self.group(), OTHER_EXPERT).id
        return self._other

    def draft(self, author: str) -> int:
        return self.flow.save_draft(author, odd_question(), "一段解答。", expert_opinion=True).id

    def submitted(self) -> int:
        answer_id = self.draft(BOSS)
        self.flow.submit(BOSS, answer_id)
        return answer_id

    def published(self) -> int:
        answer_id = self.draft(BOSS)
        self.curator.store.answers.set_status(BOSS, answer_id, AnswerStatus.PUBLISHED)  # set up, not under test
        return answer_id

    def qa_file(self) -> Upload:
        path = self.folder / f"qa-{next(_UNIQUE)}.csv"
        path.write_text(f"问题,解答,引用文章\n{odd_question()},一段解答。,panda\n", encoding="utf-8-sig")
        return Upload(path, path.name)


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Desk:
    base = tmp_path_factory.mktemp("permissions_service")
    settings = Settings(_env_file=None, data_dir=base / "data", embedder="hash", glossary_path=GLOSSARY,
                        self_approval=False, evidence_threshold=0.9, evidence_keyword_weight=0.0)
    service = build_service(settings)
    articles = base / "articles"
    articles.mkdir()
    (articles / "panda.md").write_text(PANDA, encoding="utf-8")
    pipeline = build_pipeline(settings, service.kb)
    pipeline.run([articles])
    accounts = Accounts(service.store.db)
    add_accounts(accounts)
    curator = CuratorService(settings, service.kb, service.store, pipeline, accounts, service.words, answers=service)
    return Desk(service, curator, base)


Probe = Callable[[Desk, str | None, str], object]  # (desk, actor, role) → False when the action was not done


def _submit(d: Desk, who: str | None, role: str) -> object:
    own = role != "none" and allowed(ROLES[role], Action.DRAFT)  # experts submit only their own drafts
    return d.flow.submit(who, d.draft(who if own and who else BOSS))


def _sees_others(d: Desk, who: str | None, _role: str) -> bool:
    other = d.others_assignment()
    return other in [v.assignment.id for v in d.flow.assignments(who)]


class _QuickRenderer:
    """Stands in for the PDF renderer (seconds per poster; its own tests are tests/web/test_share.py's)."""

    def poster_pdf(self, title: str, items: list[object], day: dt.date) -> SimpleNamespace:
        return SimpleNamespace(pdf=b"%PDF-", pages=len(items))


def _poster(d: Desk, who: str | None, _role: str) -> object:
    return make_poster(d.curator, AnswerPages(d.curator.store.db), _QuickRenderer(), who, "", [d.published()],
                       "http://127.0.0.1", dt.date(2025, 1, 1))


SERVICE_PROBES: dict[Action, dict[str, Probe]] = {
    Action.CONSOLE: {"curated": lambda d, who, _: d.curator.curated(who)},
    Action.UPLOAD: {"upload": lambda d, who, _: d.curator.upload(who, [])},
    Action.DOCUMENTS: {"documents": lambda d, who, _: d.curator.documents(who)},
    Action.WORDS: {"word_list": lambda d, who, _: d.curator.word_list(who),
                   "try_words": lambda d, who, _: d.curator.try_words(who, "测试")},
    Action.QUEUE: {"queue": lambda d, who, _: d.flow.queue(who),
                   "review_groups": lambda d, who, _: d.curator.review_groups(who),
                   "overdue_reviews": lambda d, who, _: d.flow.overdue_reviews(who)},
    Action.ASSIGN: {"assign": lambda d, who, _: d.flow.assign(who, d.group(), "p-expert")},
    Action.ASSIGNMENTS_ALL: {"assignments": _sees_others},
    Action.DRAFT: {"save_draft": lambda d, who, _: d.flow.save_draft(who, odd_question(), "解答。",
                                                                     expert_opinion=True),
                   "save_curated": lambda d, who, _: d.curator.save_curated(who, odd_question(), "解答。")},
    Action.SUBMIT: {"submit": _submit},
    Action.PUBLISH: {"publish": lambda d, who, _: d.flow.publish(who, d.submitted()),
                     "inbox": lambda d, who, _: d.flow.inbox(who)},
    Action.RETURN: {"send_back": lambda d, who, _: d.flow.send_back(who, d.submitted(), "请补充来源。")},
    Action.RETIRE: {"retire": lambda d, who, _: d.curator.set_curated_status(who, d.published(), "retired")},
    Action.EDIT_PUBLISHED: {"save_draft": lambda d, who, _: d.flow.save_draft(
        who, odd_question(), "改过的解答。", answer_id=d.published(), expert_opinion=True),
        "save_curated": lambda d, who, _: d.curator.save_curated(who, odd_question(), "改过的解答。",
                                                                 answer_id=d.published())},
    Action.IMPORT: {"import_plan": lambda d, who, _: d.curator.import_plan(who, d.qa_file())},
    Action.IMPORT_PUBLISH: {"import_apply": lambda d, who, _: d.curator.import_apply(
        who, d.curator.import_plan(BOSS, d.qa_file()), publish=True)},
    Action.EXPORT: {"export_qa": lambda d, who, _: d.curator.export_qa(who, "csv"),
                    "qa_template": lambda d, who, _: d.curator.qa_template(who, "csv")},
    Action.HIT_TEST: {"hit_test": lambda d, who, _: d.curator.hit_test(who, "大熊猫吃什么")},
    Action.REGRESSION: {"last_regression": lambda d, who, _: d.curator.last_regression(who)},
    Action.DASHBOARD: {"dashboard": lambda d, who, _: d.curator.dashboard(who),
                       "timeliness": lambda d, who, _: d.flow.timeliness(who)},
    Action.POSTERS: {"make_poster": _poster},
    Action.AUDIT: {"audit_log": lambda d, who, _: d.curator.audit_log(who)},
    # The 账号 tab checks exactly this before it calls the accounts store; there is no service method.
    Action.ACCOUNTS: {"require": lambda d, who, _: d.curator.require(who, Action.ACCOUNTS)},
}
# Where the behaviour does not follow the table today (reported; strict: a fix makes these fail until the
# mark is removed).
_EDIT = ("editing a published answer needs Action.DRAFT before Action.EDIT_PUBLISHED (Workflow.save_draft, "
         "CuratorService.save_curated), so a reviewer-only account cannot do what the table allows")
_POSTER = "bot/web/console/posters.py make_poster checks only Action.CONSOLE, not Action.POSTERS"
KNOWN_DRIFTS: dict[tuple[str, Action, str], str] = {}  # (role, action, probe) → why the code differs, if ever
SERVICE_CASES = [
    pytest.param(role, action, probe, id=f"{role}-{action}-{probe}",
                 marks=[pytest.mark.xfail(strict=True, reason=KNOWN_DRIFTS[role, action, probe])]
                 if (role, action, probe) in KNOWN_DRIFTS else [])
    for action in PERMISSIONS for probe in SERVICE_PROBES.get(action, {}) for role in ROLES]


def test_every_action_in_the_table_has_a_probe() -> None:
    assert set(SERVICE_PROBES) == set(PERMISSIONS) == set(Action)
    assert {a for call in API_CALLS.values() for a in call.needs} <= set(PERMISSIONS)


@pytest.mark.parametrize(("role", "action", "probe"), SERVICE_CASES)
def test_the_service_layer_follows_the_table(desk: Desk, role: str, action: Action, probe: str) -> None:
    run = SERVICE_PROBES[action][probe]
    assert outcome(lambda: run(desk, name_of(role), role)) == expectation(role, action)


def test_an_unknown_or_disabled_account_is_not_authorised_rather_than_forbidden(desk: Desk) -> None:
    desk.curator.accounts.add("p-gone", PASSWORD, roles=frozenset(Role))
    desk.curator.accounts.set_active("p-gone", False)
    for who in ("p-gone", "p-never-was", ""):
        assert outcome(lambda w=who: desk.flow.queue(w)) == "unauthorised"


# ---- the JSON API ---------------------------------------------------------------------------------------
@dataclass
class ApiDesk:
    app: LiveApp
    tokens: dict[str, str]
    _other: int | None = None

    def call(self, who: str | None, method: str, path: str, body: dict | None = None) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.tokens[who]}"} if who else {}
        return httpx.request(method, f"{self.app.url}/curator/api{path}", json=body, headers=headers, timeout=60)

    def ok(self, method: str, path: str, body: dict | None = None) -> dict:
        r = self.call(BOSS, method, path, body)
        assert r.status_code in (200, 201), r.text
        return r.json()

    def group(self) -> str:
        asked = httpx.post(self.app.url + "/api/ask", json={"question": odd_question()}, timeout=60).json()
        assert asked["mode"] == "no_answer", asked
        code = asked["answer"].split("编号：", 1)[1][:7]
        return next(g["id"] for g in self.ok("GET", "/queue")["groups"] if code in g["tickets"])

    def others_assignment(self) -> int:
        if self._other is None:
            self._other = self.ok("POST", "/assignments", {"group": self.group(), "expert": OTHER_EXPERT})["id"]
        return self._other

    def draft(self, author: str = BOSS) -> int:
        r = self.call(author, "POST", "/answers", {"question": odd_question(), "answer": "一段解答。",
                                                   "expert_opinion": True})
        assert r.status_code == 201, r.text
        return int(r.json()["id"])

    def submitted(self) -> int:
        answer_id = self.draft()
        self.ok("POST", f"/answers/{answer_id}/submit")
        return answer_id


@dataclass(frozen=True)
class ApiCall:
    needs: tuple[Action, ...]  # allowed with any of these
    request: Callable[[ApiDesk, str | None, str], tuple[str, str, dict | None]]
    success: int = 200
    others_hidden: bool = False  # without ASSIGNMENTS_ALL an account sees only its own work (404 / filtered)

    def expect(self, role: str) -> int:
        outcome_ = expectation(role, *self.needs)
        if outcome_ == "unauthorised":
            return 401
        if outcome_ == "forbidden":
            return 403
        if self.others_hidden and not allowed(ROLES[role], Action.ASSIGNMENTS_ALL):
            return 404
        return self.success


def _own_or_boss(d: ApiDesk, who: str | None, role: str) -> int:
    return d.draft(who) if who and allowed(ROLES[role], Action.DRAFT) else d.draft()


def _list_assignments(d: ApiDesk) -> tuple[str, str, None]:
    d.others_assignment()  # someone else's work exists before the listing
    return "GET", "/assignments", None


API_CALLS: dict[str, ApiCall] = {
    "queue": ApiCall((Action.QUEUE,), lambda d, who, r: ("GET", "/queue", None)),
    "assign": ApiCall((Action.ASSIGN,), lambda d, who, r: (
        "POST", "/assignments", {"group": d.group(), "expert": "p-expert"}), 201),
    "assignments": ApiCall((Action.ASSIGNMENTS_ALL, Action.DRAFT), lambda d, who, r: _list_assignments(d)),
    "draft": ApiCall((Action.DRAFT,), lambda d, who, r: (
        "POST", "/answers", {"question": odd_question(), "answer": "解答。", "expert_opinion": True}), 201),
    "read": ApiCall((Action.CONSOLE,), lambda d, who, r: ("GET", f"/answers/{d.draft()}", None),
                    others_hidden=True),
    "submit": ApiCall((Action.SUBMIT,), lambda d, who, r: ("POST", f"/answers/{_own_or_boss(d, who, r)}/submit",
                                                            None)),
    "publish": ApiCall((Action.PUBLISH,), lambda d, who, r: ("POST", f"/answers/{d.submitted()}/publish", None)),
    "return": ApiCall((Action.RETURN,), lambda d, who, r: (
        "POST", f"/answers/{d.submitted()}/return", {"comment": "请补充来源。"})),
    "timeliness": ApiCall((Action.DASHBOARD,), lambda d, who, r: ("GET", "/timeliness", None)),
}
API_CASES = [(role, call) for call in API_CALLS for role in ROLES]


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiDesk]:
    base = tmp_path_factory.mktemp("permissions_api")
    (base / "data").mkdir()
    db = Database(Settings(_env_file=None, data_dir=base / "data").db_url)
    tokens = add_accounts(Accounts(db))  # before the app starts, as `askscience accounts` would
    db.engine.dispose()
    proc, app = start_app(base, ENV)
    try:
        yield ApiDesk(app, tokens)
    finally:
        stop_app(proc)


@pytest.mark.parametrize(("role", "call"), API_CASES, ids=[f"{r}-{c}" for r, c in API_CASES])
def test_the_json_api_follows_the_table(api: ApiDesk, role: str, call: str) -> None:
    spec = API_CALLS[call]
    who = name_of(role)
    method, path, body = spec.request(api, who, role)
    r = api.call(who, method, path, body)
    assert r.status_code == spec.expect(role), r.text
    if r.status_code >= 400:
        assert set(r.json()) == {"error"}
    if call == "assignments" and r.status_code == 200:
        other = api.others_assignment()
        listed = r.json()["assignments"]
        seen = [a["id"] for a in listed]
        assert (other in seen) == allowed(ROLES[role], Action.ASSIGNMENTS_ALL)
        if not allowed(ROLES[role], Action.ASSIGNMENTS_ALL):
            assert all(a["expert"] == who for a in listed)  # an expert sees only their own work
