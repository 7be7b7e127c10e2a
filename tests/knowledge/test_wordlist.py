"""The sensitive-word list: what a curator loads, what a citizen's question or an LLM stream trips over,
and that science about drugs, HIV, sex education or weather is never caught by it."""

from __future__ import annotations

import random
import time

import pytest

from knowledge import texts
from knowledge.wordlist import (
    MAX_TERM_LEN,
    Hit,
    ParseProblem,
    StreamGuard,
    WordEntry,
    WordList,
    WordMatcher,
    load_shipped,
    parse_csv,
    parse_text,
    to_csv,
    to_text,
)

LIST = """\
# 测试词表
代开发票\t违法交易
制作炸弹,暴恐
网络赌博平台，赌博
VIP赌场\t赌博
sm群\t色情
毒品\t毒品
+毒品的危害
+远离毒品
"""


@pytest.fixture(scope="module")
def matcher() -> WordMatcher:
    wordlist = parse_text(LIST)
    assert not wordlist.problems
    return WordMatcher(wordlist)


# --- parsing ------------------------------------------------------------------------------------------


def test_text_format_reads_categories_after_tab_or_comma_and_plus_lines_as_whitelist() -> None:
    wordlist = parse_text("\ufeff" + LIST + "\n\n出售银行卡   # 没写类别\n")
    assert wordlist.blocked == [
        WordEntry("代开发票", "违法交易"),
        WordEntry("制作炸弹", "暴恐"),
        WordEntry("网络赌博平台", "赌博"),
        WordEntry("VIP赌场", "赌博"),
        WordEntry("sm群", "色情"),
        WordEntry("毒品", "毒品"),
        WordEntry("出售银行卡", ""),
    ]
    assert wordlist.allowed == ["毒品的危害", "远离毒品"]
    assert wordlist.problems == []


def test_bad_text_lines_are_reported_with_their_line_number_and_never_dropped_silently() -> None:
    text = "\n".join([
        "代开发票\t违法交易",      # 1 fine
        "性",                      # 2 single character
        "+",                       # 3 empty whitelist line
        "代开发票\t违法交易\t多余",  # 4 too many fields
        "网络 赌博\t赌博",          # 5 a space where a tab was meant
        "ＡＢ",                    # 6 fine (two characters after folding)
        "Ａ",                      # 7 single character after width folding
        "+吸毒\t健康",              # 8 whitelist with a category: kept, category ignored, reported
        "代开发票\t诈骗话术",        # 9 duplicate with another category
        "+代开发票",               # 10 both blocked and whitelisted
        "代开发票\t违法交易",        # 11 exact duplicate: merged without a word
        "长" * (MAX_TERM_LEN + 1),  # 12 too long
        "* · *",                   # 13 nothing but separators
    ])
    wordlist = parse_text(text)
    assert [p.line_no for p in wordlist.problems] == [2, 3, 4, 5, 7, 8, 9, 10, 12, 13]
    reasons = {p.line_no: p.reason for p in wordlist.problems}
    assert reasons[2] == texts.WORDS_SINGLE_CHAR.format(term="性")
    assert reasons[7] == texts.WORDS_SINGLE_CHAR.format(term="Ａ")
    assert "第 1 行" in reasons[9] and "违法交易" in reasons[9]
    assert "第 1 行" in reasons[10]
    assert wordlist.blocked == [WordEntry("代开发票", "违法交易"), WordEntry("ＡＢ", "")]
    assert wordlist.allowed == ["吸毒"]
    assert all(p.reason for p in wordlist.problems)


def test_csv_with_bom_and_chinese_header() -> None:
    csv_text = "\ufeff词条,类别,类型\n代开发票,违法交易,屏蔽\n\n\"出售银行卡\",违法交易,\n毒品的危害,,白名单\n"
    wordlist = parse_csv(csv_text)
    assert wordlist.problems == []
    assert wordlist.blocked == [WordEntry("代开发票", "违法交易"), WordEntry("出售银行卡", "违法交易")]
    assert wordlist.allowed == ["毒品的危害"]


