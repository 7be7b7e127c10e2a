"""Homophone slips (a character of the right sound, the wrong meaning) are read as the knowledge base's words;
real words, plain characters and ambiguous sounds are left as written."""

from __future__ import annotations

import pytest

from knowledge.index.glossary import Glossary
from knowledge.index.homophones import Homophones
from knowledge.index.tokenizer import Tokenizer
from tests.conftest import GLOSSARY

WORDS = {"熊猫", "大熊猫", "北斗", "通讯录", "中暑", "彩虹", "双彩虹", "血压", "国家公园", "流星", "流行", "时候", "实时", "原理"}


@pytest.fixture(scope="module")
def reader() -> Homophones:
    tk = Tokenizer(Glossary.load(GLOSSARY))
    return Homophones(WORDS, lambda w: w in WORDS or tk.is_word(w), tk.segment)


@pytest.mark.parametrize(("typed", "meant"), [
    ("双彩红中间那一条特别暗", "双彩虹中间那一条特别暗"),
    ("北抖系统是分几步建成的", "北斗系统是分几步建成的"),
    ("装APP要通迅录权限必须给吗", "装APP要通讯录权限必须给吗"),
    ("中署了头好晕", "中暑了头好晕"),
    ("我国第一批国家公圆有哪几个", "我国第一批国家公园有哪几个"),
])
def test_a_slip_is_read_as_the_word_it_sounds_like(reader: Homophones, typed: str, meant: str) -> None:
    assert reader.fix(typed) == meant


@pytest.mark.parametrize("text", [
    "大熊猫吃竹子",        # already right
    "熊描宝宝多重",        # 描 (miao) does not sound like 猫 (mao): a slip of another kind, left alone
    "这是时候出发了",      # 是时 sounds like 实时, but 是 is a plain character nobody mistypes
    "我看见流型了",        # 流型 sounds like both 流星 and 流行: no guess
    "打雷时能不能打电话",  # nothing to read
    "Is it safe to eat 熊猫?",
])
def test_real_words_plain_characters_and_ambiguous_sounds_stay(reader: Homophones, text: str) -> None:
    assert reader.fix(text) == text
