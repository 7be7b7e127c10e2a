"""Curated-answer matching: a reviewed answer to the same question wins over retrieval, however it is
phrased; a question that is only close gets "你是不是想问：" with the closest reviewed questions.

Each published item is scored on a few features — the query's embedding similarity to the item's
phrasings, its margin over the best other item, and whether the question's weighty words (its key
entity: 隔夜 *茶* vs 隔夜 *菜*) are words the item is about. A small logistic model, trained by
``scripts/train_curated_match.py`` on shipped phrasings (leave one out) and on labelled fresh
phrasings and near-misses, turns them into a probability. The model belongs to one embedder; with
another, a plain similarity threshold decides, as before.
"""

from __future__ import annotations

import contextlib
import functools
import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bot.engine.question_kind import Asks, asking_clause, asks, is_content_word
from knowledge.index.embedders import Embedder
from knowledge.stores.curated import CuratedAnswer
from knowledge.stores.curation import CurationStore

MODEL_PATH = Path(__file__).resolve().parents[2] / "knowledge" / "curated_match.json"
FEATURES = ("similarity", "margin", "answer_similarity", "answer_margin", "query_covered", "item_covered",
            "missing_key", "answer_covered", "missing_share", "best_missing_key", "same_kind", "char_overlap",
            "core_similarity", "novel_in_asking", "novel_in_question", "top_by_phrasing")
_SPACE = re.compile(r"\s+")
_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)
_CLAUSES = re.compile(r"[。！？!?；;，,…\n]+")


# Sichuanese / northern wording and common question-word variants, folded before keyword and character
# matching (the embedding sees the question as asked: a second embedding would cost too much per question).
_DIALECT = (("为啥子", "为什么"), ("啥子", "什么"), ("咋个", "怎么"), ("咋整", "怎么办"), ("咋办", "怎么办"),
            ("咋", "怎么"), ("为啥", "为什么"), ("啥", "什么"), ("得不得", "会不会"), ("要得不", "可不可以"),
            ("屋头", "家里"), ("晓得", "知道"), ("娃儿", "孩子"), ("娃娃", "孩子"), ("遭", "被"), ("整", "弄"),
            ("神么", "什么"), ("甚么", "什么"))
_DIALECT_RE = re.compile("|".join(re.escape(a) for a, _ in _DIALECT))
_DIALECT_MAP = dict(_DIALECT)
_PARTICLES = re.compile(r"[噻哦嘛嘞撒咯]+(?=[\s\W_]|$)")


def fold_dialect(text: str) -> str:
    """咋个→怎么, 啥子→什么, 得不得→会不会 …, and sentence-final particles (噻, 哦) dropped."""
    return _PARTICLES.sub("", _DIALECT_RE.sub(lambda m: _DIALECT_MAP[m.group(0)], text))


def _grams(text: str) -> set[str]:
    text = _PUNCT.sub("", text)
    return {text[i:i + 2] for i in range(len(text) - 1)}


def _bare(text: str) -> str:
    return _PUNCT.sub("", text)


# A message at least this long (characters, punctuation left out) may tell a story before its question:
# its asking clause is embedded too. A shorter one is compared by its one embedding. Chosen out of fold on
# the work split: the clause of every message earns as much recall, at 1.4 embeddings a question, not 1.1.
CLAUSE_MIN_CHARS = 25


def second_text(question: str, min_chars: int | None = None) -> str | None:
    """The text embedded besides the question, or None: the asking clause (``asking_clause``, dialect
    folded) of a long message, when it is not the whole message."""
    min_chars = CLAUSE_MIN_CHARS if min_chars is None else min_chars
    bare = _bare(question)
    if len(bare) < min_chars:
        return None
    clause = fold_dialect(asking_clause(question))
    return clause if _bare(clause) != bare else None


