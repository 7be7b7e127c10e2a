"""What decides an answer page without a server: which answers get one, the absolute address (forwarded headers
only as the Guard lets them through), how a page stands against its reviewed answer, and its escaped HTML."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from bot.engine.types import Answer, Citation, Mode
from bot.web import page_html
from bot.web.answer_pages import Standing, content_of, site_url, standing
from knowledge import texts
from knowledge.stores.answer_pages import AnswerPage, PageContent
from knowledge.stores.curated import CuratedAnswer


def _curated(status: str = "published", answer: str = "不能信。目前无法准确预报地震。") -> CuratedAnswer:
    return CuratedAnswer(3, "geo-017", "网上说要地震，能信吗？", (), answer, (), "假", status, "alice",
                         dt.datetime(2025, 1, 2, 8, 0), "网上的地震预报可信")


def test_only_answers_worth_keeping_get_a_page() -> None:
    for mode in (Mode.NO_ANSWER, Mode.SAFETY, Mode.BLOCKED):
        assert content_of(Answer("……", mode, question="我不想活了")) is None
    llm = content_of(Answer("蓝光被散射。[1]", Mode.LLM, [Citation(1, "天空", "physics", "……", 0.9, "c1")],
                            question="我叫张三，电话13812345678，天为什么是蓝的", generated_by="qwen-plus"))
    assert llm is not None and llm.generated_by == "qwen-plus" and llm.mode == "llm"
    assert "13812345678" not in llm.question and "[电话号码]" in llm.question
    assert llm.reviewed_at == "" and llm.verdict == ""


def test_a_reviewed_answer_keeps_its_verdict_reviewer_and_review_date() -> None:
    page = content_of(Answer("「网上的地震预报可信」——这个说法是错的。不能信。", Mode.CURATED, question="能信吗", curated_id=3),
                      _curated(), public_name=lambda name: "王老师" if name == "alice" else name)
    assert page is not None
    assert (page.verdict, page.reviewer, page.reviewed_at, page.curated_id) == ("假", "王老师", "2025-01-02", 3)


@pytest.mark.parametrize(("headers", "expected"), [
    ({"host": "kepu.example.org"}, "http://kepu.example.org"),
    ({"host": "127.0.0.1:7860"}, "http://127.0.0.1:7860"),
    # these reach the app only from a trusted proxy (the Guard drops them from anybody else)
    ({"host": "10.0.0.5:7860", "x-forwarded-proto": "https", "x-forwarded-host": "kepu.example.org"},
     "https://kepu.example.org"),
    ({"host": "app:7860", "forwarded": 'for=1.2.3.4;proto=https;host="kepu.example.org"'}, "https://kepu.example.org"),
    ({"host": "kepu.example.org", "x-forwarded-prefix": "/kepu/"}, "http://kepu.example.org/kepu"),
    # nonsense is never put into a link or a QR code
    ({"host": "evil.example/@phish", "x-forwarded-proto": "javascript"}, "http://10.1.1.1:7860"),
    ({"host": "kepu.example.org", "x-forwarded-prefix": "/a b<script>"}, "http://kepu.example.org"),
])
def test_the_site_address_comes_from_the_request(headers: dict[str, str], expected: str) -> None:
    assert site_url("http", headers, "10.1.1.1:7860") == expected


def _page(content: PageContent) -> AnswerPage:
    return AnswerPage("abcdefghij", content, dt.datetime(2025, 1, 3))


def _service(curated: CuratedAnswer | None) -> SimpleNamespace:
    return SimpleNamespace(store=SimpleNamespace(answers=SimpleNamespace(get=lambda _id: curated)))


def test_a_page_knows_when_its_reviewed_answer_was_withdrawn_or_revised() -> None:
    shown = PageContent("能信吗", "「网上的地震预报可信」——这个说法是错的。不能信。目前无法准确预报地震。", "curated", curated_id=3)
    assert standing(_service(_curated()), _page(shown)) == Standing.CURRENT
    assert standing(_service(_curated("retired")), _page(shown)) == Standing.WITHDRAWN
    assert standing(_service(_curated("draft")), _page(shown)) == Standing.WITHDRAWN
    assert standing(_service(None), _page(shown)) == Standing.WITHDRAWN  # deleted
    assert standing(_service(_curated(answer="可以信。")), _page(shown)) == Standing.REVISED
    quoted = PageContent("能信吗", "摘录……", "extractive")
    assert standing(_service(None), _page(quoted)) == Standing.CURRENT  # not a reviewed answer: nothing to withdraw


def test_the_page_html_escapes_everything_and_puts_the_warning_first() -> None:
    content = PageContent('<img src=x onerror="alert(1)">天为啥是蓝的', "因为<b>散射</b>。[1]", "llm",
                          generated_by="qwen-plus")
    body = page_html.answer_page(_page(content), texts.SHARE_WITHDRAWN, "http://h/a/abcdefghij",
                                 "http://h/a/abcdefghij/card.png", "http://h/")
    assert "<img" not in body and "<b>" not in body and "&lt;img" in body
    assert body.index(texts.SHARE_WITHDRAWN) < body.index("天为啥是蓝的</h1>")
    assert texts.AI_GENERATED_LABEL.format(model="qwen-plus") in body
    assert 'lang="zh-CN"' in body and "<script" not in body
