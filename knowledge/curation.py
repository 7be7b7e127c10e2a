"""The curation database (SQLite by default, any SQLAlchemy URL such as PostgreSQL works the same):
curated answers, the question log, and a cache of curated-question embeddings."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    Integer,
    LargeBinary,
    String,
    Text,
    create_engine,
    func,
    select,
)
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from knowledge.errors import StoreError


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class CuratedAnswerRow(Base):
    __tablename__ = "curated_answers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)  # starter id or a generated key
    question: Mapped[str] = mapped_column(Text)
    paraphrases: Mapped[str] = mapped_column(Text, default="[]")  # JSON list
    answer: Mapped[str] = mapped_column(Text)
    articles: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of article ids
    verdict: Mapped[str] = mapped_column(String(16), default="")
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)  # draft/published/retired
    origin: Mapped[str] = mapped_column(String(16), default="curator")  # starter / curator
    reviewer: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now, onupdate=_now)


class QuestionLogRow(Base):
    __tablename__ = "question_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    asked_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now, index=True)
    question: Mapped[str] = mapped_column(Text)
    mode: Mapped[str] = mapped_column(String(16), index=True)
    answer: Mapped[str] = mapped_column(Text, default="")
    top_score: Mapped[float] = mapped_column(Float, default=0.0)
    latency_ms: Mapped[float] = mapped_column(Float, default=0.0)
    flagged: Mapped[bool] = mapped_column(Boolean, default=False)


class VectorCacheRow(Base):
    __tablename__ = "vector_cache"
    text_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    space: Mapped[str] = mapped_column(String(64), primary_key=True)
    vector: Mapped[bytes] = mapped_column(LargeBinary)


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

    @property
    def phrasings(self) -> tuple[str, ...]:
        return (self.question, *self.paraphrases)


def _to_answer(row: CuratedAnswerRow) -> CuratedAnswer:
    return CuratedAnswer(
        row.id, row.key, row.question, tuple(json.loads(row.paraphrases or "[]")), row.answer,
        tuple(json.loads(row.articles or "[]")), row.verdict or "", row.status, row.reviewer or "", row.updated_at,
    )


class CurationStore:
    """All curation data behind one SQLAlchemy engine."""

    def __init__(self, url: str) -> None:
        try:
            self._engine = create_engine(url, future=True, pool_pre_ping=True)
            Base.metadata.create_all(self._engine)
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot open the curation database: {exc}") from exc
        self._session = sessionmaker(self._engine, expire_on_commit=False)

    def session(self) -> Session:
        return self._session()

    # curated answers
    def upsert_starter(self, items: Iterable[dict]) -> int:
        """Load shipped Q&A as published answers; unchanged ones are left alone. Returns rows written."""
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
                    "reviewer": item.get("reviewer") or "AskScience 编辑部",
                }
                row = existing.get(item["id"])
                if row is None:
                    s.add(CuratedAnswerRow(key=item["id"], status="published", origin="starter", **values))
                    written += 1
                elif any(getattr(row, k) != v for k, v in values.items()):
                    for k, v in values.items():
                        setattr(row, k, v)
                    written += 1
        return written

    def published(self) -> list[CuratedAnswer]:
        with self.session() as s:
            rows = s.scalars(select(CuratedAnswerRow).where(CuratedAnswerRow.status == "published"))
            return [_to_answer(r) for r in rows]

    def get(self, answer_id: int) -> CuratedAnswer | None:
        with self.session() as s:
            row = s.get(CuratedAnswerRow, answer_id)
            return _to_answer(row) if row else None

    def revision(self) -> tuple[int, str]:
        """Changes whenever the set of published answers changes (cheap to poll)."""
        with self.session() as s:
            count, latest = s.execute(
                select(func.count(CuratedAnswerRow.id), func.max(CuratedAnswerRow.updated_at)).where(
                    CuratedAnswerRow.status == "published")
            ).one()
        return int(count), str(latest)

    # question log
    def log_question(self, question: str, mode: str, answer: str, top_score: float, latency_ms: float,
                     flagged: bool = False) -> None:
        with self.session() as s, s.begin():
            s.add(QuestionLogRow(question=question[:2000], mode=mode, answer=answer[:4000], top_score=top_score,
                                 latency_ms=latency_ms, flagged=flagged))

    def recent_questions(self, mode: str | None = None, limit: int = 100) -> list[QuestionLogRow]:
        with self.session() as s:
            q = select(QuestionLogRow).order_by(QuestionLogRow.id.desc()).limit(limit)
            if mode:
                q = q.where(QuestionLogRow.mode == mode)
            return list(s.scalars(q))

    # embedding cache
    def cached_vectors(self, texts: list[str], space: str) -> dict[str, np.ndarray]:
        hashes = {hashlib.sha256(t.encode()).hexdigest(): t for t in texts}
        with self.session() as s:
            rows = s.scalars(select(VectorCacheRow).where(VectorCacheRow.space == space,
                                                          VectorCacheRow.text_hash.in_(list(hashes))))
            return {hashes[r.text_hash]: np.frombuffer(r.vector, dtype=np.float32) for r in rows}

    def cache_vectors(self, vectors: dict[str, np.ndarray], space: str) -> None:
        with self.session() as s, s.begin():
            for text, vec in vectors.items():
                s.merge(VectorCacheRow(text_hash=hashlib.sha256(text.encode()).hexdigest(), space=space,
                                       vector=np.asarray(vec, dtype=np.float32).tobytes()))
