"""The citizen's side of tickets: ``GET /api/tickets/{code}``, ``POST /api/tickets`` and what 我的提问 shows.

A ticket code is the only key to the answer a citizen is waiting for, so nothing here says whether a code
ever existed: an unknown and a malformed code get the same 404 with the same body, and every lookup counts
against the address's question limit (bot/web/ratelimit.py), which bounds guessing as it bounds asking.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import SQLAlchemyError

from bot.web.ratelimit import RateLimiter, Verdict, client_address
from bot.web.render import render_question
from knowledge import texts
from knowledge.errors import StoreError
from knowledge.stores.tickets import normalise_code

if TYPE_CHECKING:
    from bot.curation.workflow import Workflow

log = logging.getLogger(__name__)
MAX_CODES = 50  # codes per list request, and codes one browser keeps
_PRIVATE = {"Cache-Control": "no-store"}  # what a code unlocks is nobody else's (shared caches, back button)


class TicketsRequest(BaseModel):
    codes: list[str] = Field(max_length=MAX_CODES)


class TicketsUnavailable(Exception):
    """The ticket store could not be read (logged); the citizen is told to try again."""


@dataclass(frozen=True)
class Lookup:
    """One code as 我的提问 lists it: the ticket as its holder may read it, or None when there is none."""

    code: str
    ticket: dict[str, object] | None


def remember(codes: Sequence[str], new: Iterable[str], limit: int = MAX_CODES) -> list[str]:
    """The codes a browser keeps, newest first: ``new`` (in the order they came, the last is the newest) before
    ``codes``, each once and canonical, at most ``limit`` (the oldest drop out)."""
    merged: dict[str, None] = {}
    for code in [*reversed(list(new)), *codes]:  # a browser's codes come back from the browser: anything
        canonical = normalise_code(code) if isinstance(code, str) else None
        if canonical is not None:
            merged.setdefault(canonical, None)
    return list(merged)[:limit]


def lookup(workflow: Workflow, codes: Sequence[str]) -> list[Lookup]:
    """Every code given, in order, with what its holder may read (None: no such ticket)."""
    wanted = remember(codes, ())
    try:
        found = {v.code: v.as_dict() for v in workflow.tickets_for(wanted)}
    except (StoreError, SQLAlchemyError) as exc:
        log.exception("could not read tickets")
        raise TicketsUnavailable from exc
    return [Lookup(c, found.get(c)) for c in wanted]


def ticket_card(item: Lookup) -> str:
    """One ticket as Markdown for 我的提问: code and status, the question, and the reviewed answer with its
    sources once there is one. Everything from the store is escaped (it was typed by citizens and curators)."""
    head = f"### {texts.MY_QUESTIONS_CODE.format(code=f'`{item.code}`')}"  # monospace: 2/Z, 7/T stay apart
    t = item.ticket
    if t is None:
        return f"{head}\n\n**{texts.MY_QUESTIONS_UNKNOWN}**"
    status = str(t["status"])
    parts = [f"{head} · **{t['status_label']}**",
             f"{texts.MY_QUESTIONS_QUESTION}{render_question(str(t['question']))}"]
    if t.get("answer"):
        when = texts.MY_QUESTIONS_ANSWERED_ON.format(date=t["answered_at"]) if t.get("answered_at") else ""
        parts.append(f"**{texts.MY_QUESTIONS_ANSWER}**{when}\n\n{render_question(str(t['answer']))}")
        titles = [render_question(str(c.get("title", ""))) for c in t.get("citations") or [] if isinstance(c, dict)]
        if titles:
            parts.append(texts.MY_QUESTIONS_SOURCES + "、".join(x for x in titles if x))
    elif status in texts.MY_QUESTIONS_WAITING:
        parts.append(texts.MY_QUESTIONS_WAITING[status])
    return "\n\n".join(parts)


def _limited(verdict: Verdict) -> JSONResponse:
    return JSONResponse({"error": texts.RATE_LIMITED.format(seconds=verdict.retry_after)}, status_code=429,
                        headers={"Retry-After": str(verdict.retry_after)})


def add_ticket_api(app: FastAPI, workflow: Workflow, limiter: RateLimiter, trusted: frozenset[str]) -> None:
    """``GET /api/tickets/{code}`` (one ticket) and ``POST /api/tickets`` with ``{"codes": [...]}`` (at most
    :data:`MAX_CODES`; the tickets that exist, in the order asked). Each request counts as one question."""

    def verdict(request: Request) -> Verdict:
        address = client_address(request.client.host if request.client else None, request.headers.items(), trusted)
        return limiter.check("questions", address)

    def unavailable() -> JSONResponse:
        return JSONResponse({"error": texts.STORE_UNAVAILABLE}, status_code=503)

    @app.get("/api/tickets/{code}")
    def one_ticket(code: str, request: Request) -> JSONResponse:
        checked = verdict(request)
        if not checked.allowed:
            return _limited(checked)
        try:
            found = lookup(workflow, [code])
        except TicketsUnavailable:
            return unavailable()
        if not found or found[0].ticket is None:
            return JSONResponse({"error": texts.TICKET_NOT_FOUND}, status_code=404, headers=_PRIVATE)
        return JSONResponse(found[0].ticket, headers=_PRIVATE)

    @app.post("/api/tickets")
    def many_tickets(req: TicketsRequest, request: Request) -> JSONResponse:
        checked = verdict(request)
        if not checked.allowed:
            return _limited(checked)
        try:
            found = lookup(workflow, req.codes)
        except TicketsUnavailable:
            return unavailable()
        return JSONResponse({"tickets": [f.ticket for f in found if f.ticket is not None]}, headers=_PRIVATE)
