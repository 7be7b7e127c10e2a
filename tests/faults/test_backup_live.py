"""Backup of a serving app, restore, a second app on the restored data dir: same content, same answers.
Also the same round trip on PostgreSQL and a Chroma server (the scaled set-up)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import numpy as np
import pytest
from sqlalchemy import create_engine, inspect, select

import knowledge.backup as backup_module
from ingest.service import build_pipeline
from knowledge import texts
from knowledge.backup import BackupError, create_backup, restore_backup
from knowledge.index.base import KnowledgeBase
from knowledge.index.embedders import HashEmbedder
from knowledge.index.vector_store import AskScienceEmbeddingFunction, collection_name, make_client
from knowledge.settings import Settings
from knowledge.stores.models import QuestionLogRow
from tests.conftest import GLOSSARY, ROOT
from tests.helpers import wait_until
from tests.knowledge.test_backup import ARTICLES, UPLOAD, _fill_database, _rows
from tests.scale.servers import ChromaServer, PostgresServer
from tests.web.conftest import start_app, stop_app

pytestmark = pytest.mark.integration

QUESTIONS = [
    "天空为什么是蓝色的？",  # reviewed answers
    "地震时在家里应该躲在哪里？",
    "大熊猫属于食肉动物，为什么却几乎只吃竹子？",
    "晚霞为什么是红的",  # retrieval over the articles
    "熊猫宝宝刚出生有多重",
    "地震以后余震多吗",
    "野生大熊猫生活在什么地方",
    "瑞利散射和波长有什么关系",
    "黑洞会把地球吸进去吗",  # not in this knowledge base
    "煤气泄漏了怎么办",  # safety triage first
]
GROWS_WHILE_ANSWERING = ("answer_pages", "vector_cache")  # besides question_log, checked on its own
LOAD = ["熊猫吃竹子吗", "天为什么是蓝的", "地震往哪里躲", "太阳落山为什么发红"]


def _cli(command: str, backup: Path, data_dir: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "ASKSCI_DATA_DIR": str(data_dir), "ASKSCI_EMBEDDER": "hash", "PYTHONUNBUFFERED": "1"}
    return subprocess.run([sys.executable, "-m", "bot.cli", command, str(backup)], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def _ask(url: str, question: str) -> dict:
    r = httpx.post(url + "/api/ask", json={"question": question}, timeout=30)
    assert r.status_code == 200, r.text
    return r.json()


def _content(answer: dict) -> dict:
    """What the citizen reads; ``link`` (a share page, possibly new per app) is checked apart."""
    return {k: v for k, v in answer.items() if k != "link"}


def _chunks(data_dir: Path) -> dict[str, tuple]:
    settings = Settings(_env_file=None, data_dir=data_dir, embedder="hash", glossary_path=GLOSSARY)
    client = make_client(settings)
    try:
        name = collection_name(settings, HashEmbedder())
        col = client.get_collection(name, embedding_function=AskScienceEmbeddingFunction(space="hash64"))
        res = col.get(include=["documents", "metadatas", "embeddings"])
        return {i: (d, m, np.asarray(e)) for i, d, m, e in
                zip(res["ids"], res["documents"], res["metadatas"], res["embeddings"], strict=True)}
    finally:
        client.close()


def _tables(url: str) -> list[str]:
    engine = create_engine(url)
    try:
        return inspect(engine).get_table_names()
    finally:
        engine.dispose()


def _db_url(data_dir: Path) -> str:
    return f"sqlite:///{(data_dir / 'curation.sqlite3').resolve()}"


class Asker(threading.Thread):
    """Keeps asking questions (as citizens would) and records when each answer came back."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.stop = threading.Event()
        self.answered: list[float] = []
        self.errors: list[str] = []

    def run(self) -> None:
        n = 0
        while not self.stop.is_set():
            try:
                r = httpx.post(self.url + "/api/ask", json={"question": f"{LOAD[n % len(LOAD)]}（第{n}次）"},
                               timeout=30)
                if r.status_code == 200:
                    self.answered.append(time.monotonic())
                else:
                    self.errors.append(f"{r.status_code} {r.text[:200]}")
            except httpx.HTTPError as exc:
                self.errors.append(repr(exc))
            n += 1


