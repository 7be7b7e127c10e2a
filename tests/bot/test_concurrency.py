"""Questions answered while a curator publishes: the curated matcher must never read half of a change
(found by the soak test: an IndexError when the published set grew between two reads)."""

from __future__ import annotations

import threading
from pathlib import Path

from knowledge.settings import Settings
from tests.helpers import service_over


def test_matching_while_answers_are_published_never_fails(settings: Settings, tmp_path: Path) -> None:
    service = service_over(settings, tmp_path / "articles", {
        "panda.md": "# 大熊猫吃什么\n\n大熊猫的食物百分之九十九是竹子。"})
    store, matcher = service.store, service.curated
    assert store is not None and matcher is not None
    vector = service.kb.embedder.embed_query("大熊猫吃什么？")
    errors: list[BaseException] = []
    done = threading.Event()

    def publish() -> None:  # the published set keeps growing, 30 items a round
        for n in range(1, 15):
            store.answers.upsert_starter([
                {"id": f"t-{i}", "question": f"测试问题{i}：大熊猫吃什么？", "answer": f"解答{i}：大熊猫主要吃竹子。",
                 "paraphrases": [f"熊猫第{i}问是什么", f"大熊猫第{i}次吃竹子"]} for i in range(30 * n)])
            matcher.refresh(force=True)
        done.set()

    def ask() -> None:
        try:
            while not done.is_set():
                matcher.decide("大熊猫吃什么？", vector)
                matcher.related(vector, set())
        except BaseException as exc:  # any failure is the finding
            errors.append(exc)

    readers = [threading.Thread(target=ask) for _ in range(3)]
    for r in readers:
        r.start()
    publish()
    for r in readers:
        r.join()
    assert not errors, repr(errors[0])
