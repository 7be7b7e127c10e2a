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
from pathlib import Path

import bm25s
import numpy as np

from knowledge.errors import StoreError
from knowledge.index.tokenizer import Tokenizer


class KeywordIndex:
    """Maps chunk ids to BM25 scores for a tokenized query."""

    def __init__(self, path: Path, tokenizer: Tokenizer) -> None:
        self._path = path
        self._tokenizer = tokenizer
        self._tokens: dict[str, list[str]] = {}
        self._ids: list[str] = []
        self._bm25: bm25s.BM25 | None = None
        self._df: dict[str, int] | None = None
        self._lock = threading.RLock()  # searches may run while another thread syncs
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
        self._bm25 = None  # rebuilt lazily by the next search
        self._df = None

    def _matrix(self) -> bm25s.BM25 | None:
        if self._bm25 is None and self._ids:
            bm25 = bm25s.BM25()
            bm25.index([self._tokens[i] or ["\u0000"] for i in self._ids], show_progress=False)
            self._bm25 = bm25
        return self._bm25

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

    def idf(self, token: str) -> float:
        """Inverse document frequency of a token over the indexed chunks (unknown tokens count as rare)."""
        with self._lock:
            return self._idf(token)

    def _idf(self, token: str) -> float:
        if self._df is None:
            df: dict[str, int] = {}
            for tokens in self._tokens.values():
                for t in set(tokens):
                    df[t] = df.get(t, 0) + 1
            self._df = df
        n = len(self._tokens) or 1
        return math.log(1 + (n - self._df.get(token, 0) + 0.5) / (self._df.get(token, 0) + 0.5))

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        """Top ``k`` (chunk id, BM25 score) pairs with a positive score."""
        with self._lock:
            return self._search(query, k)

    def _search(self, query: str, k: int) -> list[tuple[str, float]]:
        bm25 = self._matrix()
        if bm25 is None:
            return []
        tokens = self._tokenizer.tokens(query)
        if not tokens:
            return []
        scores = bm25.get_scores(tokens)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [(self._ids[i], float(scores[i])) for i in top if scores[i] > 0]
