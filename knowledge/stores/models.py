"""Tables of the curation database (SQLite by default; any SQLAlchemy URL such as PostgreSQL works the same).

Accounts, sessions, the question log, feedback, curated answers, the document registry, the audit
trail and a cache of curated-question embeddings. Timestamps are naive UTC.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    Integer,
    LargeBinary,
    String,
    Text,
    inspect,
    text,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> dt.datetime:
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
    claim: Mapped[str | None] = mapped_column(Text, nullable=True)  # the statement the verdict judges
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)  # knowledge.types.AnswerStatus
    origin: Mapped[str] = mapped_column(String(16), default="curator")  # starter / curator
    reviewer: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    review_by: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)  # when to check it again
    author: Mapped[str | None] = mapped_column(String(64), nullable=True)  # who wrote the current text
    expert_opinion: Mapped[str | None] = mapped_column(String(64), nullable=True)  # 专家意见: the expert's name
    review_comment: Mapped[str | None] = mapped_column(Text, nullable=True)  # why a reviewer returned it


class QuestionLogRow(Base):
    __tablename__ = "question_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    asked_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    question: Mapped[str] = mapped_column(Text)
    mode: Mapped[str] = mapped_column(String(16), index=True)
    answer: Mapped[str] = mapped_column(Text, default="")
    top_score: Mapped[float] = mapped_column(Float, default=0.0)
    latency_ms: Mapped[float] = mapped_column(Float, default=0.0)
    flagged: Mapped[bool] = mapped_column(Boolean, default=False)
    topic: Mapped[str | None] = mapped_column(String(32), nullable=True, default="")
    curated_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    llm_fallback: Mapped[str | None] = mapped_column(String(200), nullable=True)  # why the LLM was not used
    channel: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)  # page, api:NAME, …


class FeedbackRow(Base):
    __tablename__ = "feedback"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    question_id: Mapped[int] = mapped_column(Integer, index=True)
    rating: Mapped[int] = mapped_column(Integer, default=0)  # +1 👍, -1 👎, 0 a report without a rating
    report: Mapped[bool] = mapped_column(Boolean, default=False)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)


class CuratorRow(Base):
    __tablename__ = "curators"
    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    display_name: Mapped[str | None] = mapped_column(String(64), nullable=True)  # shown to citizens
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    roles: Mapped[str | None] = mapped_column(Text, nullable=True)  # JSON list of knowledge.types.Role; NULL: legacy
    topics: Mapped[str | None] = mapped_column(Text, nullable=True)  # JSON list of topic keys an expert answers
    api_token_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)  # sha256 hex


class SessionRow(Base):
    __tablename__ = "curator_sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)


class LoginFailureRow(Base):
    """One login attempt still counted against its name and address (written before it is checked)."""

    __tablename__ = "login_failures"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    address: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)


class DocumentRow(Base):
    """A document a curator uploaded (or retired): where its file is kept and who acted on it last."""

    __tablename__ = "documents"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(1024), unique=True)
    title: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="active", index=True)  # knowledge.types.DocumentStatus
    stored_path: Mapped[str] = mapped_column(String(1024), default="")
    content_hash: Mapped[str] = mapped_column(String(64), default="", index=True)
    updated_by: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)  # why a held document is held


class AuditRow(Base):
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(32))
    target: Mapped[str] = mapped_column(Text, default="")
    detail: Mapped[str] = mapped_column(Text, default="")


class WordListRow(Base):
    """A managed word list as its text form (knowledge/wordlist.py); absent = the shipped default."""

    __tablename__ = "word_lists"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    content: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(64), default="")


class VectorCacheRow(Base):
    __tablename__ = "vector_cache"
    text_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    space: Mapped[str] = mapped_column(String(64), primary_key=True)
    vector: Mapped[bytes] = mapped_column(LargeBinary)


def create_schema(engine: Engine) -> None:
    """Create missing tables, and add columns introduced after a database was first created
    (only nullable columns are ever added, so this is safe on live data)."""
    Base.metadata.create_all(engine)
    inspector = inspect(engine)
    with engine.begin() as conn:
        for table in Base.metadata.sorted_tables:
            present = {c["name"] for c in inspector.get_columns(table.name)}
            for column in table.columns:
                if column.name not in present and column.nullable:
                    kind = column.type.compile(dialect=engine.dialect)
                    conn.execute(text(f'ALTER TABLE {table.name} ADD COLUMN "{column.name}" {kind}'))


class AnswerPageRow(Base):
    """A permanent answer page (/a/{id}): a snapshot of what a citizen read (knowledge/stores/answer_pages.py).
    Kept without a time limit: the question-log retention does not touch it."""

    __tablename__ = "answer_pages"
    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)  # identical snapshots share one page
    question: Mapped[str] = mapped_column(Text)  # redacted of personal data by the caller
    answer: Mapped[str] = mapped_column(Text)
    mode: Mapped[str] = mapped_column(String(16))
    citations: Mapped[str] = mapped_column(Text, default="[]")  # JSON list
    verdict: Mapped[str] = mapped_column(String(16), default="")
    curated_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    generated_by: Mapped[str] = mapped_column(String(200), default="")
    safety: Mapped[str] = mapped_column(Text, default="")  # the safety message shown before the answer
    notice: Mapped[str] = mapped_column(Text, default="")
    reviewer: Mapped[str] = mapped_column(String(64), default="")  # public name, reviewed answers only
    reviewed_at: Mapped[str] = mapped_column(String(32), default="")  # date of the last review
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class ChannelRow(Base):
    """A platform that calls the OpenAI-compatible endpoint and embeds the chat (knowledge/stores/channels.py).
    Only a hash of its key is kept; the prefix names the key in listings."""

    __tablename__ = "channels"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(32), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64))  # sha256 hex of the key
    key_prefix: Mapped[str] = mapped_column(String(16), index=True)  # the key's first characters, to find it
    origins: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of origins that may frame /embed
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    rotated_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class RegressionRunRow(Base):
    """One regression check of the published curated answers (knowledge/stores/regression_runs.py): when,
    how many cases, how many still reached their answer, the failures, and the cases the next run re-asks."""

    __tablename__ = "regression_runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ran_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(64), default="")  # the curator, or "cli"
    cases: Mapped[int] = mapped_column(Integer, default=0)
    passed: Mapped[int] = mapped_column(Integer, default=0)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    failures: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of objects
    baseline: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of [answer id, phrasing]


class TicketRow(Base):
    """A citizen's question that is owed an answer (knowledge/stores/tickets.py). The code is what the
    citizen keeps; the question is redacted of personal data."""

    __tablename__ = "tickets"
    code: Mapped[str] = mapped_column(String(8), primary_key=True)  # "Q7K-3F2"
    question_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)  # the question-log row
    question: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(String(16), default="no_answer")  # no_answer / thumbs_down / report
    status: Mapped[str] = mapped_column(String(16), default="received", index=True)  # knowledge.types.TicketStatus
    topic: Mapped[str | None] = mapped_column(String(32), nullable=True)
    channel: Mapped[str | None] = mapped_column(String(64), nullable=True)
    assignment_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    answer_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)  # the draft or published answer
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    answered_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class AssignmentRow(Base):
    """A group of tickets given to an expert, with a due date (knowledge/stores/tickets.py)."""

    __tablename__ = "assignments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    question: Mapped[str] = mapped_column(Text)  # the group's leading phrasing
    expert: Mapped[str] = mapped_column(String(64), index=True)
    topic: Mapped[str | None] = mapped_column(String(32), nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)  # knowledge.types.AssignmentStatus
    due_at: Mapped[dt.datetime] = mapped_column(DateTime)
    assigned_by: Mapped[str] = mapped_column(String(64), default="")
    assigned_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    answer_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)  # the expert's draft
    done_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