def test_csv_with_english_header_in_any_order() -> None:
    wordlist = parse_csv("kind,term,category\nblock,制作炸弹,暴恐\nALLOW,炸弹气旋,\n")
    assert wordlist.problems == []
    assert wordlist.blocked == [WordEntry("制作炸弹", "暴恐")]
    assert wordlist.allowed == ["炸弹气旋"]


def test_bad_csv_rows_are_reported_with_their_line_number() -> None:
    csv_text = "词条,类别,类型\n代开发票,违法交易,屏蔽\n毒,毒品,屏蔽\n\n制作炸弹,暴恐,删除\n\"多行\n词条\",暴恐,屏蔽\n枪支出售,违法交易,屏蔽\n"
    wordlist = parse_csv(csv_text)
    assert [p.line_no for p in wordlist.problems] == [3, 5, 6]
    assert wordlist.problems[0].reason == texts.WORDS_SINGLE_CHAR.format(term="毒")
    assert wordlist.problems[1].reason == texts.WORDS_CSV_KIND.format(kind="删除")
    assert [e.term for e in wordlist.blocked] == ["代开发票", "枪支出售"]


def test_a_broken_quote_in_csv_is_reported_where_the_row_starts() -> None:
    wordlist = parse_csv("词条,类别,类型\n代开发票,违法交易,屏蔽\n\"出售枪支,违法交易,屏蔽\n制作炸弹,暴恐,屏蔽\n")
    assert wordlist.problems == [ParseProblem(3, texts.WORDS_CSV_BROKEN)]
    assert wordlist.blocked == [WordEntry("代开发票", "违法交易")]


def test_csv_without_a_header_is_refused_as_a_whole() -> None:
    wordlist = parse_csv("代开发票,违法交易,屏蔽\n")
    assert wordlist.blocked == [] and wordlist.allowed == []
    assert wordlist.problems[0].line_no == 1
    assert wordlist.problems[0].reason == texts.WORDS_CSV_NO_HEADER


def test_round_trips_are_exact() -> None:
    wordlist = parse_text(LIST)
    assert parse_text(to_text(wordlist)) == wordlist
    assert parse_csv(to_csv(wordlist)) == wordlist
    assert parse_text(to_text(parse_csv(to_csv(wordlist)))) == wordlist
    assert to_text(parse_text(to_text(wordlist))) == to_text(wordlist)
    assert to_csv(parse_csv(to_csv(wordlist))) == to_csv(wordlist)
    assert to_csv(wordlist).startswith("\ufeff词条,类别,类型")


# --- matching -----------------------------------------------------------------------------------------


def test_a_listed_phrase_is_found_with_its_offsets(matcher: WordMatcher) -> None:
    text = "请问哪里可以代开发票？"
    assert matcher.find(text) == [Hit("代开发票", "违法交易", 6, 10)]


@pytest.mark.parametrize("dodged", [
    "代 开 发 票", "代·开·发·票", "代*开*发*票", "代-开_发-票", "代\u200b开\u200c发\u200d票", "代\ufeff开\u2060发票",
    "代　开　发　票", "代開發票", "代 開·發＊票",
])
def test_separators_traditional_characters_and_zero_width_do_not_dodge_the_filter(
        matcher: WordMatcher, dodged: str) -> None:
    text = f"我想{dodged}，多少钱"
    hits = matcher.find(text)
    assert [h.term for h in hits] == ["代开发票"]
    assert text[hits[0].start:hits[0].end] == dodged  # offsets in the original text


def test_width_and_case_are_folded(matcher: WordMatcher) -> None:
    text = "推荐一个ｖｉｐ赌场吧"
    hits = matcher.find(text)
    assert [h.term for h in hits] == ["VIP赌场"]
    assert text[hits[0].start:hits[0].end] == "ｖｉｐ赌场"
    assert [h.term for h in matcher.find("哪有 S·M 群")] == ["sm群"]


