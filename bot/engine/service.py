"""The answer service: the one entry point the UI, the HTTP API and the evaluation CLI call."""

from __future__ import annotations

import contextlib
import functools
import logging
import math
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass

import numpy as np
from sqlalchemy.exc import SQLAlchemyError

from bot.engine import safety
from bot.engine.answer_cache import AnswerCache, cache_key
from bot.engine.conversation import Resolved, bound_history, heuristic_rewrite, is_follow_up
from bot.engine.curated_match import CuratedMatcher, MatchModel
from bot.engine.extractive import ExtractiveComposer, uncovered_people
from bot.engine.normalize import QueryNormalizer
from bot.engine.question_kind import is_content_word
from bot.engine.retrieval import HybridRetriever, Retrieved
from bot.engine.safety import MEDICAL_TOPICS
from bot.engine.sensitive import SensitiveFilter
from bot.engine.trace import NO_TRACE, Recorder, TraceRecorder
from bot.engine.triage import Level, Triage, TriageResult
from bot.engine.types import Answer, AskOptions, Citation, Composed, Mode, RewritingComposer, Source
from knowledge import texts
from knowledge.errors import AnswerTimeout, LLMUnavailable, QuestionError, ServiceBusy, StoreError
from knowledge.index.base import KnowledgeBase
from knowledge.privacy import redact
from knowledge.settings import Settings
from knowledge.stores.accounts import public_name
from knowledge.stores.curated import CuratedAnswer
from knowledge.stores.curation import CurationStore
from knowledge.types import Chunk

