"""Session 9: verdicts for true claims, the passage that answers the title's question, no child-directed wording
for adults, no answer opening on the tail of a list (real Chroma + jieba, hash embedder)."""

from pathlib import Path

from bot.engine.question_kind import Asks, asked
from bot.engine.types import AskOptions
from knowledge.settings import Settings
from tests.helpers import service_over

QUOTED = AskOptions(use_curated=False, log=False)

AFLATOXIN = ("---\ntitle: 黄曲霉毒素：霉变花生和发苦坚果\ntopic: 食品安全\nkeywords: [黄曲霉毒素, 霉变花生, 致癌物]\n"
             "summary: 黄曲霉毒素主要来自发霉的花生、玉米，是一类致癌物，煮炒都破坏不了。\n---\n"
             "# 黄曲霉毒素：霉变花生和发苦坚果\n\n## 它藏在哪里\n\n"
             "常见的危险信号有：花生表面长出黄绿色的霉；坚果吃起来发苦；用发霉原料榨出来的土法花生油。"
             "国家标准对花生、植物油规定了黄曲霉毒素的最高含量，正规渠道销售的合格产品是符合要求的。\n")
EBIKE = ("---\ntitle: 电动自行车电池起火：为什么不能进楼入户充电\ntopic: 能源与安全\nkeywords: [电动自行车, 电瓶车, 充电, 起火]\n"
         "summary: 电动自行车电池一旦热失控，几分钟内就能烧成大火并放出大量有毒烟气。\n---\n"
         "# 电动自行车电池起火\n\n截至2023年底我国电动自行车保有量已超过3.5亿辆，方便又实惠。"
         "很多遇难者不是被火烧伤，而是被烟气熏倒，来不及逃生。\n")
VINEGAR = ("---\ntitle: 喝醋能软化血管吗\ntopic: 辟谣\nsummary: 喝醋不能软化血管。\n---\n# 喝醋能软化血管吗\n\n"
           "醋只是调味品，适量吃没有问题。喝醋不能软化血管，也不能清除血管里的斑块。\n")
NUCLEAR = ("---\ntitle: 核电站安全吗：反应堆怎样发电、三道屏障\ntopic: 能源\nkeywords: [核电站, 核电, 辐射]\n"
           "summary: 核电站靠三道屏障包住放射性物质。正常运行时给周边居民带来的额外剂量远低于天然本底辐射。\n---\n"
           "# 核电站安全吗\n\n## 反应堆怎样发电\n\n核电站和火电站发电的后半段差不多：都是把水加热成蒸汽，推动汽轮机发电。"
           "火电站靠烧煤，核电站靠核裂变放出的热量。\n")
KIDS_BITES = ("---\ntitle: 蚊子为什么总爱咬我\ntopic: 生物\naudience: 少儿\nkeywords: [蚊子, 蚊子包, 痒]\n---\n"
              "# 蚊子为什么总爱咬我\n\n被蚊子咬了起包很痒，可以用凉水冲一冲，或者请大人帮你涂止痒的药。"
              "包肿得特别大，要马上告诉大人。\n")
ADULT_BITES = ("---\ntitle: 被蚊子咬了起包怎么止痒\ntopic: 健康\nkeywords: [蚊子, 蚊子包, 止痒]\n---\n"
               "# 被蚊子咬了起包怎么止痒\n\n被蚊子咬了起包很痒，先用凉水冲洗、冷敷，可以涂炉甘石洗剂止痒，不要抓破。"
               "包肿得特别大或者发烧，要去看医生。\n")


def test_a_true_claim_opens_on_the_sentence_that_confirms_it_never_on_a_list_tail(settings: Settings,
                                                                                 tmp_path: Path) -> None:
    service = service_over(settings, tmp_path / "a", {"aflatoxin.md": AFLATOXIN})
    answer = service.ask("有人说发霉的花生里有黄曲霉毒素会致癌 是真的吗", options=QUOTED)
    assert "致癌" in answer.text.split("。")[0], answer.text
    assert not answer.text.startswith("用发霉原料"), answer.text


def test_will_it_catch_fire_opens_on_the_fire_not_on_statistics(settings: Settings, tmp_path: Path) -> None:
    service = service_over(settings, tmp_path / "b", {"ebike.md": EBIKE})
    answer = service.ask("电动自行车电池在家里充电会不会起火？", options=QUOTED)
    assert "保有量" not in answer.text.split("。")[0], answer.text


def test_a_false_claim_opens_on_the_sentence_that_refutes_it(settings: Settings, tmp_path: Path) -> None:
    service = service_over(settings, tmp_path / "c", {"vinegar.md": VINEGAR})
    answer = service.ask("听说喝醋能软化血管，是真的吗？", options=QUOTED)
    assert "不能软化血管" in answer.text.split("。")[0], answer.text
    assert not answer.text.startswith(("不是真的", "是真的")), answer.text  # no verdict of our own


def test_the_title_question_is_answered_by_the_summary_not_the_first_section(settings: Settings,
                                                                             tmp_path: Path) -> None:
    service = service_over(settings, tmp_path / "d", {"nuclear.md": NUCLEAR})
    answer = service.ask("我家离核电站三十公里 核电站到底安全不安全", options=QUOTED)
    assert "远低于" in answer.text, answer.text
    assert "汽轮机" not in answer.text, answer.text


def test_an_adult_gets_no_words_meant_for_a_child(settings: Settings, tmp_path: Path) -> None:
    service = service_over(settings, tmp_path / "e", {"kids-mosquitoes.md": KIDS_BITES, "bites.md": ADULT_BITES})
    answer = service.ask("起了个蚊子包痒死了 咋止痒", options=QUOTED)
    assert answer.text, answer
    assert "大人" not in answer.text, answer.text


def test_the_child_article_alone_is_quoted_without_its_child_directed_sentences(settings: Settings,
                                                                              tmp_path: Path) -> None:
    service = service_over(settings, tmp_path / "f", {"kids-mosquitoes.md": KIDS_BITES})
    answer = service.ask("蚊子包很痒怎么办", options=QUOTED)
    assert "凉水" in answer.text, answer.text
    assert "请大人" not in answer.text and "告诉大人" not in answer.text, answer.text


def test_a_two_character_a_not_a_question_asks_yes_or_no() -> None:
    assert asked("核电站到底安全不安全") == Asks.YES_NO
    assert asked("绿萝吸甲醛管用不管用") == Asks.YES_NO
