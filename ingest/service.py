"""Build the ingestion pipeline from settings (one place, used by the CLI and the app)."""

from __future__ import annotations

from ingest.pipeline import IngestPipeline
from knowledge.index.base import KnowledgeBase
from knowledge.index.embedders import Embedder, build_embedder
from knowledge.settings import Settings


def build_pipeline(
    settings: Settings, kb: KnowledgeBase | None = None, embedder: Embedder | None = None
) -> IngestPipeline:
    """A pipeline writing into ``kb`` (opened from settings when not given)."""
    if kb is None:
        kb = KnowledgeBase.open(settings, embedder or build_embedder(settings))
    return IngestPipeline(kb, settings.chunk_size, settings.chunk_overlap, settings.embedding_batch_size)