@dataclass(frozen=True)
class _Published:
    """The published set as the matcher reads it; rows are phrasings, items are answers."""

    revision: tuple[int, str] | None = None
    answers: list[CuratedAnswer] = field(default_factory=list)
    owner: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # row -> item
    matrix: np.ndarray = field(default_factory=lambda: np.zeros((0, 1), dtype=np.float32))  # phrasing vectors
    answer_matrix: np.ndarray = field(default_factory=lambda: np.zeros((0, 1), dtype=np.float32))  # per item
    phrasing_tokens: list[set[str]] = field(default_factory=list)  # per row
    phrasings: list[str] = field(default_factory=list)  # per row
    row_grams: list[set[str]] = field(default_factory=list)  # per row
    claim_tokens: list[set[str]] = field(default_factory=list)  # per item: its claim
    answer_tokens: list[set[str]] = field(default_factory=list)  # per item: its answer text
    item_chars: list[set[str]] = field(default_factory=list)  # per item: characters of its phrasings and answer
    verbatim: dict[str, int] = field(default_factory=dict)  # a phrasing without punctuation -> its first row


@dataclass(frozen=True)
class CuratedCandidate:
    answer: CuratedAnswer
    similarity: float  # best cosine to one of its phrasings
    probability: float  # that it is the same question (the model's; the similarity without one)


@dataclass(frozen=True)
class CuratedDecision:
    hit: CuratedCandidate | None  # answer with it
    suggestions: tuple[CuratedCandidate, ...] = ()  # no hit: "你是不是想问：" these
    candidates: tuple[CuratedCandidate, ...] = ()  # the items weighed, most likely first (for the hit test)
    answer_at: float = 0.0  # the probability (or, without a model, the cosine) that gives the answer
    suggest_at: float | None = None  # the probability that offers a question; None: only a cosine threshold


@dataclass(frozen=True)
class MatchModel:
    """Logistic weights over :data:`FEATURES` with the two decision thresholds, for one embedder."""

    embedder: str
    weights: tuple[float, ...]
    bias: float
    answer_at: float  # probability at which the reviewed answer is given
    suggest_at: float  # probability at which the question is offered as "你是不是想问"

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> MatchModel | None:
        if not path.is_file():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(data["embedder"], tuple(data["weights"]), data["bias"], data["answer_at"], data["suggest_at"])

    def probability(self, features: np.ndarray) -> np.ndarray:
        z = features @ np.asarray(self.weights, dtype=np.float64) + self.bias
        return 1.0 / (1.0 + np.exp(-z))


