"""Follow-ups ask something new: the answer the citizen has just read is not repeated as if it answered
the new aspect, and when the sources say nothing of it the reply says so."""

from pathlib import Path

from bot.engine.service import AnswerService
from bot.engine.types import Mode
from knowledge import texts
from knowledge.settings import Settings
from tests.helpers import service_over

FLU = ("# 流感疫苗\n\n流感疫苗要每年接种，因为流感病毒变异快，每年的疫苗按新毒株更新。\n\n"
       "孕妇在孕期任何阶段都可以接种灭活流感疫苗，孕妇接种还能保护出生后的宝宝。")
LEFTOVERS = "# 隔夜菜\n\n隔夜菜及时冷藏、吃前彻底加热，一般可以放心吃。室温放太久的剩菜细菌会大量繁殖。"


def _service(settings: Settings, tmp_path: Path) -> AnswerService:
    return service_over(settings, tmp_path / "articles", {"flu.md": FLU, "leftovers.md": LEFTOVERS})


def test_a_follow_up_about_someone_new_does_not_repeat_the_reviewed_answer(settings: Settings,
                                                                             tmp_path: Path) -> None:
    service = _service(settings, tmp_path)
    assert service.store is not None
    draft = service.store.answers.save_draft("alice", "流感疫苗为什么每年都要打", "要每年打：病毒变异快，疫苗每年更新。",
                                             [], ["flu"])
    service.store.answers.set_status("alice", draft.id, "published")
    service.curated.refresh(force=True)
    first = service.ask("流感疫苗为什么每年都要打")
    assert first.mode == Mode.CURATED
    follow = service.ask("那孕妇能打不", [("流感疫苗为什么每年都要打", first.full_text)])
    assert follow.mode != Mode.CURATED, "the same reviewed answer again does not answer 孕妇"
    assert "孕妇" in follow.text and "任何阶段" in follow.text


def test_a_follow_up_the_sources_do_not_cover_says_so(settings: Settings, tmp_path: Path) -> None:
    service = _service(settings, tmp_path)
    first = service.ask("隔夜菜能吃吗")
    follow = service.ask("那小孩能吃吗", [("隔夜菜能吃吗", first.full_text)])
    assert "隔夜菜" in follow.notice  # the subject that was assumed
    assert texts.FOLLOW_UP_NOT_COVERED.format(term="小孩") in follow.notice