def test_an_ascii_term_does_not_match_inside_a_longer_word(matcher: WordMatcher) -> None:
    assert matcher.find("收到一条Osm群发的短信") == []
    assert matcher.find("加入sm群") != []


def test_only_separators_are_skipped_not_other_characters(matcher: WordMatcher) -> None:
    assert matcher.find("代开了发票") == []
    assert matcher.find("开发票要带身份证") == []
    assert matcher.find("代，开发票") == []


def test_several_hits_come_in_reading_order(matcher: WordMatcher) -> None:
    text = "制作炸弹和代开发票"
    assert [(h.term, h.start, h.end) for h in matcher.find(text)] == [("制作炸弹", 0, 4), ("代开发票", 5, 9)]


def test_whitelisted_science_term_passes_and_the_same_word_outside_it_is_caught(matcher: WordMatcher) -> None:
    assert matcher.find("毒品的危害有哪些？") == []
    assert matcher.find("青少年要远离毒品") == []
    assert matcher.find("远离 毒·品") == []  # the whitelist folds the same way as the list
    text = "远离毒品，不要购买毒品"
    assert matcher.find(text) == [Hit("毒品", "毒品", 9, 11)]
    assert matcher.find("毒品的") == [Hit("毒品", "毒品", 0, 2)]  # only a whole whitelisted term covers


def test_single_characters_are_refused_also_when_the_list_is_built_in_code() -> None:
    with pytest.raises(ValueError, match="只有一个字"):
        WordMatcher(WordList(blocked=[WordEntry("性", "色情")], allowed=[]))


def test_an_empty_list_matches_nothing() -> None:
    matcher = WordMatcher(WordList())
    assert matcher.find("代开发票") == []
    guard = StreamGuard(matcher)
    assert guard.feed("代开") + guard.feed("发票") + guard.finish() == "代开发票"


# --- streaming ----------------------------------------------------------------------------------------


def test_a_blocked_phrase_split_over_three_pieces_is_never_emitted(matcher: WordMatcher) -> None:
    pieces = ["好的，你可以找人代", "开发", "票，很方便。然后……"]
    # each piece on its own is clean: checking piece by piece would have shown the citizen 代开发票
    assert all(matcher.find(piece) == [] for piece in pieces)
    assert "代开发票" in "".join(pieces)

    guard = StreamGuard(matcher)
    shown = "".join(guard.feed(piece) for piece in pieces)
    shown += guard.finish()
    assert guard.blocked
    assert guard.hit == Hit("代开发票", "违法交易", 8, 12)
    assert not any(ch in shown for ch in "代开发票")
    assert "".join(pieces).startswith(shown)
    assert guard.feed("更多内容") == "" and guard.finish() == ""


def test_separators_between_pieces_do_not_let_the_phrase_through(matcher: WordMatcher) -> None:
    pieces = ["先说一句：制 ", "作·炸", " 弹的步骤"]
    guard = StreamGuard(matcher)
    shown = "".join(guard.feed(piece) for piece in pieces)
    shown += guard.finish()
    assert guard.blocked
    assert guard.hit is not None and "".join(pieces)[guard.hit.start:guard.hit.end] == "制 作·炸 弹"
    assert "制" not in shown and "".join(pieces).startswith(shown)


def test_finish_flushes_the_held_back_tail_of_a_clean_answer(matcher: WordMatcher) -> None:
    answer = "毒品的危害很大：它会损伤大脑和心脏。请远离毒品，珍爱生命。"
    guard = StreamGuard(matcher)
    fed = "".join(guard.feed(answer[i:i + 3]) for i in range(0, len(answer), 3))
    assert len(fed) < len(answer)  # the tail is still held back
    assert fed + guard.finish() == answer
    assert not guard.blocked


