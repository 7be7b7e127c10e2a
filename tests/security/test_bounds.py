"""Finding 1 (high): a CPU denial of service through history. Every turn is bounded now."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from bot.engine.conversation import bound_history
from bot.engine.factory import build_service
from bot.web.chat import history_pairs
from ingest.service import build_pipeline
from knowledge import texts
from knowledge.settings import Settings
from tests.web.conftest import LiveApp


def test_over_long_and_malformed_turns_never_become_history() -> None:
    history = [("熊" * 100_000, "答"), ("大熊猫吃什么？", "竹子" * 5_000), ("x",), (1, "a"), ("", "空"),
               ("为什么天是蓝的？", "瑞利散射")]
    kept = bound_history(history, max_turns=6, question_chars=500, answer_chars=2000)
    assert [q for q, _ in kept] == ["大熊猫吃什么？", "为什么天是蓝的？"]
    assert len(kept[0][1]) == 2000
    many = [(f"问题{i}", "答") for i in range(40)]
    assert [q for q, _ in bound_history(many, 6, 500, 2000)] == [f"问题{i}" for i in range(34, 40)]


def test_a_refused_question_on_the_page_is_not_the_previous_question() -> None:
    messages = [{"role": "user", "content": "长" * 3000}, {"role": "assistant", "content": texts.QUESTION_TOO_LONG},
                {"role": "user", "content": "大熊猫吃什么"}, {"role": "assistant", "content": "竹子"}]
    assert history_pairs(messages, ["", "大熊猫吃什么"]) == [("大熊猫吃什么", "竹子")]


def test_the_retrieval_query_stays_bounded(settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "a"
    folder.mkdir()
    (folder / "panda.md").write_text("---\ntitle: 大熊猫\n---\n大熊猫的食物绝大部分是竹子。", encoding="utf-8")
    settings = settings.model_copy(update={"evidence_threshold": 0.0, "evidence_keyword_weight": 0.0})
    service = build_service(settings)
    build_pipeline(settings, service.kb).run([folder])
    answer = service.ask("它呢？", [("熊" * 100_000, "答" * 100_000), ("大熊猫吃什么", "竹子")])
    assert "熊" * 600 not in answer.retrieval_query
    assert len(answer.retrieval_query) <= 2 * settings.max_question_chars + 1


@pytest.mark.integration
def test_a_huge_history_item_is_refused_at_once(plain_app: LiveApp) -> None:
    payload = {"question": "它呢？", "history": [["熊" * 100_000, "答"]]}
    start = time.monotonic()
    r = httpx.post(plain_app.url + "/api/ask", json=payload, timeout=60)
    assert r.status_code == 413 and texts.REQUEST_TOO_LARGE in r.json()["error"]
    assert time.monotonic() - start < 5  # before: 182 s of CPU


@pytest.mark.integration
def test_long_turns_under_the_body_limit_are_trimmed_and_answered(plain_app: LiveApp) -> None:
    history = [["熊" * 3_000, "答" * 10_000]] * 3 + [["大熊猫吃什么？", "竹子" * 5_000]]
    start = time.monotonic()
    r = httpx.post(plain_app.url + "/api/ask", json={"question": "它呢？", "history": history}, timeout=60)
    assert r.status_code == 200, r.text
    assert r.json()["mode"] in ("extractive", "curated", "no_answer")
    assert time.monotonic() - start < 5  # before: 20 turns of 10,000 characters took 20.6 s


@pytest.mark.integration
def test_a_chunked_body_without_length_is_bounded_too(plain_app: LiveApp) -> None:
    def body():  # no Content-Length: the server must count what it reads
        yield b'{"question": "\\u5b83\\u5462", "history": [["'
        for _ in range(400):
            yield b"x" * 1024
        yield b'", "a"]]}'
    r = httpx.post(plain_app.url + "/api/ask", content=body(), headers={"content-type": "application/json"},
                   timeout=60)
    assert r.status_code == 413
