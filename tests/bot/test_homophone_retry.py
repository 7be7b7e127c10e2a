"""A question that finds nothing because of a homophone slip (通迅录 for 通讯录) is asked once more with the
slip read as the word it sounds like; what the citizen typed is what is logged."""

from __future__ import annotations

from pathlib import Path

from bot.engine.types import Mode
from knowledge.settings import Settings
from tests.helpers import service_over

ARTICLES = {
    "contacts.md": "# 手机通讯录\n\n通讯录里存着亲友的电话号码，换手机前记得备份通讯录。",
    "panda.md": "# 大熊猫\n\n大熊猫主要吃竹子，一天要吃十几公斤。",
}


def _service(settings: Settings, tmp_path: Path):
    service = service_over(settings, tmp_path / "articles", ARTICLES)
    # keyword evidence decides: a question sharing no word with any article is declined
    service.settings = service.settings.model_copy(update={"evidence_threshold": 1.0, "evidence_keyword_weight": 1.0})
    return service


def test_a_homophone_slip_still_finds_its_article(settings: Settings, tmp_path: Path) -> None:
    service = _service(settings, tmp_path)
    assert service.ask("换手机前通讯录咋个备份").mode == Mode.EXTRACTIVE  # as written: found
    answer = service.ask("换手机前通迅录咋个备份")
    assert answer.mode == Mode.EXTRACTIVE
    assert "通讯录" in answer.text and answer.citations[0].title == "手机通讯录"
    assert service.store is not None
    assert service.store.questions.find("通迅录")  # logged as typed


def test_a_question_about_nothing_known_is_still_declined(settings: Settings, tmp_path: Path) -> None:
    assert _service(settings, tmp_path).ask("股票明天会涨吗").mode == Mode.NO_ANSWER
