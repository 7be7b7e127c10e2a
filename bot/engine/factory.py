"""Build the answer service from settings: the single wiring used by the app, the CLIs and the eval."""

from __future__ import annotations

from bot.engine.normalize import QueryNormalizer
from bot.engine.retrieval import HybridRetriever
from bot.engine.service import AnswerService
from bot.engine.triage import Triage
from knowledge.index.base import KnowledgeBase
from knowledge.index.embedders import Embedder, build_embedder
from knowledge.index.glossary import Glossary
from knowledge.settings import Settings
from knowledge.stores.curation import CurationStore


def build_service(
    settings: Settings, embedder: Embedder | None = None, kb: KnowledgeBase | None = None,
    with_store: bool = True, retrieval_mode: str = "hybrid", deferred: bool = False,
) -> AnswerService:
    """Open the knowledge base, the curation store and (when configured) the LLM; return the service.
    ``deferred``: the embedded vector store opens on first use (see :meth:`KnowledgeBase.open`)."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    glossary = Glossary.load(settings.glossary_path)
    if kb is None:
        kb = KnowledgeBase.open(settings, embedder or build_embedder(settings), glossary, deferred=deferred)
    store = CurationStore(settings.db_url) if with_store else None
    llm = None
    if settings.llm_model and settings.llm_base_url:
        from bot.engine.llm import build_llm_composer

        llm = build_llm_composer(settings)
    retriever = HybridRetriever(kb, settings.candidate_k, mode=retrieval_mode, rrf_k=settings.rrf_k)
    return AnswerService(settings, kb, QueryNormalizer(glossary), store, llm, retriever, Triage())
