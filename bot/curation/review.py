"""The review queue: questions the public could not get answered (or marked 👎 / reported), grouped
by meaning so a curator answers each need once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from bot.engine.types import Mode
from knowledge.index.embedders import Embedder
from knowledge.stores.curation import CurationStore
from knowledge.stores.models import utcnow
from knowledge.stores.questions import LoggedQuestion


@dataclass
class ReviewGroup:
    """Questions that ask for the same thing; ``question`` is the most recent phrasing."""

    question: str
    questions: list[LoggedQuestion] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.questions)

    @property
    def no_answer(self) -> int:
        return sum(1 for q in self.questions if q.mode == Mode.NO_ANSWER)

    @property
    def thumbs_down(self) -> int:
        return sum(q.thumbs_down for q in self.questions)

    @property
    def reports(self) -> int:
        return sum(q.reports for q in self.questions)

    @property
    def last_answer(self) -> str:
        return self.questions[0].answer

    @property
    def last_mode(self) -> str:
        return self.questions[0].mode

    @property
    def comments(self) -> list[str]:
        return [c for q in self.questions for c in q.comments]

    @property
    def phrasings(self) -> list[str]:
        return list(dict.fromkeys(q.question for q in self.questions))


def needs_review(q: LoggedQuestion) -> bool:
    return q.mode == Mode.NO_ANSWER or q.thumbs_down > 0 or q.reports > 0


class ReviewQueue:
    """Groups questions needing review with a greedy leader pass over their query embeddings."""

    def __init__(self, store: CurationStore, embedder: Embedder, threshold: float) -> None:
        self._store = store
        self._embedder = embedder
        self.threshold = threshold

    def vectors(self, texts: list[str]) -> dict[str, np.ndarray]:
        """Query embeddings of ``texts`` (cached in the curation database)."""
        return self._store.vectors.vectors_for(texts, f"q:{self._embedder.name}", self._embedder.embed_queries)

    def groups(self, days: int = 30, limit: int = 100) -> list[ReviewGroup]:
        """Open needs of the last ``days`` days, largest group first (ties: most recent first)."""
        pending = [q for q in self._store.questions.since(utcnow() - dt.timedelta(days=days)) if needs_review(q)]
        if not pending:
            return []
        vectors = self.vectors([q.question for q in pending])
        leaders: list[np.ndarray] = []
        groups: list[ReviewGroup] = []
        for q in pending:  # newest first, so each group's leader is its latest phrasing
            v = vectors[q.question]
            if leaders:
                sims = np.stack(leaders) @ v
                best = int(np.argmax(sims))
                if sims[best] >= self.threshold:
                    groups[best].questions.append(q)
                    continue
            leaders.append(v)
            groups.append(ReviewGroup(q.question, [q]))
        order = sorted(range(len(groups)), key=lambda i: (-groups[i].count, -groups[i].questions[0].id))
        return [groups[i] for i in order[:limit]]
