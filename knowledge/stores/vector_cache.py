"""The embedding cache: vectors of texts the engine embeds again and again (curated phrasings and
answers, review-queue questions), keyed by the text's sha256 within an embedding ``space``."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import numpy as np
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

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
        """Store vectors in bulk: one query for the keys already there, then one insert for the rest
        (a row-by-row merge took 18 s for 2,000 freshly imported answers)."""
        rows = {_key(text): np.asarray(vec, dtype=np.float32).tobytes() for text, vec in vectors.items()}
        try:
            self._insert_missing(rows, space)
        except IntegrityError:  # another replica cached some of them meanwhile: row by row, then
            with self._db.session() as s, s.begin():
                for key, vector in rows.items():
                    s.merge(VectorCacheRow(text_hash=key, space=space, vector=vector))

    def _insert_missing(self, rows: dict[str, bytes], space: str) -> None:
        keys = list(rows)
        with self._db.session() as s, s.begin():
            present: set[str] = set()
            for i in range(0, len(keys), 500):
                present.update(s.scalars(select(VectorCacheRow.text_hash).where(
                    VectorCacheRow.space == space, VectorCacheRow.text_hash.in_(keys[i:i + 500]))))
            fresh = [{"text_hash": k, "space": space, "vector": v} for k, v in rows.items() if k not in present]
            if fresh:  # a text already cached in this space has the same vector: nothing to update
                s.execute(insert(VectorCacheRow), fresh)
