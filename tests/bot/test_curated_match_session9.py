"""Session 9: the curated matcher embeds a second text (the asking clause, dialect folded) only for a long
message, and reads the asking clause with ``question_kind.asking_clause`` (no clause splitter of its own)."""

from __future__ import annotations

import json

import bot.engine.curated_match as curated_match
from bot.engine.curated_match import CLAUSE_MIN_CHARS, FEATURES, MODEL_PATH, second_text
from bot.engine.question_kind import asking_clause


def test_short_question_needs_one_embedding() -> None:
    assert second_text("隔夜菜能吃吗？") is None
    assert second_text("晚上翻来覆去睡不着，咋个办嘛") is None  # short: its own embedding only
    assert second_text("啥子叫转基因食品哦") is None


def test_long_story_embeds_its_asking_clause_folded() -> None:
    story = "我家承包了三十亩地，这些年为了多打粮食化肥越撒越多，最近听说化肥用多了有害，想具体问问施多了会有啥子坏处"
    assert len(story) >= CLAUSE_MIN_CHARS
    clause = second_text(story)
    assert clause is not None and clause != story
    assert "什么" in clause and "啥子" not in clause  # folded before embedding
    assert clause == curated_match.fold_dialect(asking_clause(story))


def test_long_single_clause_is_not_embedded_twice() -> None:
    run_on = "我们村里人种地化肥一袋一袋地撒我想知道撒多了到底有什么害处"
    assert asking_clause(run_on) == run_on
    assert second_text(run_on) is None


def test_min_chars_is_a_parameter() -> None:
    assert second_text("最近听说化肥用多了有害，施多了会有什么坏处", min_chars=0) is not None
    assert second_text("最近听说化肥用多了有害，施多了会有什么坏处", min_chars=100) is None


def test_no_private_clause_splitter_and_model_matches() -> None:
    assert not hasattr(curated_match, "core_clause")
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    assert data["features"] == list(FEATURES)
    assert 0 < data["suggest_at"] <= data["answer_at"] < 1
