"""Permanent answer pages: a snapshot of what a citizen read, under a short id that opens later (``/a/{id}``).

A page is never changed after it is written, and the question-log retention leaves it alone. The id is
10 characters of base32 (``a``–``z``, ``2``–``7``, 50 bits) of SHA-256 over the content and a random salt,
so it says nothing about the content and cannot be enumerated. The very same snapshot — same question,
answer, sources, verdict, review line and label — reuses its page (the content hash is unique): a
reviewed answer asked in the same words a thousand times, or printed on a poster twice, keeps one link.
Anything that differs (another wording of the question, a re-reviewed answer) gets a page of its own.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import re
import secrets
import threading
from collections import OrderedDict
from dataclasses import asdict, dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from knowledge.errors import StoreError
from knowledge.stores.database import Database
from knowledge.stores.models import AnswerPageRow

ID_LENGTH = 10
_ID = re.compile(rf"[a-z2-7]{{{ID_LENGTH}}}")
_ATTEMPTS = 5


@dataclass(frozen=True)
class PageCitation:
    number: int
    title: str
    source: str
    snippet: str
    reviewer: str = ""
    reviewed_at: str = ""


@dataclass(frozen=True)
class PageContent:
    """What the page shows. ``question`` must already be redacted of personal data."""

    question: str
    answer: str
    mode: str
    citations: tuple[PageCitation, ...] = ()
    verdict: str = ""
    curated_id: int | None = None
    generated_by: str = ""  # the LLM model that wrote the answer; empty for quoted and reviewed answers
    safety: str = ""  # the safety message a citizen read first (number and first steps), if any
    notice: str = ""
    reviewer: str = ""  # public name of the reviewer (reviewed answers)
    reviewed_at: str = ""  # date of the last review, YYYY-MM-DD (reviewed answers)

    def fingerprint(self) -> str:
        canonical = json.dumps(asdict(self), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class AnswerPage:
    id: str
    content: PageContent
    created_at: dt.datetime


def valid_id(page_id: str) -> bool:
    """Could this be a page id at all? (Checked before any database read.)"""
    return bool(_ID.fullmatch(page_id or ""))


def _new_id(fingerprint: str) -> str:
    digest = hashlib.sha256(fingerprint.encode() + secrets.token_bytes(16)).digest()
    return base64.b32encode(digest).decode().lower()[:ID_LENGTH]


def _to_page(row: AnswerPageRow) -> AnswerPage:
    citations = tuple(PageCitation(**c) for c in json.loads(row.citations or "[]"))
    content = PageContent(row.question, row.answer, row.mode, citations, row.verdict or "", row.curated_id,
                          row.generated_by or "", row.safety or "", row.notice or "", row.reviewer or "",
                          row.reviewed_at or "")
    return AnswerPage(row.id, content, row.created_at)


_KNOWN_PAGES = 4096  # fingerprints remembered in memory: pages are permanent and never change


class AnswerPages:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._known: OrderedDict[str, AnswerPage] = OrderedDict()  # fingerprint -> its page, latest last
        self._known_lock = threading.Lock()

    def create(self, content: PageContent) -> AnswerPage:
        """The page showing ``content``: the existing one for an identical snapshot, else a new one."""
        fingerprint = content.fingerprint()
        with self._known_lock:
            if (known := self._known.get(fingerprint)) is not None:
                self._known.move_to_end(fingerprint)
                return known
        page = self._create(content, fingerprint)
        with self._known_lock:
            self._known[fingerprint] = page
            while len(self._known) > _KNOWN_PAGES:
                self._known.popitem(last=False)
        return page

    def _create(self, content: PageContent, fingerprint: str) -> AnswerPage:
        for _ in range(_ATTEMPTS):
            existing = self._by_fingerprint(fingerprint)
            if existing is not None:
                return existing
            row = AnswerPageRow(
                id=_new_id(fingerprint), content_hash=fingerprint, question=content.question, answer=content.answer,
                mode=content.mode, citations=json.dumps([asdict(c) for c in content.citations], ensure_ascii=False),
                verdict=content.verdict, curated_id=content.curated_id, generated_by=content.generated_by,
                safety=content.safety, notice=content.notice, reviewer=content.reviewer,
                reviewed_at=content.reviewed_at)
            try:
                with self._db.session() as s, s.begin():
                    s.add(row)
                    s.flush()
                    return _to_page(row)
            except IntegrityError:  # the same snapshot written at this moment elsewhere, or (rarely) an id taken
                continue
        raise StoreError("could not store an answer page")

    def get(self, page_id: str) -> AnswerPage | None:
        if not valid_id(page_id):
            return None
        with self._db.session() as s:
            row = s.get(AnswerPageRow, page_id)
            return _to_page(row) if row is not None else None

    def _by_fingerprint(self, fingerprint: str) -> AnswerPage | None:
        with self._db.session() as s:
            row = s.scalars(select(AnswerPageRow).where(AnswerPageRow.content_hash == fingerprint)).first()
            return _to_page(row) if row is not None else None

    def count(self) -> int:
        with self._db.session() as s:
            return int(s.scalar(select(func.count(AnswerPageRow.id))) or 0)
