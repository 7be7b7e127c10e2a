"""What a citizen's question asks for, read from the clause that asks it."""

import pytest

from bot.engine.question_kind import Asks, asked, asking_clause


@pytest.mark.parametrize(("question", "kind"), [
    ("隔夜菜能不能吃？", Asks.YES_NO),
    ("剩菜放冰箱里，明天还能吃吗", Asks.YES_NO),
    ("我们那栋老楼几十年前装的避雷针，到现在没人管过，还用不用找人检查？", Asks.YES_NO),
    ("我同事先吃了几天抗生素预防一下，说这样保险。预防性地吃抗生素到底有没有用？", Asks.YES_NO),
    ("为啥天是蓝的", Asks.CAUSE),
    ("天问一号着陆时说的“恐怖九分钟”是怎么回事？", Asks.CAUSE),
    ("被狗咬了咋整", Asks.ACTION),
    ("地震的时候正好开车在路上，应该怎么做？", Asks.ACTION),
    ("北斗三号一共有多少颗卫星？", Asks.FIGURE),
    ("熊猫宝宝刚生出来才多重？", Asks.FIGURE),
    ("白鹤滩电站发的电是给哪几个省用的嘛？", Asks.FIGURE),
    ("双彩虹中间那一条特别暗的是什么？", Asks.OTHER),
])
def test_the_asking_clause_decides_the_kind(question: str, kind: Asks) -> None:
    assert asked(question) == kind


def test_a_story_comes_first_and_the_question_last() -> None:
    assert asking_clause("我家楼顶要装基站，邻居说离得越近辐射越大。基站离得近是不是辐射就更大？") == "基站离得近是不是辐射就更大"
