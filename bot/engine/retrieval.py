"""Hybrid retrieval: dense (Chroma) and keyword (jieba BM25) candidates, fused, optionally reranked."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from knowledge.index.base import KnowledgeBase
from knowledge.types import Chunk, ScoredChunk


class Reranker(Protocol):
    """Reorders fused candidates (e.g. a cross-encoder served elsewhere). None is needed offline."""

    def rerank(self, query: str, candidates: Sequence[ScoredChunk]) -> list[ScoredChunk]: ...


@dataclass
class Retrieved:
    """Fused results plus the evidence strength used by the no-answer decision."""

    results: list[ScoredChunk]
    top_dense: float = 0.0  # best dense cosine among the candidates
    top_keyword: float = 0.0  # best BM25 score among the candidates
    timings: dict[str, float] = field(default_factory=dict)
    dense_scores: dict[str, float] = field(default_factory=dict)  # chunk id -> dense cosine (candidates only)
    keyword_scores: dict[str, float] = field(default_factory=dict)  # chunk id -> BM25 score (candidates only)


def rrf(rankings: Sequence[Sequence[str]], weights: Sequence[float], k: int = 60) -> dict[str, float]:
    """Weighted reciprocal-rank fusion of several ranked id lists."""
    scores: dict[str, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, cid in enumerate(ranking):
            scores[cid] = scores.get(cid, 0.0) + weight / (k + rank + 1)
    return scores


class HybridRetriever:
    """Dense + keyword retrieval over one knowledge base, fused by weighted RRF.

    ``mode`` = hybrid / dense / keyword (the single-list modes are the benchmark baselines).
    """

    def __init__(
        self, kb: KnowledgeBase, candidate_k: int = 30, mode: str = "hybrid", dense_weight: float = 1.0,
        keyword_weight: float = 1.0, rrf_k: int = 60, reranker: Reranker | None = None,
    ) -> None:
        self.kb = kb
        self.candidate_k = candidate_k
        self.mode = mode
        self.dense_weight = dense_weight
        self.keyword_weight = keyword_weight
        self.rrf_k = rrf_k
        self.reranker = reranker

    def retrieve(self, query: str, top_k: int, dense_query: str | np.ndarray | None = None) -> Retrieved:
        timings: dict[str, float] = {}
        dense: list[ScoredChunk] = []
        keyword: list[tuple[str, float]] = []
        if self.mode in ("hybrid", "dense"):
            t0 = time.perf_counter()
            dense = self.kb.dense_search(query if dense_query is None else dense_query, self.candidate_k)
            timings["dense_ms"] = (time.perf_counter() - t0) * 1000
        if self.mode in ("hybrid", "keyword"):
            t0 = time.perf_counter()
            keyword = self.kb.keyword_search(query, self.candidate_k)
            timings["keyword_ms"] = (time.perf_counter() - t0) * 1000
        t0 = time.perf_counter()
        fused = rrf(
            [[s.chunk.id for s in dense], [cid for cid, _ in keyword]],
            [self.dense_weight, self.keyword_weight],
            self.rrf_k,
        )
        order = sorted(fused, key=lambda cid: -fused[cid])[: max(top_k, 1) * 2]
        known: dict[str, Chunk] = {s.chunk.id: s.chunk for s in dense}
        missing = [cid for cid in order if cid not in known]
        if missing:
            known.update({c.id: c for c in self.kb.get(missing)})
        results = [ScoredChunk(known[cid], fused[cid]) for cid in order if cid in known]
        if self.reranker is not None:
            results = self.reranker.rerank(query, results)
        timings["fuse_ms"] = (time.perf_counter() - t0) * 1000
        return Retrieved(
            results[:top_k],
            top_dense=max((s.score for s in dense), default=0.0),
            top_keyword=max((score for _, score in keyword), default=0.0),
            timings=timings,
            dense_scores={s.chunk.id: s.score for s in dense},
            keyword_scores=dict(keyword),
        )
