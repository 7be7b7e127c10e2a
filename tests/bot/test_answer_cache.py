"""The answer cache: a first question asked again is answered from the answer worked out a moment ago,
but still logged and ticketed as its own question, and never after what it was made from has changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine.answer_cache import AnswerCache
from bot.engine.service import AnswerService
from bot.engine.types import Answer, AskOptions, Mode
from ingest.service import build_pipeline
from knowledge.errors import ServiceBusy
from knowledge.settings import Settings
from knowledge.wordlist import parse_text
from tests.bot.test_service import ARTICLES
from tests.helpers import service_over

ON = {"answer_cache_size": 64, "answer_cache_seconds": 60.0}


@pytest.fixture
def service(settings: Settings, tmp_path: Path) -> AnswerService:
    return service_over(settings.model_copy(update=ON), tmp_path / "articles", ARTICLES)


def _cached(answer: Answer) -> bool:
    return "cached" in answer.timings


def test_the_same_question_again_gets_the_same_answer_and_both_are_logged(service: AnswerService) -> None:
    first = service.ask("大熊猫平时吃什么食物？")
    again = service.ask("大熊猫平时吃什么食物？")
    assert not _cached(first) and _cached(again)
    assert again.text == first.text and again.citations == first.citations and again.mode == first.mode
    assert again.log_id is not None and again.log_id != first.log_id  # the curator sees two questions
    assert service.store is not None
    assert len(service.store.questions.find("大熊猫平时吃什么食物")) == 2
    again.citations.clear()  # a caller changing its copy does not change what the next citizen reads
    assert service.ask("大熊猫平时吃什么食物？").citations == first.citations


def test_a_declined_question_asked_twice_gets_two_tickets(settings: Settings, tmp_path: Path) -> None:
    svc = service_over(settings.model_copy(update={**ON}), tmp_path / "articles", ARTICLES)
    svc.settings = svc.settings.model_copy(update={"evidence_threshold": 5.0})  # nothing is answerable now
    first = svc.ask("黑洞里面是什么样子？")
    again = svc.ask("黑洞里面是什么样子？")
    assert first.mode == again.mode == Mode.NO_ANSWER and _cached(again)
    assert first.ticket and again.ticket and first.ticket != again.ticket  # each asker can follow their own


def test_a_follow_up_and_a_curators_hit_test_are_never_served_from_the_cache(service: AnswerService) -> None:
    first = service.ask("大熊猫平时吃什么食物？")
    follow = service.ask("大熊猫平时吃什么食物？", [("熊猫是熊吗", "是的。")])
    traced = service.ask("大熊猫平时吃什么食物？", options=AskOptions(trace=True))
    assert not _cached(follow) and not _cached(traced) and traced.trace is not None
    assert first.log_id is not None


def test_a_newly_published_reviewed_answer_is_given_at_once(service: AnswerService) -> None:
    assert service.ask("大熊猫平时吃什么食物").mode == Mode.EXTRACTIVE
    assert service.store is not None
    draft = service.store.answers.save_draft("alice", "大熊猫平时吃什么食物", "主要吃竹子，偶尔吃小动物。", [], [])
    service.store.answers.set_status("alice", draft.id, "published")
    now = service.ask("大熊猫平时吃什么食物")
    assert now.mode == Mode.CURATED and "主要吃竹子" in now.text


def test_a_new_article_or_a_new_word_list_retires_the_kept_answer(service: AnswerService, tmp_path: Path) -> None:
    before = service.ask("冬天为什么容易有静电？")
    folder = tmp_path / "more"
    folder.mkdir()
    (folder / "static2.md").write_text("---\ntitle: 静电怎么防\ntopic: 身边的物理\n---\n# 静电怎么防\n\n"
                                       "冬天容易有静电，是因为空气干燥，电荷不容易散掉。摸门把手前先摸一下墙可以放电。",
                                       encoding="utf-8")
    build_pipeline(service.settings, service.kb).run([folder])
    after = service.ask("冬天为什么容易有静电？")
    assert not _cached(after)
    assert service.store is not None
    service.store.words.save("alice", parse_text("静电\t测试"))
    service.words.changed()
    blocked = service.ask("冬天为什么容易有静电？")
    assert blocked.mode == Mode.BLOCKED and before.mode != Mode.BLOCKED


def test_an_entry_expires_and_the_oldest_go_first() -> None:
    now = [0.0]
    cache = AnswerCache(2, 60.0, clock=lambda: now[0])
    for name in ("a", "b", "c"):
        cache.put(name, 1, Answer(name, Mode.EXTRACTIVE), 0.5)
    assert cache.get("a", 1) is None and len(cache) == 2  # the least recently used was dropped
    hit = cache.get("b", 1)
    assert hit is not None and hit.answer.text == "b" and hit.top_score == 0.5
    assert cache.get("b", 2) is None  # another generation: something it was made from changed
    now[0] = 61.0
    assert cache.get("c", 1) is None
    off = AnswerCache(0, 60.0)
    off.put("a", 1, Answer("a", Mode.EXTRACTIVE), 0.5)
    assert off.get("a", 1) is None


def test_a_kept_answer_is_given_while_every_answering_slot_is_busy(settings: Settings, tmp_path: Path) -> None:
    svc = service_over(settings.model_copy(update={**ON, "max_concurrent_answers": 1, "busy_wait_seconds": 0.0}),
                       tmp_path / "articles", ARTICLES)
    first = svc.ask("大熊猫平时吃什么食物？")
    assert svc._slots.acquire(timeout=1)  # a long answer holds the only slot
    try:
        again = svc.ask("大熊猫平时吃什么食物？")  # asked a moment ago: no need to wait for the slot
        assert _cached(again) and again.text == first.text
        with pytest.raises(ServiceBusy):  # a new question still needs the slot
            svc.ask("竹子为什么长得那么快？")
    finally:
        svc._slots.release()
