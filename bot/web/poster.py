"""Printable A4 posters of reviewed Q&A for notice boards: a PDF with real (searchable, sharp) Chinese text and
a vector QR code beside each answer that opens its answer page.

Layout, per page: the platform name and the date, the poster's title (first page), then the Q&A one
below the other — question in bold, the answer, its sources, the QR code on the right — and a footer
with the platform name, 经科普传播员审核, the date and the page number. A long answer is shortened with
an ellipsis and a note that the QR code leads to all of it.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass

from fpdf import FPDF

from bot.web.share import CjkFonts, Typeface, locate_fonts, qr_modules, shorten, without_markers, wrap
from knowledge import texts

_MARGIN = 16.0  # mm
_QR = 34.0
_GAP = 6.0
_FOOTER = 14.0
_BLUE, _INK, _GREY, _RULE = (29, 79, 145), (26, 26, 26), (96, 96, 96), (200, 206, 214)
_MAX_ANSWER_LINES = 14
# (font size in pt, line step in mm): large enough to read on a notice board from a step away
_QUESTION, _ANSWER, _SOURCES = (17, 8.6), (13.5, 7.2), (9.5, 5.0)


@dataclass(frozen=True)
class PosterItem:
    question: str
    answer: str  # as the citizen reads it; [n] markers are dropped on paper (the sources are named by title)
    sources: tuple[str, ...]
    url: str  # the answer page (absolute: it goes into the QR code)


@dataclass(frozen=True)
class Poster:
    pdf: bytes
    pages: int


def poster_date(day: dt.date) -> str:
    return texts.POSTER_DATE.format(year=day.year, month=day.month, day=day.day)


@dataclass(frozen=True)
class _Block:
    """One Q&A, wrapped, and the height it takes."""

    question: list[str]
    answer: list[str]
    sources: list[str]
    height: float


class _Pdf(FPDF):
    def __init__(self, footer_text: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self._footer_text = footer_text

    def footer(self) -> None:
        self.set_y(-_FOOTER + 2)
        self.set_font("cjk", "", 8.5)
        self.set_text_color(*_GREY)
        self.cell(0, 5, self._footer_text.format(page=self.page_no()), align="C")


class PosterRenderer:
    """Renders posters; fonts are looked up on the first poster."""

    def __init__(self, fonts: CjkFonts | None = None) -> None:
        self._given = fonts

    @functools.cached_property
    def typeface(self) -> Typeface:
        return Typeface(self._given or locate_fonts())

    def poster_pdf(self, title: str, items: Sequence[PosterItem], day: dt.date) -> Poster:
        """The poster (A4 portrait, as many pages as the Q&A need)."""
        tf = self.typeface
        date = poster_date(day)
        pdf = _Pdf(texts.POSTER_FOOTER.format(platform=texts.SHARE_PLATFORM, date=date, page="{page}"))
        pdf.set_auto_page_break(False)
        pdf.set_margins(_MARGIN, _MARGIN, _MARGIN)
        pdf.add_font("cjk", "", tf.fonts.regular.path, collection_font_number=tf.fonts.regular.index)
        pdf.add_font("cjk", "B", tf.fonts.bold.path, collection_font_number=tf.fonts.bold.index)
        pdf.set_title(title)
        pdf.set_creator(texts.SHARE_PLATFORM)
        pdf.set_lang("zh-CN")
        self._page(pdf, tf, title, date, first=True)
        for item in items:
            block = self._layout(pdf, tf, item)
            if pdf.get_y() + block.height > pdf.h - _FOOTER - 4:
                self._page(pdf, tf, title, date, first=False)
            self._draw(pdf, item, block)
        return Poster(bytes(pdf.output()), pdf.page_no())

    # ---- pieces ------------------------------------------------------------------------------------------
    def _page(self, pdf: _Pdf, tf: Typeface, title: str, date: str, first: bool) -> None:
        pdf.add_page()
        width = pdf.w - 2 * _MARGIN
        pdf.set_xy(_MARGIN, _MARGIN)
        pdf.set_font("cjk", "B", 12)
        pdf.set_text_color(*_BLUE)
        pdf.cell(width / 2, 6, texts.SHARE_PLATFORM)
        pdf.set_font("cjk", "", 9)
        pdf.set_text_color(*_GREY)
        pdf.cell(width / 2, 6, date, align="R")
        y = _MARGIN + 8
        if first:
            pdf.set_font("cjk", "B", 22)
            pdf.set_text_color(*_INK)
            for line in wrap(tf.drawable(title, bold=True), width, pdf.get_string_width)[:2]:
                pdf.set_xy(_MARGIN, y)
                pdf.cell(width, 11, line)
                y += 11
            pdf.set_font("cjk", "", 10)
            pdf.set_text_color(*_GREY)
            pdf.set_xy(_MARGIN, y)
            pdf.cell(width, 6, texts.POSTER_SUBTITLE.format(date=date))
            y += 8
        pdf.set_draw_color(*_BLUE)
        pdf.set_line_width(0.6)
        pdf.line(_MARGIN, y, pdf.w - _MARGIN, y)
        pdf.set_y(y + 5)

    def _layout(self, pdf: _Pdf, tf: Typeface, item: PosterItem) -> _Block:
        width = pdf.w - 2 * _MARGIN - _QR - _GAP
        pdf.set_font("cjk", "B", _QUESTION[0])
        question = wrap(tf.drawable(texts.SHARE_QUESTION_PREFIX + item.question, bold=True), width,
                        pdf.get_string_width)[:3]
        pdf.set_font("cjk", "", _ANSWER[0])
        lines = wrap(tf.drawable(without_markers(item.answer).strip()), width, pdf.get_string_width)
        answer = shorten(lines, _MAX_ANSWER_LINES, width, pdf.get_string_width)
        if len(answer) < len(lines):
            answer.append(texts.POSTER_MORE)
        sources: list[str] = []
        if item.sources:
            pdf.set_font("cjk", "", _SOURCES[0])
            titles = "；".join(f"《{s}》" for s in item.sources)
            sources = wrap(tf.drawable(texts.POSTER_SOURCES.format(titles=titles)), width, pdf.get_string_width)[:2]
        text_height = (len(question) * _QUESTION[1] + 1.5 + len(answer) * _ANSWER[1]
                       + (1.5 + len(sources) * _SOURCES[1] if sources else 0))
        return _Block(question, answer, sources, max(text_height, _QR + 6) + 8)

    def _draw(self, pdf: _Pdf, item: PosterItem, block: _Block) -> None:
        top = pdf.get_y()
        width = pdf.w - 2 * _MARGIN - _QR - _GAP
        y = top
        for text, style, size, step, color in (
            *((line, "B", *_QUESTION, _INK) for line in block.question),
            ("", "", 0, 1.5, _INK),
            *((line, "", *_ANSWER, _INK) for line in block.answer),
            *((("", "", 0, 1.5, _INK),) if block.sources else ()),
            *((line, "", *_SOURCES, _GREY) for line in block.sources),
        ):
            if text:
                pdf.set_font("cjk", style, size)
                pdf.set_text_color(*color)
                pdf.set_xy(_MARGIN, y)
                pdf.cell(width, step, text)
            y += step
        qr_x = pdf.w - _MARGIN - _QR
        _vector_qr(pdf, item.url, qr_x, top, _QR)
        pdf.set_font("cjk", "", 9)
        pdf.set_text_color(*_GREY)
        pdf.set_xy(qr_x, top + _QR)
        pdf.cell(_QR, 4.5, texts.POSTER_SCAN, align="C")
        bottom = top + block.height - 4
        pdf.set_draw_color(*_RULE)
        pdf.set_line_width(0.2)
        pdf.line(_MARGIN, bottom, pdf.w - _MARGIN, bottom)
        pdf.set_y(bottom + 4)


def _vector_qr(pdf: FPDF, url: str, x: float, y: float, size: float) -> None:
    """The QR code as filled rectangles (one per run of dark modules in a row): sharp at any print size."""
    modules = qr_modules(url)
    step = size / len(modules)
    pdf.set_fill_color(0, 0, 0)
    for r, row in enumerate(modules):
        c = 0
        while c < len(row):
            if not row[c]:
                c += 1
                continue
            start = c
            while c < len(row) and row[c]:
                c += 1
            pdf.rect(x + start * step, y + r * step, (c - start) * step, step + 0.01, style="F")
