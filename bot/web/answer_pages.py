"""Permanent answer pages: ``GET /a/{id}`` (plain HTML, no Gradio) and ``GET /a/{id}/card.png`` (the share card),
and the snapshot of an answer they show.

Which answers get a page: reviewed (curated), quoted (extractive) and AI-written (llm) answers. A no-answer
has nothing to keep, and safety-only or blocked replies are never made shareable: a self-harm message or a
refusal is meant for the person who asked, at that moment, not for a link that travels.

Absolute URLs (the QR code, the ``link`` of ``POST /api/ask``) are built from the request: the Host header,
or ``Forwarded`` / ``X-Forwarded-Proto`` / ``X-Forwarded-Host`` — which reach this code only from a trusted
proxy, because the Guard drops them from anybody else (bot/web/guard.py).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Mapping
from enum import StrEnum

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response

from bot.engine import safety
from bot.engine.service import AnswerService, public_source
from bot.engine.types import Answer, Mode
from bot.web import page_html
from bot.web.share import ShareCards
from knowledge import texts
from knowledge.errors import AskScienceError
from knowledge.index.base import KnowledgeBase
from knowledge.privacy import redact
from knowledge.stores.answer_pages import AnswerPage, AnswerPages, PageCitation, PageContent
from knowledge.stores.curated import CuratedAnswer
from knowledge.types import AnswerStatus

log = logging.getLogger(__name__)
PAGED_MODES = frozenset({Mode.CURATED, Mode.EXTRACTIVE, Mode.LLM})
_HOST = re.compile(r"[A-Za-z0-9][A-Za-z0-9.-]{0,252}(?::\d{1,5})?|\[[0-9A-Fa-f:.]{2,45}\](?::\d{1,5})?")
_PREFIX = re.compile(r"(?:/[A-Za-z0-9._~-]+)*")


class Standing(StrEnum):
    """How a page stands against the reviewed answer behind it today."""

    CURRENT = "current"  # still published as it was (or not a reviewed answer at all)
    WITHDRAWN = "withdrawn"  # retired, back to draft, or gone
    REVISED = "revised"  # still published, but its text has changed since


_WARNINGS = {Standing.WITHDRAWN: texts.SHARE_WITHDRAWN, Standing.REVISED: texts.SHARE_REVISED}


# ---- absolute URLs ---------------------------------------------------------------------------------------
def _first(value: str | None) -> str:
    return (value or "").split(",")[0].strip()


def site_url(scheme: str, headers: Mapping[str, str] | Iterable[tuple[str, str]], fallback_host: str,
             root_path: str = "") -> str:
    """``scheme://host[/prefix]`` of this site as the client reached it. Forwarded values are taken as they
    come (only a trusted proxy's survive the Guard) but must look like a scheme, a host and a path."""
    items = headers.items() if isinstance(headers, Mapping) else headers
    found = {k.lower(): v for k, v in items}
    proto, host, prefix = "", "", ""
    forwarded = _first(found.get("forwarded"))
    for part in forwarded.split(";"):
        key, _, value = part.strip().partition("=")
        if key.lower() == "proto":
            proto = value.strip('"')
        elif key.lower() == "host":
            host = value.strip('"')
    proto = proto or _first(found.get("x-forwarded-proto"))
    host = host or _first(found.get("x-forwarded-host"))
    prefix = _first(found.get("x-forwarded-prefix")).rstrip("/")
    root_path = root_path.rstrip("/")
    if proto.lower() not in ("http", "https"):
        proto = scheme if scheme in ("http", "https") else "http"
    for candidate in (host, found.get("host", ""), fallback_host):
        if candidate and _HOST.fullmatch(candidate):
            host = candidate
            break
    else:
        host = "localhost"
    path = (prefix if prefix and _PREFIX.fullmatch(prefix) else root_path if _PREFIX.fullmatch(root_path) else "")
    return f"{proto.lower()}://{host}{path}"


def request_site_url(request: Request) -> str:
    """:func:`site_url` for a Starlette request (any route, also one under a mounted app)."""
    server = request.scope.get("server") or ("localhost", None)
    fallback = f"{server[0]}:{server[1]}" if server[1] else str(server[0])
    root = str(request.scope.get("app_root_path", request.scope.get("root_path", "")) or "")
    return site_url(request.url.scheme, request.headers.items(), fallback, root)


def page_path(page_id: str) -> str:
    return f"/a/{page_id}"


def card_path(page_id: str) -> str:
    return f"/a/{page_id}/card.png"


# ---- snapshots -------------------------------------------------------------------------------------------
def _citations(answer: Answer) -> tuple[PageCitation, ...]:
    return tuple(PageCitation(c.number, c.title, c.source, c.snippet, c.reviewer, c.reviewed_at)
                 for c in answer.citations)


def content_of(answer: Answer, curated: CuratedAnswer | None = None,
               public_name: Callable[[str], str] = lambda name: name) -> PageContent | None:
    """What the answer's page shows, or None for an answer that gets no page (see the module docstring).
    ``curated`` is the reviewed answer behind a curated reply (its verdict and review date)."""
    if answer.mode not in PAGED_MODES:
        return None
    reviewed = answer.mode == Mode.CURATED and curated is not None
    return PageContent(
        question=redact(answer.question).text, answer=answer.text, mode=answer.mode.value,
        citations=_citations(answer), verdict=curated.verdict if reviewed and curated else "",
        curated_id=answer.curated_id, generated_by=answer.generated_by, safety=answer.safety, notice=answer.notice,
        reviewer=public_name(curated.reviewer) if reviewed and curated else "",
        reviewed_at=f"{curated.updated_at:%Y-%m-%d}" if reviewed and curated else "")


def snapshot(service: AnswerService, pages: AnswerPages, answer: Answer) -> AnswerPage | None:
    """The page of an answer the service just gave (created, or the identical one reused); None when the
    answer gets no page."""
    curated = (service.store.answers.get(answer.curated_id)
               if answer.curated_id is not None and service.store is not None else None)
    content = content_of(answer, curated, service.public_name)
    return pages.create(content) if content is not None else None


def curated_content(curated: CuratedAnswer, kb: KnowledgeBase, public_name: Callable[[str], str]) -> PageContent:
    """The page a reviewed answer gets when it is printed (a poster's QR code): what a citizen reads who
    asks its question in those words — the engine's reviewed reply (AnswerService._curated_answer, with the
    medical note where the engine adds one), so the two share one page."""
    chunks = kb.find(article_id=list(curated.articles), position=0) if curated.articles else []
    found = {c.extra.get("article_id"): c for c in chunks}
    reviewer = public_name(curated.reviewer)
    citations = []
    topics = []
    for number, article in enumerate(curated.articles, start=1):
        chunk = found.get(article)
        if chunk is not None:
            citations.append(PageCitation(number, chunk.title, public_source(chunk), chunk.text, reviewer,
                                          chunk.extra.get("reviewed_at", "")))
            topics.append(chunk.extra.get("topic", ""))
    text = curated.answer + "".join(f"[{c.number}]" for c in citations)
    if curated.verdict and curated.claim:
        says = texts.VERDICT_SAYS.get(curated.verdict, texts.VERDICT_LINE.format(verdict=curated.verdict))
        text = texts.VERDICT_CLAIM.format(claim=curated.claim.rstrip("。？?！!"), says=says) + text
    elif curated.verdict:
        text = texts.VERDICT_LINE.format(verdict=curated.verdict) + text
    if safety.is_medical(curated.question) or any(t in safety.MEDICAL_TOPICS for t in topics):
        text = f"{text}\n{texts.MEDICAL_DISCLAIMER}"
    return PageContent(
        question=redact(curated.question).text, answer=text, mode=Mode.CURATED.value, citations=tuple(citations),
        verdict=curated.verdict, curated_id=curated.id, notice=texts.CURATED_NOTICE, reviewer=reviewer,
        reviewed_at=f"{curated.updated_at:%Y-%m-%d}")


def standing(service: AnswerService, page: AnswerPage) -> Standing:
    """Is the reviewed answer behind a page still what the page says?"""
    if page.content.curated_id is None or service.store is None:
        return Standing.CURRENT
    now = service.store.answers.get(page.content.curated_id)
    if now is None or now.status != AnswerStatus.PUBLISHED:
        return Standing.WITHDRAWN
    shown = page.content.answer
    if shown.startswith(texts.PERSONAL_MEDICAL_WITHHELD):  # the reviewed text was never shown: nothing to compare
        return Standing.CURRENT
    return Standing.CURRENT if now.answer in shown else Standing.REVISED


# ---- routes ----------------------------------------------------------------------------------------------
def add_answer_pages(app: FastAPI, service: AnswerService, pages: AnswerPages,
                     cards: ShareCards | None = None) -> None:
    """``GET /a/{id}`` and ``GET /a/{id}/card.png``."""
    cards = cards or ShareCards()

    @app.get("/a/{page_id}", include_in_schema=False)
    def answer_page(page_id: str, request: Request) -> Response:
        site = request_site_url(request)
        page = pages.get(page_id)
        if page is None:
            return HTMLResponse(page_html.not_found(site + "/"), status_code=404, headers={"Cache-Control": "no-cache"})
        warning = _WARNINGS.get(standing(service, page), "")
        body = page_html.answer_page(page, warning, site + page_path(page.id), site + card_path(page.id), site + "/")
        return HTMLResponse(body, headers={"Cache-Control": "no-cache"})

    @app.get("/a/{page_id}/card.png", include_in_schema=False)
    def answer_card(page_id: str, request: Request) -> Response:
        site = request_site_url(request)
        page = pages.get(page_id)
        if page is None:
            return HTMLResponse(page_html.not_found(site + "/"), status_code=404)
        url = site + page_path(page.id)
        try:
            png = cards.card_png(page.content, url, standing(service, page) == Standing.WITHDRAWN)
        except AskScienceError as exc:  # no CJK font on this machine: say what to install
            log.error("share card unavailable: %s", exc)
            return Response(str(exc), status_code=503, media_type="text/plain; charset=utf-8")
        return Response(png, media_type="image/png", headers={"Cache-Control": "public, max-age=300"})
