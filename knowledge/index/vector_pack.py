"""Shipped embeddings of the starter content, so a first start does not embed a thousand passages.

A pack is an ``.npz`` beside the content: one vector per (kind, text), keyed by a hash of the exact
text that would be embedded (a chunk's context text, a reviewed question, a reviewed answer), and
labelled with the embedder's name and version. An embedder wrapped in :class:`PackedEmbedder` takes
a vector from the pack when the text is there and embeds it otherwise — so a changed article is
embedded afresh and nothing stale is used; another embedder never sees the pack at all.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

PACK_NAME = "starter_vectors.npz"
PASSAGE, QUERY = "passage", "query"


def pack_key(kind: str, text: str) -> bytes:
    return hashlib.sha256(f"{kind}\x00{text}".encode()).digest()[:16]


def embedder_id(embedder: object) -> str:
    """Name and version of an embedder's vector space ("e5small-q4@0.3.1")."""
    version = getattr(embedder, "version", "")
    return f"{getattr(embedder, 'name', '')}@{version}" if version else str(getattr(embedder, "name", ""))


@dataclass(frozen=True)
class VectorPack:
    embedder: str
    keys: dict[bytes, int]
    vectors: np.ndarray  # float16, one row per key

    @classmethod
    def load(cls, path: Path) -> VectorPack | None:
        if not path.is_file():
            return None
        with np.load(path, allow_pickle=False) as data:
            keys = {row.tobytes(): i for i, row in enumerate(data["keys"])}
            return cls(str(data["embedder"]), keys, np.asarray(data["vectors"]))

    def get(self, kind: str, text: str) -> np.ndarray | None:
        row = self.keys.get(pack_key(kind, text))
        return None if row is None else self.vectors[row].astype(np.float32)

    def __contains__(self, item: tuple[str, str]) -> bool:
        return pack_key(*item) in self.keys

    @staticmethod
    def write(path: Path, embedder: str, entries: dict[tuple[str, str], np.ndarray]) -> None:
        # raw bytes in a uint8 matrix: a fixed-width bytes dtype would drop a key's trailing zero bytes
        keys = np.array([np.frombuffer(pack_key(kind, text), dtype=np.uint8) for kind, text in entries],
                        dtype=np.uint8).reshape(len(entries), 16)
        vectors = np.stack(list(entries.values())).astype(np.float16) if entries else np.zeros((0, 1), np.float16)
        np.savez_compressed(path, keys=keys, vectors=vectors, embedder=np.array(embedder))


class PackedEmbedder:
    """An embedder that first looks each text up in a pack made by the same embedder."""

    def __init__(self, inner: object, pack: VectorPack) -> None:
        self.inner = inner
        self.pack = pack
        self.name = inner.name  # type: ignore[attr-defined]
        self.dim = inner.dim  # type: ignore[attr-defined]
        self.version = getattr(inner, "version", "")

    def _embed(self, kind: str, texts: Sequence[str], embed: object) -> np.ndarray:
        found = [self.pack.get(kind, t) for t in texts]
        missing = [i for i, v in enumerate(found) if v is None]
        if missing:
            fresh = embed([texts[i] for i in missing])  # type: ignore[operator]
            for i, vector in zip(missing, fresh, strict=True):
                found[i] = vector
        if not found:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([np.asarray(v, dtype=np.float32) for v in found])

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(PASSAGE, texts, self.inner.embed_documents)  # type: ignore[attr-defined]

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(QUERY, texts, self.inner.embed_queries)  # type: ignore[attr-defined]

    def embed_query(self, text: str) -> np.ndarray:
        vector = self.pack.get(QUERY, text)
        return vector if vector is not None else self.inner.embed_query(text)  # type: ignore[attr-defined]
