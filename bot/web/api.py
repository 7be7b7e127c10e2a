"""The plain JSON API: ``POST /api/ask`` (and the ticket lookups of bot/web/tickets.py). Validation, bounds and
rate limits here; answering in the service."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import SQLAlchemyError

from bot.engine.service import AnswerService
from bot.engine.types import Answer
from bot.web.answer_pages import page_path, request_site_url, snapshot
from bot.web.ratelimit import RateLimiter, client_address
from bot.web.tickets import add_ticket_api
from knowledge import texts
from knowledge.errors import QuestionError, ServiceBusy, StoreError
from knowledge.stores.answer_pages import AnswerPages

if TYPE_CHECKING:
    from bot.curation.workflow import Workflow

log = logging.getLogger(__name__)


class AskRequest(BaseModel):
    """Sizes are bounded by the request-body limit; the question limit and the history bounds are the
    answer service's (one rule, one place)."""

    question: str
    history: list[tuple[str, str]] = Field(default_factory=list)


def _link(service: AnswerService, pages: AnswerPages | None, answer: Answer, request: Request) -> str | None:
    """The answer's permanent page (``/a/{id}``, absolute), or None: no page for this kind of answer
    (bot/web/answer_pages.py), or the page could not be stored (the answer is still given)."""
    if pages is None:
        return None
    try:
        page = snapshot(service, pages, answer)
    except (StoreError, SQLAlchemyError):
        log.exception("could not store the answer page")
        return None
    return request_site_url(request) + page_path(page.id) if page is not None else None


def add_api(app: FastAPI, service: AnswerService, limiter: RateLimiter, trusted: frozenset[str],
            workflow: Workflow | None = None) -> None:
    """``POST /api/ask``; with ``workflow`` also the citizen's ticket lookups (bot/web/tickets.py)."""
    if workflow is not None:
        add_ticket_api(app, workflow, limiter, trusted)
    pages = AnswerPages(service.store.db) if service.store is not None else None

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, _exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"error": texts.BAD_REQUEST}, status_code=400)  # never echo the input back

    @app.post("/api/ask")
    def ask(req: AskRequest, request: Request) -> JSONResponse:
        address = client_address(request.client.host if request.client else None, request.headers.items(), trusted)
        verdict = limiter.check("questions", address)
        if not verdict.allowed:
            return JSONResponse({"error": texts.RATE_LIMITED.format(seconds=verdict.retry_after)}, status_code=429,
                                headers={"Retry-After": str(verdict.retry_after)})
        try:
            answer = service.ask(req.question, req.history)
        except QuestionError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        except ServiceBusy as exc:  # every answering slot taken, or the answer budget spent: ask again soon
            return JSONResponse({"error": str(exc)}, status_code=503, headers={"Retry-After": "2"})
        except StoreError:
            log.exception("knowledge base unavailable")
            return JSONResponse({"error": texts.STORE_UNAVAILABLE}, status_code=503)
        return JSONResponse({
            "answer": answer.full_text,
            "mode": answer.mode.value,
            "safety": answer.triage.as_dict(),
            "suggestions": answer.suggestions,  # 你是不是想问: reviewed questions close to this one
            "related": answer.related,  # 你可能还想问: reviewed questions to ask next
            "generated_by": answer.generated_by or None,
            "citations": [{"title": c.title, "source": c.source, "snippet": c.snippet, "score": round(c.score, 4)}
                          for c in answer.citations],
            "link": _link(service, pages, answer, request),
            "ticket": answer.ticket or None,  # a declined question's code: GET /api/tickets/{code} follows it
        })
