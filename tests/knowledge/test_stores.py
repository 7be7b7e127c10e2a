"""Store contract tests. ``StoreContract`` is shared by every Chroma mode (embedded here, server in
the scale-out tests): a subclass only provides the ``settings`` fixture."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from knowledge.index.base import KnowledgeBase
from knowledge.index.embedders import HashEmbedder
from knowledge.index.glossary import Glossary
from knowledge.index.tokenizer import Tokenizer
from knowledge.settings import Settings
from knowledge.types import Chunk, chunk_id
from tests.conftest import GLOSSARY, ROOT


def _chunks(texts: list[str], source: str = "/docs/a.md") -> list[Chunk]:
    return [Chunk(chunk_id(source, t), t, source, "标题", "", i, "h1", len(texts)) for i, t in enumerate(texts)]


class StoreContract:
    TEXTS = ["大熊猫主要吃竹子。", "雷雨天不要在大树下避雨。", "隔夜菜冷藏后加热可以吃。"]

    @pytest.fixture
    def kb(self, settings: Settings) -> KnowledgeBase:
        return KnowledgeBase.open(settings, HashEmbedder())

    def _write(self, kb: KnowledgeBase, texts: list[str]) -> list[Chunk]:
        chunks = _chunks(texts)
        kb.write(chunks, kb.embedder.embed_documents([c.context_text for c in chunks]))
        kb.sync_keywords()
        return chunks

    def test_empty_store(self, kb: KnowledgeBase) -> None:
        assert kb.count() == 0
        assert kb.dense_search("熊猫", 3) == []
        assert kb.keyword_search("熊猫", 3) == []

    def test_write_is_idempotent(self, kb: KnowledgeBase) -> None:
        self._write(kb, self.TEXTS)
        self._write(kb, self.TEXTS)
        assert kb.count() == 3
        assert len(kb.keywords) == 3

    def test_dense_and_keyword_search_find_the_chunk(self, kb: KnowledgeBase) -> None:
        chunks = self._write(kb, self.TEXTS)
        assert kb.dense_search("大熊猫主要吃竹子", 1)[0].chunk.id == chunks[0].id
        assert kb.keyword_search("熊猫吃什么", 1)[0][0] == chunks[0].id
        hit = kb.dense_search("大熊猫主要吃竹子", 1)[0]
        assert -1.0 <= hit.score <= 1.0

    def test_metadata_round_trip(self, kb: KnowledgeBase) -> None:
        chunk = self._write(kb, self.TEXTS)[1]
        got = kb.get([chunk.id])[0]
        assert (got.text, got.source, got.title, got.position, got.doc_hash) == (
            chunk.text, chunk.source, chunk.title, chunk.position, chunk.doc_hash)

    def test_delete_leaves_both_indexes(self, kb: KnowledgeBase) -> None:
        chunks = self._write(kb, self.TEXTS)
        kb.delete([chunks[0].id])
        kb.sync_keywords()
        assert kb.count() == 2
        assert chunks[0].id not in kb.keywords.ids
        assert kb.keyword_search("熊猫", 3) == []

    def test_keyword_index_resyncs_after_it_was_lost(self, kb: KnowledgeBase, settings: Settings) -> None:
        self._write(kb, self.TEXTS)
        for f in settings.index_dir.glob("*.json.gz"):
            f.unlink()
        reopened = KnowledgeBase.open(settings, HashEmbedder())
        assert len(reopened.keywords) == 3


class TestEmbeddedChroma(StoreContract):
    pass


def test_reopened_collection_never_uses_chromas_default_embedder(settings: Settings) -> None:
    kb = KnowledgeBase.open(settings, HashEmbedder())
    chunks = _chunks(["彩虹是阳光在水滴里折射和反射形成的。"])
    kb.write(chunks, kb.embedder.embed_documents([c.text for c in chunks]))
    # A fresh process that reopens the collection without naming an embedding function and asks
    # by text: Chroma must resolve our registered function (which refuses), never its downloading default.
    script = (
        "import chromadb, sys\n"
        "from chromadb.config import Settings\n"
        "import knowledge.index.vector_store\n"
        "c = chromadb.PersistentClient(path=sys.argv[1], settings=Settings(anonymized_telemetry=False))\n"
        "col = c.get_collection(c.list_collections()[0].name)\n"
        "try:\n"
        "    col.query(query_texts=['彩虹'], n_results=1)\n"
        "except Exception as exc:\n"
        "    print(type(exc).__name__)\n"
    )
    out = subprocess.run([sys.executable, "-c", script, str(settings.chroma_dir)], capture_output=True, text=True,
                         cwd=ROOT, check=True, timeout=120)
    assert out.stdout.strip() == "StoreError"


def test_glossary_terms_stay_whole(tmp_path: Path) -> None:
    plain = Tokenizer(Glossary()).segment("幽门螺杆菌感染和引力波探测")
    with_glossary = Tokenizer(Glossary.load(GLOSSARY)).segment("幽门螺杆菌感染和引力波探测")
    assert "幽门螺杆菌" in with_glossary
    assert with_glossary != plain


def test_chunk_ids_are_deterministic() -> None:
    assert chunk_id("/a.md", "大熊猫　吃竹子。") == chunk_id("/a.md", "大熊猫 吃竹子。")
    assert chunk_id("/a.md", "x") != chunk_id("/b.md", "x")


def test_hash_embedder_is_normalised() -> None:
    vecs = HashEmbedder().embed_documents(["一", "二三四"])
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0)
