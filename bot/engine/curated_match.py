"""Curated-answer matching: a reviewed answer to the same question wins over retrieval."""

from __future__ import annotations

import threading
import time

import numpy as np

from knowledge.index.embedders import Embedder
from knowledge.stores.curation import CuratedAnswer, CurationStore


class CuratedMatcher:
    """Embeds every published question and paraphrase; a new question matches above ``threshold``.

    The published set is re-read whenever the store's revision changes. A change made through this
    process is seen by the very next question; one made by another replica sharing the database
    within ``poll_seconds``.
    """

    def __init__(self, store: CurationStore, embedder: Embedder, threshold: float, poll_seconds: float = 1.0
                 ) -> None:
        self._store = store
        self._poll_seconds = poll_seconds
        self._checked_at = -1e9
        self._local_seen = -1
        self._embedder = embedder
        self.threshold = threshold
        self._lock = threading.Lock()
        self._revision: tuple[int, str] | None = None
        self._answers: list[CuratedAnswer] = []
        self._owner: list[int] = []  # row of _matrix -> index into _answers
        self._matrix = np.zeros((0, 1), dtype=np.float32)

    def refresh(self, force: bool = False) -> None:
        now = time.monotonic()
        local = self._store.local_changes
        if not force and local == self._local_seen and now - self._checked_at < self._poll_seconds:
            return
        self._checked_at, self._local_seen = now, local
        revision = self._store.revision()
        if revision == self._revision:
            return
        with self._lock:
            answers = self._store.published()
            texts = [t for a in answers for t in a.phrasings]
            cached = self._store.cached_vectors(texts, f"q:{self._embedder.name}")
            missing = [t for t in dict.fromkeys(texts) if t not in cached]
            if missing:
                fresh = dict(zip(missing, self._embedder.embed_queries(missing), strict=True))
                self._store.cache_vectors(fresh, f"q:{self._embedder.name}")
                cached.update(fresh)
            owner = [i for i, a in enumerate(answers) for _ in a.phrasings]
            self._matrix = np.stack([cached[t] for t in texts]) if texts else np.zeros((0, 1), dtype=np.float32)
            self._answers, self._owner, self._revision = answers, owner, revision

    def best(self, query_vector: np.ndarray) -> tuple[CuratedAnswer | None, float]:
        """The closest published answer and its similarity (whatever the threshold)."""
        self.refresh()
        if not self._owner:
            return None, 0.0
        sims = self._matrix @ query_vector
        i = int(np.argmax(sims))
        return self._answers[self._owner[i]], float(sims[i])

    def match(self, query_vector: np.ndarray) -> tuple[CuratedAnswer, float] | None:
        answer, score = self.best(query_vector)
        return (answer, score) if answer is not None and score >= self.threshold else None
