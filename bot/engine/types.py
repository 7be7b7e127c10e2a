"""Typed inputs and outputs of the answer service."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

from bot.engine import safety
from bot.engine.triage import TriageResult
from knowledge import texts
from knowledge.texts import DEFAULT_READING_LEVEL as DEFAULT_LEVEL
from knowledge.types import Chunk

if TYPE_CHECKING:  # the trace module imports this one
    from bot.engine.trace import DecisionTrace


class Mode(StrEnum):
    """How an answer was produced (the UI shows each differently)."""

    CURATED = "curated"
    LLM = "llm"
    EXTRACTIVE = "extractive"
    NO_ANSWER = "no_answer"
    SAFETY = "safety"  # only the safety message: self-harm, a refused harmful request, an emergency with no article
    BLOCKED = "blocked"  # the question holds a phrase of the sensitive-word list: a polite refusal


@dataclass(frozen=True)
class Source:
    """A retrieved chunk offered to a composer as numbered source ``[number]``."""

    number: int
    chunk: Chunk
    score: float


@dataclass(frozen=True)
class Citation:
    """A source the answer actually cites."""

    number: int
    title: str
    source: str
    snippet: str
    score: float
    chunk_id: str
    highlights: tuple[str, ...] = ()  # sentences of the snippet used in the answer
    reviewer: str = ""
    reviewed_at: str = ""
    topic: str = ""


@dataclass
class Composed:
    """What a composer returns: text with [n] markers and the numbers it cites."""

    text: str
    cited: list[int]
    highlights: dict[int, list[str]] = field(default_factory=dict)
    notice: str = ""


@dataclass
class AskOptions:
    reading_level: str = DEFAULT_LEVEL  # 少儿 / 大众 / 专业
    use_curated: bool = True
    log: bool = True
    channel: str = "page"  # where the question came from: page, embed:NAME, api:NAME, poster (?src=)
    trace: bool = False  # fill Answer.trace (the console's hit test); a traced question is never logged


@dataclass
class Answer:
    """The service's reply to one question."""

    text: str
    mode: Mode
    citations: list[Citation] = field(default_factory=list)
    notice: str = ""
    related_topics: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    question: str = ""
    retrieval_query: str = ""
    curated_id: int | None = None
    flagged: bool = False  # an LLM answer left with no valid citation
    ranked_sources: list[str] = field(default_factory=list)  # sources of the top fused chunks, best first
    log_id: int | None = None  # the question-log row (feedback refers to it)
    triage: TriageResult = field(default_factory=TriageResult)
    llm_fallback: str = ""  # why the LLM composer failed and the answer was quoted instead
    suggestions: list[str] = field(default_factory=list)  # "你是不是想问：" reviewed questions close to this one
    related: list[str] = field(default_factory=list)  # "你可能还想问：" reviewed questions to ask next
    generated_by: str = ""  # the model that wrote an LLM answer (shown with the AI-generated label)
    trace: DecisionTrace | None = None  # how the answer was decided, only with AskOptions(trace=True)
    ticket: str = ""  # the code of the ticket opened for a declined question (我的提问)

    @property
    def safety(self) -> str:
        """The safety message (number and first steps, or the self-harm, refusal or referral text)."""
        return safety.message(self.triage)

    @property
    def full_text(self) -> str:
        """Text as shown to a citizen: safety message first (number and first steps), then the answer,
        then any notice."""
        label = texts.AI_GENERATED_LABEL.format(model=self.generated_by) if self.generated_by else ""
        ticket = texts.TICKET_OPENED.format(code=self.ticket) if self.ticket else ""
        parts = [p for p in (self.safety, label, self.text, ticket, self.notice) if p]
        return "\n\n".join(parts)


class Composer(Protocol):
    """Writes an answer from numbered sources: the extractive composer (quoted sentences), the LLM
    composer, or a scripted fake in unit tests."""

    def stream(self, question: str, sources: list[Source], history: list[tuple[str, str]] | None = None,
               level: str = DEFAULT_LEVEL) -> Iterator[str | Composed]:
        """Text so far as it grows (each item extends the last), then the final :class:`Composed`.
        Raises ``LLMUnavailable`` when the composer cannot answer (the service then quotes instead)."""
        ...

    def compose(self, question: str, sources: list[Source], history: list[tuple[str, str]] | None = None,
                level: str = DEFAULT_LEVEL) -> Composed: ...


class RewritingComposer(Composer, Protocol):
    """A composer that can also turn a follow-up into a standalone question (the LLM composer)."""

    def rewrite(self, question: str, history: list[tuple[str, str]]) -> str: ...