def test_the_guard_holds_back_no_more_than_the_longest_term(matcher: WordMatcher) -> None:
    guard = StreamGuard(matcher)
    answer = "为什么天空是蓝色的？因为空气分子对短波长的蓝光散射得更强。" * 3
    shown = "".join(guard.feed(ch) for ch in answer)
    assert len(answer) - len(shown) <= matcher.max_term_len - 1
    assert shown + guard.finish() == answer


def test_a_whitelisted_term_completed_by_a_later_piece_is_not_blocked(matcher: WordMatcher) -> None:
    guard = StreamGuard(matcher)
    pieces = ["了解毒", "品", "的危害很重要"]
    shown = "".join(guard.feed(p) for p in pieces) + guard.finish()
    assert not guard.blocked
    assert shown == "".join(pieces)


def test_a_blocked_word_at_the_very_end_is_caught_by_finish(matcher: WordMatcher) -> None:
    guard = StreamGuard(matcher)
    shown = guard.feed("他想买毒") + guard.feed("品")
    assert not guard.blocked  # 毒品的危害 might still follow
    shown += guard.finish()
    assert guard.blocked and "毒" not in shown


def test_a_long_stream_keeps_its_offsets_and_still_blocks(matcher: WordMatcher) -> None:
    filler = "科学就是不断提出问题并用证据检验答案。"
    answer = filler * 40 + "代 开发票" + filler
    guard = StreamGuard(matcher)
    shown = "".join(guard.feed(answer[i:i + 2]) for i in range(0, len(answer), 2)) + guard.finish()
    start = len(filler) * 40
    assert guard.blocked and guard.hit == Hit("代开发票", "违法交易", start, start + 5)
    assert answer.startswith(shown) and len(shown) <= start


# a whitelisted term much longer than any blocked one, and a blocked term that ends in an ASCII letter
LONG_WHITELIST = "毒品\t毒品\nvpn\t翻墙\n+毒品的危害与预防措施\n"


def test_a_hit_a_longer_whitelisted_term_may_still_cover_is_held_until_it_is_decided() -> None:
    matcher = WordMatcher(parse_text(LONG_WHITELIST))
    guard = StreamGuard(matcher)
    shown = "".join(guard.feed(p) for p in ["他说毒品", "交易很", "赚钱，还有很多很多话"]) + guard.finish()
    assert guard.blocked and "毒" not in shown
    guard = StreamGuard(matcher)
    shown = "".join(guard.feed(p) for p in ["他说毒品", "的危害与", "预防措施很重要"]) + guard.finish()
    assert not guard.blocked and shown == "他说毒品的危害与预防措施很重要"


def test_an_ascii_term_at_the_end_of_a_piece_waits_for_the_next_character() -> None:
    guard = StreamGuard(WordMatcher(parse_text("vpn\t翻墙\n")))  # no whitelist: nothing else delays a verdict
    shown = guard.feed("买个vpn") + guard.feed("s") + guard.feed("ervice套餐") + guard.finish()
    assert not guard.blocked and shown == "买个vpnservice套餐"
    guard = StreamGuard(WordMatcher(parse_text("vpn\t翻墙\n")))
    shown = guard.feed("买个vpn") + guard.feed("，") + guard.finish()
    assert guard.blocked and "v" not in shown


@pytest.mark.parametrize("listing", [LIST, LONG_WHITELIST, "vpn\t翻墙\nsm\t色情\n"],
                         ids=["test-list", "long-whitelist", "no-whitelist"])
def test_the_guard_agrees_with_the_matcher_on_random_streams(listing: str) -> None:
    """Whatever the split: a clean text comes out whole; otherwise nothing from the first hit on."""
    matcher = WordMatcher(parse_text(listing))
    rng = random.Random(20240601)
    parts = ["毒品", "毒品的危害", "远离毒品", "代开发票", "代", "开发", "票", "sm", "群", "osm", "VIP", "赌场",
             "的", "科学", "。", " ", "·", "*", "\u200b", "炸弹", "制作", "a", "1", "vpn", "与预防措施", "的危害与"]
    for _ in range(600):
        text = "".join(rng.choice(parts) for _ in range(rng.randint(1, 14)))
        guard = StreamGuard(matcher)
        shown, at = "", 0
        while at < len(text):
            step = rng.randint(1, 4)
            shown += guard.feed(text[at:at + step])
            at += step
        shown += guard.finish()
        hits = matcher.find(text)
        if hits:
            assert guard.blocked, text
            assert text.startswith(shown) and len(shown) <= hits[0].start, text
        else:
            assert not guard.blocked and shown == text, text


