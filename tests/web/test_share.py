"""Share cards and posters as a citizen and a curator see them: real Chinese glyphs (no boxes), a card 1080 px
wide whose QR code opens the answer page, long answers shortened, and an A4 PDF whose text is the Q&A."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
from pathlib import Path

import pytest
import yaml
from PIL import Image
from pypdf import PdfReader

from bot.web import share
from bot.web.poster import PosterItem, PosterRenderer
from bot.web.share import CARD_WIDTH, FontMissing, ShareCards, locate_fonts, missing_glyphs, shorten, wrap
from knowledge import texts
from knowledge.stores.answer_pages import PageCitation, PageContent
from tests.conftest import ROOT

URL = "https://kepu.example.org/a/abcdefghij"


@pytest.fixture(scope="module")
def cards() -> ShareCards:
    return ShareCards(locate_fonts())


def _starter() -> list[dict]:
    return [item for path in sorted((ROOT / "knowledge" / "qa").glob("*.yaml"))
            for item in yaml.safe_load(path.read_text(encoding="utf-8")) or []]


def _content(item: dict, **changes: object) -> PageContent:
    base = PageContent(item["question"], item["answer"] + "[1]", "curated",
                       (PageCitation(1, "天空为什么是蓝色的？晚霞为什么是红色的？", "physics-blue-sky", "……", "AskScience 编辑部",
                                     "2024-05-01"),),
                       item.get("verdict") or "", 1, "", "", texts.CURATED_NOTICE, "AskScience 编辑部", "2025-01-02")
    return dataclasses.replace(base, **changes)


def _png(data: bytes) -> Image.Image:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return Image.open(io.BytesIO(data)).convert("RGB")


def test_every_character_of_the_starter_content_has_a_glyph_in_the_chosen_fonts(cards: ShareCards) -> None:
    fonts = cards.typeface.fonts
    written = [cards.card_texts(_content(i), URL, is_withdrawn=True) for i in _starter()]
    written.append(cards.card_texts(_content(_starter()[0], mode="llm", generated_by="qwen-plus", safety="请立即拨打 120"),
                                    URL))
    everything = "".join(t for group in written for t in group)
    everything += texts.POSTER_SUBTITLE + texts.POSTER_FOOTER + texts.POSTER_SCAN + texts.POSTER_MORE
    assert len(set(everything)) > 1500  # the test covers a real variety of characters
    assert not missing_glyphs(fonts.regular, everything)
    assert not missing_glyphs(fonts.bold, everything)


def test_a_font_without_chinese_is_refused_with_a_clear_chinese_message(tmp_path) -> None:
    dejavu = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")  # what fontconfig offers without CJK fonts
    latin_only = share.FontFace(str(dejavu)) if dejavu.is_file() else None
    with pytest.raises(FontMissing) as caught:
        locate_fonts(fc_match=lambda _pattern: latin_only, known=[(str(tmp_path / "none.ttc"),) * 2])
    assert "fonts-noto-cjk" in str(caught.value) and "中文" in str(caught.value)


def test_the_card_is_1080_wide_and_its_qr_code_opens_the_page(cards: ShareCards) -> None:
    zxingcpp = pytest.importorskip("zxingcpp")
    image = _png(cards.card_png(_content(_starter()[0]), URL))
    assert image.width == CARD_WIDTH
    assert 900 < image.height < 2400
    found = zxingcpp.read_barcodes(image)
    assert [r.text for r in found] == [URL]


def test_the_qr_code_is_given_the_absolute_page_address(cards: ShareCards, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []
    real = share.qr_modules
    monkeypatch.setattr(share, "qr_modules", lambda url, border=4: asked.append(url) or real(url, border))
    cards.card_png(_content(_starter()[0]), URL)
    assert asked == [URL]


def test_a_long_answer_is_shortened_and_the_card_does_not_grow(cards: ShareCards) -> None:
    item = _starter()[0]
    normal = _png(cards.card_png(_content(item, answer="大熊猫主要吃竹子。" * 40), URL))
    huge = _png(cards.card_png(_content(item, answer="大熊猫主要吃竹子。" * 400), URL))
    assert huge.height == normal.height  # both cut at the same number of lines, with an ellipsis


def test_the_withdrawn_and_ai_labels_show_as_coloured_boxes(cards: ShareCards) -> None:
    item = _starter()[0]
    plain = _png(cards.card_png(_content(item), URL))
    withdrawn = _png(cards.card_png(_content(item), URL, is_withdrawn=True))
    ai = _png(cards.card_png(_content(item, mode="llm", generated_by="qwen-plus", curated_id=None), URL))

    def near(image: Image.Image, colour: tuple[int, int, int]) -> bool:
        pixel = image.getpixel((70, 160 + 44 + 6))  # just inside the first box under the header
        return all(abs(a - b) <= 6 for a, b in zip(pixel, colour, strict=True))

    assert near(withdrawn, (253, 236, 234))  # red: 这条解答已被撤下
    assert near(plain, (230, 244, 234))  # green: 经科普传播员审核
    assert near(ai, (255, 243, 224))  # amber: 【AI 生成】
    assert withdrawn.height > plain.height


def test_characters_the_font_lacks_are_left_out_not_drawn_as_boxes(cards: ShareCards) -> None:
    tf = cards.typeface
    assert tf.drawable("熊猫\U0001f43c吃竹子") == "熊猫吃竹子"
    assert _png(cards.card_png(_content(_starter()[0], question="熊猫\U0001f43c吃什么？"), URL)).width == CARD_WIDTH


def test_wrapping_keeps_words_and_punctuation_where_a_reader_expects_them() -> None:
    def measure(s: str) -> float:
        return float(len(s))

    text = "在太阳光里，波长较短的蓝光（约450 nm）被散射得最厉害。“瑞利散射”说明了这一点。"
    lines = wrap(text, 8, measure)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert all(line[0] not in "，。）”、" for line in lines if line)
    assert all(not line.endswith(("（", "“")) for line in lines)
    assert any("450" in line for line in lines)  # a number is never split
    assert all(measure(line) <= 9 for line in lines)  # at most one hanging mark past the width
    short = shorten(lines, 3, 8, measure)
    assert len(short) == 3 and short[-1].endswith("……")


def _pdf_text(data: bytes) -> list[str]:
    """Each page's text without white space. pypdf reads fpdf2's two-byte (Identity) font encoding with a NUL
    before each character (poppler's pdftotext reads it cleanly): those are dropped too."""
    return [re.sub(r"[\s\x00]+", "", page.extract_text()) for page in PdfReader(io.BytesIO(data)).pages]


def test_a_three_item_poster_is_one_a4_page_with_the_questions_answers_and_date() -> None:
    items = [i for i in _starter() if len(i["answer"]) < 120][:3]
    poster = PosterRenderer(locate_fonts()).poster_pdf(
        "社区科普角", [PosterItem(i["question"], i["answer"] + "[1]", ("某篇文章",), URL) for i in items],
        dt.date(2025, 3, 8))
    assert poster.pages == 1
    reader = PdfReader(io.BytesIO(poster.pdf))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    text = _pdf_text(poster.pdf)[0]
    for expected in ("社区科普角", "向科学要答案", "2025年3月8日", "经科普传播员审核", "扫码看出处"):
        assert expected in text
    for item in items:
        assert re.sub(r"\s+", "", item["question"]) in text
        assert re.sub(r"\s+", "", item["answer"])[:30] in text
    assert "[1]" not in text  # markers are for the screen; on paper the sources are named


def test_many_items_flow_over_pages_and_a_long_answer_points_to_the_qr_code() -> None:
    items = [PosterItem(f"第{n}个问题：为什么天空是蓝色的？", "阳光被空气分子散射。" * (60 if n == 0 else 8), (), URL)
             for n in range(12)]
    poster = PosterRenderer(locate_fonts()).poster_pdf("海报", items, dt.date(2025, 3, 8))
    pages = _pdf_text(poster.pdf)
    assert poster.pages == len(pages) > 1
    joined = "".join(pages)
    assert all(f"第{n}个问题" in joined for n in range(12))
    assert re.sub(r"\s+", "", texts.POSTER_MORE) in pages[0]
    assert all(f"第{len(pages)}页" not in p or i == len(pages) - 1 for i, p in enumerate(pages))
