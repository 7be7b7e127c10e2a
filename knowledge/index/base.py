"""The knowledge base: the dense store and the keyword index kept in step, plus per-source bookkeeping.

Chroma is the source of truth. Each chunk carries its file's content hash (``doc_hash``) and the
number of chunks that file produced (``n_chunks``), so a source is complete exactly when that many
chunks with its current hash are stored. The keyword index is derived from Chroma and re-synced
whenever the knowledge base is opened or changed, so an interrupted run can always be repaired.
"""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from knowledge import texts
from knowledge.errors import StoreError
from knowledge.index.embedders import Embedder
from knowledge.index.glossary import Glossary
from knowledge.index.homophones import Homophones
from knowledge.index.keyword_index import KeywordIndex
from knowledge.index.tokenizer import Tokenizer
from knowledge.index.vector_store import ChromaVectorStore, VectorStore, collection_name, make_client
from knowledge.settings import Settings
from knowledge.types import Chunk, ScoredChunk


@dataclass
class SourceState:
    """What the store holds for one source file."""

    hashes: dict[str, set[str]] = field(default_factory=dict)  # doc_hash -> chunk ids
    expected: dict[str, int] = field(default_factory=dict)  # doc_hash -> n_chunks
    titles: dict[str, str] = field(default_factory=dict)  # doc_hash -> document title

    def complete(self, doc_hash: str) -> bool:
        ids = self.hashes.get(doc_hash)
        return bool(ids) and len(ids) == self.expected.get(doc_hash, -1)

    def ids_except(self, doc_hash: str) -> set[str]:
        return {cid for h, ids in self.hashes.items() if h != doc_hash for cid in ids}

    @property
    def all_ids(self) -> set[str]:
        return {cid for ids in self.hashes.values() for cid in ids}


