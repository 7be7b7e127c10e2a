"""The answer-first extractive composer: the article about the question's entity, the answer first, lists whole."""

from pathlib import Path

from bot.engine.aboutness import aboutness, entity_words
from bot.engine.types import AskOptions
from knowledge.settings import Settings
from tests.helpers import service_over

QUOTED = AskOptions(use_curated=False, log=False)

STATION = ("---\ntitle: 天宫空间站里的生活\ntopic: 航天\nkeywords: [空间站, 天宫, 航天员]\n---\n# 天宫空间站里的生活\n\n"
           "航天员睡在固定在舱壁上的睡袋里，这样睡着以后不会飘走。每天大约睡八个小时。\n")
ECLIPSE = ("---\ntitle: 日食是怎么形成的\ntopic: 天文\nkeywords: [日食, 月影]\n---\n# 日食是怎么形成的\n\n"
           "日食时月球挡住了太阳。在空间站上的航天员是怎么看日食的？他们能看到月影落在地球上。\n")
LIST = ("---\ntitle: 灭火器怎么用\ntopic: 安全\n---\n# 灭火器怎么用\n\n## 使用步骤\n\n"
        "干粉灭火器的使用方法可以记成四步。\n1. 提起灭火器，拔掉保险销。\n2. 一手握住喷管，对准火焰根部。\n"
        "3. 用力压下压把。\n4. 左右扫射，直到火完全熄灭。\n")
DEF = ("---\ntitle: 唐鱼\ntopic: 生物\n---\n# 唐鱼\n\n唐鱼是一种小型淡水鱼，原产于广州白云山，一度被认为已经野外灭绝。"
       "唐鱼耐寒，可以忍受低至5摄氏度的水温。它们喜欢清澈的溪流。\n")


def test_a_shared_word_does_not_pull_in_an_article_about_something_else(settings: Settings, tmp_path: Path) -> None:
    service = service_over(settings, tmp_path / "a", {"station.md": STATION, "eclipse.md": ECLIPSE})
    answer = service.ask("空间站上的航天员是怎么睡觉的？", options=QUOTED)
    assert "睡袋" in answer.text and "日食" not in answer.text, answer.text


def test_the_title_names_the_topic_and_the_other_words_pick_the_sentence(settings: Settings, tmp_path: Path) -> None:
    service = service_over(settings, tmp_path / "b", {"fish.md": DEF})
    answer = service.ask("唐鱼耐不耐寒，最低能扛多少度的水温？", options=QUOTED)
    assert answer.text.startswith("唐鱼耐寒"), answer.text  # the answer first, not the definition


def test_a_numbered_list_is_never_cut(settings: Settings, tmp_path: Path) -> None:
    service = service_over(settings, tmp_path / "c", {"fire.md": LIST})
    answer = service.ask("干粉灭火器怎么用，压下压把以后呢？", options=QUOTED)
    if "压下压把" in answer.text:
        assert "左右扫射" in answer.text or "拔掉保险销" not in answer.text, answer.text


def test_aboutness_weighs_the_question_entity_named_by_title_and_keywords() -> None:
    idf = {"纽扣": 5.0, "电池": 2.0, "吞": 3.0}.get
    entity = entity_words(["娃", "纽扣", "电池", "吞", "咋办"], lambda t: idf(t) or 1.0, "纽扣 电池 吞下 娃")
    assert next(iter(entity)) == "纽扣"
    assert aboutness("孩子吞了纽扣电池怎么办 纽扣电池 误吞", entity) > aboutness("电动汽车的动力电池", entity)
