"""Finished answers to first questions, kept for a short while.

Citizens ask the same everyday questions again and again ("隔夜菜能吃吗"). A question asked with no
earlier turns, worded the same after cleaning, with the same options, gets the answer worked out a
moment ago: no embedding, matching, retrieval or composing. What must happen for every question still
happens for every question: it is logged, and a declined one opens its own ticket.

An entry is used only while nothing it was made from has changed: the knowledge base, the published
reviewed answers and the sensitive-word list each give a revision, and the service passes their tuple
(``generation``) with every lookup. ``max_seconds`` bounds what no revision shows (another replica's
metadata-only edit, a reviewer's display name).
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from bot.engine.types import Answer, AskOptions


@dataclass(frozen=True)
class Cached:
    """A finished answer (before logging) and the top retrieval score the question log records."""

    answer: Answer
    top_score: float


def cache_key(cleaned: str, options: AskOptions) -> tuple[str, str, bool]:
    """What decides the answer to a first question: its cleaned text and the options that change it
    (the channel only labels the log row)."""
    return cleaned, options.reading_level, options.use_curated


def fresh_copy(answer: Answer) -> Answer:
    """A copy a caller may change (log id, ticket, timings) without touching the cached one."""
    return dataclasses.replace(
        answer, citations=list(answer.citations), related_topics=list(answer.related_topics),
        timings=dict(answer.timings), ranked_sources=list(answer.ranked_sources),
        suggestions=list(answer.suggestions), related=list(answer.related), log_id=None, ticket="", trace=None)


class AnswerCache:
    """A bounded, thread-safe LRU of :class:`Cached` answers by :func:`cache_key`, each valid for one
    generation and at most ``max_seconds``. ``size == 0`` turns it off."""

    def __init__(self, size: int, max_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.size = size
        self.max_seconds = max_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: OrderedDict[Hashable, tuple[Hashable, float, Cached]] = OrderedDict()

    def get(self, key: Hashable, generation: Hashable) -> Cached | None:
        """A copy of the cached answer, or None when there is none for this generation and age."""
        if self.size <= 0:
            return None
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] != generation or self._clock() - entry[1] > self.max_seconds:
                if entry is not None:
                    del self._entries[key]
                return None
            self._entries.move_to_end(key)
            cached = entry[2]
        return Cached(fresh_copy(cached.answer), cached.top_score)

    def put(self, key: Hashable, generation: Hashable, answer: Answer, top_score: float) -> None:
        if self.size <= 0:
            return
        entry = (generation, self._clock(), Cached(fresh_copy(answer), top_score))
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)
