"""Backup and restore of a data dir (knowledge/backup.py, bot/cli/backup.py), on SQLite and embedded Chroma
with the hash embedder. The live version (a serving app, PostgreSQL, a Chroma server) is in
tests/faults/test_backup_live.py."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import create_engine, select

import knowledge.backup as backup_module
from bot.cli.backup import main as cli_main
from ingest.service import build_pipeline
from knowledge import texts
from knowledge.backup import BackupError, create_backup, restore_backup, verify_backup
from knowledge.index.base import KnowledgeBase
from knowledge.index.embedders import HashEmbedder
from knowledge.index.vector_store import AskScienceEmbeddingFunction, collection_name, make_client
from knowledge.settings import Settings
from knowledge.stores.models import (
    AssignmentRow,
    AuditRow,
    Base,
    CuratedAnswerRow,
    CuratorRow,
    DocumentRow,
    FeedbackRow,
    QuestionLogRow,
    TicketRow,
    VectorCacheRow,
    create_schema,
)
from knowledge.types import chunk_id
from tests.conftest import GLOSSARY, ROOT

ARTICLES = {
    "panda.md": "# 大熊猫吃什么\n\n大熊猫虽然属于食肉目，但它们的食物百分之九十九是竹子。大熊猫每天要花十多个小时进食。"
                "野外的大熊猫生活在海拔两千到三千米的竹林里。",
    "thunder.md": "# 打雷时怎样避险\n\n雷雨天不要在大树下避雨，也不要在空旷的田野里打伞。"
                  "在室内要关好门窗，远离金属水管和电器插头。",
}
UPLOAD = ("隔夜菜.md", "# 隔夜菜能不能吃\n\n隔夜菜及时冷藏、吃前彻底加热，一般可以吃。绿叶菜最好当餐吃完。")
T0 = dt.datetime(2024, 5, 1, 8, 30, 15, 123456)


@dataclass
class Source:
    settings: Settings
    kb: KnowledgeBase
    upload: Path


def _fill_database(url: str, upload: Path) -> None:
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA journal_mode=WAL")  # as the app runs it: readers beside a writer
    create_schema(engine)
    with engine.begin() as conn:
        conn.execute(CuratedAnswerRow.__table__.insert(), [
            {"id": 1, "key": "panda", "question": "大熊猫吃什么？", "paraphrases": '["熊猫吃啥"]', "answer": "主要吃竹子。",
             "articles": '["panda"]', "verdict": "", "claim": None, "status": "published", "origin": "starter",
             "reviewer": "alice", "updated_at": T0},
            {"id": 7, "key": "c-2", "question": "打雷能打伞吗？", "paraphrases": "[]", "answer": "空旷处不要打伞。",
             "articles": "[]", "verdict": "假", "claim": "打雷时打伞安全", "status": "draft", "origin": "curator",
             "reviewer": "", "updated_at": T0 + dt.timedelta(days=1)},
        ])
        conn.execute(QuestionLogRow.__table__.insert(), [
            {"id": i, "asked_at": T0 + dt.timedelta(minutes=i), "question": f"问题{i}：大熊猫吃什么", "mode": mode,
             "answer": "竹子" if mode != "no_answer" else "", "top_score": 0.1 * i + 1e-9, "latency_ms": 12.5 * i,
             "flagged": i == 2, "topic": None if i == 3 else "biology", "curated_id": 1 if mode == "curated" else None,
             "llm_fallback": None}
            for i, mode in ((1, "curated"), (2, "extractive"), (3, "no_answer"))
        ])
        conn.execute(FeedbackRow.__table__.insert(), [
            {"id": 1, "question_id": 2, "rating": -1, "report": True, "comment": "答非所问", "created_at": T0}])
        conn.execute(CuratorRow.__table__.insert(), [
            {"username": "alice", "password_hash": "scrypt$1$abc", "display_name": "王老师", "active": True,
             "created_at": T0}])
        conn.execute(DocumentRow.__table__.insert(), [
            {"id": 1, "source": str(upload.resolve()), "title": "隔夜菜能不能吃", "status": "active",
             "stored_path": str(upload), "content_hash": "h" * 64, "updated_by": "alice", "updated_at": T0}])
        conn.execute(AuditRow.__table__.insert(), [
            {"id": 1, "at": T0, "actor": "alice", "action": "document.upload", "target": UPLOAD[0], "detail": "1"}])
        conn.execute(AssignmentRow.__table__.insert(), [
            {"id": 1, "question": "问题3：大熊猫吃什么", "expert": "alice", "topic": "biology", "status": "open",
             "due_at": T0 + dt.timedelta(hours=48), "assigned_by": "alice", "assigned_at": T0, "answer_id": 7}])
        conn.execute(TicketRow.__table__.insert(), [
            {"code": "Q7K-3F2", "question_id": 3, "question": "问题3：大熊猫吃什么", "reason": "no_answer",
             "status": "in_progress", "topic": "biology", "assignment_id": 1, "answer_id": 7, "created_at": T0}])
        conn.execute(VectorCacheRow.__table__.insert(), [
            {"text_hash": "q" * 64, "space": "hash64", "vector": np.arange(4, dtype=np.float32).tobytes()}])
    engine.dispose()


@pytest.fixture
def source(settings: Settings, tmp_path: Path) -> Source:
    folder = tmp_path / "articles"
    folder.mkdir()
    for name, body in ARTICLES.items():
        (folder / name).write_text(body, encoding="utf-8")
    settings.upload_dir.mkdir(parents=True)
    upload = settings.upload_dir / UPLOAD[0]
    upload.write_text(UPLOAD[1], encoding="utf-8")
    kb = KnowledgeBase.open(settings, HashEmbedder())
    pipeline = build_pipeline(settings, kb)
    pipeline.run([folder])
    pipeline.run([upload])
    _fill_database(settings.db_url, upload)
    return Source(settings, kb, upload)


def _target(settings: Settings, data_dir: Path) -> Settings:
    return settings.model_copy(update={"data_dir": data_dir})


def _rows(url: str) -> dict[str, list[dict]]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {t.name: [dict(r) for r in conn.execute(select(t).order_by(*t.primary_key.columns)).mappings()]
                    for t in Base.metadata.sorted_tables}
    finally:
        engine.dispose()


def _chunks(settings: Settings) -> dict[str, tuple[str, dict, np.ndarray]]:
    client = make_client(settings)
    try:
        name = collection_name(settings, HashEmbedder())
        col = client.get_collection(name, embedding_function=AskScienceEmbeddingFunction(space="hash64"))
        res = col.get(include=["documents", "metadatas", "embeddings"])
        return {i: (d, m, np.asarray(e)) for i, d, m, e in
                zip(res["ids"], res["documents"], res["metadatas"], res["embeddings"], strict=True)}
    finally:
        client.close()


def test_restore_rebuilds_the_same_rows_chunks_and_files(source: Source, tmp_path: Path) -> None:
    summary = create_backup(source.settings, HashEmbedder(), tmp_path / "backup")
    assert summary.chunks == source.kb.count() >= 3
    assert summary.rows["question_log"] == 3 and summary.rows["curated_answers"] == 2 and summary.uploads == 1
    assert "备份完成" in summary.text() and "提问记录 3 条" in summary.text()

    new = _target(source.settings, tmp_path / "restored")
    restored = restore_backup(new, HashEmbedder(), tmp_path / "backup")
    assert restored.chunks == summary.chunks and restored.rows == summary.rows

    old_root, new_root = str(source.settings.upload_dir.resolve()), str(new.upload_dir.resolve())
    expected = _rows(source.settings.db_url)
    for row in expected["documents"]:  # uploaded files now live in the new data dir
        row["source"] = row["source"].replace(old_root, new_root)
        row["stored_path"] = str(Path(row["stored_path"]).resolve()).replace(old_root, new_root)
    got = _rows(new.db_url)
    assert got == expected
    assert got["question_log"][2]["topic"] is None and got["question_log"][1]["flagged"] is True
    assert got["question_log"][0]["asked_at"] == T0 + dt.timedelta(minutes=1)
    assert got["tickets"][0]["code"] == "Q7K-3F2" and got["assignments"][0]["answer_id"] == 7  # the loop survives

    moved = new.upload_dir / UPLOAD[0]
    assert got["documents"][0]["stored_path"] == str(moved.resolve())
    assert moved.read_text(encoding="utf-8") == UPLOAD[1]

    before, after = _chunks(source.settings), _chunks(new)
    assert len(before) == len(after)
    for cid, (doc, meta, vector) in before.items():
        if meta["source"].startswith(old_root):
            meta = {**meta, "source": meta["source"].replace(old_root, new_root)}
            cid = chunk_id(meta["source"], doc)  # the id the pipeline gives the file at its new place
        assert after[cid][0] == doc and after[cid][1] == meta
        assert np.allclose(after[cid][2], vector, rtol=0, atol=1e-6)  # Chroma may renormalise the last bit

    kb = KnowledgeBase.open(new, HashEmbedder())  # keyword index was rebuilt by the restore
    assert len(kb.keywords) == len(before)
    assert (new.index_dir).is_dir()
    hit = kb.keyword_search("隔夜菜冷藏加热", 1)[0][0]
    assert kb.get([hit])[0].source == str(moved.resolve())
    assert kb.keyword_search("大熊猫竹子", 1) == source.kb.keyword_search("大熊猫竹子", 1)


def test_a_tampered_file_is_refused_and_nothing_is_written(source: Source, tmp_path: Path) -> None:
    create_backup(source.settings, HashEmbedder(), tmp_path / "backup")
    log = tmp_path / "backup" / "db" / "question_log.jsonl"
    log.write_text(log.read_text(encoding="utf-8").replace("问题2", "问题9"), encoding="utf-8")
    new = _target(source.settings, tmp_path / "restored")
    with pytest.raises(BackupError) as err:
        restore_backup(new, HashEmbedder(), tmp_path / "backup")
    assert str(err.value) == texts.RESTORE_TAMPERED.format(name="db/question_log.jsonl")
    assert not new.data_dir.exists()


def test_a_manifest_edited_to_match_fewer_rows_is_refused(source: Source, tmp_path: Path) -> None:
    create_backup(source.settings, HashEmbedder(), tmp_path / "backup")
    path = tmp_path / "backup" / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["tables"]["question_log"]["rows"] = 2
    path.write_text(json.dumps(manifest), encoding="utf-8")
    new = _target(source.settings, tmp_path / "restored")
    with pytest.raises(BackupError) as err:
        restore_backup(new, HashEmbedder(), tmp_path / "backup")
    assert str(err.value) == texts.RESTORE_COUNT_MISMATCH.format(name="db/question_log.jsonl", found=3, expected=2)
    assert not new.data_dir.exists()
    assert not list(tmp_path.glob(".restored*"))  # no staging directory left either


def test_a_non_empty_target_is_refused_and_left_alone(source: Source, tmp_path: Path) -> None:
    create_backup(source.settings, HashEmbedder(), tmp_path / "backup")
    target = tmp_path / "busy"
    target.mkdir()
    (target / "keep.txt").write_text("别动", encoding="utf-8")
    with pytest.raises(BackupError) as err:
        restore_backup(_target(source.settings, target), HashEmbedder(), tmp_path / "backup")
    assert str(err.value) == texts.RESTORE_TARGET_NOT_EMPTY.format(path=target.resolve())
    assert [p.name for p in target.iterdir()] == ["keep.txt"]
    with pytest.raises(BackupError):  # restoring over the live data dir itself is refused the same way
        restore_backup(source.settings, HashEmbedder(), tmp_path / "backup")
    assert source.kb.count() > 0


def test_an_empty_existing_target_is_filled(source: Source, tmp_path: Path) -> None:
    create_backup(source.settings, HashEmbedder(), tmp_path / "backup")
    target = tmp_path / "empty"
    target.mkdir()
    restore_backup(_target(source.settings, target), HashEmbedder(), tmp_path / "backup")
    assert (target / "curation.sqlite3").is_file() and (target / "chroma").is_dir()


def test_another_embedder_is_refused(source: Source, tmp_path: Path) -> None:
    create_backup(source.settings, HashEmbedder(), tmp_path / "backup")
    new = _target(source.settings, tmp_path / "restored")
    with pytest.raises(BackupError) as err:
        restore_backup(new, HashEmbedder(dim=32), tmp_path / "backup")
    assert str(err.value) == texts.RESTORE_EMBEDDER_MISMATCH.format(backup="hash64", current="hash32")
    assert not new.data_dir.exists()


def test_a_failure_half_way_through_a_restore_leaves_no_data_dir(source: Source, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    create_backup(source.settings, HashEmbedder(), tmp_path / "backup")

    def disk_full(*_args: object) -> int:  # after the database and the chunks are in
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backup_module, "_restore_uploads", disk_full)
    new = _target(source.settings, tmp_path / "restored")
    with pytest.raises(BackupError) as err:
        restore_backup(new, HashEmbedder(), tmp_path / "backup")
    assert str(err.value).startswith("恢复失败") and "No space left" in str(err.value)
    assert not new.data_dir.exists() and not list(tmp_path.glob(".restored*"))
    monkeypatch.undo()
    restore_backup(new, HashEmbedder(), tmp_path / "backup")  # and it can simply be retried
    assert _rows(new.db_url)["question_log"]


def test_a_backup_refuses_to_overwrite(source: Source, tmp_path: Path) -> None:
    create_backup(source.settings, HashEmbedder(), tmp_path / "backup")
    with pytest.raises(BackupError) as err:
        create_backup(source.settings, HashEmbedder(), tmp_path / "backup")
    assert str(err.value) == texts.BACKUP_TARGET_EXISTS.format(path=(tmp_path / "backup").resolve())
    other = tmp_path / "photos"
    other.mkdir()
    (other / "a.jpg").write_bytes(b"\xff\xd8")
    with pytest.raises(BackupError):
        create_backup(source.settings, HashEmbedder(), other)
    assert [p.name for p in other.iterdir()] == ["a.jpg"]


def test_a_missing_data_dir_is_refused(settings: Settings, tmp_path: Path) -> None:
    with pytest.raises(BackupError) as err:
        create_backup(settings, HashEmbedder(), tmp_path / "backup")
    assert str(err.value) == texts.BACKUP_NO_DATA.format(path=settings.data_dir.resolve())
    assert not settings.data_dir.exists() and not (tmp_path / "backup").exists()


def test_the_database_is_read_as_one_moment_while_the_app_writes(source: Source, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    real = backup_module._dump_table
    dumped: list[str] = []

    def app_writes_meanwhile(conn: object, table: object, fh: object) -> int:
        if not dumped:  # after the first table was read, questions and a curated answer arrive
            engine = create_engine(source.settings.db_url)
            with engine.begin() as other:
                other.execute(QuestionLogRow.__table__.insert(), [{"question": "新来的问题", "mode": "extractive"}])
                other.execute(CuratedAnswerRow.__table__.insert(), [{"key": "late", "question": "迟到的", "answer": "是"}])
            engine.dispose()
        dumped.append(table.name)  # type: ignore[attr-defined]
        return real(conn, table, fh)

    monkeypatch.setattr(backup_module, "_dump_table", app_writes_meanwhile)
    summary = create_backup(source.settings, HashEmbedder(), tmp_path / "backup")
    assert dumped[0] not in ("question_log", "curated_answers")
    assert summary.rows["question_log"] == 3 and summary.rows["curated_answers"] == 2  # the moment it began
    assert len(_rows(source.settings.db_url)["question_log"]) == 4  # the write itself went through


def test_an_ingestion_during_the_read_makes_the_backup_read_again(source: Source, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    real = backup_module._dump_tables
    calls = []

    def ingest_meanwhile(url: str, folder: Path) -> dict[str, int]:
        calls.append(url)
        if len(calls) == 1:  # a curator's upload lands between reading the chunks and the database
            extra = source.settings.upload_dir / "新文章.md"
            extra.write_text("# 闪电\n\n闪电是云中的放电现象，温度可达三万摄氏度。", encoding="utf-8")
            build_pipeline(source.settings, source.kb).run([extra])
        return real(url, folder)

    monkeypatch.setattr(backup_module, "_dump_tables", ingest_meanwhile)
    count = source.kb.count()
    summary = create_backup(source.settings, HashEmbedder(), tmp_path / "backup")
    assert summary.attempts == 2 and summary.chunks == source.kb.count() > count and summary.uploads == 2


def test_a_store_that_never_settles_is_reported(source: Source, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    real = backup_module._dump_tables
    n = []

    def always_ingesting(url: str, folder: Path) -> dict[str, int]:
        n.append(1)
        extra = source.settings.upload_dir / f"新文章{len(n)}.md"
        extra.write_text(f"# 第{len(n)}篇\n\n闪电是云中的放电现象，这是第{len(n)}次写入。", encoding="utf-8")
        build_pipeline(source.settings, source.kb).run([extra])
        return real(url, folder)

    monkeypatch.setattr(backup_module, "_dump_tables", always_ingesting)
    with pytest.raises(BackupError) as err:
        create_backup(source.settings, HashEmbedder(), tmp_path / "backup", attempts=2)
    assert str(err.value) == texts.BACKUP_UNSTABLE.format(attempts=2)
    assert not (tmp_path / "backup" / "manifest.json").exists()
    assert not (tmp_path / "backup" / ".partial").exists()


CRASH = """
import os, signal, sys
from pathlib import Path
import knowledge.backup as b
from knowledge.index.embedders import HashEmbedder
from knowledge.settings import Settings