def test_a_backup_taken_while_serving_restores_an_identical_app(tmp_path: Path) -> None:
    first, second = tmp_path / "one", tmp_path / "two"
    first.mkdir()
    second.mkdir()
    proc1, app1 = start_app(first)
    proc2 = None
    try:
        for question in QUESTIONS[:3]:  # some question-log rows certainly before the backup
            _ask(app1.url, question)
        asker = Asker(app1.url)
        asker.start()
        assert wait_until(lambda: len(asker.answered) >= 3, 60), asker.errors
        started = time.monotonic()
        done = _cli("backup", tmp_path / "backup", app1.data_dir)
        finished = time.monotonic()
        assert wait_until(lambda: any(t > finished for t in asker.answered), 30)  # still serving afterwards
        asker.stop.set()
        asker.join(timeout=60)
        assert done.returncode == 0, done.stderr[-3000:]
        assert "备份完成" in done.stdout
        assert not asker.errors
        during = [t for t in asker.answered if started <= t <= finished]
        assert during, "no question was answered while the backup ran"

        restored_dir = second / "data"
        done = _cli("restore", tmp_path / "backup", restored_dir)
        assert done.returncode == 0, done.stderr[-3000:]
        assert "恢复完成" in done.stdout
        restored_rows = _rows(_db_url(restored_dir))  # before the second app logs anything

        proc2, app2 = start_app(second, {"ASKSCI_STARTER_DIR": str(first / "starter")})
        for question in QUESTIONS:
            a, b = _ask(app1.url, question), _ask(app2.url, question)
            assert _content(a) == _content(b), (question, {k: (a.get(k), b.get(k)) for k in a.keys() | b.keys()
                                                           if k != "link" and a.get(k) != b.get(k)})
            if b.get("link"):  # the restored app serves its share page
                assert httpx.get(app2.url + urlsplit(b["link"]).path, timeout=30).status_code == 200
        modes = {_ask(app2.url, q)["mode"] for q in QUESTIONS}
        assert {"curated", "extractive"} <= modes, modes  # reviewed answers and retrieval both compared
    finally:
        stop_app(proc1)
        if proc2 is not None:
            stop_app(proc2)

    source_rows = _rows(_db_url(app1.data_dir))
    logged = restored_rows.pop("question_log")
    source_log = source_rows.pop("question_log")
    assert len(logged) >= 3 + 3  # the three asked first, and what the asker had been answered
    assert logged == source_log[:len(logged)]  # exactly the rows present at backup time
    assert len(source_log) > len(logged)  # questions kept coming in after the snapshot
    for table in GROWS_WHILE_ANSWERING:  # rows the serving app kept adding: those in the backup are unchanged
        kept, now = restored_rows.pop(table, []), source_rows.pop(table, [])
        assert all(row in now for row in kept), table
    assert restored_rows == source_rows  # documents, curated answers, accounts, audit, word lists...
    assert restored_rows["curated_answers"] and restored_rows["curators"]
    before, after = _chunks(app1.data_dir), _chunks(restored_dir)
    assert {k: v[:2] for k, v in before.items()} == {k: v[:2] for k, v in after.items()}  # ids, texts, metadata
    for cid, (_doc, _meta, vector) in before.items():
        # Chroma normalises a cosine-space vector again when it is inserted: the last bit may differ
        assert np.allclose(after[cid][2], vector, rtol=0, atol=1e-6)


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ChromaServer, PostgresServer]]:
    import tempfile

    base = tmp_path_factory.mktemp("chroma")
    chroma = ChromaServer(base / "db", base / "chroma.log").start()
    pg = PostgresServer(Path(tempfile.mkdtemp(prefix="askscience-pg-")) / "pg").start()
    yield chroma, pg
    chroma.stop()
    pg.stop()


