"""The shipped starter content is complete, consistent and loads."""

import re
from collections import Counter
from pathlib import Path

import pytest

from ingest.loaders import split_front_matter
from ingest.starter import read_qa
from knowledge.index.glossary import Glossary
from knowledge.index.tokenizer import Tokenizer
from tests.conftest import GLOSSARY, ROOT

KNOWLEDGE = ROOT / "knowledge"
ARTICLES = sorted((KNOWLEDGE / "articles").rglob("*.md"))
REQUIRED = ("title", "topic", "audience", "keywords", "summary", "reviewed_at", "reviewer", "references")
TOPICS = {"地震与地质灾害", "天气与气候", "天文与航天", "健康与医学", "食品安全与营养", "生物与生态", "身边的物理",
          "生活中的化学", "能源与环境", "信息技术与科学素养", "农业科技", "辟谣", "急救"}


def _meta_and_body(path: Path) -> tuple[dict, str]:
    import yaml

    text = path.read_text(encoding="utf-8")
    m = re.match(r"\A---\n(.*?)\n---\n", text, re.S)
    assert m, path
    return yaml.safe_load(m.group(1)), text[m.end():]


def test_at_least_120_articles_and_4_per_topic() -> None:
    assert len(ARTICLES) >= 120
    topics = Counter(_meta_and_body(p)[0]["topic"] for p in ARTICLES)
    assert set(topics) == TOPICS
    assert all(n >= 4 for n in topics.values()), topics
    assert topics["辟谣"] >= 10


@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: p.stem)
def test_article_front_matter_and_body(path: Path) -> None:
    meta, body = _meta_and_body(path)
    for key in REQUIRED:
        assert meta.get(key), f"{path.name}: {key} missing"
    assert meta["audience"] in {"少儿", "大众", "专业"}
    assert isinstance(meta["keywords"], list) and isinstance(meta["references"], list)
    chars = len(re.sub(r"\s", "", body))
    assert 600 <= chars <= 2000, (path.name, chars)
    assert len(re.findall(r"^## ", body, re.M)) >= 2
    split_front_matter(path.read_text(encoding="utf-8"))  # the loader accepts it


def test_rumour_articles_state_a_verdict() -> None:
    for path in ARTICLES:
        meta, body = _meta_and_body(path)
        if meta["topic"] == "辟谣":
            assert re.search(r"结论：(真|假|部分正确|尚无定论)", body), path.name


def test_no_duplicate_articles() -> None:
    titles = [_meta_and_body(p)[0]["title"] for p in ARTICLES]
    assert len(titles) == len(set(titles))
    assert len({p.stem for p in ARTICLES}) == len(ARTICLES)


def test_qa_pairs_reference_existing_articles() -> None:
    items = read_qa(KNOWLEDGE)
    assert len(items) >= 150
    stems = {p.stem for p in ARTICLES}
    for item in items:
        assert item["question"] and item["answer"], item
        assert len(item["answer"]) <= 200, item["id"]
        assert 2 <= len(item["paraphrases"]) <= 4, item["id"]
        assert item["articles"] and set(item["articles"]) <= stems, item["id"]
        if item.get("verdict"):
            assert item["verdict"] in {"真", "假", "部分正确", "尚无定论"}


def test_no_duplicate_questions() -> None:
    items = read_qa(KNOWLEDGE)
    ids = [i["id"] for i in items]
    assert len(ids) == len(set(ids))
    phrasings = [p for i in items for p in (i["question"], *i["paraphrases"])]
    dupes = [p for p, n in Counter(phrasings).items() if n > 1]
    assert not dupes


def test_glossary_has_300_terms_and_changes_segmentation() -> None:
    glossary = Glossary.load(GLOSSARY)
    assert len(glossary.entries) >= 300
    assert glossary.synonym_to_term["心梗"] == "心肌梗死"
    sentence = "幽门螺杆菌和暗物质都不好懂"
    plain = Tokenizer(Glossary()).segment(sentence)
    with_terms = Tokenizer(glossary).segment(sentence)
    assert "幽门螺杆菌" in with_terms and "幽门螺杆菌" not in plain


_NOT_A_YES_NO = re.compile(r"^(为什么|为啥|为何|怎么|怎样|如何|咋)|怎么办|咋办|有哪些|是什么原理")
_FILLER = set("的了吗呢吧啊呀是不会能有没要在和与就都也还这那个些么什真假说法听")


def _content_bigrams(text: str) -> set[str]:
    core = "".join(ch for ch in text if "\u4e00" <= ch <= "\u9fff" and ch not in _FILLER)
    return {core[i:i + 2] for i in range(len(core) - 1)}


def test_every_verdict_judges_a_stated_claim_that_each_phrasing_asks_about() -> None:
    """A verdict belongs to a claim, not to an item: each phrasing of a verdict item must ask whether
    that claim is true (a yes/no question sharing its content), never a how/why question."""
    problems = []
    for item in read_qa(KNOWLEDGE):
        if not item.get("verdict"):
            continue
        claim = str(item.get("claim") or "")
        if not claim:
            problems.append(f"{item['id']}: no claim")
            continue
        for phrasing in (item["question"], *item["paraphrases"]):
            if _NOT_A_YES_NO.search(phrasing):
                problems.append(f"{item['id']}: not a yes/no question about the claim: {phrasing}")
            elif not _content_bigrams(phrasing) & _content_bigrams(claim):
                problems.append(f"{item['id']}: shares nothing with the claim 「{claim}」: {phrasing}")
    assert not problems, "\n".join(problems)


def test_glossary_repairs_hold() -> None:
    """The editor's findings: one concept per entry, and everyday words never expand a question."""
    glossary = Glossary.load(GLOSSARY)
    to_term = glossary.synonym_to_term
    assert to_term["脑梗"] == "脑梗死" and to_term["脑梗塞"] == "脑梗死"
    assert to_term["接闪杆"] == "避雷针"
    for word in ("消炎药", "窗口期", "笑气", "电车", "快充", "慢充", "破伤风针", "连锁反应", "板块", "鹊桥", "北斗",
                 "背景辐射"):
        assert word not in to_term, word  # not a synonym of one science term
        entry = next((e for e in glossary.entries if e.term == word), None)
        assert entry is None or not entry.expand, word
    assert "窗口期" in Tokenizer(glossary).segment("艾滋病检测的窗口期是多久")  # still kept whole


def test_every_article_has_two_reviewed_answers_and_twelve_are_for_children() -> None:
    cited = Counter(a for item in read_qa(KNOWLEDGE) for a in item["articles"])
    few = [p.stem for p in ARTICLES if cited[p.stem] < 2]
    assert not few, few
    audiences = Counter(_meta_and_body(p)[0]["audience"] for p in ARTICLES)
    assert audiences["少儿"] >= 12, audiences
    assert len(ARTICLES) >= 120 and len(read_qa(KNOWLEDGE)) >= 500
