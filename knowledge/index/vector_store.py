"""The dense store: a Chroma collection (embedded ``PersistentClient`` or a Chroma server).

Our own embedding function is registered with Chroma and always passed, so Chroma's default
embedding function (which downloads a model) never runs, also not when a collection is reopened.
"""

from __future__ import annotations

import functools
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from knowledge.errors import StoreError
from knowledge.index.embedders import Embedder
from knowledge.settings import Settings
from knowledge.types import Chunk, ScoredChunk

if TYPE_CHECKING:
    import chromadb

MAX_BATCH = 5000  # Chroma refuses batches above 5,461 records


@functools.cache
def _embedding_function_class() -> type:
    """Our embedding function, registered with Chroma. Built on first use: importing chromadb takes about
    a second, which the web app spends after its page answers (:meth:`ChromaVectorStore.deferred`)."""
    from chromadb.api.types import Documents, EmbeddingFunction
    from chromadb.utils.embedding_functions import register_embedding_function

    @register_embedding_function
    class AskScienceEmbeddingFunction(EmbeddingFunction[Documents]):
        """Adapter giving Chroma our embedder; the config only names the vector space."""

        def __init__(self, embedder: Embedder | None = None, space: str = "") -> None:
            self._embedder = embedder
            self._space = embedder.name if embedder else space

        def __call__(self, input: Documents) -> list[np.ndarray]:
            if self._embedder is None:
                raise StoreError("the collection was opened without an embedder; pass embeddings explicitly")
            return list(self._embedder.embed_documents(list(input)))

        @staticmethod
        def name() -> str:
            return "askscience"

        def get_config(self) -> dict[str, str]:
            return {"space": self._space}

        @staticmethod
        def build_from_config(config: dict[str, str]) -> AskScienceEmbeddingFunction:
            return AskScienceEmbeddingFunction(space=config.get("space", ""))

    return AskScienceEmbeddingFunction


if "chromadb" in sys.modules:  # a process that already has Chroma: registered now, as it always was
    _embedding_function_class()


def __getattr__(name: str) -> Any:
    if name == "AskScienceEmbeddingFunction":  # the class, built (and chromadb imported) when first asked for
        return _embedding_function_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class VectorStore(Protocol):
    """Dense chunk store keyed by chunk id."""

    def upsert(self, chunks: Sequence[Chunk], embeddings: np.ndarray) -> None: ...
    def delete(self, ids: Sequence[str]) -> None: ...
    def all_metadata(self) -> dict[str, dict]: ...
    def get(self, ids: Sequence[str]) -> list[Chunk]: ...
    def find(self, **match: object) -> list[Chunk]: ...
    def query(self, embedding: np.ndarray, k: int) -> list[ScoredChunk]: ...
    def count(self) -> int: ...


def chroma_where(match: dict[str, object]) -> dict:
    """The backend-neutral filter (field → value, or field → several values) in Chroma's syntax."""
    if not match:
        raise ValueError("find() needs at least one field to match")
    conditions = [{k: {"$in": list(v)}} if isinstance(v, (list, tuple, set, frozenset)) else {k: v}
                  for k, v in match.items()]
    return conditions[0] if len(conditions) == 1 else {"$and": conditions}


def collection_name(settings: Settings, embedder: Embedder) -> str:
    """ASCII collection name per vector space, so switching embedders never mixes spaces."""
    raw = f"{settings.collection_prefix}-{embedder.name}"
    return "".join(c if c.isalnum() or c in "._-" else "-" for c in raw)[:200]


