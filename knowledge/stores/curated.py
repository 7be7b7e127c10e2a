"""Curated answers: reviewed Q&A with their draft → published → retired life cycle. Every change is
written in one transaction with its audit entry, so a crash never leaves a half-published answer."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from knowledge import texts
from knowledge.errors import IllegalTransition, StoreError
from knowledge.normal import fold_key
from knowledge.stores.audit import record
from knowledge.stores.database import Database
from knowledge.stores.models import CuratedAnswerRow, utcnow
from knowledge.stores.tickets import answer_tickets
from knowledge.types import AnswerStatus


@dataclass(frozen=True)
class CuratedAnswer:
    id: int
    key: str
    question: str
    paraphrases: tuple[str, ...]
    answer: str
    articles: tuple[str, ...]
    verdict: str
    status: str
    reviewer: str
    updated_at: dt.datetime
    claim: str = ""  # the statement a verdict judges ("喝醋能软化血管"); empty without a verdict
    review_by: dt.date | None = None  # when a curator should check it again (None: no date set)
    author: str = ""  # who wrote the current text (four-eyes review: someone else publishes it)
    expert_opinion: str = ""  # 专家意见: the expert's public name, when the answer rests on their judgement
    review_comment: str = ""  # why a reviewer returned it

    @property
    def phrasings(self) -> tuple[str, ...]:
        return (self.question, *self.paraphrases)


def _to_answer(row: CuratedAnswerRow) -> CuratedAnswer:
    return CuratedAnswer(
        row.id, row.key, row.question, tuple(json.loads(row.paraphrases or "[]")), row.answer,
        tuple(json.loads(row.articles or "[]")), row.verdict or "", row.status, row.reviewer or "", row.updated_at,
        row.claim or "", row.review_by.date() if row.review_by else None, row.author or "",
        row.expert_opinion or "", row.review_comment or "",
    )


STATUSES = tuple(AnswerStatus)


def _at_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day)


def question_key(question: str) -> str:
    """What makes two written questions "the same question" for an import: width, case, spacing and the
    closing question mark or full stop do not count."""
    return "".join(fold_key(question).split()).rstrip("?!.。")


@dataclass(frozen=True)
class ImportRow:
    """One reviewed Q&A for :meth:`CuratedAnswers.import_rows`: it updates the answer whose question is the
    same (:func:`question_key`), or becomes a new one."""

    question: str
    answer: str
    paraphrases: tuple[str, ...] = ()
    articles: tuple[str, ...] = ()
    verdict: str = ""
    claim: str = ""
    review_by: dt.date | None = None


@dataclass(frozen=True)
class ImportWritten:
    answer: CuratedAnswer
    created: bool  # False: an existing answer with the same question was updated


def _preferred(row: CuratedAnswerRow, other: CuratedAnswerRow) -> bool:
    """Of two answers with the same question, an import updates the published one, else the newest."""
    live = AnswerStatus.PUBLISHED
    return (row.status == live, row.updated_at, row.id) > (other.status == live, other.updated_at, other.id)


def _write_import(s: Session, row: CuratedAnswerRow, item: ImportRow, actor: str, publish: bool,
                  now: dt.datetime) -> None:
    row.question, row.answer, row.verdict, row.claim = item.question, item.answer, item.verdict, item.claim
    row.paraphrases = json.dumps(list(item.paraphrases), ensure_ascii=False)
    row.articles = json.dumps(list(item.articles), ensure_ascii=False)
    row.review_by = _at_midnight(item.review_by) if item.review_by else None
    row.reviewer, row.updated_at = actor, now
    if publish:
        row.status = AnswerStatus.PUBLISHED
    if row.id is None:
        s.add(row)


class CuratedAnswers:
    def __init__(self, db: Database) -> None:
        self._db = db
        self.local_changes = 0  # bumped on every curated-answer change made through this process

    def upsert_starter(self, items: Iterable[dict]) -> int:
        """Load shipped Q&A as published answers; unchanged ones (and ones a curator retired) are left
        alone. Returns rows written."""
        written = 0
        with self._db.session() as s, s.begin():
            starter = select(CuratedAnswerRow).where(CuratedAnswerRow.origin == "starter")
            existing = {r.key: r for r in s.scalars(starter)}
            for item in items:
                values = {
                    "question": item["question"],
                    "paraphrases": json.dumps(list(item.get("paraphrases") or []), ensure_ascii=False),
                    "answer": item["answer"],
                    "articles": json.dumps(list(item.get("articles") or []), ensure_ascii=False),
                    "verdict": item.get("verdict") or "",
                    "claim": item.get("claim") or "",
                    "reviewer": item.get("reviewer") or "AskScience 编辑部",
                }
                row = existing.get(item["id"])
                if row is None:
                    s.add(CuratedAnswerRow(key=item["id"], status=AnswerStatus.PUBLISHED, origin="starter", **values))
                    written += 1
                elif any(getattr(row, k) != v for k, v in values.items()):
                    for k, v in values.items():
                        setattr(row, k, v)
                    written += 1
        self.local_changes += 1
        return written

    def published(self) -> list[CuratedAnswer]:
        with self._db.session() as s:
            rows = s.scalars(select(CuratedAnswerRow).where(CuratedAnswerRow.status == AnswerStatus.PUBLISHED))
            return [_to_answer(r) for r in rows]

    def get(self, answer_id: int) -> CuratedAnswer | None:
        with self._db.session() as s:
            row = s.get(CuratedAnswerRow, answer_id)
            return _to_answer(row) if row else None

    def search(self, search: str = "", status: str | None = None, limit: int = 500) -> list[CuratedAnswer]:
        """Curated answers, newest change first, optionally filtered by status and a search text."""
        with self._db.session() as s:
            q = select(CuratedAnswerRow).order_by(CuratedAnswerRow.updated_at.desc(), CuratedAnswerRow.id.desc())
            if status:
                q = q.where(CuratedAnswerRow.status == status)
            if search.strip():
                like = f"%{search.strip()}%"
                q = q.where(or_(CuratedAnswerRow.question.like(like), CuratedAnswerRow.paraphrases.like(like),
                                CuratedAnswerRow.answer.like(like)))
            return [_to_answer(r) for r in s.scalars(q.limit(limit))]

    def save_draft(self, actor: str, question: str, answer: str, paraphrases: list[str], articles: list[str],
                   verdict: str = "", answer_id: int | None = None,
                   review_by: dt.date | None = None, expert_opinion: str | None = None) -> CuratedAnswer:
        """Create a new draft, or edit an existing answer (an edited published answer stays published; an
        edited submitted or returned one is a draft again and must be submitted anew).
        ``review_by`` sets the review-by date; ``None`` leaves an edited answer's date as it was."""
        fields: dict[str, object] = {
            "question": question, "answer": answer, "verdict": verdict,
            "paraphrases": json.dumps(paraphrases, ensure_ascii=False),
            "articles": json.dumps(articles, ensure_ascii=False), "reviewer": actor, "author": actor,
        }
        if review_by is not None:
            fields["review_by"] = _at_midnight(review_by)
        if expert_opinion is not None:
            fields["expert_opinion"] = expert_opinion.strip()[:64] or None
        with self._db.session() as s, s.begin():
            if answer_id is None:
                key = "c-" + hashlib.sha256(f"{question}|{utcnow().isoformat()}".encode()).hexdigest()[:16]
                row = CuratedAnswerRow(key=key, status=AnswerStatus.DRAFT, origin="curator", **fields)
                s.add(row)
                s.flush()
                record(s, actor, "curated.create", f"#{row.id} {question}", answer)
            else:
                row = s.get(CuratedAnswerRow, answer_id)
                if row is None:
                    raise StoreError(f"curated answer {answer_id} does not exist")
                for k, v in fields.items():
                    setattr(row, k, v)
                if row.status in (AnswerStatus.SUBMITTED, AnswerStatus.RETURNED):
                    row.status = AnswerStatus.DRAFT
                row.updated_at = utcnow()
                record(s, actor, "curated.edit", f"#{row.id} {question}", answer)
            s.flush()
            saved = _to_answer(row)
        self.local_changes += 1
        return saved

    def set_status(self, actor: str, answer_id: int, status: str) -> CuratedAnswer:
        """Retire an answer, return it to draft, or publish it with no four-eyes check (the workflow's
        :meth:`publish` is the checked way); one transaction with its audit entry."""
        if status not in STATUSES:
            raise ValueError(status)
        if status == AnswerStatus.PUBLISHED:
            return self.publish(actor, answer_id, four_eyes=False, require_submitted=False)[0]
        with self._db.session() as s, s.begin():
            row = self._row(s, answer_id)
            before = row.status
            row.status = status
            row.reviewer = actor
            row.updated_at = utcnow()
            record(s, actor, f"curated.{status}", f"#{row.id} {row.question}", f"{before} → {status}")
            s.flush()
            changed = _to_answer(row)
        self.local_changes += 1
        return changed

    @staticmethod
    def _row(s: Session, answer_id: int) -> CuratedAnswerRow:
        row = s.get(CuratedAnswerRow, answer_id)
        if row is None:
            raise StoreError(f"curated answer {answer_id} does not exist")
        return row

    def submit(self, actor: str, answer_id: int) -> CuratedAnswer:
        """The author hands a draft (or a returned answer) to the reviewers."""
        with self._db.session() as s, s.begin():
            row = self._row(s, answer_id)
            if row.status not in (AnswerStatus.DRAFT, AnswerStatus.RETURNED):
                raise IllegalTransition(texts.WORKFLOW_CANNOT_SUBMIT.format(
                    status=texts.STATUS_LABELS.get(row.status, row.status)))
            before, row.status, row.review_comment = row.status, AnswerStatus.SUBMITTED, None
            row.updated_at = utcnow()
            record(s, actor, "curated.submit", f"#{row.id} {row.question}", f"{before} → submitted")
            s.flush()
            changed = _to_answer(row)
        self.local_changes += 1
        return changed

    def send_back(self, actor: str, answer_id: int, comment: str) -> CuratedAnswer:
        """A reviewer returns a submitted answer to its author with a comment."""
        with self._db.session() as s, s.begin():
            row = self._row(s, answer_id)
            if row.status != AnswerStatus.SUBMITTED:
                raise IllegalTransition(texts.WORKFLOW_CANNOT_RETURN.format(
                    status=texts.STATUS_LABELS.get(row.status, row.status)))
            row.status, row.review_comment, row.updated_at = AnswerStatus.RETURNED, comment[:2000], utcnow()
            record(s, actor, "curated.return", f"#{row.id} {row.question}", comment)
            s.flush()
            changed = _to_answer(row)
        self.local_changes += 1
        return changed

    def publish(self, actor: str, answer_id: int, *, four_eyes: bool = True,
                require_submitted: bool = True) -> tuple[CuratedAnswer, list[str]]:
        """Publish an answer and, in the same transaction, answer every ticket waiting for it. Returns the
        answer and the ticket codes answered now.

        ``require_submitted``: only a submitted answer may be published. ``four_eyes``: its author may not
        publish it. Without four-eyes review (a one-person team) a self-approval is written to the audit
        trail as such."""
        with self._db.session() as s, s.begin():
            row = self._row(s, answer_id)
            if require_submitted and row.status != AnswerStatus.SUBMITTED:
                raise IllegalTransition(texts.WORKFLOW_CANNOT_PUBLISH.format(
                    status=texts.STATUS_LABELS.get(row.status, row.status)))
            own = bool(row.author) and row.author == actor
            if four_eyes and own:
                raise IllegalTransition(texts.WORKFLOW_FOUR_EYES)
            before = row.status
            row.status, row.reviewer, row.review_comment = AnswerStatus.PUBLISHED, actor, None
            row.updated_at = utcnow()
            codes = answer_tickets(s, row.id)
            detail = f"{before} → published" + (" (self-approved)" if own else "")
            if codes:
                detail += f"; tickets {' '.join(codes)}"
            record(s, actor, "curated.published", f"#{row.id} {row.question}", detail)
            s.flush()
            changed = _to_answer(row)
        self.local_changes += 1
        return changed, codes

    def import_rows(self, actor: str, rows: Sequence[ImportRow], publish: bool = False,
                    source: str = "") -> list[ImportWritten]:
        """Write a whole import in ONE transaction with ONE audit entry: all rows or, on any failure, none.

        A row whose question is the same as an existing answer's updates that answer (it keeps its status
        unless ``publish``); any other row becomes a new draft, or a published answer with ``publish``."""
        now = utcnow()
        with self._db.session() as s, s.begin():
            existing: dict[str, CuratedAnswerRow] = {}
            for row in s.scalars(select(CuratedAnswerRow)):
                key = question_key(row.question)
                if key not in existing or _preferred(row, existing[key]):
                    existing[key] = row
            written: list[tuple[CuratedAnswerRow, bool]] = []
            for n, item in enumerate(rows):
                key = question_key(item.question)
                row = existing.get(key)
                created = row is None
                if row is None:
                    digest = hashlib.sha256(f"{item.question}|{now.isoformat()}|{n}".encode()).hexdigest()[:16]
                    row = existing[key] = CuratedAnswerRow(key="c-" + digest, status=AnswerStatus.DRAFT,
                                                           origin="import")
                _write_import(s, row, item, actor, publish, now)
                written.append((row, created))
            s.flush()
            made = [f"#{r.id}" for r, c in written if c]
            changed = [f"#{r.id}" for r, c in written if not c]
            action = "curated.import_published" if publish else "curated.import"
            record(s, actor, action, f"{source} ({len(written)})".strip(),
                   f"created={len(made)} updated={len(changed)} published={publish}: "
                   f"{' '.join(made)} | {' '.join(changed)}")
            out = [ImportWritten(_to_answer(r), c) for r, c in written]
        self.local_changes += 1
        return out

    def revision(self) -> tuple[int, str]:
        """Changes whenever the set of published answers changes (cheap to poll)."""
        with self._db.session() as s:
            count, latest = s.execute(
                select(func.count(CuratedAnswerRow.id), func.max(CuratedAnswerRow.updated_at)).where(
                    CuratedAnswerRow.status == AnswerStatus.PUBLISHED)
            ).one()
        return int(count), str(latest)