point = sys.argv[3]
real = getattr(b, point)

def crash(*args, **kwargs):
    if point == "_copy_tree":
        real(*args, **kwargs)  # the database and the chunks are written, the uploads too
    os.kill(os.getpid(), signal.SIGKILL)  # no cleanup, no finally: a real crash

setattr(b, point, crash)
settings = Settings(_env_file=None, data_dir=Path(sys.argv[1]), embedder="hash", glossary_path=Path(sys.argv[4]))
b.create_backup(settings, HashEmbedder(), Path(sys.argv[2]))
"""


@pytest.mark.parametrize("point", ["_copy_tree", "_fsync"])  # while writing parts; half-way through the moves
def test_a_crash_mid_backup_leaves_nothing_that_looks_like_a_backup(source: Source, tmp_path: Path,
                                                                    point: str) -> None:
    target = tmp_path / "backup"
    done = subprocess.run([sys.executable, "-c", CRASH, str(source.settings.data_dir), str(target), point,
                           str(GLOSSARY)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == -9, done.stderr[-2000:]
    assert (target / ".partial").is_dir() and not (target / "manifest.json").exists()
    if point == "_fsync":
        assert (target / "db").is_dir()  # some parts were already moved up, the manifest was not
    with pytest.raises(BackupError) as err:
        verify_backup(target)
    assert str(err.value) == texts.RESTORE_INCOMPLETE.format(path=target.resolve())
    new = _target(source.settings, tmp_path / "restored")
    with pytest.raises(BackupError):
        restore_backup(new, HashEmbedder(), target)
    assert not new.data_dir.exists()
    create_backup(source.settings, HashEmbedder(), target)  # the next run clears the leftovers
    assert restore_backup(new, HashEmbedder(), target).chunks == source.kb.count()


def test_the_cli_prints_counts_and_refusals_in_chinese(source: Source, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)  # no .env from the working directory
    monkeypatch.setenv("ASKSCI_EMBEDDER", "hash")
    monkeypatch.setenv("ASKSCI_GLOSSARY_PATH", str(GLOSSARY))
    monkeypatch.setenv("ASKSCI_DATA_DIR", str(source.settings.data_dir))
    assert cli_main(["backup", str(tmp_path / "b")]) == 0
    out = capsys.readouterr().out
    assert "备份完成" in out and f"{source.kb.count()} 个片段" in out and "审核解答 2 条" in out
    assert cli_main(["restore", str(tmp_path / "b")]) == 1  # ASKSCI_DATA_DIR is the live, non-empty dir
    assert "不是空的" in capsys.readouterr().err
    assert cli_main(["restore", str(tmp_path / "b"), "--data-dir", str(tmp_path / "new")]) == 0
    out = capsys.readouterr().out
    assert "恢复完成" in out and "提问记录 3 条" in out and "科普传播员账号 1 个" in out


def test_a_data_dir_without_chunks_round_trips(settings: Settings, tmp_path: Path) -> None:
    settings.data_dir.mkdir(parents=True)
    _fill_database(settings.db_url, settings.upload_dir / UPLOAD[0])  # accounts and answers, nothing ingested
    summary = create_backup(settings, HashEmbedder(), tmp_path / "backup")
    assert summary.chunks == 0 and summary.rows["curators"] == 1
    new = _target(settings, tmp_path / "restored")
    assert restore_backup(new, HashEmbedder(), tmp_path / "backup").chunks == 0
    assert _rows(new.db_url)["curators"] == _rows(settings.db_url)["curators"]


def test_a_backup_with_another_embedder_than_the_app_is_refused(source: Source, tmp_path: Path) -> None:
    with pytest.raises(BackupError) as err:
        create_backup(source.settings, HashEmbedder(dim=32), tmp_path / "backup")
    assert str(err.value) == texts.BACKUP_OTHER_EMBEDDER.format(space="hash32", name="askscience-hash32",
                                                                found="askscience-hash64")
    assert not (tmp_path / "backup" / "manifest.json").exists()
