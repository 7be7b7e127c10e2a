"""Reach, in the engine: every question records its channel and the dashboard counts per channel;
after an answer, related reviewed questions are offered ("你可能还想问")."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.curation.dashboard import build_dashboard
from bot.engine.service import AnswerService
from bot.engine.types import AskOptions, Mode
from knowledge.settings import Settings
from tests.helpers import service_over

ARTICLES = {
    "panda.md": "---\ntitle: 大熊猫吃什么\ntopic: biology\n---\n# 大熊猫吃什么\n\n大熊猫的食物百分之九十九是竹子。",
    "sky.md": "---\ntitle: 天空为什么是蓝色的\ntopic: physics\n---\n# 天空为什么是蓝色的\n\n阳光里的蓝光被空气分子散射得最多。",
}


@pytest.fixture
def service(settings: Settings, tmp_path: Path) -> AnswerService:
    service = service_over(settings, tmp_path / "articles", ARTICLES)
    assert service.store is not None
    service.store.answers.upsert_starter([
        {"id": "biology-1", "question": "大熊猫吃什么？", "answer": "大熊猫主要吃竹子。", "articles": ["panda"]},
        {"id": "biology-2", "question": "大熊猫一天吃多少竹子？", "answer": "成年大熊猫一天要吃十几千克竹子。",
         "articles": ["panda"]},
        {"id": "biology-3", "question": "大熊猫为什么是黑白色的？", "answer": "黑白相间的毛色有助于隐蔽和交流。",
         "articles": ["panda"]},
        {"id": "physics-1", "question": "天空为什么是蓝色的？", "answer": "蓝光被空气分子散射得最多。", "articles": ["sky"]},
    ])
    return service


def test_each_question_is_counted_under_its_channel(service: AnswerService) -> None:
    service.ask("大熊猫吃什么？")
    service.ask("大熊猫吃什么？", options=AskOptions(channel="api:county"))
    service.ask("天空为什么是蓝色的？", options=AskOptions(channel="embed:county"))
    service.ask("天空为什么是蓝色的？", options=AskOptions(channel="embed:county"))
    assert service.store is not None
    data = build_dashboard(service.store, service.kb.tokenizer.tokens)
    counts = dict(zip(data.channels["渠道"], data.channels["提问数"], strict=True))
    assert counts == {"嵌入：county": 2, "网页": 1, "接口：county": 1}
    assert set(data.channels_per_day["渠道"]) == set(counts)


def test_a_reviewed_answer_offers_other_reviewed_questions_but_not_itself(service: AnswerService) -> None:
    answer = service.ask("大熊猫吃什么？")
    assert answer.mode == Mode.CURATED
    assert answer.related and "大熊猫吃什么？" not in answer.related
    assert len(answer.related) <= 3
    assert answer.related[0].startswith("大熊猫")  # the same topic first
