"""The decision trace of one answer: what the engine weighed at each step and why it answered as it
did (the curator console's 命中测试 shows it).

:class:`AnswerService` fills ``Answer.trace`` only for ``AskOptions(trace=True)``. It reports each step
to a recorder: a :class:`TraceRecorder` when tracing, else :data:`NO_TRACE`, whose methods do nothing,
so an untraced question pays for nothing and follows exactly the same path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from bot.engine.curated_match import CuratedDecision
from bot.engine.retrieval import Retrieved
from bot.engine.triage import Level, TriageResult
from bot.engine.types import Answer, Mode
from knowledge.wordlist import Hit

SNIPPET_CHARS = 60


class Composer:
    """Which composer wrote the answer (``DecisionTrace.composer``)."""

    CURATED = "curated"  # a published reviewed answer
    EXTRACTIVE = "extractive"  # quoted passages
    LLM = "llm"  # written by the LLM from the passages
    FALLBACK = "fallback"  # the LLM failed and the passages were quoted instead (see ``fallback_reason``)
    NONE = "none"  # nothing was composed: a decline, a safety message alone, or a refusal


@dataclass(frozen=True)
class TriageStep:
    level: str
    situation: str
    confidence: float
    inherited: bool  # taken over from the earlier turn of the conversation
    scores: dict[str, float] = field(default_factory=dict)  # level -> the model's probability


@dataclass(frozen=True)
class SensitiveStep:
    terms: tuple[str, ...]  # phrases of the sensitive-word list found in the question
    refused: bool  # the question was refused for them
    consulted: bool  # False when the triage decided first: an emergency is answered, self-harm gets its message

    @property
    def hit(self) -> bool:
        return bool(self.terms)


@dataclass(frozen=True)
class CandidateStep:
    answer_id: int
    key: str
    question: str
    similarity: float  # best cosine of the question to one of the item's phrasings
    probability: float  # the matching model's; the similarity itself without a model
    answered: bool  # this item's answer was given
    offered: bool  # offered as "你是不是想问"


@dataclass(frozen=True)
class CuratedStep:
    candidates: tuple[CandidateStep, ...]  # most likely first
    answer_at: float  # the probability (without a model: the cosine) at which the answer is given
    suggest_at: float | None  # the probability at which a question is offered; None without a model

    @property
    def by_model(self) -> bool:
        return self.suggest_at is not None


@dataclass(frozen=True)
class PassageStep:
    rank: int  # fused rank, 1 = best
    chunk_id: str
    title: str
    heading: str
    article: str  # the article id (or file name) the passage belongs to
    snippet: str
    dense: float | None  # cosine to the question; None: not among the dense candidates
    keyword: float | None  # BM25 score; None: not among the keyword candidates
    fused: float  # the weighted reciprocal-rank fusion score the rank comes from
    given: bool  # handed to the composer (within top_k, and something was composed)
    cited: bool  # cited by the answer


@dataclass(frozen=True)
class GateStep:
    """The no-answer gate: answered only when ``evidence >= threshold``."""

    top_dense: float
    top_keyword: float
    keyword_weight: float
    evidence: float  # top_dense + keyword_weight * ln(1 + top_keyword)
    threshold: float  # lowered for a question mostly in Latin letters
    consulted: bool  # False under an emergency: the first-aid card is shown whatever the evidence

    @property
    def passed(self) -> bool:
        return self.evidence >= self.threshold


@dataclass(frozen=True)
class DecisionTrace:
    question: str
    query: str  # what was matched and retrieved (a follow-up rewritten to stand alone)
    expanded: str  # the query with glossary expansion, as the keyword index saw it ("" without retrieval)
    triage: TriageStep
    sensitive: SensitiveStep
    curated: CuratedStep | None  # None: curated matching was off or not reached
    passages: tuple[PassageStep, ...]  # empty: nothing was retrieved (a curated hit, a refusal)
    gate: GateStep | None
    composer: str  # a :class:`Composer` value
    fallback_reason: str  # why the LLM failed (composer "fallback")
    mode: str  # the final answer's mode
    timings: dict[str, float] = field(default_factory=dict)


class Recorder(Protocol):
    """What :class:`AnswerService` reports while answering."""

    def triage(self, result: TriageResult) -> None: ...

    def sensitive(self, find: _Finder, text: str) -> None: ...

    def curated(self, decision: CuratedDecision) -> None: ...

    def retrieved(self, retrieved: Retrieved, given: int, expanded: str) -> None: ...

    def gate(self, retrieved: Retrieved, evidence: float, threshold: float, keyword_weight: float) -> None: ...

    def finish(self, answer: Answer) -> DecisionTrace | None: ...


class _Finder(Protocol):
    def find(self, text: str) -> list[Hit]: ...


class _NoTrace:
    """The recorder of an untraced question: every method does nothing (and holds no state)."""

    def triage(self, result: TriageResult) -> None:
        return None

    def sensitive(self, find: _Finder, text: str) -> None:
        return None

    def curated(self, decision: CuratedDecision) -> None:
        return None

    def retrieved(self, retrieved: Retrieved, given: int, expanded: str) -> None:
        return None

    def gate(self, retrieved: Retrieved, evidence: float, threshold: float, keyword_weight: float) -> None:
        return None

    def finish(self, answer: Answer) -> DecisionTrace | None:
        return None


NO_TRACE: Recorder = _NoTrace()


class TraceRecorder:
    """Collects one question's steps and builds its :class:`DecisionTrace` from the final answer."""

    def __init__(self) -> None:
        self._triage = TriageStep("none", "", 0.0, False)
        self._terms: tuple[str, ...] = ()
        self._decision: CuratedDecision | None = None
        self._retrieved: tuple[Retrieved, int, str, list] | None = None
        self._gate: tuple[float, float, float, float, float] | None = None

    def triage(self, result: TriageResult) -> None:
        self._triage = TriageStep(result.level.value, result.situation, result.confidence, result.inherited,
                                  dict(result.scores))

    def sensitive(self, find: _Finder, text: str) -> None:
        self._terms = tuple(dict.fromkeys(h.term for h in find.find(text)))

    def curated(self, decision: CuratedDecision) -> None:
        self._decision = decision

    def retrieved(self, retrieved: Retrieved, given: int, expanded: str) -> None:
        self._retrieved = (retrieved, given, expanded, list(retrieved.results))  # before the service trims it

    def gate(self, retrieved: Retrieved, evidence: float, threshold: float, keyword_weight: float) -> None:
        self._gate = (retrieved.top_dense, retrieved.top_keyword, keyword_weight, evidence, threshold)

    def finish(self, answer: Answer) -> DecisionTrace:
        first = answer.triage.alarm or answer.triage.level == Level.HARMFUL_REQUEST
        sensitive = SensitiveStep(self._terms, answer.mode == Mode.BLOCKED, consulted=not first)
        gate = GateStep(*self._gate, consulted=not answer.triage.alarm) if self._gate is not None else None
        composer, reason = _composer(answer)
        return DecisionTrace(answer.question, answer.retrieval_query, self._retrieved[2] if self._retrieved else "",
                             self._triage, sensitive, self._curated_step(), self._passages(answer), gate, composer,
                             reason, answer.mode.value, dict(answer.timings))

    def _curated_step(self) -> CuratedStep | None:
        decision = self._decision
        if decision is None:
            return None
        hit = decision.hit.answer.id if decision.hit is not None else None
        offered = {c.answer.id for c in decision.suggestions}
        shown = decision.candidates or ((decision.hit,) if decision.hit is not None else ())
        steps = tuple(CandidateStep(c.answer.id, c.answer.key, c.answer.question, c.similarity, c.probability,
                                    c.answer.id == hit, c.answer.id in offered) for c in shown)
        return CuratedStep(steps, decision.answer_at, decision.suggest_at)

    def _passages(self, answer: Answer) -> tuple[PassageStep, ...]:
        if self._retrieved is None:
            return ()
        retrieved, given, _, results = self._retrieved
        if _composer(answer)[0] == Composer.NONE:  # a decline or the first-aid card alone: nothing was handed on
            given = 0
        cited = {c.chunk_id for c in answer.citations}
        out = []
        for rank, scored in enumerate(results, start=1):
            chunk = scored.chunk
            article = str(chunk.extra.get("article_id") or Path(chunk.source).stem)
            out.append(PassageStep(rank, chunk.id, chunk.title, chunk.heading, article,
                                   chunk.text[:SNIPPET_CHARS], retrieved.dense_scores.get(chunk.id),
                                   retrieved.keyword_scores.get(chunk.id), scored.score, rank <= given,
                                   chunk.id in cited))
        return tuple(out)


def _composer(answer: Answer) -> tuple[str, str]:
    if answer.mode == Mode.CURATED:
        return Composer.CURATED, ""
    if answer.mode == Mode.LLM:
        return Composer.LLM, ""
    if answer.mode == Mode.EXTRACTIVE:
        return (Composer.FALLBACK, answer.llm_fallback) if answer.llm_fallback else (Composer.EXTRACTIVE, "")
    return Composer.NONE, ""