log = logging.getLogger(__name__)
_LATIN = re.compile(r"[A-Za-z]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_MARKER = re.compile(r"\[(\d+)\]")


def public_source(chunk: Chunk) -> str:
    """What a citizen may learn about where a passage comes from: its public URL when the document
    names one, else its article id — never the server path of the file."""
    origin = str(chunk.extra.get("origin") or "")
    if origin.startswith(("http://", "https://")):
        return origin
    return str(chunk.extra.get("article_id") or chunk.title)


def renumbered(sources: list[Source], composed: Composed) -> tuple[list[Source], Composed]:
    """Citation numbers as a reader expects them: the sources a quoted answer cites, numbered 1, 2, …
    in order (the passage may come from the second retrieved chunk; it is still source [1])."""
    mapping = {old: new for new, old in enumerate(sorted(composed.cited), start=1)}
    if all(old == new for old, new in mapping.items()):
        return sources, composed
    text = _MARKER.sub(lambda m: f"[{mapping.get(int(m.group(1)), int(m.group(1)))}]", composed.text)
    quoted = [Source(mapping[src.number], src.chunk, src.score) for src in sources if src.number in mapping]
    return quoted, Composed(text, sorted(mapping.values()),
                            {mapping[n]: h for n, h in composed.highlights.items() if n in mapping}, composed.notice)


@dataclass(frozen=True)
class Evidence:
    """How well the retrieved chunks support answering at all (calibrated on the dev set against
    out-of-corpus questions; see docs/benchmarks.md)."""

    top_dense: float
    top_keyword: float

    def score(self, keyword_weight: float) -> float:
        return self.top_dense + keyword_weight * math.log1p(max(self.top_keyword, 0.0))


def _kept_a_minute(lookup: Callable[[str], str], seconds: float = 60.0) -> Callable[[str], str]:
    """``lookup`` with each result kept for ``seconds`` (a reviewer's shown name, read for every reviewed answer,
    changes rarely; a rename shows within a minute, as a kept answer does)."""
    kept: dict[str, tuple[float, str]] = {}

    def cached(name: str) -> str:
        now = time.monotonic()
        hit = kept.get(name)
        if hit is not None and now - hit[0] < seconds:
            return hit[1]
        value = lookup(name)
        if len(kept) > 1024:
            kept.clear()
        kept[name] = (now, value)
        return value

    return cached


class AnswerService:
    """question → (curated | retrieval → composer → citations) → :class:`Answer`."""

    def __init__(
        self, settings: Settings, kb: KnowledgeBase, normalizer: QueryNormalizer, store: CurationStore | None = None,
        llm: RewritingComposer | None = None, retriever: HybridRetriever | None = None,
        triage: Triage | None = None,
    ) -> None:
        self.settings = settings
        self.kb = kb
        self.normalizer = normalizer
        self.store = store
        self.llm = llm  # the LLM composer, or None: answers are quoted (extractive)
        self.retriever = retriever or HybridRetriever(kb, settings.candidate_k)
        self.triage = triage
        # [perf, session 6] the same candidate sentences come back question after question: their jieba tokens
        # are cached (the dictionary never changes after start; callers only read the lists). ~5-10 ms an answer.
        tokens = functools.lru_cache(maxsize=16384)(kb.tokenizer.tokens)
        self.extractive = ExtractiveComposer(tokens, kb.idf, settings.answer_chars)
        self.curated = (CuratedMatcher(store, kb.embedder, settings.curated_threshold, tokens=tokens,
                                       idf=kb.idf, model=MatchModel.load()) if store else None)
        self.words = SensitiveFilter(store.words if store else None)
        self._slots = threading.BoundedSemaphore(settings.max_concurrent_answers)
        self._embed_query = functools.lru_cache(maxsize=4096)(self._embed_query_uncached)
        self.cache = AnswerCache(settings.answer_cache_size, settings.answer_cache_seconds)
        self.llm_failures: Counter[str] = Counter()  # reason → count since start (the dashboard reads the log)
        self._failures_lock = threading.Lock()
        self.public_name: Callable[[str], str] = (  # reviewer → the name citizens may see
            _kept_a_minute(lambda name: public_name(store.db, name, settings.public_reviewer)) if store
            else (lambda name: name))

    def _outbound(self, text: str) -> str:
        """What may leave the machine for an external LLM or embedding endpoint: personal data removed
        unless the deployer allows it."""
        return text if self.settings.share_personal_data else redact(text).text

    def _outbound_history(self, history: list[tuple[str, str]]) -> list[tuple[str, str]]:
        return [(self._outbound(q), a) for q, a in history]

    def _embed_query_uncached(self, text: str) -> np.ndarray:
        if self.settings.embedder == "openai":
            text = self._outbound(text)
        vector = self.kb.embedder.embed_query(text)
        vector.flags.writeable = False  # shared by the cache: nobody may change it in place
        return vector

    # ---- helpers -------------------------------------------------------------------------------
    def _validate(self, question: str) -> str:
        if not isinstance(question, str) or not question.strip():
            raise QuestionError(texts.QUESTION_EMPTY)
        if len(question) > self.settings.max_question_chars:
            raise QuestionError(texts.QUESTION_TOO_LONG.format(limit=self.settings.max_question_chars))
        cleaned = self.normalizer.clean(question)
        if not cleaned:
            raise QuestionError(texts.QUESTION_EMPTY)
        return cleaned

    def _resolve(self, question: str, history: list[tuple[str, str]]) -> Resolved:
        if not is_follow_up(question, history):
            return Resolved(question)
        if self.llm is not None:
            try:
                rewritten = self.normalizer.clean(self.llm.rewrite(self._outbound(question),
                                                                   self._outbound_history(history)))
                return Resolved(rewritten[: 2 * self.settings.max_question_chars] or question)
            except LLMUnavailable as exc:
                self._llm_failed("rewrite", exc)
        return heuristic_rewrite(question, history, self.subject_of)

    def subject_of(self, text: str, limit: int = 2) -> list[str]:
        """The weighty words of a text that the knowledge base knows (its entity), rarest first."""
        unknown = self.kb.idf("\uffff")
        words = {t for t in self.kb.tokenizer.tokens(text) if len(t) >= 2 and is_content_word(t)
                 and self.kb.idf(t) < unknown - 1e-6}
        whole = [w for w in words if not any(w != other and w in other for other in words)]
        return sorted(whole, key=lambda w: (-self.kb.idf(w), w))[:limit]

    def _gate(self, retrieved: Retrieved, question: str) -> tuple[float, float]:
        """The no-answer gate's (evidence, threshold): the question is answered when evidence >= threshold."""
        evidence = Evidence(retrieved.top_dense, retrieved.top_keyword)
        threshold = self.settings.evidence_threshold
        if len(_LATIN.findall(question)) > len(_HAN.findall(question)):
            # an English question meets Chinese passages at lower cosines and matches no keyword
            threshold -= self.settings.evidence_latin_offset
        return evidence.score(self.settings.evidence_keyword_weight), threshold

    def _citations(self, sources: list[Source], composed: Composed) -> list[Citation]:
        out = []
        for src in sources:
            if src.number in composed.cited:
                extra = src.chunk.extra
                out.append(Citation(
                    src.number, src.chunk.title, public_source(src.chunk), src.chunk.text, src.score,
                    src.chunk.id, tuple(composed.highlights.get(src.number, ())),
                    self.public_name(extra.get("reviewer", "")), extra.get("reviewed_at", ""), extra.get("topic", ""),
                ))
        return out

    def _curated_answer(self, hit: CuratedAnswer, score: float) -> Answer:
        citations = []
        if hit.articles:
            found = {c.extra.get("article_id"): c for c in self._article_chunks(hit.articles)}
            for i, article in enumerate(hit.articles, start=1):
                chunk = found.get(article)
                if chunk is not None:
                    citations.append(Citation(i, chunk.title, public_source(chunk), chunk.text,
                                              score, chunk.id, (), self.public_name(hit.reviewer),
                                              chunk.extra.get("reviewed_at", ""), chunk.extra.get("topic", "")))
        text = hit.answer + ("".join(f"[{c.number}]" for c in citations) if citations else "")
        if hit.verdict and hit.claim:  # the claim is named before the evidence, in the verdict's direction
            said = texts.VERDICT_SAYS.get(hit.verdict, texts.VERDICT_LINE.format(verdict=hit.verdict))
            text = texts.VERDICT_CLAIM.format(claim=hit.claim.rstrip("。？?！!"), says=said) + text
        elif hit.verdict:
            text = texts.VERDICT_LINE.format(verdict=hit.verdict) + text
        return Answer(text, Mode.CURATED, citations, notice=texts.CURATED_NOTICE, curated_id=hit.id)

    def _article_chunks(self, article_ids: tuple[str, ...]) -> list[Chunk]:
        """The opening chunk of each named article."""
        return self.kb.find(article_id=list(article_ids), position=0)

    # ---- public API ------------------------------------------------------------------------------
    def ask(self, question: str, history: list[tuple[str, str]] | None = None,
            options: AskOptions | None = None) -> Answer:
        """Answer one question. Raises :class:`QuestionError` for empty or over-long questions."""
        answer = None
        for item in self.ask_stream(question, history, options):
            if isinstance(item, Answer):
                answer = item
        assert answer is not None
        return answer

    def record_feedback(self, log_id: int | None, rating: int, comment: str = "", report: bool = False) -> bool:
        """A citizen's 👍 (+1) / 👎 (-1) or problem report on a logged answer; False if it cannot be kept."""
        if self.store is None or log_id is None:
            return False
        return self.store.questions.add_feedback(log_id, rating, redact(comment).text, report)

    def open_ticket(self, log_id: int, reason: str, question: str = "", topic: str = "", channel: str = "") -> str:
        """The ticket code for a logged question that is owed an answer (declined, 👎, reported); a question
        keeps its first code. "" when tickets are off or the ticket cannot be stored (the answer stands)."""
        if self.store is None or not self.settings.tickets:
            return ""
        try:
            if not question:
                logged = self.store.questions.get(log_id)
                if logged is None:
                    return ""
                question, topic, channel = logged.question, logged.topic, logged.channel
            return self.store.tickets.open(question, reason, log_id, topic, channel).code
        except (SQLAlchemyError, StoreError):
            log.exception("could not open a ticket")
            return ""

    def reviewed_answer_for(self, question: str) -> CuratedAnswer | None:
        """The published reviewed answer a citizen asking ``question`` would get now, or None (a ticket whose
        question has meanwhile been answered this way closes itself)."""
        if self.curated is None or not question.strip():
            return None
        cleaned = question.strip()[: self.settings.max_question_chars]
        hit = self.curated.decide(cleaned, self._embed_query(cleaned)).hit
        return hit.answer if hit is not None else None

    def suggestions(self, limit: int = 8) -> list[tuple[str, str]]:
        """(topic, question) pairs to offer on an empty chat: one published starter question per topic."""
        if self.store is None:
            return []
        seen: dict[str, str] = {}
        for a in sorted(self.store.answers.published(), key=lambda a: a.key):
            topic = texts.TOPIC_LABELS.get(a.key.split("-")[0])
            if topic and topic not in seen and len(a.question) <= 22:
                seen[topic] = a.question
        return list(seen.items())[:limit]

    def ask_stream(self, question: str, history: list[tuple[str, str]] | None = None,
                   options: AskOptions | None = None) -> Iterator[str | TriageResult | Answer]:
        """Yield the triage result first when it is not "none", then the answer text so far (each item
        replaces the previous), then the final :class:`Answer`.

        Raises :class:`QuestionError` for a bad question and :class:`ServiceBusy` when every answering
        slot stays taken for ``busy_wait_seconds`` (an answer kept in the cache needs no slot)."""
        cleaned = self._validate(question)
        yield from self._answer(question, cleaned, history, options)

    def _in_slot(self, work: Generator[str | TriageResult, None, tuple[Answer, float]]
                 ) -> Generator[str | TriageResult, None, tuple[Answer, float]]:
        """Run the work of a new answer in an answering slot (a kept answer needs none)."""
        if not self._slots.acquire(timeout=self.settings.busy_wait_seconds):
            work.close()
            raise ServiceBusy(texts.SERVICE_BUSY)
        try:
            return (yield from work)
        finally:
            self._slots.release()

    def _generation(self) -> tuple[object, ...] | None:
        """What a kept answer was made from, as revisions (None when a store cannot say: nothing is kept)."""
        try:
            return (self.kb.generation, self.curated.revision if self.curated is not None else None,
                    self.words.revision)
        except (SQLAlchemyError, StoreError):
            return None

    def _answer(self, question: str, cleaned: str, history: list[tuple[str, str]] | None,
                options: AskOptions | None) -> Iterator[str | TriageResult | Answer]:
        options = options or AskOptions()
        trace = TraceRecorder() if options.trace else NO_TRACE  # NO_TRACE does nothing
        cfg = self.settings
        history = bound_history(history, cfg.history_max_turns, cfg.max_question_chars, cfg.history_answer_chars)
        start = time.perf_counter()
        with contextlib.suppress(StoreError):  # the question itself meets any store problem and reports it
            self.kb.refresh()
        key = cache_key(cleaned, options)
        generation = self._generation() if not history and not options.trace else None
        cached = self.cache.get(key, generation) if generation is not None else None
        if cached is not None:  # asked a moment ago: the same answer, logged (and ticketed) as this question
            answer, top_score = cached.answer, cached.top_score
            if answer.triage.level != Level.NONE:
                yield answer.triage
            answer.timings = {"cached": 1.0}
        else:
            answer, top_score = yield from self._in_slot(self._work(cleaned, history, options, trace, start))
            if generation is not None and not answer.llm_fallback:  # the LLM is tried again next time
                self.cache.put(key, generation, answer, top_score)
        answer.question = question
        answer.timings["total_ms"] = (time.perf_counter() - start) * 1000
        if options.log and not options.trace and self.store is not None:  # a curator's hit test is no question
            self._log(answer, cleaned, top_score, options.channel)
        answer.trace = trace.finish(answer)
        yield answer

    def _log(self, answer: Answer, cleaned: str, top_score: float, channel: str) -> None:
        """Log the question (personal data never reaches the log) and open the ticket a declined one is owed."""
        assert self.store is not None
        topic = next((c.topic for c in answer.citations if c.topic), "")
        logged = redact(cleaned).text
        try:
            answer.log_id = self.store.questions.log(
                logged, answer.mode.value, answer.text, top_score, answer.timings["total_ms"],
                answer.flagged, topic, answer.curated_id, answer.llm_fallback, channel)
        except SQLAlchemyError:  # a full disk or a database outage must not cost the citizen the answer
            log.exception("could not log the question")
        if answer.mode == Mode.NO_ANSWER and answer.log_id is not None and self.settings.tickets:
            answer.ticket = self.open_ticket(answer.log_id, "no_answer", logged, topic, channel)

    def _work(self, cleaned: str, history: list[tuple[str, str]], options: AskOptions, trace: Recorder,
              start: float, heard: bool = False) -> Generator[str | TriageResult, None, tuple[Answer, float]]:
        """Triage, reviewed answer or retrieval and composing: the answer before it is logged (the generator's
        return value is the answer and the top retrieval score). A question that finds no answer is asked once
        more with its homophone slips read as words (``heard``: this is that second hearing)."""
        cfg = self.settings
        deadline = start + cfg.answer_budget_seconds
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        question_vec: np.ndarray = self._embed_query(cleaned)
        timings["embed_ms"] = (time.perf_counter() - t0) * 1000
        t0 = time.perf_counter()
        triage = (self.triage.for_turn(cleaned, history, question_vec, self.kb.embedder.name)
                  if self.triage is not None else TriageResult())
        timings["triage_ms"] = (time.perf_counter() - t0) * 1000
        trace.triage(triage)
        if triage.level != Level.NONE:
            yield triage  # shown before anything else, also while the answer is still streaming
        resolved = self._resolve(cleaned, history)
        query = resolved.query
        qvec = question_vec if query == cleaned else self._embed_query(query)

        answer: Answer | None = None
        top_score = 0.0
        if triage.level in (Level.SELF_HARM, Level.HARMFUL_REQUEST):
            answer = Answer("", Mode.SAFETY)  # the safety message alone: no article quotes, no method
        elif not triage.alarm and self.words.find(cleaned):  # an emergency is always answered first
            answer = Answer(texts.SENSITIVE_REFUSED, Mode.BLOCKED)
        trace.sensitive(self.words, cleaned)
        suggestions: list[str] = []
        if answer is None and options.use_curated and self.curated is not None:
            decision = self.curated.decide(query, qvec)
            trace.curated(decision)
            if decision.hit is not None and not (resolved.subject and history
                                                 and decision.hit.answer.answer in history[-1][1]):
                # a follow-up asks something new: the reviewed answer the citizen has just read is not it
                answer = self._curated_answer(decision.hit.answer, decision.hit.similarity)
                top_score = decision.hit.similarity
            suggestions = [c.answer.question for c in decision.suggestions]
        if answer is None:
            expanded = self.normalizer.expand(query)
            retrieved = self.retriever.retrieve(expanded, max(self.settings.top_k, 10), qvec)
            if time.perf_counter() > deadline:
                raise AnswerTimeout(texts.ANSWER_TIMEOUT)
            ranked = [s.chunk.source for s in retrieved.results]
            trace.retrieved(retrieved, self.settings.top_k, expanded)
            retrieved.results = retrieved.results[: self.settings.top_k]
            timings.update(retrieved.timings)
            top_score = retrieved.top_dense
            evidence, threshold = self._gate(retrieved, cleaned)
            trace.gate(retrieved, evidence, threshold, cfg.evidence_keyword_weight)
            if triage.alarm:  # the first-aid card alone: nothing is composed, so nothing streams and vanishes
                answer = Answer("", Mode.SAFETY)
            elif evidence < threshold:
                answer = self._no_answer(retrieved, threshold)
            else:
                sources = [Source(i, s.chunk, s.score) for i, s in enumerate(retrieved.results, start=1)]
                focus = cleaned if resolved.subject else ""
                answer = yield from self._compose(query, expanded, sources, history, options, focus)
            answer.ranked_sources = ranked
        if answer.mode == Mode.NO_ANSWER and not heard and not history and triage.level == Level.NONE:
            fixed = self.kb.homophones().fix(cleaned)
            if fixed != cleaned:  # 北抖 → 北斗: a homophone slip read as the word it sounds like, and asked again
                again, again_score = yield from self._work(fixed, history, options, trace, start, heard=True)
                if again.mode != Mode.NO_ANSWER:
                    return again, again_score
        if answer.mode in (Mode.EXTRACTIVE, Mode.LLM, Mode.NO_ANSWER) and not triage.alarm:
            answer.suggestions = suggestions
        if self.curated is not None and not triage.alarm and answer.mode in (Mode.CURATED, Mode.EXTRACTIVE, Mode.LLM):
            topic = next((c.topic for c in answer.citations if c.topic), "")
            if answer.curated_id is not None:
                topic = next((a.key.split("-")[0] for a in self.curated.answers if a.id == answer.curated_id), topic)
            shown = set(answer.suggestions)
            answer.related = [a.question for a in self.curated.related(qvec, {answer.curated_id or -1}, topic)
                              if a.question not in shown]
        answer = self._apply_triage(answer, triage)
        medical = safety.is_medical(cleaned) or any(c.topic in MEDICAL_TOPICS for c in answer.citations)
        if medical and answer.mode not in (Mode.NO_ANSWER, Mode.SAFETY, Mode.BLOCKED):
            answer.text = f"{answer.text}\n{texts.MEDICAL_DISCLAIMER}"
        if resolved.subject and answer.mode in (Mode.EXTRACTIVE, Mode.LLM, Mode.CURATED):
            # say which subject was assumed: the citizen can correct a wrong guess at once
            notes = [texts.FOLLOW_UP_SUBJECT.format(subject=resolved.subject)]
            asked_now = uncovered_people(cleaned, answer.text, known=history[-1][0] if history else "")
            if asked_now:
                # "那小孩能吃吗": the sources say nothing of 小孩 — say so rather than pass the general case off
                notes.append(texts.FOLLOW_UP_NOT_COVERED.format(term="」「".join(asked_now)))
            answer.notice = " ".join(p for p in (*notes, answer.notice) if p)
        answer.retrieval_query = query
        answer.timings = timings
        return answer, top_score

    @staticmethod
    def _apply_triage(answer: Answer, triage: TriageResult) -> Answer:
        """Put the safety message first and shape the answer to the triage level.

        Under an emergency only a reviewed (curated) answer follows the first-aid steps (anything
        else was never composed, see ``_answer``): judged by reading, quoted passages there were
        mostly about something else (a dengue passage after a febrile seizure, candle flames after
        carbon monoxide) and distract a person who needs the number and the steps."""
        answer.triage = triage
        if triage.alarm and answer.mode == Mode.CURATED:
            answer.text = f"{texts.SAFETY_FOLLOWS}\n{answer.text}"
        if triage.level == Level.PERSONAL_MEDICAL and answer.mode in (Mode.EXTRACTIVE, Mode.LLM, Mode.CURATED):
            # kept, labelled as general, after the referral: a question flagged by mistake still gets its answer
            # never a quoted dose presented as advice for this person; a reviewed answer was written for
            # everyone who asks this (a curator checked its figures), so it stays, labelled as general
            if answer.mode != Mode.CURATED and safety.DOSE.search(answer.text):
                answer.text = texts.PERSONAL_MEDICAL_WITHHELD
            else:
                answer.text = f"{texts.PERSONAL_MEDICAL_GENERAL}{answer.text}"
        return answer

    def _llm_failed(self, stage: str, exc: LLMUnavailable) -> str:
        """Log and count an LLM failure (its reason, never the key); the answer falls back."""
        reason = str(exc)[:200] or type(exc).__name__
        with self._failures_lock:
            self.llm_failures[reason] += 1
        log.warning("LLM %s failed, falling back: %s", stage, reason)
        return reason

    def _no_answer(self, retrieved: Retrieved, threshold: float) -> Answer:
        """The decline, with up to three articles worth a look: only those both indexes found and the dense
        one rated close to the gate (a title that shares no word with the question is noise, not help)."""
        near = 0.94 * threshold
        topics = list(dict.fromkeys(
            s.chunk.title for s in retrieved.results
            if s.chunk.title and retrieved.keyword_scores.get(s.chunk.id, 0.0) > 0
            and retrieved.dense_scores.get(s.chunk.id, 0.0) >= near))[:3]
        notice = texts.NO_ANSWER_RELATED.format(topics="、".join(topics)) if topics else ""
        return Answer(texts.NO_ANSWER, Mode.NO_ANSWER, notice=notice, related_topics=topics)

    def _compose(self, query: str, expanded: str, sources: list[Source], history: list[tuple[str, str]],
                 options: AskOptions, focus: str = "") -> Iterator[str]:
        """The LLM reads the question as asked; the quoting composer also matches its glossary terms."""
        if self.llm is not None:
            text = ""
            guard = self.words.guard()  # a blocked phrase split over pieces never reaches the citizen
            try:
                composed = None
                for item in self.llm.stream(self._outbound(query), sources, self._outbound_history(history),
                                            options.reading_level):
                    if isinstance(item, Composed):
                        composed = item
                        continue
                    released = guard.feed(item)
                    if guard.blocked:
                        raise LLMUnavailable("blocked word in the answer")
                    if released:
                        text += released
                        yield text
                if composed is None:
                    raise LLMUnavailable("stream ended without an answer")
                tail = guard.finish()
                if guard.blocked or self.words.find(composed.text):
                    raise LLMUnavailable("blocked word in the answer")
                if tail:
                    yield text + tail
                answer = Answer(composed.text, Mode.LLM, self._citations(sources, composed),
                                generated_by=self.settings.llm_model or "")
                if not composed.cited:
                    answer.flagged = True
                    answer.notice = texts.LLM_UNCITED_NOTICE
                return answer
            except LLMUnavailable as exc:
                reason = self._llm_failed("answer", exc)
                quoted, composed = renumbered(sources, self.extractive.compose(expanded, sources, focus=focus))
                yield composed.text
                notice = texts.LLM_BLOCKED_NOTICE if guard.blocked or reason.startswith("blocked") else (
                    texts.LLM_FALLBACK_NOTICE)
                return Answer(composed.text, Mode.EXTRACTIVE, self._citations(quoted, composed),
                              notice=notice, llm_fallback=reason)
        quoted, composed = renumbered(sources, self.extractive.compose(expanded, sources, focus=focus))
        yield composed.text
        return Answer(composed.text, Mode.EXTRACTIVE, self._citations(quoted, composed),
                      notice=texts.EXTRACTIVE_NOTICE)