def make_client(settings: Settings) -> chromadb.ClientAPI:
    """Embedded client under the data dir, or an HTTP client when a server host is set."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    _embedding_function_class()  # registered before any collection is opened, also by Chroma itself
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    try:
        if settings.chroma_host:
            return chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings)
        settings.chroma_dir.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)
    except Exception as exc:  # chromadb raises plain Exception/ValueError for connection problems
        where = f"{settings.chroma_host}:{settings.chroma_port}" if settings.chroma_host else settings.chroma_dir
        raise StoreError(f"cannot open the Chroma store at {where}: {exc}") from exc


def collection_names(client: chromadb.ClientAPI) -> list[str]:
    return [getattr(c, "name", c) for c in client.list_collections()]


def open_existing(client: chromadb.ClientAPI, name: str, embedder: Embedder) -> ChromaVectorStore | None:
    """The collection as a store, or None when it does not exist (nothing created)."""
    return ChromaVectorStore(client, name, embedder) if name in collection_names(client) else None


def drop_collection(client: chromadb.ClientAPI, name: str) -> None:
    client.delete_collection(name)


class ChromaVectorStore:
    """A Chroma collection holding chunk text, metadata and embeddings."""

    def __init__(self, client: chromadb.ClientAPI | None, name: str, embedder: Embedder,
                 opener: Callable[[], chromadb.ClientAPI] | None = None) -> None:
        self._client = client
        self._opener = opener
        self._name = name
        self._embedder = embedder
        self._ef: Any = None
        self._collection: Any = None
        self._opening = threading.Lock()
        if client is not None:
            self._collection = self._open()

    @classmethod
    def deferred(cls, opener: Callable[[], chromadb.ClientAPI], name: str, embedder: Embedder) -> ChromaVectorStore:
        """A store whose client and collection are opened by the first call that needs them (or :meth:`open_now`)."""
        return cls(None, name, embedder, opener)

    def open_now(self) -> None:
        """Open the client and the collection if that has not happened yet."""
        self._ready()

    def _ready(self) -> Any:
        if self._collection is None:
            with self._opening:
                if self._collection is None:
                    if self._client is None:
                        assert self._opener is not None
                        self._client = self._opener()
                    self._collection = self._open()
        return self._collection

    def _open(self) -> Any:
        if self._ef is None:
            self._ef = _embedding_function_class()(self._embedder)
        try:
            return self._client.get_or_create_collection(
                self._name, embedding_function=self._ef, metadata={"hnsw:space": "cosine"}
            )
        except Exception as exc:
            raise StoreError(f"cannot open Chroma collection {self._name}: {exc}") from exc

    def _call(self, fn, *args, **kwargs):
        """Run a collection call; after a server restart, reopen the collection once and retry."""
        collection = self._ready()  # a StoreError opening it is not retried here
        try:
            return fn(collection)(*args, **kwargs)
        except Exception:
            try:
                self._collection = self._open()
                return fn(self._collection)(*args, **kwargs)
            except Exception as exc:
                raise StoreError(f"Chroma store failed: {exc}") from exc

    def upsert(self, chunks: Sequence[Chunk], embeddings: np.ndarray) -> None:
        for start in range(0, len(chunks), MAX_BATCH):
            part = chunks[start : start + MAX_BATCH]
            self._call(
                lambda c: c.upsert,
                ids=[ch.id for ch in part],
                documents=[ch.text for ch in part],
                metadatas=[ch.metadata() for ch in part],
                embeddings=np.asarray(embeddings[start : start + MAX_BATCH], dtype=np.float32),
            )

    def delete(self, ids: Sequence[str]) -> None:
        ids = list(ids)
        for start in range(0, len(ids), MAX_BATCH):
            self._call(lambda c: c.delete, ids=ids[start : start + MAX_BATCH])

    def all_metadata(self) -> dict[str, dict]:
        """Every chunk id with its metadata (no documents, no embeddings)."""
        out: dict[str, dict] = {}
        total = self.count()
        for offset in range(0, total, MAX_BATCH):
            res = self._call(lambda c: c.get, include=["metadatas"], limit=MAX_BATCH, offset=offset)
            out.update(zip(res["ids"], res["metadatas"], strict=True))
        return out

    def get(self, ids: Sequence[str]) -> list[Chunk]:
        ids = list(ids)
        found: dict[str, Chunk] = {}
        for start in range(0, len(ids), MAX_BATCH):
            res = self._call(lambda c: c.get, ids=ids[start : start + MAX_BATCH], include=["documents", "metadatas"])
            for cid, doc, meta in zip(res["ids"], res["documents"], res["metadatas"], strict=True):
                found[cid] = Chunk.from_store(cid, doc, meta)
        return [found[i] for i in ids if i in found]

    def find(self, **match: object) -> list[Chunk]:
        """Chunks whose metadata fields equal the given values (a list, tuple or set: any of them)."""
        res = self._call(lambda c: c.get, where=chroma_where(match), include=["documents", "metadatas"])
        rows = zip(res["ids"], res["documents"], res["metadatas"], strict=True)
        return [Chunk.from_store(i, d, m) for i, d, m in rows]

    def query(self, embedding: np.ndarray, k: int) -> list[ScoredChunk]:
        res = self._call(  # an empty collection, or fewer than k chunks, simply returns fewer results
            lambda c: c.query,
            query_embeddings=[np.asarray(embedding, dtype=np.float32)],
            n_results=k,
            include=["documents", "metadatas", "distances"],
        )
        out = []
        for cid, doc, meta, dist in zip(
            res["ids"][0], res["documents"][0], res["metadatas"][0], res["distances"][0], strict=True
        ):
            score = min(1.0, max(-1.0, 1.0 - float(dist)))  # cosine can come back as 1.0000005
            out.append(ScoredChunk(Chunk.from_store(cid, doc, meta), score))
        return out

    def count(self) -> int:
        return int(self._call(lambda c: c.count))

    # ---- export and import as stored (backup and restore) ---------------------------------------------
    def pages(self, embeddings: bool, size: int = MAX_BATCH
              ) -> Iterator[tuple[list[str], list[str] | None, list[dict], np.ndarray | None]]:
        """Every record as stored, a page at a time: (ids, documents, metadatas, embeddings); documents
        and embeddings only when ``embeddings`` is asked for (a listing needs neither)."""
        include = ["documents", "metadatas", "embeddings"] if embeddings else ["metadatas"]
        offset = 0
        while True:
            res = self._call(lambda c: c.get, include=include, limit=size, offset=offset)
            ids = list(res["ids"])
            matrix = (np.asarray(res["embeddings"], dtype="<f4").reshape(len(ids), -1)
                      if embeddings and ids else None)
            yield ids, (list(res["documents"]) if embeddings else None), list(res["metadatas"]), matrix
            if len(ids) < size:
                return
            offset += size

    def put(self, ids: list[str], documents: list[str | None], metadatas: list[dict | None],
            embeddings: np.ndarray) -> None:
        """Write records exactly as given (restore); chunks go through :meth:`upsert`."""
        self._call(lambda c: c.upsert, ids=ids, documents=documents, metadatas=metadatas,
                   embeddings=np.asarray(embeddings, dtype=np.float32))
