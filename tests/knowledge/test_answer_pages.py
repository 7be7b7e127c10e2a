"""The answer-page store: a snapshot under a short, random id; identical snapshots share one page; pages outlive
the question-log retention."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest

from knowledge.stores.answer_pages import AnswerPages, PageCitation, PageContent, valid_id
from knowledge.stores.database import Database
from knowledge.stores.questions import QuestionLog

CONTENT = PageContent(
    question="为什么天空是蓝色的？", answer="阳光里的蓝光被空气分子散射得最厉害，所以天空是蓝色的。[1]", mode="curated",
    citations=(PageCitation(1, "天空为什么是蓝色的", "physics-blue-sky-red-sunset", "瑞利散射……", "王老师", "2024-05-01"),),
    verdict="真", curated_id=7, notice="这是经过科普传播员审核的解答。", reviewer="王老师", reviewed_at="2025-01-02")


@pytest.fixture
def db(tmp_path: Path) -> Database:
    return Database(f"sqlite:///{tmp_path / 'c.sqlite3'}")


def test_a_page_opens_later_with_exactly_what_was_read(db: Database) -> None:
    page = AnswerPages(db).create(CONTENT)
    assert valid_id(page.id) and len(page.id) == 10
    again = AnswerPages(Database(db.url)).get(page.id)  # another process opening the same database
    assert again is not None
    assert again.content == CONTENT
    assert again.created_at == page.created_at


def test_the_same_snapshot_keeps_one_page_and_any_difference_gets_its_own(db: Database) -> None:
    pages = AnswerPages(db)
    first = pages.create(CONTENT)
    assert pages.create(CONTENT).id == first.id
    other_wording = pages.create(PageContent(**{**CONTENT.__dict__, "question": "天为啥是蓝的"}))
    other_llm = pages.create(PageContent(**{**CONTENT.__dict__, "mode": "llm", "generated_by": "qwen-plus"}))
    assert len({first.id, other_wording.id, other_llm.id}) == 3
    assert pages.count() == 3


def test_ids_are_random_not_derived_from_the_content(tmp_path: Path) -> None:
    ids = {AnswerPages(Database(f"sqlite:///{tmp_path / f'{i}.sqlite3'}")).create(CONTENT).id for i in range(5)}
    assert len(ids) == 5  # the same answer on five servers: five unrelated ids, none to be guessed from the text


@pytest.mark.parametrize("bad", ["", "abc", "ABCDEFGHIJ", "abcdefghi1", "abcdefghijk", "' or 1=1 --", "../../etc"])
def test_anything_that_is_not_an_id_finds_nothing(db: Database, bad: str) -> None:
    AnswerPages(db).create(CONTENT)
    assert AnswerPages(db).get(bad) is None


def test_an_unknown_id_finds_nothing(db: Database) -> None:
    page = AnswerPages(db).create(CONTENT)
    other = "a" * 10 if page.id != "a" * 10 else "b" * 10
    assert AnswerPages(db).get(other) is None


def test_pages_outlive_the_question_log_retention(db: Database) -> None:
    log = QuestionLog(db)
    log.log("为什么天空是蓝色的？", "curated", CONTENT.answer, 0.9, 10.0)
    page = AnswerPages(db).create(CONTENT)
    assert log.purge_before(dt.datetime.now() + dt.timedelta(days=1)) == 1
    assert AnswerPages(db).get(page.id) is not None


def test_the_same_snapshot_written_at_once_from_many_threads_is_one_page(db: Database) -> None:
    pages = AnswerPages(db)
    ids: list[str] = []
    barrier = threading.Barrier(6)

    def write() -> None:
        barrier.wait(timeout=10)
        ids.append(pages.create(CONTENT).id)

    threads = [threading.Thread(target=write) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert len(ids) == 6 and len(set(ids)) == 1
    assert pages.count() == 1
