"""The curation JSON API under ``/curator/api``: the communicator loop (queue → assign → draft → submit →
publish or return, timeliness) for scripts and other front ends. docs/api.md documents every call.

Who is calling comes from the gate (bot/web/gate.py: the session cookie, or an ``Authorization: Bearer
ask_…`` API token). Every call goes through the curator service's workflow, which checks the roles
(bot/curation/roles.py), so this API, the console and its Gradio API meet the same rules. Errors are
``{"error": "<Chinese message>"}`` with 400 / 401 / 403 / 404 / 409 / 503; no input is echoed back.

A cookie-authenticated POST must show it comes from this site: a same-origin ``Origin`` header or an
``X-Requested-With`` header (a cross-site form can send neither). A bearer-token call need not: a browser
never attaches the token by itself.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.concurrency import run_in_threadpool

from bot.curation.roles import Action, allowed
from bot.curation.service import CuratorInputError, CuratorService, Forbidden, NotAuthorised
from bot.curation.workflow import AssignmentView, NotFound, WorkflowInputError
from bot.web.gate import API_PREFIX, SCOPE_USER, SCOPE_VIA, VIA_COOKIE, identify
from bot.web.guard import same_origin
from knowledge import texts
from knowledge.errors import IllegalTransition, StoreError
from knowledge.stores.curated import CuratedAnswer
from knowledge.stores.tickets import Ticket
from knowledge.types import AssignmentStatus, Role

log = logging.getLogger(__name__)

_MAX_ID = 2**62
_ASSIGNMENT_FILTERS = {"open": AssignmentStatus.OPEN, "done": AssignmentStatus.DONE,
                       "cancelled": AssignmentStatus.CANCELLED, "all": None}


class _Problem(Exception):
    """A refusal decided here (not by the workflow): its HTTP status and Chinese message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


# ---- request bodies ---------------------------------------------------------------------------------
class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class AssignIn(_Body):
    group: str = Field(min_length=1, max_length=64)
    expert: str = Field(min_length=1, max_length=64)
    due: dt.datetime | None = Field(default=None, strict=False)  # ISO 8601; without a zone: UTC


class DraftIn(_Body):
    id: int | None = Field(default=None, ge=1, lt=_MAX_ID)  # edit this answer instead of creating one
    question: str = Field(max_length=2000)
    answer: str = Field(max_length=8000)
    phrasings: list[str] = Field(default_factory=list, max_length=100)
    articles: list[str] = Field(default_factory=list, max_length=50)
    tickets: list[str] = Field(default_factory=list, max_length=500)
    assignment: int | None = Field(default=None, ge=1, lt=_MAX_ID)
    expert_opinion: bool = False


class ReturnIn(_Body):
    comment: str = Field(max_length=2000)


async def _parse(request: Request, model: type[BaseModel]) -> Any:
    raw = await request.body()
    try:
        data = json.loads(raw or b"null")
    except (ValueError, UnicodeDecodeError):
        raise _Problem(400, texts.API_BAD_JSON) from None
    if not isinstance(data, dict):
        raise _Problem(400, texts.API_BAD_JSON)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        if first.get("type") == "extra_forbidden":
            raise _Problem(400, texts.API_UNKNOWN_FIELD) from None
        loc = first.get("loc") or ("",)
        name = str(loc[0])
        field = name if name in model.model_fields else "?"  # only names of our own schema, never input
        raise _Problem(400, texts.API_BAD_FIELD.format(field=field)) from None


def _id(raw: str, missing: str) -> int:
    """A path id; anything that cannot be one is simply an id that does not exist (404)."""
    if not raw.isdigit() or len(raw) > 18 or int(raw) < 1:
        raise _Problem(404, missing)
    return int(raw)