def test_the_round_trip_works_on_postgresql_and_a_chroma_server(servers: tuple[ChromaServer, PostgresServer],
                                                               tmp_path: Path) -> None:
    chroma, pg = servers

    def settings(name: str) -> Settings:
        return Settings(_env_file=None, data_dir=tmp_path / name, embedder="hash", glossary_path=GLOSSARY,
                        chroma_host=chroma.host, chroma_port=chroma.port, collection_prefix=name,
                        curation_db_url=pg.create_database(name))

    src = settings("src")
    folder = tmp_path / "articles"
    folder.mkdir()
    for name, body in ARTICLES.items():
        (folder / name).write_text(body, encoding="utf-8")
    src.upload_dir.mkdir(parents=True)
    upload = src.upload_dir / UPLOAD[0]
    upload.write_text(UPLOAD[1], encoding="utf-8")
    kb = KnowledgeBase.open(src, HashEmbedder())
    build_pipeline(src, kb).run([folder, upload])
    _fill_database(src.db_url, upload)

    summary = create_backup(src, HashEmbedder(), tmp_path / "backup")
    assert summary.chunks == kb.count() and summary.rows["question_log"] == 3

    dst = settings("dst")
    restored = restore_backup(dst, HashEmbedder(), tmp_path / "backup")
    assert restored.rows == summary.rows and restored.chunks == summary.chunks
    got, want = _rows(dst.db_url), _rows(src.db_url)
    old, new = str(src.upload_dir.resolve()), str(dst.upload_dir.resolve())
    for row in want["documents"]:
        row["source"], row["stored_path"] = row["source"].replace(old, new), row["stored_path"].replace(old, new)
    assert got == want
    kb2 = KnowledgeBase.open(dst, HashEmbedder())
    assert kb2.count() == kb.count() and len(kb2.keywords) == kb.count()
    assert kb2.keyword_search("大熊猫竹子", 1) == kb.keyword_search("大熊猫竹子", 1)

    engine = create_engine(dst.db_url)  # the sequences were moved past the restored ids
    with engine.begin() as conn:
        new_id = conn.execute(QuestionLogRow.__table__.insert().values(question="新问题", mode="extractive")
                              .returning(QuestionLogRow.__table__.c.id)).scalar_one()
        assert new_id == max(r["id"] for r in want["question_log"]) + 1
        assert conn.execute(select(QuestionLogRow.__table__.c.id)).scalars().all()
    engine.dispose()

    again = dst.model_copy(update={"data_dir": tmp_path / "dst2"})  # same database and collection: not empty
    with pytest.raises(BackupError) as err:
        restore_backup(again, HashEmbedder(), tmp_path / "backup")
    assert str(err.value) == texts.RESTORE_DB_NOT_EMPTY.format(table="assignments", rows=1)  # the first table it checks
    fresh_db = again.model_copy(update={"curation_db_url": pg.create_database("dst2")})
    with pytest.raises(BackupError) as err:
        restore_backup(fresh_db, HashEmbedder(), tmp_path / "backup")
    assert str(err.value) == texts.RESTORE_COLLECTION_NOT_EMPTY.format(name=collection_name(dst, HashEmbedder()),
                                                                      count=kb.count())
    assert not again.data_dir.exists() and _tables(fresh_db.db_url) == []  # nothing was written anywhere


def test_a_failed_restore_leaves_the_database_and_the_chroma_server_empty(
        servers: tuple[ChromaServer, PostgresServer], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    chroma, pg = servers
    src = Settings(_env_file=None, data_dir=tmp_path / "src", embedder="hash", glossary_path=GLOSSARY,
                   chroma_host=chroma.host, chroma_port=chroma.port, collection_prefix="fsrc",
                   curation_db_url=pg.create_database("fsrc"))
    folder = tmp_path / "articles"
    folder.mkdir()
    for name, body in ARTICLES.items():
        (folder / name).write_text(body, encoding="utf-8")
    build_pipeline(src, KnowledgeBase.open(src, HashEmbedder())).run([folder])
    _fill_database(src.db_url, src.upload_dir / UPLOAD[0])
    create_backup(src, HashEmbedder(), tmp_path / "backup")

    def disk_full(*_args: object) -> int:  # after the rows and the chunks were written to the servers
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backup_module, "_restore_uploads", disk_full)
    dst = src.model_copy(update={"data_dir": tmp_path / "dst", "collection_prefix": "fdst",
                                 "curation_db_url": pg.create_database("fdst")})
    with pytest.raises(BackupError) as err:
        restore_backup(dst, HashEmbedder(), tmp_path / "backup")
    assert str(err.value).startswith("恢复失败")
    assert not dst.data_dir.exists()
    assert _tables(dst.db_url) == []  # the tables the restore had created were dropped again
    client = make_client(dst)
    try:
        assert collection_name(dst, HashEmbedder()) not in {c.name for c in client.list_collections()}
    finally:
        client.close()
    monkeypatch.undo()
    assert restore_backup(dst, HashEmbedder(), tmp_path / "backup").rows["question_log"] == 3  # retry works
