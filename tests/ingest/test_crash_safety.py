"""kill -9 in the middle of an ingest run, run again: the same knowledge base as one clean run."""

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from knowledge.index.base import KnowledgeBase
from knowledge.index.embedders import HashEmbedder
from knowledge.settings import Settings
from tests.conftest import ROOT
from tests.helpers import wait_until

SENTENCE = "第{f}篇文章的第{i}句话讲的是科学常识，用来测试中断后的恢复是否完整。"


def _write_corpus(folder: Path, files: int = 200) -> None:
    folder.mkdir()
    for f in range(files):
        body = "".join(SENTENCE.format(f=f, i=i) for i in range(30))
        (folder / f"doc{f:04d}.md").write_text(f"# 文章{f}\n\n{body}\n", encoding="utf-8")


def _ingest(data: Path, folder: Path) -> subprocess.Popen:
    env = {**os.environ, "ASKSCI_DATA_DIR": str(data), "ASKSCI_EMBEDDER": "hash"}
    return subprocess.Popen([sys.executable, "-m", "ingest", str(folder), "--quiet"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _state(data: Path) -> tuple[set[str], set[str]]:
    kb = KnowledgeBase.open(Settings(_env_file=None, data_dir=data, embedder="hash"), HashEmbedder())
    return set(kb.vectors.all_metadata()), kb.keywords.ids


def _written(data: Path) -> int:
    """Chunks the running ingest has committed so far (read from Chroma's own database, read-only)."""
    db = data / "chroma" / "chroma.sqlite3"
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return int(conn.execute("select count(*) from embeddings").fetchone()[0])
    except sqlite3.Error:  # not created yet, or busy this instant
        return 0


@pytest.mark.integration
@pytest.mark.parametrize("kill_at_chunks", [120])
def test_kill_9_then_rerun_equals_clean_run(tmp_path: Path, kill_at_chunks: int) -> None:
    folder = tmp_path / "docs"
    _write_corpus(folder)
    clean = _ingest(tmp_path / "clean", folder)
    assert clean.wait(timeout=300) == 0
    clean_ids, clean_kw = _state(tmp_path / "clean")

    crashed = tmp_path / "crashed"
    proc = _ingest(crashed, folder)
    assert wait_until(lambda: _written(crashed) >= kill_at_chunks or proc.poll() is not None, 240)
    assert proc.poll() is None, "the run finished before it could be killed: make the corpus larger"
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(timeout=60) == -signal.SIGKILL
    partial, _ = _state(crashed)
    assert 0 < len(partial) < len(clean_ids)  # killed in the middle, not before or after
    rerun = _ingest(crashed, folder)
    out, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err
    assert out.strip().splitlines()[-1].endswith(f"chunks={len(clean_ids)}")
    ids, kw = _state(crashed)
    assert ids == clean_ids  # chunk ids are content hashes: same set means no duplicates, none missing
    assert kw == clean_kw == clean_ids
