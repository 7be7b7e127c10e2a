"""The embedding cache: vectors of texts the engine embeds again and again (curated phrasings and
answers, review-queue questions), keyed by the text's sha256 within an embedding ``space``."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import numpy as np
from sqlalchemy import select

from knowledge.stores.database import Database
from knowledge.stores.models import VectorCacheRow


def _key(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class VectorCache:
    def __init__(self, db: Database) -> None:
        self._db = db

    def cached(self, texts: list[str], space: str) -> dict[str, np.ndarray]:
        """The cached vectors among ``texts`` (texts without one are absent)."""
        hashes = {_key(t): t for t in texts}
        found: dict[str, np.ndarray] = {}
        keys = list(hashes)
        with self._db.session() as s:
            for i in range(0, len(keys), 500):
                rows = s.scalars(select(VectorCacheRow).where(VectorCacheRow.space == space,
                                                              VectorCacheRow.text_hash.in_(keys[i:i + 500])))
                found.update({hashes[r.text_hash]: np.frombuffer(r.vector, dtype=np.float32) for r in rows})
        return found

    def vectors_for(self, texts: list[str], space: str,
                    embed: Callable[[list[str]], np.ndarray]) -> dict[str, np.ndarray]:
        """A vector for every text: from the cache of ``space`` when there, else ``embed``-ded now and cached."""
        cached = self.cached(texts, space)
        missing = [t for t in dict.fromkeys(texts) if t not in cached]
        if missing:
            fresh = dict(zip(missing, embed(missing), strict=True))
            self.put(fresh, space)
            cached.update(fresh)
        return cached

    def put(self, vectors: dict[str, np.ndarray], space: str) -> None:
        with self._db.session() as s, s.begin():
            for text, vec in vectors.items():
                s.merge(VectorCacheRow(text_hash=_key(text), space=space,
                                       vector=np.asarray(vec, dtype=np.float32).tobytes()))
