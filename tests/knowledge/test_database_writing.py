"""Per-question writes on SQLite take turns on one lock instead of SQLite's sleep-and-retry."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from knowledge.stores.database import Database
from knowledge.stores.models import QuestionLogRow
from knowledge.stores.questions import QuestionLog


def test_many_threads_logging_at_once_all_get_their_own_row(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'curation.db'}")
    log = QuestionLog(db)
    ids: list[int] = []
    errors: list[BaseException] = []

    def ask(n: int) -> None:
        try:
            for i in range(20):
                ids.append(log.log(f"问题{n}-{i}", "extractive", "答", 0.5, 10.0))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=ask, args=(n,)) for n in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors and len(set(ids)) == 240
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(QuestionLogRow)) == 240


def test_a_failed_write_is_rolled_back_and_the_next_one_goes_through(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'curation.db'}")
    with pytest.raises(RuntimeError), db.writing() as s:
        s.add(QuestionLogRow(question="半途而废", mode="extractive", answer="", top_score=0.0, latency_ms=1.0))
        s.flush()
        raise RuntimeError("disk went away")
    done = threading.Event()  # another thread must get the lock back, not only this one (it is re-entrant)
    threading.Thread(target=lambda: (QuestionLog(db).log("下一个", "extractive", "答", 0.5, 1.0), done.set())).start()
    assert done.wait(30)
    with db.session() as s:
        assert [r.question for r in s.scalars(select(QuestionLogRow))] == ["下一个"]