def _int_query(request: Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise _Problem(400, texts.API_BAD_QUERY.format(name=name))
    return int(raw)


def _utc(when: dt.datetime | None) -> dt.datetime | None:
    """The stores keep naive UTC datetimes."""
    if when is None or when.tzinfo is None:
        return when
    return when.astimezone(dt.UTC).replace(tzinfo=None)


def _iso(when: dt.datetime | dt.date | None) -> str | None:
    if when is None:
        return None
    return when.isoformat() + ("Z" if isinstance(when, dt.datetime) else "")


# ---- response bodies ------------------------------------------------------------------------------
def _ticket_json(t: Ticket) -> dict[str, object]:
    return {"code": t.code, "status": t.status, "status_label": texts.TICKET_STATUS.get(t.status, t.status)}


def answer_json(a: CuratedAnswer, tickets: list[Ticket]) -> dict[str, object]:
    return {"id": a.id, "status": a.status, "status_label": texts.STATUS_LABELS.get(a.status, a.status),
            "question": a.question, "phrasings": list(a.paraphrases), "answer": a.answer,
            "articles": list(a.articles), "expert_opinion": a.expert_opinion or None, "author": a.author or None,
            "reviewer": a.reviewer or None, "review_comment": a.review_comment or None,
            "review_by": _iso(a.review_by), "updated_at": _iso(a.updated_at),
            "tickets": [_ticket_json(t) for t in tickets]}


def assignment_json(view: AssignmentView) -> dict[str, object]:
    a = view.assignment
    draft = view.draft
    return {"id": a.id, "question": a.question, "expert": a.expert, "topic": a.topic or None, "status": a.status,
            "due_at": _iso(a.due_at), "overdue": view.overdue, "assigned_by": a.assigned_by,
            "assigned_at": _iso(a.assigned_at), "done_at": _iso(a.done_at),
            "answer": {"id": draft.id, "status": draft.status} if draft is not None else None,
            "tickets": [_ticket_json(t) for t in view.tickets]}


# ---- the routes ---------------------------------------------------------------------------------------
class CurationApi:
    """The calls, each a plain function of (actor, parsed body, request) → (status, JSON), run off the event
    loop; :meth:`respond` turns the workflow's errors into HTTP statuses."""

    def __init__(self, curator: CuratorService) -> None:
        self.curator = curator
        self.flow = curator.workflow
        self.tickets = curator.store.tickets

    # -- plumbing --
    def _who(self, request: Request) -> tuple[str | None, str]:
        scope = request.scope
        if SCOPE_USER in scope:
            return scope[SCOPE_USER], scope.get(SCOPE_VIA, VIA_COOKIE)
        return identify(self.curator.accounts, scope.get("path", ""), scope.get("headers", []))

    @staticmethod
    def _from_this_site(request: Request) -> bool:
        origin = request.headers.get("origin")
        if origin is not None and origin != "null":
            return same_origin(origin, request.headers.get("host"))
        return bool(request.headers.get("x-requested-with"))

    async def respond(self, request: Request, work: Callable[[str, Any], tuple[int, object]],
                      model: type[BaseModel] | None = None) -> JSONResponse:
        try:
            actor, via = await run_in_threadpool(self._who, request)
            if actor is None:
                raise NotAuthorised(texts.LOGIN_REQUIRED)
            if request.method != "GET" and via == VIA_COOKIE and not self._from_this_site(request):
                raise _Problem(403, texts.API_CSRF_REQUIRED)
            body = await _parse(request, model) if model is not None else None
            status, payload = await run_in_threadpool(work, actor, body)
        except _Problem as exc:
            status, payload = exc.status, {"error": str(exc)}
        except Forbidden as exc:
            status, payload = 403, {"error": str(exc)}
        except NotAuthorised as exc:
            status, payload = 401, {"error": str(exc)}
        except NotFound as exc:
            status, payload = 404, {"error": str(exc)}
        except IllegalTransition as exc:
            status, payload = 409, {"error": str(exc)}
        except (WorkflowInputError, CuratorInputError) as exc:
            status, payload = 400, {"error": str(exc)}
        except StoreError:
            log.exception("curation API: store unavailable")
            status, payload = 503, {"error": texts.STORE_UNAVAILABLE}
        headers = {"Cache-Control": "no-store"}
        if status == 401:
            headers["WWW-Authenticate"] = "Bearer"
        return JSONResponse(payload, status_code=status, headers=headers)

    def _answer(self, answer: CuratedAnswer) -> dict[str, object]:
        return answer_json(answer, self.tickets.of_answer(answer.id))

    # -- calls: (actor, body) → (status, JSON); path and query are read inside, after the login check --
    def queue(self, actor: str, request: Request) -> tuple[int, object]:
        groups = self.flow.queue(actor, _int_query(request, "days", 30, 1, 3650))
        return 200, {"groups": [dataclasses.asdict(g) for g in groups]}

    def assign(self, actor: str, body: AssignIn) -> tuple[int, object]:
        self.curator.require(actor, Action.ASSIGN)  # the role first: a wrong role learns nothing about experts
        info = self.curator.accounts.info(body.expert)
        if info is None or not info.active or Role.EXPERT not in info.roles:
            raise _Problem(400, texts.API_NOT_AN_EXPERT)  # the workflow's message would repeat the name sent
        made = self.flow.assign(actor, body.group, body.expert, _utc(body.due))
        view = next((v for v in self.flow.assignments(actor, None) if v.assignment.id == made.id), None)
        if view is None:  # pragma: no cover - the assignment was just written
            raise NotFound(texts.WORKFLOW_NO_ASSIGNMENT)
        return 201, assignment_json(view)

    def assignments(self, actor: str, request: Request) -> tuple[int, object]:
        wanted = request.query_params.get("status", "open")
        if wanted not in _ASSIGNMENT_FILTERS:
            raise _Problem(400, texts.API_BAD_QUERY.format(name="status"))
        views = self.flow.assignments(actor, _ASSIGNMENT_FILTERS[wanted])
        return 200, {"assignments": [assignment_json(v) for v in views]}

    def save(self, actor: str, body: DraftIn) -> tuple[int, object]:
        saved = self.flow.save_draft(actor, body.question, body.answer, body.phrasings, body.articles,
                                     assignment_id=body.assignment, answer_id=body.id,
                                     expert_opinion=body.expert_opinion, tickets=body.tickets)
        return (201 if body.id is None else 200), self._answer(saved)

    def read(self, actor: str, raw_id: str) -> tuple[int, object]:
        self.curator.require(actor, Action.CONSOLE)
        found = self.curator.store.answers.get(_id(raw_id, texts.WORKFLOW_NO_ANSWER))
        # Like assignments: those who see everyone's work see every answer; an expert sees their own.
        if found is None or (found.author != actor
                             and not allowed(self.curator.roles(actor), Action.ASSIGNMENTS_ALL)):
            raise NotFound(texts.WORKFLOW_NO_ANSWER)
        return 200, self._answer(found)

    def step(self, actor: str, raw_id: str, kind: str, body: ReturnIn | None) -> tuple[int, object]:
        answer_id = _id(raw_id, texts.WORKFLOW_NO_ANSWER)
        if kind == "submit":
            changed = self.flow.submit(actor, answer_id)
        elif kind == "publish":
            changed = self.flow.publish(actor, answer_id)
        else:
            assert body is not None
            changed = self.flow.send_back(actor, answer_id, body.comment)
        return 200, self._answer(changed)

    def timeliness(self, actor: str, request: Request) -> tuple[int, object]:
        found = self.flow.timeliness(actor, _int_query(request, "days", 30, 1, 3650))
        return 200, dataclasses.asdict(found)


def _no_route(_actor: str, _body: object) -> tuple[int, object]:
    raise _Problem(404, texts.API_NO_ROUTE)


def add_curation_api(app: FastAPI, curator: CuratorService) -> None:
    """The ``/curator/api`` routes (docs/api.md). Add them before the console is mounted at ``/curator``."""
    api = CurationApi(curator)

    @app.get(f"{API_PREFIX}/queue", include_in_schema=False)
    async def queue(request: Request) -> JSONResponse:
        return await api.respond(request, lambda actor, _: api.queue(actor, request))

    @app.post(f"{API_PREFIX}/assignments", include_in_schema=False)
    async def assign(request: Request) -> JSONResponse:
        return await api.respond(request, api.assign, AssignIn)

    @app.get(f"{API_PREFIX}/assignments", include_in_schema=False)
    async def assignments(request: Request) -> JSONResponse:
        return await api.respond(request, lambda actor, _: api.assignments(actor, request))

    @app.post(f"{API_PREFIX}/answers", include_in_schema=False)
    async def save(request: Request) -> JSONResponse:
        return await api.respond(request, api.save, DraftIn)

    @app.get(f"{API_PREFIX}/answers/{{answer_id}}", include_in_schema=False)
    async def read(request: Request, answer_id: str) -> JSONResponse:
        return await api.respond(request, lambda actor, _: api.read(actor, answer_id))

    @app.post(f"{API_PREFIX}/answers/{{answer_id}}/{{kind}}", include_in_schema=False)
    async def step(request: Request, answer_id: str, kind: str) -> JSONResponse:
        if kind not in ("submit", "publish", "return"):
            return await api.respond(request, _no_route)
        return await api.respond(request, lambda actor, body: api.step(actor, answer_id, kind, body),
                                 ReturnIn if kind == "return" else None)

    @app.get(f"{API_PREFIX}/timeliness", include_in_schema=False)
    async def timeliness(request: Request) -> JSONResponse:
        return await api.respond(request, lambda actor, _: api.timeliness(actor, request))

    @app.api_route(f"{API_PREFIX}/{{rest:path}}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
                   include_in_schema=False)
    async def unknown(request: Request, rest: str) -> JSONResponse:  # not the console's Gradio 404 page
        return await api.respond(request, _no_route)
