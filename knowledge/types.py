"""Typed records passed between ingestion, the stores and the answer engine."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum

from knowledge.normal import fold_id

# File types the loaders read (ingest/loaders.py); curator uploads are limited further by settings.
SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx")


class AnswerStatus(StrEnum):
    """Life cycle of a curated answer."""

    DRAFT = "draft"
    SUBMITTED = "submitted"  # waiting for a reviewer (four-eyes review)
    RETURNED = "returned"  # sent back by a reviewer with a comment
    PUBLISHED = "published"
    RETIRED = "retired"


class Role(StrEnum):
    """What a console account may do; an account may hold several roles (bot/curation/roles.py says which
    role each action needs)."""

    ADMIN = "admin"  # accounts and settings
    CURATOR = "curator"  # 科普传播员: uploads, documents, triage and assignment, drafting
    EXPERT = "expert"  # drafts answers to the questions assigned to them; cannot publish
    REVIEWER = "reviewer"  # approves or returns drafts, publishes, retires


class TicketStatus(StrEnum):
    """A citizen's open question, as the citizen sees it under 我的提问."""

    RECEIVED = "received"  # 已收到: not yet assigned
    IN_PROGRESS = "in_progress"  # 解答中: an expert is on it
    ANSWERED = "answered"  # 已解答: a reviewed answer is published


class AssignmentStatus(StrEnum):
    OPEN = "open"  # an expert is drafting (or the draft is with a reviewer)
    DONE = "done"  # its answer was published
    CANCELLED = "cancelled"


class DocumentStatus(StrEnum):
    """An uploaded document is served (active), taken out of both indexes (retired), or held back from
    them until a curator has looked at the sensitive phrases found in it (held)."""

    ACTIVE = "active"
    RETIRED = "retired"
    HELD = "held"


def normalise_for_id(text: str) -> str:
    """Width-fold and collapse whitespace so cosmetic differences do not change a chunk id."""
    return fold_id(text)


def chunk_id(source: str, text: str) -> str:
    """Deterministic chunk id: a hash of (source, normalised text)."""
    digest = hashlib.sha256(f"{source}\x00{normalise_for_id(text)}".encode()).hexdigest()
    return digest[:32]


@dataclass(frozen=True)
class Chunk:
    """One retrievable piece of a document, with the context it came from."""

    id: str
    text: str
    source: str
    title: str
    heading: str = ""
    position: int = 0
    doc_hash: str = ""
    n_chunks: int = 0
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def context_text(self) -> str:
        """Text used for embedding and keyword indexing: title and heading give the chunk context."""
        prefix = self.title
        if self.heading and self.heading != self.title:
            prefix = f"{prefix} · {self.heading}" if prefix else self.heading
        return f"{prefix}\n{self.text}" if prefix else self.text

    def metadata(self) -> dict[str, str | int]:
        meta: dict[str, str | int] = {
            "source": self.source,
            "title": self.title,
            "heading": self.heading,
            "position": self.position,
            "doc_hash": self.doc_hash,
            "n_chunks": self.n_chunks,
        }
        meta.update({k: v for k, v in self.extra.items() if k not in meta})
        return meta

    @classmethod
    def from_store(cls, chunk_id_: str, text: str, meta: dict) -> Chunk:
        core = {"source", "title", "heading", "position", "doc_hash", "n_chunks"}
        return cls(
            id=chunk_id_,
            text=text,
            source=str(meta.get("source", "")),
            title=str(meta.get("title", "")),
            heading=str(meta.get("heading", "")),
            position=int(meta.get("position", 0)),
            doc_hash=str(meta.get("doc_hash", "")),
            n_chunks=int(meta.get("n_chunks", 0)),
            extra={k: str(v) for k, v in meta.items() if k not in core},
        )


@dataclass(frozen=True)
class ScoredChunk:
    """A chunk with the score a retriever gave it (higher is better)."""

    chunk: Chunk
    score: float