class KnowledgeBase:
    """Chunks in a vector store and a keyword index that always describe the same set."""

    def __init__(self, vectors: VectorStore, keywords: KeywordIndex, embedder: Embedder, tokenizer: Tokenizer,
                 storage: Path | None = None, min_free_bytes: int = 0, deferred: bool = False) -> None:
        self.vectors = vectors
        self.storage = storage  # local directory the stores write to (None: a remote Chroma server)
        self.min_free_bytes = min_free_bytes
        self.keywords = keywords
        self.embedder = embedder
        self.tokenizer = tokenizer
        self._refresh_lock = threading.Lock()
        self._homophones: tuple[frozenset[str], Homophones] | None = None
        self._homophones_lock = threading.Lock()
        self._count_checked = self._full_checked = time.monotonic()
        self.generation = 0  # bumped whenever the chunk set changes (here, or seen from another process)
        self._checked_once = not deferred  # deferred: the first refresh() checks the keyword index, and waits
        if not deferred:
            self.sync_keywords()

    @classmethod
    def open(cls, settings: Settings, embedder: Embedder, glossary: Glossary | None = None,
             deferred: bool = False) -> KnowledgeBase:
        """Open (or create) the stores the settings point at. ``deferred`` (the web app): an embedded Chroma
        store is opened, and the keyword index checked against it, by the first :meth:`refresh` or search,
        not now: that is about two seconds the page need not wait for. A Chroma server is always opened
        at once, so an unreachable one is reported at start-up."""
        glossary = glossary if glossary is not None else Glossary.load(settings.glossary_path)
        tokenizer = Tokenizer(glossary, settings.cache_dir / "jieba")
        name = collection_name(settings, embedder)
        deferred = deferred and not settings.chroma_host
        vectors = (ChromaVectorStore.deferred(lambda: make_client(settings), name, embedder) if deferred
                   else ChromaVectorStore(make_client(settings), name, embedder))
        keywords = KeywordIndex(settings.index_dir / f"{name}.keywords.json.gz", tokenizer)
        storage = settings.data_dir if not settings.chroma_host else None
        return cls(vectors, keywords, embedder, tokenizer, storage, int(settings.min_free_mb * 1024 * 1024),
                   deferred=deferred)

    def check_space(self, chunks: Sequence[Chunk]) -> None:
        """Refuse a write the local disk cannot take. Embedded Chroma hangs instead of failing when
        its disk fills up, so the free space is checked before every batch is written."""
        if self.storage is None:
            return
        need = sum(len(c.text.encode()) * 4 + self.embedder.dim * 4 * 3 + 512 for c in chunks)
        try:
            free = shutil.disk_usage(self.storage).free
        except OSError:
            return
        if free - need < self.min_free_bytes:
            wanted = (need + self.min_free_bytes) / 2**20
            raise StoreError(texts.INGEST_DISK_FULL.format(free=free / 2**20, need=wanted))

    def sync_keywords(self) -> bool:
        """Bring the keyword index in line with the vector store; True when it changed."""
        def texts_for(ids: list[str]) -> dict[str, str]:
            return {ch.id: ch.context_text for ch in self.vectors.get(ids)}

        changed = self.keywords.sync(self.vectors.all_metadata().keys(), texts_for)
        if changed:
            self.generation += 1
        return changed

    def refresh(self, count_every: float = 2.0, full_every: float = 60.0) -> None:
        """Pick up changes other processes made to a shared Chroma server: compare the chunk count
        every ``count_every`` seconds and the whole id set every ``full_every`` seconds; re-sync the
        keyword index when they differ. Cheap enough to call before every question."""
        if not self._checked_once:  # opened deferred: every caller waits for the first check (a restored data
            with self._refresh_lock:  # dir may have no keyword index yet; the matcher's features read it)
                if not self._checked_once:
                    self.sync_keywords()
                    self._count_checked = self._full_checked = time.monotonic()
                    self._checked_once = True
            return
        now = time.monotonic()
        if now - self._count_checked < count_every or not self._refresh_lock.acquire(blocking=False):
            return
        try:
            self._count_checked = now
            if now - self._full_checked >= full_every or self.vectors.count() != len(self.keywords):
                self._full_checked = now
                self.sync_keywords()
        finally:
            self._refresh_lock.release()

    def sources(self) -> dict[str, SourceState]:
        states: dict[str, SourceState] = {}
        for cid, meta in self.vectors.all_metadata().items():
            state = states.setdefault(str(meta.get("source", "")), SourceState())
            doc_hash = str(meta.get("doc_hash", ""))
            state.hashes.setdefault(doc_hash, set()).add(cid)
            state.expected[doc_hash] = int(meta.get("n_chunks", 0))
            if meta.get("title"):
                state.titles.setdefault(doc_hash, str(meta["title"]))
        return states

    def write(self, chunks: Sequence[Chunk], embeddings: np.ndarray) -> None:
        """Upsert chunks (idempotent by id). Call :meth:`sync_keywords` when a batch of work is done."""
        if chunks:
            self.vectors.upsert(chunks, embeddings)
            self.generation += 1

    def delete(self, ids: Sequence[str]) -> None:
        if ids:
            self.vectors.delete(list(ids))
            self.generation += 1

    def count(self) -> int:
        return self.vectors.count()

    def has_chunks(self) -> bool:
        """Whether the knowledge base holds anything, without opening the vector store when the keyword
        index (kept in step with it, and checked by the first :meth:`refresh`) already says so."""
        return len(self.keywords) > 0 or self.count() > 0

    def dense_search(self, query: str | np.ndarray, k: int) -> list[ScoredChunk]:
        """Nearest chunks to a question (text, or its query embedding when already computed)."""
        vector = self.embedder.embed_query(query) if isinstance(query, str) else query
        return self.vectors.query(vector, k)

    def keyword_search(self, query: str, k: int) -> list[tuple[str, float]]:
        return self.keywords.search(query, k)

    def get(self, ids: Sequence[str]) -> list[Chunk]:
        return self.vectors.get(ids)

    def find(self, **match: object) -> list[Chunk]:
        """Chunks whose metadata fields equal the given values (a list: any of them), e.g.
        ``find(article_id=["a", "b"], position=0)``."""
        return self.vectors.find(**match)

    def all_metadata(self) -> dict[str, dict]:
        return self.vectors.all_metadata()

    def idf(self, token: str) -> float:
        """Inverse document frequency of a keyword token in the keyword index."""
        return self.keywords.idf(token)

    def homophones(self) -> Homophones:
        """Reads homophone slips as the words the knowledge base uses now (built again when they change)."""
        words = self.keywords.vocabulary()
        kept = self._homophones
        if kept is None or kept[0] is not words:
            with self._homophones_lock:
                kept = self._homophones
                if kept is None or kept[0] is not words:
                    tk = self.tokenizer
                    kept = (words, Homophones(words | tk.glossary_words(), tk.is_word, tk.segment))
                    self._homophones = kept
        return kept[1]
