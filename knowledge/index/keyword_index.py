"""BM25 keyword index over jieba tokens, persisted beside Chroma and synchronised with it.

The file stores each chunk's id and tokens; the BM25 matrix is rebuilt in memory on load. It is
always written whole to a temporary file and renamed, so a crash leaves the old or the new index.
"""

from __future__ import annotations

import gzip
import json
import math
import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from knowledge.errors import StoreError
from knowledge.index.tokenizer import Tokenizer

if TYPE_CHECKING:
    import bm25s


@dataclass(frozen=True)
class _View:
    """What searches read: built once per change of the index, never modified, so readers need no lock."""

    ids: list[str] = field(default_factory=list)
    bm25: bm25s.BM25 | None = None
    df: dict[str, int] = field(default_factory=dict)
    words: frozenset[str] = frozenset()


class KeywordIndex:
    """Maps chunk ids to BM25 scores for a tokenized query."""

    def __init__(self, path: Path, tokenizer: Tokenizer) -> None:
        self._path = path
        self._tokenizer = tokenizer
        self._tokens: dict[str, list[str]] = {}
        self._ids: list[str] = []
        self._view: _View | None = None  # None: rebuilt by the next reader
        self._lock = threading.RLock()  # a sync changes the tokens; readers take the current view
        self._load()

    @property
    def ids(self) -> set[str]:
        return set(self._tokens)

    def __len__(self) -> int:
        return len(self._tokens)

    def _load(self) -> None:
        if not self._path.is_file():
            return
        try:
            with gzip.open(self._path, "rt", encoding="utf-8") as fh:
                data = json.load(fh)
            self._tokens = dict(zip(data["ids"], data["tokens"], strict=True))
        except (OSError, ValueError, KeyError, EOFError):
            self._tokens = {}  # unreadable index: it is derived data, the next sync rebuilds it
        self._ids = sorted(self._tokens)

    def _rebuild(self) -> None:
        self._ids = sorted(self._tokens)
        self._view = None  # rebuilt lazily by the next reader

    def _current(self) -> _View:
        """The view of the index as it is now (built under the lock when a change made it stale)."""
        view = self._view
        if view is not None:
            return view
        with self._lock:
            if self._view is None:
                ids = list(self._ids)
                bm25 = None
                df: dict[str, int] = {}
                if ids:
                    import bm25s  # with scipy ~0.5 s: imported when the first view is built, not at start

                    bm25 = bm25s.BM25()
                    bm25.index([self._tokens[i] or ["\u0000"] for i in ids], show_progress=False)
                    for cid in ids:
                        for t in set(self._tokens[cid]):
                            df[t] = df.get(t, 0) + 1
                self._view = _View(ids, bm25, df, frozenset(df))
            return self._view

    def _save(self) -> None:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self._path.with_suffix(".tmp")
        try:
            with gzip.open(tmp, "wt", encoding="utf-8", compresslevel=1) as fh:
                json.dump({"ids": self._ids, "tokens": [self._tokens[i] for i in self._ids]}, fh, ensure_ascii=False)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self._path)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise StoreError(f"cannot write the keyword index {self._path}: {exc}") from exc

    def sync(self, wanted_ids: Iterable[str], texts_for: Callable[[list[str]], dict[str, str]]) -> bool:
        """Make the index describe exactly ``wanted_ids``; ``texts_for`` supplies text for new ids.

        Returns True when anything changed.
        """
        with self._lock:
            return self._sync(set(wanted_ids), texts_for)

    def _sync(self, wanted: set[str], texts_for: Callable[[list[str]], dict[str, str]]) -> bool:
        stale = set(self._tokens) - wanted
        missing = sorted(wanted - set(self._tokens))
        if not stale and not missing:
            return False
        for cid in stale:
            del self._tokens[cid]
        if missing:
            texts = texts_for(missing)
            for cid in missing:
                self._tokens[cid] = self._tokenizer.tokens(texts.get(cid, ""))
        self._rebuild()
        self._save()
        return True

    def vocabulary(self) -> frozenset[str]:
        """Every token of the indexed chunks (the same object until the index changes)."""
        return self._current().words

    def idf(self, token: str) -> float:
        """Inverse document frequency of a token over the indexed chunks (unknown tokens count as rare)."""
        view = self._current()
        n = len(view.ids) or 1
        df = view.df.get(token, 0)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        """Top ``k`` (chunk id, BM25 score) pairs with a positive score."""
        view = self._current()
        bm25 = view.bm25
        if bm25 is None:
            return []
        tokens = self._tokenizer.tokens(query)
        if not tokens:
            return []
        scores = bm25.get_scores(tokens)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [(view.ids[i], float(scores[i])) for i in top if scores[i] > 0]
