"""An operator learns why answers fell back from the LLM: a log line with the reason, a count, and
the fallback share on the curator dashboard."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.curation.dashboard import build_dashboard
from bot.engine.factory import build_service
from bot.engine.types import Mode
from ingest.service import build_pipeline
from knowledge import texts
from knowledge.errors import LLMUnavailable
from knowledge.settings import Settings
from tests.bot.fakes import ScriptedComposer


def test_llm_failures_are_logged_counted_and_shown(settings: Settings, tmp_path: Path,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    folder = tmp_path / "a"
    folder.mkdir()
    (folder / "panda.md").write_text("---\ntitle: 大熊猫\n---\n大熊猫的食物绝大部分是竹子。", encoding="utf-8")
    settings = settings.model_copy(update={"evidence_threshold": 0.0, "evidence_keyword_weight": 0.0,
                                           "llm_api_key": "sk-do-not-log-me"})
    service = build_service(settings)
    build_pipeline(settings, service.kb).run([folder])
    service.llm = ScriptedComposer(["大熊猫主要吃竹子。", LLMUnavailable("LLM endpoint returned HTTP 500"),
                                    LLMUnavailable("LLM endpoint timed out")])
    with caplog.at_level(logging.WARNING):
        good = service.ask("大熊猫吃什么？")
        first = service.ask("熊猫爱吃啥？")
        second = service.ask("大熊猫每天吃什么东西？")
    assert good.mode == Mode.LLM
    assert first.mode == second.mode == Mode.EXTRACTIVE and first.notice == texts.LLM_FALLBACK_NOTICE
    assert "HTTP 500" in caplog.text and "timed out" in caplog.text and "sk-do-not-log-me" not in caplog.text
    assert service.llm_failures == {"LLM endpoint returned HTTP 500": 1, "LLM endpoint timed out": 1}
    board = build_dashboard(service.store, service.kb.tokenizer.tokens)
    assert (board.llm_fallbacks, board.llm_attempts) == (2, 3)
    assert board.llm_fallback_share == pytest.approx(2 / 3)
    assert dict(board.llm_reasons) == {"LLM endpoint returned HTTP 500": 1, "LLM endpoint timed out": 1}


def test_a_failed_rewrite_is_logged_and_the_heuristic_takes_over(settings: Settings, tmp_path: Path,
                                                                 caplog: pytest.LogCaptureFixture) -> None:
    settings = settings.model_copy(update={"evidence_threshold": 0.0, "evidence_keyword_weight": 0.0})
    service = build_service(settings)
    service.llm = ScriptedComposer(["好的。"], rewrites=[LLMUnavailable("cannot reach the LLM endpoint")])
    with caplog.at_level(logging.WARNING):
        answer = service.ask("那它呢？", [("大熊猫吃什么？", "竹子")])
    assert "cannot reach the LLM endpoint" in caplog.text
    assert answer.retrieval_query.startswith("大熊猫吃什么")
