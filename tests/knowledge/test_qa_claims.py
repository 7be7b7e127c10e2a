"""Every shipped verdict reads right: its claim is the rumour as people say it, every phrasing asks that
claim, and the reply a citizen reads opens "「claim」——这个说法是……" without saying it twice.

The rules, checked on every Q&A item with a ``verdict``:

1. Form: the claim is a plain statement of 4-25 characters: no hearsay marker (网上说, 听说, 有人说…), no
   question word (吗, 是不是, 能信, 靠谱…), not a statement about a message or a saying (消息, 说法), no
   bracketed gloss, no closing punctuation. Two items never judge the same claim.
2. Direction: every phrasing is a yes/no question (not why/how/what to do); the main question shares at
   least three content bigrams with the claim (it is the claim, asked), every paraphrase at least one.
3. Reading: the answer's first sentence agrees with the verdict (假 denies, 真 does not, 部分正确 says
   "but", 尚无定论 says it is unsettled) and does not repeat "这种说法…", which the composed reply already says.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from bot.engine.factory import build_service
from bot.engine.service import AskOptions
from bot.engine.types import Mode
from ingest.starter import read_qa
from knowledge import texts
from knowledge.settings import Settings
from tests.conftest import ROOT

VERDICT_ITEMS = [item for item in read_qa(ROOT / "knowledge") if item.get("verdict")]
MAX_CLAIM_CHARS = 25

_HEARSAY = re.compile(r"网上说|网传|网上传|听说|据说|有人说|传言|朋友圈|群里说|都说|老人说")
_QUESTION = re.compile(r"[吗呢？?]|是不是|是否|能不能|会不会|有没有|对不对|行不行|可不可以|真的假的|是真的|靠谱|可信|能信|"
                       r"管不管用|有用没用")
_ABOUT_A_MESSAGE = re.compile(r"消息|说法|这类|这种话")
_BRACKETS = re.compile(r"[（）()【】\[\]]")
_NOT_A_YES_NO = re.compile(r"^(为什么|为啥|为何|怎么|怎样|如何|咋)|怎么办|咋办|有哪些|是什么原理|注意什么|要准备")
_FILLER = set("的了吗呢吧啊呀是不会能有没要在和与就都也还这那个些么什真假说法听")

# What the first sentence of an answer must contain for each verdict.
_AGREES = {
    "假": re.compile(r"[不没非无未假谣]"),
    "真": re.compile(r"^(?![不没])"),
    "部分正确": re.compile(r"但|一部分|不完全|不一定"),
    "尚无定论": re.compile(r"说不准|不一致|定论|尚无|还不清楚|没有定论"),
}
_ECHO = re.compile(r"^(这种|这个)(说法|想法)|^这是误解")


def _bigrams(text: str) -> set[str]:
    core = "".join(ch for ch in text if "\u4e00" <= ch <= "\u9fff" and ch not in _FILLER)
    return {core[i:i + 2] for i in range(len(core) - 1)}


def _first_sentence(answer: str) -> str:
    return re.split(r"[。！!；;]", answer, maxsplit=1)[0]


def test_the_shipped_content_has_verdicts_to_check() -> None:
    assert len(VERDICT_ITEMS) >= 80
    assert set(Counter(i["verdict"] for i in VERDICT_ITEMS)) >= {"假", "真", "部分正确", "尚无定论"}


@pytest.mark.parametrize("item", VERDICT_ITEMS, ids=lambda i: i["id"])
def test_claim_is_the_rumour_as_people_say_it(item: dict) -> None:
    claim = str(item.get("claim") or "")
    assert 4 <= len(claim) <= MAX_CLAIM_CHARS, f"{item['id']}: claim length {len(claim)}: {claim}"
    for rule, why in ((_HEARSAY, "hearsay marker"), (_QUESTION, "question word"),
                      (_ABOUT_A_MESSAGE, "judges a message, not the rumour"), (_BRACKETS, "bracketed gloss")):
        found = rule.search(claim)
        assert not found, f"{item['id']}: {why} 「{found.group(0) if found else ''}」 in claim: {claim}"
    assert claim[-1] not in "。，、；！？!?.,", f"{item['id']}: claim ends in punctuation: {claim}"


def test_no_two_items_judge_the_same_claim() -> None:
    claims = Counter(re.sub(r"\W", "", i["claim"]) for i in VERDICT_ITEMS)
    assert not [c for c, n in claims.items() if n > 1]


@pytest.mark.parametrize("item", VERDICT_ITEMS, ids=lambda i: i["id"])
def test_every_phrasing_asks_the_claim(item: dict) -> None:
    claim = _bigrams(item["claim"])
    shared = len(claim & _bigrams(item["question"]))
    assert shared >= 3, f"{item['id']}: the question shares {shared} bigrams with 「{item['claim']}」"
    for phrasing in (item["question"], *item["paraphrases"]):
        assert not _NOT_A_YES_NO.search(phrasing), f"{item['id']}: not a yes/no question: {phrasing}"
        assert claim & _bigrams(phrasing), f"{item['id']}: shares nothing with 「{item['claim']}」: {phrasing}"


@pytest.mark.parametrize("item", VERDICT_ITEMS, ids=lambda i: i["id"])
def test_answer_opens_in_the_verdicts_direction(item: dict) -> None:
    first = _first_sentence(item["answer"])
    assert _AGREES[item["verdict"]].search(first), f"{item['id']} ({item['verdict']}): first sentence 「{first}」"
    assert not _ECHO.search(first), f"{item['id']}: repeats what the verdict line already says: 「{first}」"


def test_the_citizen_reads_the_claim_then_the_verdict_then_the_answer(tmp_path: Path) -> None:
    """Through the engine: asking an item's own question gets 「claim」——<verdict words><answer>."""
    settings = Settings(_env_file=None, data_dir=tmp_path / "data", embedder="hash",
                        glossary_path=ROOT / "knowledge" / "glossary.tsv")
    service = build_service(settings)
    service.store.answers.upsert_starter([{**item, "articles": []} for item in VERDICT_ITEMS])
    service.curated.refresh(force=True)
    wrong = []
    for item in VERDICT_ITEMS:
        answer = service.ask(item["question"], options=AskOptions(log=False))
        expected = texts.VERDICT_CLAIM.format(claim=item["claim"], says=texts.VERDICT_SAYS[item["verdict"]])
        # triage may put a disclaimer first, or, under an alarm, the line that leads from the first steps to it
        text = answer.text.removeprefix(texts.PERSONAL_MEDICAL_GENERAL).removeprefix(f"{texts.SAFETY_FOLLOWS}\n")
        if answer.mode != Mode.CURATED or not text.startswith(expected + _first_sentence(item["answer"])):
            wrong.append(f"{item['id']}: {answer.mode} {answer.text[:60]}")
    assert not wrong, "\n".join(wrong)
