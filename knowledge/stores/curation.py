"""The curation store: one SQLAlchemy engine over the curation database (SQLite by default, any
SQLAlchemy URL such as PostgreSQL works the same). Curated answers with their draft → published →
retired life cycle, the question log and feedback, the audit trail and the embedding cache.

Every change a curator makes is written in the same transaction as its audit entry, so a crash
never leaves a change without its record or a half-published answer."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
from sqlalchemy import create_engine, event, func, or_, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from knowledge.errors import StoreError
from knowledge.stores.models import (
    AuditRow,
    CuratedAnswerRow,
    CuratorRow,
    FeedbackRow,
    QuestionLogRow,
    VectorCacheRow,
    create_schema,
    utcnow,
)
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

    @property
    def phrasings(self) -> tuple[str, ...]:
        return (self.question, *self.paraphrases)


def _to_answer(row: CuratedAnswerRow) -> CuratedAnswer:
    return CuratedAnswer(
        row.id, row.key, row.question, tuple(json.loads(row.paraphrases or "[]")), row.answer,
        tuple(json.loads(row.articles or "[]")), row.verdict or "", row.status, row.reviewer or "", row.updated_at,
        row.claim or "",
    )


STATUSES = tuple(AnswerStatus)


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    """WAL lets readers run beside the one writer; NORMAL sync is still crash-safe under WAL."""
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


@dataclass(frozen=True)
class LoggedQuestion:
    id: int
    asked_at: dt.datetime
    question: str
    mode: str
    answer: str
    topic: str
    thumbs_up: int = 0
    thumbs_down: int = 0
    reports: int = 0
    comments: tuple[str, ...] = ()
    llm_fallback: str = ""


@dataclass(frozen=True)
class AuditEntry:
    at: dt.datetime
    actor: str
    action: str
    target: str
    detail: str


class CurationStore:
    """All curation data behind one SQLAlchemy engine."""

    def __init__(self, url: str) -> None:
        try:
            sqlite = url.startswith("sqlite")
            self._engine = create_engine(url, future=True, pool_pre_ping=not sqlite)
            if sqlite:
                event.listen(self._engine, "connect", _sqlite_pragmas)
            create_schema(self._engine)
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot open the curation database: {exc}") from exc
        self._session = sessionmaker(self._engine, expire_on_commit=False)
        self.local_changes = 0  # bumped on every curated-answer change made through this process

    def session(self) -> Session:
        return self._session()

    @staticmethod
    def audit(s: Session, actor: str, action: str, target: str, detail: str = "") -> None:
        """Add an audit entry inside the caller's transaction."""
        s.add(AuditRow(actor=actor, action=action, target=target[:2000], detail=detail[:4000]))

    def public_name(self, username: str, organisation: str) -> str:
        """The name citizens may see for a reviewer: the account's display name or the organisation,
        never a login name. Names that are not accounts (editorial bylines of shipped content) are
        shown as written."""
        if not username:
            return ""
        with self.session() as s:
            row = s.get(CuratorRow, username)
        if row is None:
            return username
        return row.display_name or organisation

    def audit_log(self, limit: int = 200) -> list[AuditEntry]:
        with self.session() as s:
            rows = s.scalars(select(AuditRow).order_by(AuditRow.id.desc()).limit(limit))
            return [AuditEntry(r.at, r.actor, r.action, r.target, r.detail) for r in rows]

    # ---- curated answers ---------------------------------------------------------------------------
    def upsert_starter(self, items: Iterable[dict]) -> int:
        """Load shipped Q&A as published answers; unchanged ones (and ones a curator retired) are left
        alone. Returns rows written."""
        written = 0
        with self.session() as s, s.begin():
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
        with self.session() as s:
            rows = s.scalars(select(CuratedAnswerRow).where(CuratedAnswerRow.status == AnswerStatus.PUBLISHED))
            return [_to_answer(r) for r in rows]

    def get(self, answer_id: int) -> CuratedAnswer | None:
        with self.session() as s:
            row = s.get(CuratedAnswerRow, answer_id)
            return _to_answer(row) if row else None

    def list_curated(self, search: str = "", status: str | None = None, limit: int = 500) -> list[CuratedAnswer]:
        """Curated answers, newest change first, optionally filtered by status and a search text."""
        with self.session() as s:
            q = select(CuratedAnswerRow).order_by(CuratedAnswerRow.updated_at.desc(), CuratedAnswerRow.id.desc())
            if status:
                q = q.where(CuratedAnswerRow.status == status)
            if search.strip():
                like = f"%{search.strip()}%"
                q = q.where(or_(CuratedAnswerRow.question.like(like), CuratedAnswerRow.paraphrases.like(like),
                                CuratedAnswerRow.answer.like(like)))
            return [_to_answer(r) for r in s.scalars(q.limit(limit))]

    def save_draft(self, actor: str, question: str, answer: str, paraphrases: list[str], articles: list[str],
                   verdict: str = "", answer_id: int | None = None) -> CuratedAnswer:
        """Create a new draft, or edit an existing answer (an edited published answer stays published)."""
        fields = {
            "question": question, "answer": answer, "verdict": verdict,
            "paraphrases": json.dumps(paraphrases, ensure_ascii=False),
            "articles": json.dumps(articles, ensure_ascii=False), "reviewer": actor,
        }
        with self.session() as s, s.begin():
            if answer_id is None:
                key = "c-" + hashlib.sha256(f"{question}|{utcnow().isoformat()}".encode()).hexdigest()[:16]
                row = CuratedAnswerRow(key=key, status=AnswerStatus.DRAFT, origin="curator", **fields)
                s.add(row)
                s.flush()
                self.audit(s, actor, "curated.create", f"#{row.id} {question}", answer)
            else:
                row = s.get(CuratedAnswerRow, answer_id)
                if row is None:
                    raise StoreError(f"curated answer {answer_id} does not exist")
                for k, v in fields.items():
                    setattr(row, k, v)
                row.updated_at = utcnow()
                self.audit(s, actor, "curated.edit", f"#{row.id} {question}", answer)
            s.flush()
            saved = _to_answer(row)
        self.local_changes += 1
        return saved

    def set_status(self, actor: str, answer_id: int, status: str) -> CuratedAnswer:
        """Publish, retire or return an answer to draft (one transaction with its audit entry)."""
        if status not in STATUSES:
            raise ValueError(status)
        with self.session() as s, s.begin():
            row = s.get(CuratedAnswerRow, answer_id)
            if row is None:
                raise StoreError(f"curated answer {answer_id} does not exist")
            before = row.status
            row.status = status
            row.reviewer = actor
            row.updated_at = utcnow()
            self.audit(s, actor, f"curated.{status}", f"#{row.id} {row.question}", f"{before} → {status}")
            s.flush()
            changed = _to_answer(row)
        self.local_changes += 1
        return changed

    def revision(self) -> tuple[int, str]:
        """Changes whenever the set of published answers changes (cheap to poll)."""
        with self.session() as s:
            count, latest = s.execute(
                select(func.count(CuratedAnswerRow.id), func.max(CuratedAnswerRow.updated_at)).where(
                    CuratedAnswerRow.status == AnswerStatus.PUBLISHED)
            ).one()
        return int(count), str(latest)

    # ---- question log and feedback -----------------------------------------------------------------
    def log_question(self, question: str, mode: str, answer: str, top_score: float, latency_ms: float,
                     flagged: bool = False, topic: str = "", curated_id: int | None = None,
                     llm_fallback: str = "") -> int:
        """Record one answered question; returns its id (feedback refers to it)."""
        with self.session() as s, s.begin():
            row = QuestionLogRow(question=question[:2000], mode=mode, answer=answer[:4000], top_score=top_score,
                                 latency_ms=latency_ms, flagged=flagged, topic=topic[:32], curated_id=curated_id,
                                 llm_fallback=llm_fallback[:200] or None)
            s.add(row)
            s.flush()
            return int(row.id)

    def add_feedback(self, question_id: int, rating: int, comment: str = "", report: bool = False) -> bool:
        """Record 👍 (+1), 👎 (-1) or a problem report; False when the question id is unknown."""
        with self.session() as s, s.begin():
            if s.get(QuestionLogRow, question_id) is None:
                return False
            s.add(FeedbackRow(question_id=question_id, rating=max(-1, min(1, rating)), report=report,
                              comment=comment.strip()[:1000]))
        return True

    def recent_questions(self, mode: str | None = None, limit: int = 100) -> list[QuestionLogRow]:
        with self.session() as s:
            q = select(QuestionLogRow).order_by(QuestionLogRow.id.desc()).limit(limit)
            if mode:
                q = q.where(QuestionLogRow.mode == mode)
            return list(s.scalars(q))

    def questions_since(self, since: dt.datetime, limit: int = 20000) -> list[LoggedQuestion]:
        """Logged questions asked since ``since`` with their feedback counts, newest first."""
        with self.session() as s:
            rows = list(s.scalars(select(QuestionLogRow).where(QuestionLogRow.asked_at >= since)
                                  .order_by(QuestionLogRow.id.desc()).limit(limit)))
            ids = [r.id for r in rows]
            feedback: dict[int, list[FeedbackRow]] = {}
            for i in range(0, len(ids), 500):
                for f in s.scalars(select(FeedbackRow).where(FeedbackRow.question_id.in_(ids[i:i + 500]))):
                    feedback.setdefault(f.question_id, []).append(f)
        out = []
        for r in rows:
            fb = feedback.get(r.id, [])
            out.append(LoggedQuestion(
                r.id, r.asked_at, r.question, r.mode, r.answer, r.topic or "",
                sum(1 for f in fb if f.rating > 0), sum(1 for f in fb if f.rating < 0), sum(1 for f in fb if f.report),
                tuple(f.comment for f in fb if f.comment), r.llm_fallback or "",
            ))
        return out

    # ---- embedding cache ---------------------------------------------------------------------------
    def cached_vectors(self, texts: list[str], space: str) -> dict[str, np.ndarray]:
        hashes = {hashlib.sha256(t.encode()).hexdigest(): t for t in texts}
        found: dict[str, np.ndarray] = {}
        keys = list(hashes)
        with self.session() as s:
            for i in range(0, len(keys), 500):
                rows = s.scalars(select(VectorCacheRow).where(VectorCacheRow.space == space,
                                                              VectorCacheRow.text_hash.in_(keys[i:i + 500])))
                found.update({hashes[r.text_hash]: np.frombuffer(r.vector, dtype=np.float32) for r in rows})
        return found

    def vectors_for(self, texts: list[str], space: str,
                    embed: Callable[[list[str]], np.ndarray]) -> dict[str, np.ndarray]:
        """A vector for every text: from the cache of ``space`` when there, else ``embed``-ded now and cached."""
        cached = self.cached_vectors(texts, space)
        missing = [t for t in dict.fromkeys(texts) if t not in cached]
        if missing:
            fresh = dict(zip(missing, embed(missing), strict=True))
            self.cache_vectors(fresh, space)
            cached.update(fresh)
        return cached

    def cache_vectors(self, vectors: dict[str, np.ndarray], space: str) -> None:
        with self.session() as s, s.begin():
            for text, vec in vectors.items():
                s.merge(VectorCacheRow(text_hash=hashlib.sha256(text.encode()).hexdigest(), space=space,
                                       vector=np.asarray(vec, dtype=np.float32).tobytes()))
