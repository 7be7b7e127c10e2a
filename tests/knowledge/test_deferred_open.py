"""The web app opens the embedded vector store on first use (its page does not need it): searches and the
keyword index must behave exactly as with a store opened at once, also when the index on disk is stale."""

from __future__ import annotations

import subprocess
import sys

from knowledge.index.base import KnowledgeBase
from knowledge.index.embedders import HashEmbedder
from knowledge.settings import Settings
from knowledge.types import Chunk, chunk_id
from tests.conftest import ROOT

TEXTS = ["大熊猫主要吃竹子，一天要吃十几公斤。", "彩虹是阳光在水滴里折射和反射形成的。", "打雷时不要在大树下避雨。"]


def _chunks(texts: list[str]) -> list[Chunk]:
    return [Chunk(chunk_id("/kb/a.md", t), t, "/kb/a.md", "标题", "", i, "h1", len(texts)) for i, t in enumerate(texts)]


def _fill(settings: Settings, texts: list[str]) -> list[Chunk]:
    kb = KnowledgeBase.open(settings, HashEmbedder())
    chunks = _chunks(texts)
    kb.write(chunks, kb.embedder.embed_documents([c.context_text for c in chunks]))
    kb.sync_keywords()
    return chunks


def test_a_deferred_store_answers_searches_like_one_opened_at_once(settings: Settings) -> None:
    _fill(settings, TEXTS)
    eager = KnowledgeBase.open(settings, HashEmbedder())
    lazy = KnowledgeBase.open(settings, HashEmbedder(), deferred=True)
    assert lazy.has_chunks()
    assert [c.chunk.id for c in lazy.dense_search("熊猫吃什么", 3)] == [c.chunk.id for c in eager.dense_search("熊猫吃什么", 3)]
    assert lazy.keyword_search("彩虹", 3) == eager.keyword_search("彩虹", 3)
    assert lazy.count() == 3


def test_the_first_refresh_brings_a_stale_keyword_index_in_line(settings: Settings) -> None:
    chunks = _fill(settings, TEXTS)
    lazy = KnowledgeBase.open(settings, HashEmbedder(), deferred=True)  # reads the index on disk: 3 chunks
    KnowledgeBase.open(settings, HashEmbedder()).delete([chunks[1].id])  # another process removes the rainbow
    assert lazy.keyword_search("彩虹", 3)  # not yet checked against the vector store
    lazy.refresh()
    assert lazy.keyword_search("彩虹", 3) == []
    assert len(lazy.keywords) == 2


def test_an_empty_knowledge_base_is_seen_as_empty(settings: Settings) -> None:
    assert not KnowledgeBase.open(settings, HashEmbedder(), deferred=True).has_chunks()


def test_the_web_app_imports_no_chroma_before_its_page_is_built() -> None:
    script = ("import sys\nfrom bot.web.gradio_stubs import skip_stub_writing\nskip_stub_writing()\n"
              "import bot.web.app\nprint('chromadb' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True,
                         timeout=300, env={"GRADIO_ANALYTICS_ENABLED": "False", "PATH": "/usr/bin:/bin"})
    assert out.stdout.strip() == "False"
