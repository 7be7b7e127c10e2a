"""The answer-first composer and follow-ups, as a citizen reads them (real Chroma + jieba, hash embedder)."""

from pathlib import Path

import pytest

from bot.engine.service import AnswerService
from bot.engine.types import AskOptions, Mode
from knowledge import texts
from knowledge.settings import Settings
from tests.helpers import service_over

RUMOUR = ("---\ntitle: 谣言“喝醋能软化血管”是真的吗\ntopic: 辟谣\nsummary: 喝醋不能软化血管。\n---\n"
          "# 谣言“喝醋能软化血管”是真的吗\n\n常听人说：“醋能泡掉水垢，喝进肚子也能把血管里的垢化掉，所以喝醋能软化血管。”"
          "这个说法靠得住吗？\n\n**结论：假**\n\n喝醋不能软化血管，也不能清除血管里的斑块。醋只是调味品，适量吃没有问题。\n\n"
          "## 醋到不了血管里\n\n醋酸被吸收后很快代谢成二氧化碳和水。血液的酸碱度非常稳定，喝醋不会让血液变酸。\n")
KINDS = ("---\ntitle: 垃圾分类\ntopic: 能源与环境\n---\n# 垃圾分类\n\n## 有害垃圾\n\n"
         "垃圾分为四类。一类是可回收物，比如纸张和塑料瓶。另一类是有害垃圾，比如废电池和过期药品，要投进红色桶。"
         "此外，厨余垃圾要沥干水分。\n")
LONG = ("---\ntitle: 地震避险\ntopic: 地震与地质灾害\n---\n# 地震避险\n\n## 在楼房里\n\n"
        "地震时住在高层的人不要跳楼，也不要乘电梯，应就近躲到结实的桌子下或承重墙墙角，护住头颈。"
        "晃动停止后再从楼梯有序撤离。\n\n## 在平房里\n\n住在平房或一楼、门外就是空地的人，可以迅速跑到室外开阔的地方。"
        "跑的时候用手护住头，避开电线杆和围墙。\n\n## 在学校\n\n在教室里要听老师指挥，先躲到课桌下面，晃动停止后按演练路线撤离。"
        "撤到操场后不要返回教室拿东西。\n")


@pytest.fixture
def service(settings: Settings, tmp_path: Path) -> AnswerService:
    return service_over(settings, tmp_path / "articles", {"vinegar.md": RUMOUR, "waste.md": KINDS, "quake.md": LONG})


QUOTED = AskOptions(use_curated=False, log=False)


def test_a_rumour_answer_opens_with_the_refutation_never_with_the_myth(service: AnswerService) -> None:
    answer = service.ask("喝醋真的能软化血管吗？", options=QUOTED)
    assert answer.mode == Mode.EXTRACTIVE
    first = answer.text.split("。")[0]
    assert "不能软化血管" in first, answer.text
    assert "常听人说" not in answer.text and "结论：假" not in answer.text


def test_an_answer_never_opens_with_a_sentence_that_leans_on_an_earlier_one(service: AnswerService) -> None:
    answer = service.ask("废电池属于哪一类垃圾？", options=QUOTED)
    assert not answer.text.startswith(("另一类", "此外", "第三")), answer.text
    assert "废电池" in answer.text


def test_one_passage_of_one_article_cited_once_and_short(service: AnswerService) -> None:
    answer = service.ask("地震的时候住高层应该怎么办？", options=QUOTED)
    assert answer.text.startswith("地震时住在高层的人不要跳楼"), answer.text
    assert len(answer.citations) == 1 and answer.text.count("[") == 1
    assert len(answer.text) <= service.settings.answer_chars * 1.3
    assert "平房" not in answer.text  # the question's own case, not the neighbouring one


def test_a_follow_up_keeps_the_earlier_subject_and_says_which_it_assumed(service: AnswerService) -> None:
    first = service.ask("地震的时候住高层应该怎么办？", options=QUOTED)
    follow = service.ask("那在学校呢？", [("地震的时候住高层应该怎么办？", first.text)], options=QUOTED)
    assert "课桌" in follow.text or "老师" in follow.text, follow.text
    assert follow.retrieval_query.startswith("地震的时候住高层应该怎么办")
    assert "按「" in follow.notice and texts.EXTRACTIVE_NOTICE in follow.notice


SHOCK = ("---\ntitle: 触电急救：先断电再救人\ntopic: 急救\n---\n# 触电急救\n\n## 先断电\n\n"
         "触电的人身上带着电，你用手一拉，电流就会通过你的身体，谁碰谁触电。先拉下电闸或拔掉插头，再去救人。\n")
LIGHTNING = ("---\ntitle: 雷电的两个常见误解\ntopic: 天气与气候\n---\n# 雷电的两个常见误解\n\n## 被雷击的人能不能碰\n\n"
             "第一个误解是“被雷击的人身上带电，不能碰”。其实被雷击中的人身上并不带电，可以立即救助，马上拨打120并做心肺复苏。\n")


def test_a_claim_check_gets_the_sentence_that_judges_the_claim(settings: Settings, tmp_path: Path) -> None:
    """Judged UNSAFE once: "被雷打过的人身上带电吗" was answered with the electric-shock article's
    "触电的人身上带着电" — right for electric shock, dangerous for a lightning victim."""
    service = service_over(settings, tmp_path / "claims", {"shock.md": SHOCK, "lightning.md": LIGHTNING})
    answer = service.ask("我爸说被雷打过的人身上带着电，谁碰谁触电，这是真的吗？", options=QUOTED)
    assert "并不带电" in answer.text, answer.text
    assert "触电的人身上带着电" not in answer.text