class CuratedMatcher:
    """Embeds every published question and paraphrase and decides which item, if any, a question asks.

    The published set is re-read whenever the store's revision changes. A change made through this
    process is seen by the very next question; one made by another replica sharing the database
    within ``poll_seconds``.
    """

    def __init__(self, store: CurationStore, embedder: Embedder, threshold: float, poll_seconds: float = 1.0,
                 tokens: Callable[[str], list[str]] | None = None, idf: Callable[[str], float] | None = None,
                 model: MatchModel | None = None) -> None:
        self._store = store
        self._poll_seconds = poll_seconds
        self._checked_at = -1e9
        self._local_seen = -1
        self._embedder = embedder
        self.threshold = threshold
        self._tokens = tokens or (lambda text: list(text))
        self._idf = idf or (lambda token: 1.0)
        self.model = model if model is not None and model.embedder == embedder.name else None
        self._lock = threading.Lock()
        self._published = _Published()  # swapped whole on refresh: readers never see half of a change
        self._local = threading.local()  # the snapshot pinned for the call in progress on this thread
        self._embed_second = functools.lru_cache(maxsize=2048)(embedder.embed_query)
        self.second_embeddings = 0  # how many questions needed a second embedding (for the cost report)

    # ---- the published set -------------------------------------------------------------------------
    def refresh(self, force: bool = False) -> None:
        now = time.monotonic()
        local = self._store.answers.local_changes
        loaded = self._published.revision is not None  # until the first read is done, every caller waits for it
        if loaded and not force and local == self._local_seen and now - self._checked_at < self._poll_seconds:
            return
        self._checked_at, self._local_seen = now, local
        revision = self._store.answers.revision()
        if revision == self._published.revision:
            return
        with self._lock:
            if revision == self._published.revision:  # another thread has just read this revision
                return
            answers = self._store.answers.published()
            texts = [t for a in answers for t in a.phrasings]
            cached = self._store.vectors.vectors_for(texts, f"q:{self._embedder.name}", self._embedder.embed_queries)
            self._published = _Published(
                revision,
                answers,
                np.array([i for i, a in enumerate(answers) for _ in a.phrasings], dtype=np.int64),
                np.stack([cached[t] for t in texts]) if texts else np.zeros((0, 1), dtype=np.float32),
                self._answer_vectors(answers),
                [self.content(t) for t in texts],
                texts,
                [_grams(t) for t in texts],
                [self.content(a.claim) for a in answers],
                [self.content(a.answer) for a in answers],
                [set(_PUNCT.sub("", "".join(a.phrasings) + a.answer + a.claim)) for a in answers],
                {key: row for row, key in reversed(list(enumerate(_PUNCT.sub("", t) for t in texts)))},
            )

    @property
    def revision(self) -> tuple[int, str] | None:
        """The revision of the published set in use, read afresh when it may have changed."""
        self.refresh()
        return self._published.revision

    @property
    def _pub(self) -> _Published:
        pinned = getattr(self._local, "published", None)
        return pinned if pinned is not None else self._published

    @contextlib.contextmanager
    def _pinned(self) -> Iterator[None]:
        """Use one snapshot of the published set for the whole call (nested calls share it)."""
        if getattr(self._local, "published", None) is not None:
            yield
            return
        self._local.published = self._published
        try:
            yield
        finally:
            self._local.published = None

    def _answer_vectors(self, answers: list[CuratedAnswer]) -> np.ndarray:
        """Each answer embedded as a passage: a question is compared with what answers it, as in retrieval."""
        texts = [a.answer for a in answers]
        cached = self._store.vectors.vectors_for(texts, f"p:{self._embedder.name}", self._embedder.embed_documents)
        return np.stack([cached[t] for t in texts]) if texts else np.zeros((0, 1), dtype=np.float32)

    @property
    def answers(self) -> list[CuratedAnswer]:
        return self._pub.answers

    def phrasing_rows(self) -> list[tuple[CuratedAnswer, str, int, np.ndarray]]:
        """(answer, phrasing, row, vector) of every published phrasing, for leave-one-out evaluation."""
        pub = self._published
        return [(pub.answers[int(owner)], pub.phrasings[row], row, pub.matrix[row])
                for row, owner in enumerate(pub.owner)]

    def content(self, text: str) -> set[str]:
        """The words of a text that say what it is about (not how it is asked)."""
        out = set()
        for token in self._tokens(_SPACE.sub("", text)):
            if is_content_word(token):
                out.add(token)
        return out

    # ---- features ------------------------------------------------------------------------------------
    def _covered(self, tokens: set[str], vocabulary: set[str]) -> float:
        total = sum(self._idf(t) for t in tokens)
        return sum(self._idf(t) for t in tokens if t in vocabulary) / total if total else 0.0

    def similarities(self, query_vector: np.ndarray, exclude_row: int | None = None
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(cosine per phrasing row, best phrasing cosine per item, cosine to each item's answer); one
        row may be left out (for leave-one-out training)."""
        pub = self._pub
        rows = (pub.matrix @ query_vector).astype(np.float64) if len(pub.owner) else np.zeros(0)
        if exclude_row is not None:
            rows[exclude_row] = -1.0
        best = np.full(len(pub.answers), -1.0)
        np.maximum.at(best, pub.owner, rows)
        to_answers = (pub.answer_matrix @ query_vector).astype(np.float64) if len(pub.answers) else np.zeros(0)
        return rows, best, to_answers

    def related(self, query_vector: np.ndarray, exclude: set[int], topic: str = "", limit: int = 3,
                window: float = 0.08) -> list[CuratedAnswer]:
        """Reviewed questions a citizen may want to ask next ("你可能还想问"): the closest published
        items to the question that are not the one answered (``exclude``: curated answer ids) nor a
        rewording of it, within ``window`` of the closest one, those of the same ``topic`` first."""
        with self._pinned():
            answers, owner = self._pub.answers, self._pub.owner
            if not len(owner):
                return []
            _, per_item, _ = self.similarities(query_vector)
        order = [int(i) for i in np.argsort(-per_item)]
        kept = [i for i in order if answers[i].id not in exclude]
        if not kept:
            return []
        floor = per_item[kept[0]] - window
        near = [i for i in kept[: 4 * limit] if per_item[i] >= floor]
        if topic:
            near.sort(key=lambda i: answers[i].key.split("-")[0] != topic)  # stable: closeness within each group
        out: list[CuratedAnswer] = []
        for i in near:
            if all(_grams(answers[i].question) != _grams(o.question) for o in out):
                out.append(answers[i])
            if len(out) == limit:
                break
        return out

    def _order(self, per_item: np.ndarray, to_answers: np.ndarray, depth: int) -> list[int]:
        """Candidates: the closest items by phrasing and by answer, interleaved, without repeats."""
        by_phrasing = [int(i) for i in np.argsort(-per_item)[:depth]]
        by_answer = [int(i) for i in np.argsort(-to_answers)[:depth]]
        return list(dict.fromkeys(i for pair in zip(by_phrasing, by_answer, strict=True) for i in pair))

    def features(self, query_tokens: set[str], row_sims: np.ndarray, per_item: np.ndarray, item: int,
                 exclude_row: int | None = None, unknown_idf: float | None = None,
                 to_answers: np.ndarray | None = None, kind: Asks | None = None, grams: set[str] | None = None,
                 core_sims: np.ndarray | None = None, core_tokens: set[str] | None = None) -> np.ndarray:
        pub = self._pub
        others = np.delete(per_item, item)
        runner = float(others.max()) if len(others) else 0.0
        if to_answers is None:
            to_answers = np.zeros(len(self._pub.answers))
        other_answers = np.delete(to_answers, item)
        answer_runner = float(other_answers.max()) if len(other_answers) else 0.0
        rows = [r for r in np.flatnonzero(self._pub.owner == item) if r != exclude_row]
        vocabulary = set().union(*(self._pub.phrasing_tokens[r] for r in rows)) | self._pub.claim_tokens[item]
        best_row = max(rows, key=lambda r: float(row_sims[r]), default=None)
        best_tokens = self._pub.phrasing_tokens[best_row] if best_row is not None else set()
        unknown = unknown_idf if unknown_idf is not None else self._idf("\uffff")
        known = {t for t in query_tokens if self._idf(t) < unknown - 1e-6}  # an unknown typo is no evidence
        known_missing = [self._idf(t) for t in known - vocabulary - self._pub.answer_tokens[item]]
        best_missing = [self._idf(t) for t in known - best_tokens]
        known_total = sum(self._idf(t) for t in known) or 1.0
        chars = pub.item_chars[item] if len(pub.item_chars) > item else set()
        said = vocabulary | pub.answer_tokens[item]
        return np.array([
            float(per_item[item]),
            float(per_item[item]) - runner,
            float(to_answers[item]),
            float(to_answers[item]) - answer_runner,
            self._covered(query_tokens, vocabulary),
            self._covered(best_tokens, query_tokens) if best_tokens else 0.0,
            max(known_missing, default=0.0) / (unknown or 1.0),
            self._covered(query_tokens, vocabulary | self._pub.answer_tokens[item]),
            sum(known_missing) / known_total,
            max(best_missing, default=0.0) / (unknown or 1.0),
            float(any(asks(self._pub.phrasings[r]) == kind for r in rows)) if kind is not None else 0.0,
            max((2 * len(grams & pub.row_grams[r]) / ((len(grams) + len(pub.row_grams[r])) or 1) for r in rows),
                default=0.0) if grams is not None else 0.0,
            float(core_sims[item]) if core_sims is not None else float(per_item[item]),
            self._novel(core_tokens or set(), said, chars, unknown),
            self._novel(query_tokens, said, chars, unknown),
            float(per_item[item] >= per_item.max() - 1e-9),
        ])

    def _novel(self, tokens: set[str], said: set[str], chars: set[str], unknown: float) -> float:
        """The weightiest word the item never mentions (its idf against an unknown word's); an unknown
        word (a typo?) counts only when none of its characters occur in the item's text."""
        novel = 0.0
        for t in tokens - said:
            weight = self._idf(t)
            if weight >= unknown - 1e-6 and any(ch in chars for ch in t):
                continue
            novel = max(novel, weight / (unknown or 1.0))
        return novel

    # ---- deciding --------------------------------------------------------------------------------------
    def decide(self, question: str, query_vector: np.ndarray, limit: int = 3) -> CuratedDecision:
        """The reviewed answer for this question, or the closest reviewed questions to offer."""
        self.refresh()
        with self._pinned():
            return self._decide(question, query_vector, limit, None)

    def decide_without(self, question: str, query_vector: np.ndarray, exclude_row: int,
                       limit: int = 3) -> CuratedDecision:
        """As :meth:`decide`, with one shipped phrasing left out (leave-one-out evaluation)."""
        with self._pinned():
            return self._decide(question, query_vector, limit, exclude_row)

    def candidate_features(self, question: str, query_vector: np.ndarray, exclude_row: int | None = None,
                           depth: int = 3) -> list[tuple[int, np.ndarray]]:
        """(item index, features) for the ``depth`` items closest by similarity (for training)."""
        with self._pinned():
            row_sims, per_item, to_answers = self.similarities(query_vector, exclude_row)
            tokens = self.content(fold_dialect(question))
            unknown = self._idf("\uffff")
            context = self._context(question, per_item, exclude_row)
            return [(i, self.features(tokens, row_sims, per_item, i, exclude_row, unknown, to_answers, *context))
                    for i in self._order(per_item, to_answers, depth)]

    def _context(self, question: str, per_item: np.ndarray, exclude_row: int | None
                 ) -> tuple[Asks, set[str], np.ndarray, set[str]]:
        """What every candidate's features share: the question's kind, its character pairs, the similarity
        of its asking clause (dialect folded) to each item — the whole question's when there is nothing
        else to embed (:func:`second_text`) — and the asking clause's words (dialect folded)."""
        folded = fold_dialect(question)
        core_tokens = self.content(fold_dialect(asking_clause(question)))
        second = second_text(question)
        if second is None:
            return asks(question), _grams(folded), per_item, core_tokens
        self.second_embeddings += 1
        _, core_sims, _ = self.similarities(self._embed_second(second), exclude_row)
        return asks(question), _grams(folded), np.maximum(core_sims, per_item), core_tokens

    def _decide(self, question: str, query_vector: np.ndarray, limit: int, exclude_row: int | None
                ) -> CuratedDecision:
        if not len(self._pub.owner):
            return CuratedDecision(None)
        row_sims, per_item, to_answers = self.similarities(query_vector, exclude_row)
        if self.model is None:
            closest = tuple(CuratedCandidate(self._pub.answers[int(i)], float(per_item[i]), float(per_item[i]))
                            for i in np.argsort(-per_item, kind="stable")[:max(limit, 3)])
            hit = closest[0]
            return CuratedDecision(hit if hit.similarity >= self.threshold else None, (), closest, self.threshold)
        tokens = self.content(fold_dialect(question))
        unknown = self._idf("\uffff")
        order = self._order(per_item, to_answers, max(limit, 3))
        context = self._context(question, per_item, exclude_row)
        feats = np.stack([self.features(tokens, row_sims, per_item, i, exclude_row, unknown, to_answers, *context)
                          for i in order])
        probs = self.model.probability(feats)
        ranked = sorted(zip(order, probs, strict=True), key=lambda pair: -pair[1])
        candidates = tuple(CuratedCandidate(self._pub.answers[i], float(per_item[i]), float(p)) for i, p in ranked)
        at = (self.model.answer_at, self.model.suggest_at)
        row = self._pub.verbatim.get(_PUNCT.sub("", question))
        if row is not None and row != exclude_row:  # a published phrasing asked as written is its item's
            item = int(self._pub.owner[row])
            own = next((c for c in candidates if c.answer.id == self._pub.answers[item].id), None)
            hit = own or CuratedCandidate(self._pub.answers[item], float(per_item[item]), 1.0)
            return CuratedDecision(hit, (), (hit, *(c for c in candidates if c is not hit)), *at)
        if candidates[0].probability >= self.model.answer_at:
            return CuratedDecision(candidates[0], (), candidates, *at)
        offered = tuple(c for c in candidates if c.probability >= self.model.suggest_at)[:limit]
        return CuratedDecision(None, offered, candidates, *at)

    def match(self, question: str, query_vector: np.ndarray) -> tuple[CuratedAnswer, float] | None:
        decision = self.decide(question, query_vector)
        return (decision.hit.answer, decision.hit.similarity) if decision.hit else None
