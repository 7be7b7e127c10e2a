"""The sensitive-word filter the engine applies: the managed list (or the shipped default), rebuilt
when a curator changes it (also on other replicas, within ``poll_seconds``)."""

from __future__ import annotations

import threading
import time

from knowledge.stores.word_lists import WordLists
from knowledge.wordlist import Hit, StreamGuard, WordList, WordMatcher, load_shipped


class SensitiveFilter:
    def __init__(self, lists: WordLists | None, poll_seconds: float = 2.0) -> None:
        self._lists = lists
        self._poll = poll_seconds
        self._lock = threading.Lock()
        self._checked_at = -1e9
        self._revision: str | None = None
        self._matcher = WordMatcher(load_shipped() if lists is None else WordList())
        self._built = 0

    def _current(self) -> WordMatcher:
        if self._lists is None:
            return self._matcher
        now = time.monotonic()
        if now - self._checked_at < self._poll and self._revision is not None:
            return self._matcher
        with self._lock:
            self._checked_at = now
            revision = self._lists.revision()
            if revision != self._revision:
                self._matcher = WordMatcher(self._lists.current())
                self._revision = revision
                self._built += 1
            return self._matcher

    @property
    def revision(self) -> int:
        """Counts the lists this filter has used: it changes whenever the list in use changes."""
        self._current()
        return self._built

    def changed(self) -> None:
        """Read the list again at the next use (a change made through this process)."""
        self._checked_at = -1e9

    def find(self, text: str) -> list[Hit]:
        return self._current().find(text)

    def guard(self) -> StreamGuard:
        """A guard for one streamed answer: it holds back text until no blocked phrase can be cut in half."""
        return StreamGuard(self._current())
