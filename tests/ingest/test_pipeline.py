import shutil
from pathlib import Path

import pytest

from ingest.__main__ import main
from ingest.service import build_pipeline
from knowledge.index.base import KnowledgeBase
from knowledge.index.embedders import HashEmbedder
from knowledge.settings import Settings
from tests import samples


class CountingEmbedder(HashEmbedder):
    """The hash embedder, counting how many passages it was asked to embed."""

    def __init__(self) -> None:
        super().__init__()
        self.embedded = 0

    def embed_documents(self, texts):
        self.embedded += len(texts)
        return super().embed_documents(texts)


@pytest.fixture
def embedder() -> CountingEmbedder:
    return CountingEmbedder()


def _pipeline(settings: Settings, embedder: HashEmbedder):
    return build_pipeline(settings, KnowledgeBase.open(settings, embedder))


def test_mixed_folder_good_files_in_bad_files_reported(settings: Settings, embedder, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    expected = samples.write_mixed_folder(folder)
    report = _pipeline(settings, embedder).run([folder])
    by_name = {Path(r.path).name: r for r in report.results}
    assert set(by_name) == set(expected)
    for name, good in expected.items():
        assert (by_name[name].status == "ingested") is good, (name, by_name[name])
        if not good:
            assert by_name[name].reason
    assert "OCR" in by_name["scanned.pdf"].reason
    assert "空" in by_name["empty.txt"].reason
    assert "二进制" in by_name["binary.txt"].reason
    assert report.failed
    assert report.total_chunks == sum(r.chunks for r in report.results if r.status == "ingested")


def test_rerun_unchanged_embeds_nothing(settings: Settings, embedder, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    samples.write_mixed_folder(folder)
    first = _pipeline(settings, embedder).run([folder])
    embedded = embedder.embedded
    again = CountingEmbedder()
    second = _pipeline(settings, again).run([folder])
    assert again.embedded == 0 and embedded > 0
    assert second.count("unchanged") == first.count("ingested")
    assert second.total_chunks == first.total_chunks


def test_changed_file_replaces_its_chunks(settings: Settings, embedder, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    doc = folder / "a.md"
    doc.write_text("# 旧标题\n\n旧的内容讲的是雷电。", encoding="utf-8")
    _pipeline(settings, embedder).run([folder])
    doc.write_text("# 新标题\n\n新的内容讲的是彩虹。", encoding="utf-8")
    kb = KnowledgeBase.open(settings, embedder)
    report = build_pipeline(settings, kb).run([folder])
    assert report.count("ingested") == 1
    texts = [c.text for c in kb.get(list(kb.keywords.ids))]
    assert texts == ["新的内容讲的是彩虹。"]
    assert [cid for cid, _ in kb.keyword_search("彩虹", 5)]
    assert kb.keyword_search("雷电", 5) == []


def test_prune_removes_chunks_of_deleted_files(settings: Settings, embedder, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    samples.write_mixed_folder(folder)
    first = _pipeline(settings, embedder).run([folder])
    (folder / "rainbow.md").unlink()
    kept = _pipeline(settings, embedder).run([folder])
    assert kept.total_chunks == first.total_chunks  # without --prune nothing goes
    pruned = _pipeline(settings, embedder).run([folder], prune=True)
    assert pruned.count("pruned") == 1
    kb = KnowledgeBase.open(settings, embedder)
    assert pruned.total_chunks < first.total_chunks
    assert kb.keywords.ids == set(kb.vectors.all_metadata())
    assert all("彩虹" not in c.text for c in kb.get(list(kb.keywords.ids)))


def test_same_content_under_another_name_is_its_own_document(settings: Settings, embedder, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.md").write_text(samples.MD_TEXT, encoding="utf-8")
    shutil.copy(folder / "a.md", folder / "b.md")
    report = _pipeline(settings, embedder).run([folder])
    assert report.count("ingested") == 2
    assert report.total_chunks == 2 * report.results[0].chunks


def test_cli_report_and_exit_status(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv("ASKSCI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ASKSCI_EMBEDDER", "hash")
    folder = tmp_path / "docs"
    samples.write_mixed_folder(folder)
    assert main([str(folder), "--quiet"]) == 1
    out = capsys.readouterr().out.strip().splitlines()
    assert out[-1].startswith("ingested=6 unchanged=0 failed=3 chunks=")
    assert any(line.startswith("失败") and "scanned.pdf" in line and "OCR" in line for line in out)
    for bad in ("empty.txt", "binary.txt", "scanned.pdf"):
        (folder / bad).unlink()
    assert main([str(folder), "--quiet"]) == 0
    assert capsys.readouterr().out.strip().splitlines()[-1].startswith("ingested=0 unchanged=6 failed=0")


def test_cli_missing_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv("ASKSCI_DATA_DIR", str(tmp_path / "data"))
    assert main([str(tmp_path / "nope")]) == 2
    assert "路径不存在" in capsys.readouterr().err