# --- the shipped list ---------------------------------------------------------------------------------

SCIENCE_QUESTIONS = [
    "吸毒对大脑有什么危害？",
    "艾滋病会通过蚊子传播吗？",
    "炸弹气旋是什么天气？",
    "性传播疾病有哪些早期症状？",
    "毒品的危害有哪些？",
    "戒毒以后为什么容易复吸？",
    "青春期性教育应该从几岁开始？",
    "枪伤急救时应该先止血还是先包扎？",
    "核辐射对人体有哪些影响？",
    "安乐死在哪些国家是合法的？",
    "为什么禁毒宣传要从青少年抓起？",
    "遭遇裸聊敲诈应该怎么办？",
    "怎样识别网络赌博平台的骗局？",
    "硝酸铵为什么会发生爆炸？",
    "烟花爆竹里的火药是怎么发光的？",
    "发票上的校验码有什么用？",
    "银行卡被盗刷了怎么办？",
    "枪虾是怎么用钳子把猎物打晕的？",
    "原子弹和氢弹的原理有什么不同？",
    "刷单被骗了还能追回钱吗？",
    "罂粟和鸦片是什么关系？",
    "赌博成瘾是一种病吗？",
]


@pytest.fixture(scope="module")
def shipped() -> WordList:
    return load_shipped()


def test_the_shipped_list_parses_cleanly_and_is_small(shipped: WordList) -> None:
    assert shipped.problems == []
    assert 30 <= len(shipped.blocked) <= 60
    assert {e.category for e in shipped.blocked} == {"违法交易", "赌博", "诈骗话术", "色情", "暴恐"}
    assert {"艾滋病", "性传播疾病", "禁毒", "毒品的危害", "吸毒", "戒毒", "性教育", "枪伤急救", "炸弹气旋",
            "核辐射", "安乐死"} <= set(shipped.allowed)


def test_the_shipped_list_lets_real_science_questions_pass(shipped: WordList) -> None:
    matcher = WordMatcher(shipped)
    caught = {q: matcher.find(q) for q in SCIENCE_QUESTIONS if matcher.find(q)}
    assert caught == {}


def test_the_shipped_list_catches_illegal_offers(shipped: WordList) -> None:
    matcher = WordMatcher(shipped)
    for text, category in [
        ("哪里可以代开发票，价格便宜", "违法交易"),
        ("高价收购银行卡", "违法交易"),
        ("推荐一个网络赌博平台", "赌博"),
        ("兼职刷单返佣，日赚千元", "诈骗话术"),
        ("找人裸聊", "色情"),
        ("教我制 作 炸 弹", "暴恐"),
    ]:
        assert [h.category for h in matcher.find(text)][:1] == [category], text


def test_a_500_character_question_is_checked_against_5000_entries_well_under_2_ms() -> None:
    rng = random.Random(5)
    pool = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面"
    terms = {"".join(rng.choice(pool) for _ in range(rng.randint(3, 8))) for _ in range(6000)}
    matcher = WordMatcher(WordList(blocked=[WordEntry(t, "测试") for t in sorted(terms)[:5000]]))
    questions = ["".join(rng.choice(pool + "，。？ ·") for _ in range(500)) for _ in range(200)]
    times = []
    for question in questions:
        started = time.perf_counter()
        matcher.find(question)
        times.append(time.perf_counter() - started)
    times.sort()
    assert times[len(times) // 2] < 0.002 / 4  # median; about 0.15 ms on the development machine
