"""The starter content ships its embeddings, and they match the content they were made from."""

from pathlib import Path

import numpy as np

from ingest.starter import starter_texts
from knowledge.index.embedders import HashEmbedder, build_embedder
from knowledge.index.vector_pack import PACK_NAME, PASSAGE, QUERY, PackedEmbedder, VectorPack
from knowledge.settings import Settings
from tests.conftest import ROOT

KNOWLEDGE = ROOT / "knowledge"


def test_shipped_vectors_cover_every_chunk_question_and_answer_of_the_starter_content() -> None:
    pack = VectorPack.load(KNOWLEDGE / PACK_NAME)
    assert pack is not None, "no shipped vectors: run `askscience starter --pack-vectors`"
    assert pack.embedder.startswith("e5small-q4@")
    defaults = Settings(_env_file=None)
    wanted = starter_texts(KNOWLEDGE, defaults.chunk_size, defaults.chunk_overlap)
    stale = [text[:40] for text in wanted if text not in pack]
    assert not stale, f"{len(stale)} texts changed since the vectors were packed " \
                      f"(run `askscience starter --pack-vectors`): {stale[:5]}"


def test_a_packed_embedder_takes_known_texts_from_the_pack_and_embeds_the_rest(tmp_path: Path) -> None:
    inner = HashEmbedder()
    marker = np.zeros(inner.dim, dtype=np.float32)
    marker[0] = 1.0
    VectorPack.write(tmp_path / PACK_NAME, "hash64", {(PASSAGE, "已知段落"): marker, (QUERY, "已知问题"): marker})
    packed = PackedEmbedder(inner, VectorPack.load(tmp_path / PACK_NAME))
    docs = packed.embed_documents(["已知段落", "新的段落"])
    assert np.allclose(docs[0], marker) and np.allclose(docs[1], inner.embed_documents(["新的段落"])[0])
    assert np.allclose(packed.embed_query("已知问题"), marker)
    assert not np.allclose(packed.embed_query("已知段落"), marker)  # a passage vector is not a query vector


def test_another_embedder_never_uses_the_pack(tmp_path: Path) -> None:
    VectorPack.write(tmp_path / PACK_NAME, "e5small-q4@0.3.0", {(PASSAGE, "x"): np.ones(4, dtype=np.float32)})
    settings = Settings(_env_file=None, data_dir=tmp_path / "data", embedder="hash", starter_dir=tmp_path)
    assert isinstance(build_embedder(settings), HashEmbedder)
