"""What a question asks for — yes/no, a cause, an action, a figure — and the words of a sentence that
give it. The answer-first composer opens with a sentence that gives what was asked."""

from __future__ import annotations

import re
from enum import StrEnum


class Asks(StrEnum):
    YES_NO = "yes_no"  # 能不能 / 是不是 / 会不会 / 要不要 / …吗
    CAUSE = "cause"  # 为什么 / 为啥
    ACTION = "action"  # 怎么办 / 怎么做 / 如何
    FIGURE = "figure"  # 多少 / 多久 / 几
    OTHER = "other"


_CAUSE = re.compile(r"为什么|为啥|为何|咋会|怎么会|啥原因|什么原因|原因是|凭啥|why", re.I)
_ACTION = re.compile(r"怎么办|咋办|咋整|咋个办|怎么做|怎样做|怎么处理|如何|怎么(才能|防|预防|避免|选|挑|用|吃|保存)|"
                     r"怎样(才能|防|预防|避免)|应该做|该做|要注意|注意什么|咋个|how (to|do|can|should)",
                     re.I)
_FIGURE = re.compile(r"多少|多久|多长|多大|多高|多远|多深|多重|多厚|几[天个次年岁小分度倍级米]|几点|"
                     r"how (many|much|long)", re.I)
_YES_NO = re.compile(r"能不能|能否|可不可以|可以不|是不是|是否|会不会|要不要|需不需要|用不用|有没有|该不该|得不得|"
                     r"行不行|对不对|靠不靠谱|真的假的|是真的|(吗|嘛|不)[\s?？!！。]*$|^(is|are|can|does|do|will|should)\b",
                     re.I)

# Words in a sentence that give what each kind of question asks for.
_GIVES = {
    Asks.YES_NO: re.compile(r"^(不|没|能|会|可以|是)|不能|不会|不是|没有|不要|不必|不需要|不用|并不|并非|不宜|可以放心|"
                            r"可以(吃|喝|用)|是安全|安全的|没问题|谣言|假的|误解|没有科学依据|说法不对|说法是错|一定要|不建议"),
    Asks.CAUSE: re.compile(r"因为|由于|原因|是因为|所以|导致|造成|引起|使得|来自|是由|缘故|的结果"),
    Asks.ACTION: re.compile(r"应当|应该|要先|先|立即|马上|尽快|及时|拨打|可以|不要|别|最好|建议|注意|记得|务必|赶紧"),
    Asks.FIGURE: re.compile(r"\d|[一二三四五六七八九十百千万两半][个次天年岁米度克倍成层级周月分]|小时|分钟|公里|毫升|"
                            r"毫克|％|%"),
}


# Words that carry the form of a question, not its subject.
FORM_CHARS = set("的了吗呢吧啊呀嘛么是不会能有没要在和与就都也还这那个些哪啥咋怎么什么为什么怎么办可以真假"
                 "说法听说请问问一下到底究竟真的是不是能不能会不会有没有要不要好不好行不行对不对")
FORM_WORDS = {"什么", "为什么", "为啥", "怎么", "怎么办", "怎样", "如何", "是不是", "能不能", "会不会", "有没有",
               "要不要", "可以", "可不可以", "到底", "究竟", "真的", "请问", "听说", "说法", "一下", "咋个", "啥子",
               "哪些", "多少", "吗"}


def is_content_word(token: str) -> bool:
    """Does a token say what a question is about (not how it is asked)?"""
    token = token.strip()
    return bool(token) and token not in FORM_WORDS and not all(ch in FORM_CHARS for ch in token)


def asks(question: str) -> Asks:
    """The kind of answer the question wants (the first that applies, in this order)."""
    for kind, pattern in ((Asks.CAUSE, _CAUSE), (Asks.ACTION, _ACTION), (Asks.FIGURE, _FIGURE),
                          (Asks.YES_NO, _YES_NO)):
        if pattern.search(question):
            return kind
    return Asks.OTHER


def gives(kind: Asks, sentence: str) -> bool:
    """Does the sentence contain the kind of statement the question asks for?"""
    pattern = _GIVES.get(kind)
    return bool(pattern and pattern.search(sentence))


# ---- the asking clause (the composer's reading; ``asks`` above stays as the curated matcher was trained) ----
_CLAUSE_BREAK = re.compile(r"[。？?！!；;，,\n]+|\s{1,}")
_ASKING = re.compile(r"[?？]|吗|嘛|呢|么|啥|什么|怎么|怎样|如何|为什么|为何|多少|多久|几(?![十百千万])|哪|"
                     r"([^\W\d_])不\1|([^\W\d_]{2})不\2|能不能|会不会|是不是|要不要|"
                     r"有没有|可不可以|行不行|对不对|咋|不$|没$|真的假的|\b(what|why|how|is|are|can|does|do|should)\b",
                     re.I)
_CAUSE_MORE = re.compile(r"咋回事|怎么回事|啥子原因|为啥子|咋个会|怎么就|咋就")
_ACTION_MORE = re.compile(r"咋弄|怎么弄|咋处理|咋个整|怎么整|该咋|要咋|有啥办法|有什么办法|啥子办法|什么办法|咋个弄|"
                          r"咋样才|怎样才|怎么才|该怎么|应该怎么|要怎么|怎么预防|咋预防|怎么防|咋防|怎么应对|咋应对|"
                          r"注意啥|注意点啥|注意些啥|注意什么|该找谁|找谁")
_A_NOT_A = re.compile(r"([^\W\d_])不\1|([^\W\d_]{2})不\2|"
                      r"能否|可不可以|是否|需不需要|有没有|靠不靠谱|真的假的|是真的吗|对吗")
_ENDS_ASKING = re.compile(r"(吗|嘛|不|没)[\s?？!！。哦啊呀]*$")
_WH = re.compile(r"什么|啥|哪|谁|多少|几(?![十百千万])|怎么|咋|如何")


def asking_clause(question: str) -> str:
    """The clause that carries the question: the last one with a question word (a story comes first)."""
    clauses = [c for c in _CLAUSE_BREAK.split(question.strip()) if c]
    for clause in reversed(clauses):
        if _ASKING.search(clause):
            return clause
    return clauses[-1] if clauses else question


_SENTENCE_END = re.compile(r"(?<=[。？?！!])|\n")


def asking_sentence(question: str) -> str:
    """The sentence that carries the question (a story told before it is left out)."""
    sentences = [c.strip() for c in _SENTENCE_END.split(question.strip()) if c.strip()]
    for sentence in reversed(sentences):
        if _ASKING.search(sentence):
            return sentence
    return sentences[-1] if sentences else question


def _kind_of(text: str) -> Asks:
    if _CAUSE.search(text) or _CAUSE_MORE.search(text):
        return Asks.CAUSE
    if _ACTION.search(text) or _ACTION_MORE.search(text):
        return Asks.ACTION
    if _A_NOT_A.search(text) or (_ENDS_ASKING.search(text) and not _WH.search(text)):
        return Asks.YES_NO
    if _FIGURE.search(text):
        return Asks.FIGURE
    if not _WH.search(text) and _YES_NO.search(text):
        return Asks.YES_NO
    return Asks.OTHER


def asked(question: str) -> Asks:
    """What a citizen's question asks for, read from its asking clause first ("……吃了几天抗生素。到底有没有用？"
    asks yes/no, not a figure), then from the whole message."""
    kind = _kind_of(asking_clause(question))
    return kind if kind != Asks.OTHER else _kind_of(question)
