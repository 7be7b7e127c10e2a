"""Personal-information redaction for citizens' questions, before they are logged or sent to an external model.

:func:`redact` finds phone numbers (mobile and landline), ID-card numbers, bank-card numbers, e-mail addresses,
street addresses and names introduced explicitly ("我叫…", "姓名：…", "我妈王秀英，今年…"), and replaces each by a
placeholder from :data:`knowledge.texts.REDACTION_PLACEHOLDERS`. Everything else comes back character for character.

Matching runs on a width-folded copy of the text (full-width digits, letters, ＠, dashes and brackets become ASCII)
whose characters map one to one onto the original, so a hit's position in the copy is its position in the text.
Digit runs are judged by their shape, not their length alone: a mobile is 1[3-9] and eleven digits, an ID has a
region code and a birth date, a bank card is grouped by four or passes the Luhn check, and a number followed by a
unit (元, 米, 亿…) is a quantity. Science figures, standard numbers, dates and hotlines are left alone.

Speed: the digit patterns only run in a small window around a run of seven digits or more, and the address and
name patterns start from a cheap hint (a number before 号/栋/单元…, a trigger such as 我叫), so a question without
personal data costs a few fast scans.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from knowledge.texts import REDACTION_PLACEHOLDERS

KINDS = ("phone", "id_card", "bank_card", "email", "address", "name")


@dataclass(frozen=True, slots=True)
class Redacted:
    """The redacted text and the kinds found, in order of first appearance, each once."""

    text: str
    kinds: tuple[str, ...] = ()


# --- width folding (one character in, one character out) -------------------------------------------------------

def _fold_map() -> dict[str, str]:
    table = {chr(code): chr(code - 0xFEE0) for code in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B),
                                                       *range(0xFF41, 0xFF5B))}  # full-width digits and letters
    table.update({"＠": "@", "﹫": "@", "＋": "+", "－": "-", "﹣": "-", "−": "-", "（": "(", "）": ")", "．": ".",
                  "＿": "_", "％": "%"})
    table.update(dict.fromkeys("\u3000\u00a0\u2002\u2003\u2009\u202f\t", " "))
    table.update(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015", "-"))
    return table


_FOLD_MAP = _fold_map()
_FOLDABLE = re.compile("[" + re.escape("".join(_FOLD_MAP)) + "]")


def _fold(text: str) -> str:
    if _FOLDABLE.search(text) is None:
        return text
    return _FOLDABLE.sub(lambda m: _FOLD_MAP[m.group()], text)


# --- shared pieces ----------------------------------------------------------------------------------------------

_CN_DIGIT = "零〇一二三四五六七八九"
_SEP = r"(?:[ ]{1,2}|[ ]?-[ ]?)"  # between digit groups: one or two spaces, or a dash
_NOT_AFTER_DIGITS = r"(?![0-9])(?!\.[0-9])"
_NOT_BEFORE_DIGITS = r"(?<![0-9])(?<![0-9]\.)"

# A run of digits, possibly grouped; only runs with seven digits or more can be personal data.
_DIGIT_RUN = re.compile(r"[0-9](?:[0-9]|[ \-.()+]{1,3}(?=[0-9]))*")
_MIN_DIGITS = 7
_WINDOW_BEFORE = 14  # room for a prefix (+86, "(") or a context word (电话是) before the run
_WINDOW_AFTER = 12  # room for an extension (转801, 分机 1234) and the X of an ID number after it

# A number followed by one of these is a quantity (13000000000元, 15000000000 公里), never personal data. Only whole
# units: a phone number is often followed by 微信 (微克 is a unit, 微 alone is not), 个人, 天天.
_UNIT_AFTER = re.compile(
    r"[ ]?(?:元|块钱|角|人(?!工)|年|岁|米|次|倍|吨|克|斤|亩|万|亿|光年|公里|千米|千克|千瓦|平方|立方|毫[克米升秒安]"
    r"|微[克米秒]|纳[米秒克]|摄氏度|℃|%|‰|km|kg|mm|cm|[Hh]z|赫兹|秒|分钟|小时|字节|条|件|只|辆|颗|粒|户|份)"
)

# --- e-mail -----------------------------------------------------------------------------------------------------

_EMAIL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._%+\-]*@[A-Za-z0-9\-]+(?:[.。][A-Za-z0-9\-]+)*[.。][A-Za-z]{2,}")
_LOCAL_PART = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._%+-")

# --- ID card ----------------------------------------------------------------------------------------------------

# 18 digits (the last may be X) written whole or grouped 6-8-4, 6-4-4-4 or 4-4-4-4-2; the old 15 digits 6-6-3.
_ID18 = re.compile(
    r"(?<![0-9])(?<![0-9]\.)(?:[1-8][0-9]{5}(?:[ -]?[0-9]{8}[ -]?|[ -][0-9]{4}[ -][0-9]{4}[ -])[0-9]{3}"
    r"|[1-8][0-9]{3}[ -][0-9]{4}[ -][0-9]{4}[ -][0-9]{4}[ -][0-9])[0-9Xx](?![0-9A-Za-z])"
)
_ID15 = re.compile(r"(?<![0-9])(?<![0-9]\.)[1-8][0-9]{5}[ -]?[0-9]{6}[ -]?[0-9]{3}(?![0-9A-Za-z])(?!\.[0-9])")
_PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82".split()
)


def _valid_date(month: str, day: str) -> bool:
    return 1 <= int(month) <= 12 and 1 <= int(day) <= 31


def _is_id18(digits: str) -> bool:
    return (digits[:2] in _PROVINCES and digits[6:8] in ("18", "19", "20")
            and _valid_date(digits[10:12], digits[12:14]))


def _is_id15(digits: str) -> bool:
    return digits[:2] in _PROVINCES and _valid_date(digits[8:10], digits[10:12])


# --- bank card --------------------------------------------------------------------------------------------------

# 16-19 digits, whole (then it must pass the Luhn check, start with UnionPay's 62 or follow a word such as 卡号)
# or grouped by four.
_BANK = re.compile(r"(?<![0-9])(?<![0-9]\.)(?:[0-9]{16,19}|[0-9]{4}(?:[ -][0-9]{4}){3}(?:[ -]?[0-9]{1,3})?)(?![0-9])")
_CARD_CONTEXT = re.compile(r"卡号|银行卡|储蓄卡|信用卡|借记卡|工资卡|社保卡|账号|帐号|账户|卡")
_YEAR_GROUP = re.compile(r"(?:19|20)[0-9]{2}")
_GROUP_SEP = re.compile(r"[ -]+")


def _luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if index % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


# --- phones -----------------------------------------------------------------------------------------------------

_MOBILE_BODY = (
    r"1[3-9][0-9](?:[0-9]{8}|" + _SEP + r"[0-9]{4}" + _SEP + r"[0-9]{4}|" + _SEP + r"[0-9]{8}"
    + r"|\.[0-9]{4}\.[0-9]{4})"
    + r"|1[3-9][0-9]{5}" + _SEP + r"[0-9]{4}"
    + r"|1[3-9][0-9]{2}" + _SEP + r"[0-9]{3}" + _SEP + r"[0-9]{4}"
    + r"|1 [3-9](?: [0-9]){9}"
)
_MOBILE = re.compile(
    r"(?:(?<![0-9])(?:\+|00)[ ]?86[ -]?|\(\+?86\)[ ]?|(?<![0-9+])86(?=1[3-9][0-9]{9}(?![0-9]))|" + _NOT_BEFORE_DIGITS
    + r")(?:" + _MOBILE_BODY + r")" + _NOT_AFTER_DIGITS
)
# Spoken digits from voice input (幺三八一二三四五六七八); the look-behind sits after the first character so that
# the scan can jump from one 一/幺 to the next.
_MOBILE_CN = re.compile(r"[一幺](?<![零〇一二三四五六七八九幺].)[三四五六七八九](?:[ ]?[零〇一二三四五六七八九幺]){9}"
                        r"(?![零〇一二三四五六七八九幺十百千万亿])")
_AREA = r"(?:0(?:10|2[0-9])|0[3-9][0-9]{2})"
_LANDLINE = re.compile(
    r"(?<![0-9])(?:\(" + _AREA + r"\)[ ]?|" + _AREA + r"(?:[ ]?-[ ]?|[ ]{1,2})?)"
    r"[0-9]{3,4}[ -]?[0-9]{4}(?:[ ]?(?:-|转|分机|ext\.?)[ ]?[0-9]{1,5})?" + _NOT_AFTER_DIGITS
)
# A local number (no area code) or an oddly grouped mobile, when the words before it say it is a phone number.
_PHONE_CONTEXT = re.compile(
    r"(?:电话|座机|固话|手机|号码|联系方式|拨打|致电|打给|[Tt][Ee][Ll]|[Pp]hone)[^0-9\n]{0,4}?"
    r"(?<![0-9])(?P<num>1[3-9](?:[ -]?[0-9]){9}|[2-9][0-9]{2,3}[ -]?[0-9]{4})" + _NOT_AFTER_DIGITS
)

# --- addresses --------------------------------------------------------------------------------------------------

# Characters that end a place name when reading leftwards from its suffix (verbs, pronouns, particles).
_STOP = "在住是到去从往于的了我你他她它们叫说也都就还要想能会这那哪个呢吗吧啊呀把被让给跟或及与址号近离"
_ROAD = ("大街", "大道", "胡同", "路", "街", "巷", "弄")
_VILLAGE = ("嘎查", "村", "屯", "庄", "寨")
_ESTATE = ("家属院", "家属区", "小区", "花园", "公寓", "家园", "新村", "新苑", "大厦", "公馆", "社区", "宿舍",
           "大院", "新城", "广场", "山庄", "别墅", "华庭", "雅苑", "名苑")
_ESTATE_SHORT = ("苑", "府", "庭", "湾", "城", "园", "居", "阁", "邸", "轩", "坊", "里")
_PLACE_KIND = {**dict.fromkeys(_ESTATE, "estate"), **dict.fromkeys(_ROAD, "road"),
               **dict.fromkeys(_VILLAGE, "village"), **dict.fromkeys(_ESTATE_SHORT, "short")}
_STOP_SET = frozenset(_STOP)
_MAX_PLACE_NAME = 10
_NOT_STREETS = ("铁路", "线路", "电路", "水路", "思路", "网路", "套路", "回路", "通路", "出路", "道路", "一路", "半路")
_ADMIN = ("自治州", "街道", "省", "市", "区", "县", "旗", "镇", "乡", "盟")
_NUMERALS = _CN_DIGIT + "十百"
_NUMX = r"(?:[0-9]{1,5}[A-Za-z]?|[A-Za-z](?=[ ]?(?:栋|座|幢|区))|[" + _NUMERALS + r"]{1,4})"
_SUFFIX = r"(?:号楼|号院|号门|支弄|单元|栋|幢|座|号(?![线码称召外])|层|楼|室|房|户|弄|巷|组|队|社|段|期|区|排)"
_COMPONENT = r"第?" + _NUMX + r"[ ]?" + _SUFFIX
_CHAIN = re.compile(
    r"(?<![0-9A-Za-z.])(?<![" + _NUMERALS + r"])(?:"
    r"(?P<dash>[0-9]{1,3}-[0-9]{1,3}-[0-9]{2,5}(?![0-9]))"
    r"|(?P<chain>" + _COMPONENT + r"(?:[ ]?-?[ ]?" + _COMPONENT + r")*)"
    r"(?P<tail>[ ]?-?[0-9]{2,5}(?![0-9]))?"
    r")"
)
# Where a chain may be: an address word right after a number (the scan jumps from one such word to the next and
# looks back one or two characters), or a 3-2-501 shorthand.
_NUMBER_END = "[0-9A-Za-z" + _NUMERALS + "]"
_CHAIN_HINT = re.compile(
    r"[号栋幢座单层楼室房户弄巷组队社段期区排支](?:(?<=" + _NUMBER_END + r".)|(?<=" + _NUMBER_END + r" .))"
)
_DASH_HINT = re.compile(r"[0-9]-[0-9]{1,3}-[0-9]")
_NUMBER_CHARS = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-")
_CN_NUMERAL = frozenset(_NUMERALS)
_COMPONENT_SUFFIX = re.compile(_SUFFIX)
_MEASURE = frozenset(("座", "栋", "幢", "层", "楼", "户", "排"))
_BUILDING = frozenset(("号楼", "栋", "幢", "座", "单元"))
_TAIL_AFTER = frozenset(("号楼", "栋", "幢", "座", "单元", "层", "楼"))
_FIRST_AFTER = {
    "road": frozenset(("号", "弄", "巷", "段", "号院", "号楼", "支弄", "号门")),
    "village": frozenset(("组", "队", "社", "号", "巷", "排", "栋", "幢", "号楼", "号院", "弄")),
    "estate": frozenset(("号楼", "号院", "栋", "幢", "座", "单元", "号", "层", "楼", "室", "房", "期", "区", "排",
                         "号门")),
    "short": frozenset(("号楼", "号院", "栋", "幢", "座", "单元", "期", "区")),
}

# --- names ------------------------------------------------------------------------------------------------------

_SURNAMES = (
    "欧阳 司马 诸葛 上官 东方 令狐 慕容 皇甫 尉迟 长孙 宇文 司徒 夏侯 公孙 "
    "王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 郭 何 高 林 罗 郑 梁 谢 宋 唐 许 韩 冯 邓 曹 彭 曾 肖 田 董 袁 "
    "潘 于 蒋 蔡 余 杜 叶 程 苏 魏 吕 丁 任 沈 姚 卢 姜 崔 钟 谭 陆 汪 范 金 石 廖 贾 夏 韦 付 傅 方 白 邹 孟 熊 "
    "秦 邱 江 尹 薛 闫 阎 段 雷 侯 龙 史 陶 黎 贺 顾 毛 郝 龚 邵 万 钱 严 覃 武 戴 莫 孔 汤 温 康 施 牛 樊 葛 邢 "
    "乔 伍 庞 颜 倪 庄 聂 章 鲁 岳 翟 殷 詹 欧 耿 兰 焦 俞 左 柳 甘 祝 包 宁 尚 符 舒 阮 柯 纪 梅 童 凌 毕 裴 霍 "
    "涂 苗 谷 盛 翁 冉 骆 蓝 游 辛 靳 管 柴 蒙 鲍 喻 祁 蒲 滕 饶 穆 卓 缪 褚 娄 窦 戚 岑 党 费 卜 冷 晏 卫 瞿 "
    "佟 臧 闵 邬 卞 姬 栾 隋 甄 虞 敖 巩 佘 迟 邝"
).split()
_COMPOUND_SURNAMES = frozenset(name for name in _SURNAMES if len(name) == 2)
_KIN = ("妈妈", "爸爸", "母亲", "父亲", "老公", "老婆", "爱人", "丈夫", "妻子", "媳妇", "儿子", "女儿", "闺女",
        "奶奶", "爷爷", "外婆", "姥姥", "外公", "姥爷", "婆婆", "公公", "岳母", "岳父", "老伴", "哥哥", "姐姐",
        "弟弟", "妹妹", "孩子", "娘", "妈", "爸", "哥", "姐", "弟", "妹")
# Every alternative starts with a plain character, so the scan jumps between candidate characters.
_NAME = re.compile(
    r"(?:我叫|我的名字叫|我的名字是|名字叫|名叫|本人姓名|患者姓名|联系人|姓名"
    r"|我(?:" + "|".join(_KIN) + r")(?:叫做|名叫|叫)?|俺(?:" + "|".join(_KIN) + r")(?:叫做|名叫|叫)?)"
    r"(?:是|为)?[ :：]*"
    r"(?P<name>(?:" + "|".join(sorted(_COMPOUND_SURNAMES)) + r"|[" + "".join(s for s in _SURNAMES if len(s) == 1)
    + r"])[\u4e00-\u9fff]{1,2})"
)
_EXPLICIT = re.compile(r"叫|名|姓名|联系人")  # the trigger said outright that a name follows
# Characters that do not occur in given names but do in what follows "我妈" (高血压, 常说, 严重吗…).
_NOT_IN_NAME = frozenset(
    "血压糖脂尿病症炎癌瘤痛疼痒烧热咳喘晕吐泻疸障斑疹肿瘫痪亢衰梗塞疮疡酸毒药针说是了的也都就在和跟与被把要想会能让"
    "给对很太最更还又才刚已经们个些这那么吗呢吧啊呀哦嗯不没有去来到看吃喝做得着过天年日时末上下前后里外人便全复"
)
_NAME_END = re.compile(r"[\s,.!?;:、)\]，。！？；：…\"'“”]|$|[0-9]")
# What follows a name someone typed on purpose: 王秀英，今年65岁 / ，电话… / ，女，…
_NAME_FOLLOW = re.compile(
    r"[ ,，]*(?:今年|现年|年龄|电话|手机|身份证|家住|住在|住址|联系|出生|[0-9]{1,3}岁|[一二三四五六七八九十]{1,3}岁"
    r"|[男女](?=[ ,，.。;；]|$))"
)


# --- the finders --------------------------------------------------------------------------------------------------

_Spans = list[tuple[int, int, str]]
_Accept = Callable[[re.Match[str]], "tuple[int, int] | None"]


def _free(spans: _Spans, start: int, end: int) -> bool:
    return all(end <= s or start >= e for s, e, _ in spans)


def _digits(text: str) -> str:
    return "".join(ch for ch in text if "0" <= ch <= "9" or ch in "Xx")


def _quantity(folded: str, end: int) -> bool:
    return _UNIT_AFTER.match(folded, end) is not None


def _scan(pattern: re.Pattern[str], folded: str, spans: _Spans, kind: str, accept: _Accept,
          pos: int = 0, endpos: int | None = None) -> None:
    """Every match that ``accept`` keeps and no earlier hit overlaps becomes a span; a refused match is retried
    one character further on, so a bad candidate never hides a good one inside it."""
    endpos = len(folded) if endpos is None else endpos
    while (match := pattern.search(folded, pos, endpos)) is not None:
        span = accept(match)
        if span is not None and _free(spans, *span):
            spans.append((span[0], span[1], kind))
            pos = span[1]
        else:
            pos = match.start() + 1


def _find_emails(folded: str, spans: _Spans) -> None:
    at = folded.find("@")
    while at >= 0:
        start = at  # walk back over the local part, so each address is tried once, from its beginning
        while start > 0 and folded[start - 1] in _LOCAL_PART:
            start -= 1
        while start < at and folded[start] in "._%+-":
            start += 1
        m = _EMAIL.match(folded, start)
        if m is not None and _free(spans, *m.span()):
            spans.append((m.start(), m.end(), "email"))
        at = folded.find("@", m.end() if m is not None else at + 1)


def _find_numbers(folded: str, spans: _Spans) -> None:
    """ID cards, bank cards and phones, in that order of precedence, around each long enough run of digits."""

    def id18(m: re.Match[str]) -> tuple[int, int] | None:
        return m.span() if _is_id18(_digits(m.group())) and not _quantity(folded, m.end()) else None

    def id15(m: re.Match[str]) -> tuple[int, int] | None:
        return m.span() if _is_id15(_digits(m.group())) and not _quantity(folded, m.end()) else None

    def bank(m: re.Match[str]) -> tuple[int, int] | None:
        text = m.group()
        digits = _digits(text)
        if _quantity(folded, m.end()):
            return None
        if _CARD_CONTEXT.search(folded, max(0, m.start() - 12), m.start()) is not None:
            return m.span()
        if len(text) != len(digits):  # grouped by four, the way cards are printed
            groups = _GROUP_SEP.split(text)[:4]
            if all(_YEAR_GROUP.fullmatch(g) for g in groups) or all(g.endswith("00") for g in groups):
                return None  # a list of years (2024 2025 2026 2027) or of round figures (1000 2000 3000 4000)
            return m.span()
        return m.span() if digits.startswith("62") or _luhn(digits) else None

    def mobile(m: re.Match[str]) -> tuple[int, int] | None:
        if _digits(m.group()).endswith("000000") or _quantity(folded, m.end()):
            return None  # 13000000000元 is an amount
        return m.span()

    def landline(m: re.Match[str]) -> tuple[int, int] | None:
        return None if _quantity(folded, m.end()) else m.span()

    def context(m: re.Match[str]) -> tuple[int, int] | None:
        return None if _quantity(folded, m.end("num")) else m.span("num")

    passes: tuple[tuple[re.Pattern[str], str, _Accept], ...] = (
        (_ID18, "id_card", id18), (_ID15, "id_card", id15), (_BANK, "bank_card", bank),
        (_MOBILE, "phone", mobile), (_LANDLINE, "phone", landline), (_PHONE_CONTEXT, "phone", context),
    )
    for run in _DIGIT_RUN.finditer(folded):
        text = run.group()
        if len(text) < _MIN_DIGITS or sum("0" <= ch <= "9" for ch in text) < _MIN_DIGITS:
            continue
        low, high = max(0, run.start() - _WINDOW_BEFORE), min(len(folded), run.end() + _WINDOW_AFTER)
        for pattern, kind, accept in passes:
            _scan(pattern, folded, spans, kind, accept, low, high)


def _find_spoken_phones(folded: str, spans: _Spans) -> None:
    _scan(_MOBILE_CN, folded, spans, "phone", lambda m: m.span())


def _place_before(folded: str, end: int) -> tuple[int, str, str] | None:
    """The place name that ends right before ``end`` (a space allowed): where it starts, what it is ("road",
    "village", "estate" or "short", the latter a one-character estate word such as 苑) and the name itself."""
    if end > 0 and folded[end - 1] == " ":
        end -= 1
    suffix = next((folded[end - n:end] for n in (3, 2, 1) if end >= n and folded[end - n:end] in _PLACE_KIND), "")
    if not suffix:
        return None
    name_end = end - len(suffix)
    begin = name_end
    while (begin > 0 and name_end - begin < _MAX_PLACE_NAME and "\u4e00" <= folded[begin - 1] <= "\u9fff"
           and folded[begin - 1] not in _STOP_SET):
        begin -= 1
    if begin == name_end or folded[begin:end].endswith(_NOT_STREETS):
        return None
    return begin, _PLACE_KIND[suffix], folded[begin:name_end]


def _place_start(begin: int, name: str) -> int:
    """Where the redaction of a place name starts: after the last province/city/district/town word that still
    leaves a name of two characters or more (杭州市西湖区|文三路), else at the name itself (镇海路 stays whole)."""
    best = 0
    for token in _ADMIN:
        index = name.rfind(token)
        while index >= 0:
            cut = index + len(token)
            if len(name) - cut >= 2:
                best = max(best, cut)
                break
            index = name.rfind(token, 0, index)
    return begin + best


def _address_at(folded: str, m: re.Match[str]) -> tuple[int, int] | None:
    """The address a number chain belongs to: the chain plus the place name right before it, when together they
    name a dwelling (文三路398号, 阳光小区3栋2单元501, 李家村五组), or a chain that does so alone (3栋2单元501)."""
    start, end = m.span()
    place = _place_before(folded, start)
    kind = place[1] if place else ""
    if m.group("dash"):
        return (_place_start(place[0], place[2]), end) if place and kind != "road" else None
    chain = m.group("chain")
    suffixes = _COMPONENT_SUFFIX.findall(chain.replace(" ", ""))
    first = suffixes[0]
    tail = m.group("tail")
    if tail and suffixes[-1] not in _TAIL_AFTER:
        end, tail = m.start("tail"), None  # "398号 12": the bare number is not a room number
    if len(suffixes) == 1 and not tail and first in _MEASURE and chain.lstrip("第")[0] in _CN_NUMERAL:
        return None  # 一座（山）, 三栋楼: a measure word, not a building number
    if place and first in _FIRST_AFTER[kind]:
        return _place_start(place[0], place[2]), end
    # Without a place name, only written-out numbers count: 3栋2单元501, not 一座三层（的小楼）.
    buildings = sum(1 for s in suffixes if s in _BUILDING)
    if buildings and (len(suffixes) >= 2 or tail) and any("0" <= ch <= "9" for ch in chain):
        return start, end
    return None


def _find_addresses(folded: str, spans: _Spans) -> None:
    done = 0
    hints = list(_CHAIN_HINT.finditer(folded))
    if "-" in folded:
        hints = sorted([*hints, *_DASH_HINT.finditer(folded)], key=lambda h: h.start())
    for hint in hints:
        if hint.start() < done:
            continue
        start = hint.start()  # walk back to where the number (and a 第 before it) begins
        if folded[start] not in _NUMBER_CHARS:
            start -= 2 if folded[start - 1] == " " else 1
        chars = _CN_NUMERAL if folded[start] in _CN_NUMERAL else _NUMBER_CHARS
        while start > 0 and folded[start - 1] in chars:
            start -= 1
        if start > 0 and folded[start - 1] == "第":
            start -= 1
        m = _CHAIN.match(folded, start)
        if m is None:
            continue
        span = _address_at(folded, m)
        if span is not None and _free(spans, *span):
            spans.append((span[0], span[1], "address"))
        done = m.end()  # a chain that is not an address has no part that is one


def _find_names(folded: str, spans: _Spans) -> None:
    def accept(m: re.Match[str]) -> tuple[int, int] | None:
        start, stop = m.span("name")
        explicit = _EXPLICIT.search(folded, m.start(), start) is not None
        surname = 2 if folded[start:start + 2] in _COMPOUND_SURNAMES else 1
        for end in range(stop, start + surname, -1):
            if any(ch in _NOT_IN_NAME for ch in folded[start + surname:end]):
                continue
            if _NAME_FOLLOW.match(folded, end) is not None:
                return start, end
            # After "我叫", "姓名：" a pause ends the name; after "我妈" alone a personal detail must follow.
            if explicit and _NAME_END.match(folded, end) is not None:
                return start, end
        return None

    _scan(_NAME, folded, spans, "name", accept)


_FINDERS = (_find_emails, _find_numbers, _find_spoken_phones, _find_addresses, _find_names)


def redact(text: str) -> Redacted:
    """Replace the personal data in ``text`` by placeholders; ``kinds`` says what was found, in order of first
    appearance. Adjacent address parts become one placeholder."""
    if not text:
        return Redacted(text)
    folded = _fold(text)
    spans: _Spans = []
    for finder in _FINDERS:
        finder(folded, spans)
    if not spans:
        return Redacted(text)
    spans.sort()
    out: list[str] = []
    kinds: list[str] = []
    cursor = 0
    previous = ""
    for start, end, kind in spans:
        between = text[cursor:start]
        if kind == previous == "address" and not between.strip():
            cursor = end  # one address written in two parts (文三路398号 阳光小区3栋) reads as one
            continue
        out.append(between)
        out.append(REDACTION_PLACEHOLDERS[kind])
        if kind not in kinds:
            kinds.append(kind)
        cursor = end
        previous = kind
    out.append(text[cursor:])
    return Redacted("".join(out), tuple(kinds))
