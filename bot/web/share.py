"""Share cards: an answer page as a 1080-px-wide PNG a citizen can forward, with a QR code back to the page.

Also what the poster (bot/web/poster.py) shares with it: finding a CJK font on this machine, wrapping
Chinese text to a width (no line opens with a closing mark), shortening with an ellipsis, and the QR
code's modules. Text is drawn only with glyphs the font has: a character it lacks (an emoji) is left
out rather than printed as a box.
"""

from __future__ import annotations

import functools
import io
import re
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import segno
from fontTools.ttLib import TTCollection, TTFont
from PIL import Image, ImageDraw, ImageFont

from knowledge import texts
from knowledge.errors import AskScienceError
from knowledge.stores.answer_pages import PageContent

CARD_WIDTH = 1080
PROBE = "向科学要答案经科普传播员审核问出处扫码，。"  # a font without these cannot draw a card
_KNOWN_FONTS = (  # (regular, bold) where distributions put Noto Sans CJK / WenQuanYi
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"),
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", "/usr/share/fonts/noto-cjk/NotoSansCJK-Bold.ttc"),
    ("/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
     "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Bold.ttc"),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
)
_NO_LINE_START = set("，。、；：？！）》」』”’】〕…—·,.;:?!)]}%")
_NO_LINE_END = set("（《「『“‘【〔([{")
_UNITS = re.compile(r"[A-Za-z0-9][A-Za-z0-9.,%+\-/:_'’]*|\s+|.", re.S)
_MARKERS = re.compile(r"\[\d+\]")


class FontMissing(AskScienceError):
    """No font on this machine can draw Chinese; the message says what to install."""


@dataclass(frozen=True)
class FontFace:
    path: str
    index: int = 0  # the face inside a .ttc collection


@dataclass(frozen=True)
class CjkFonts:
    regular: FontFace
    bold: FontFace


def glyphs(face: FontFace) -> frozenset[int]:
    """The code points ``face`` has a glyph for (its cmap)."""
    font = TTFont(face.path, fontNumber=face.index, lazy=True)
    try:
        return frozenset(font.getBestCmap() or {})
    finally:
        font.close()


def missing_glyphs(face: FontFace, text: str, have: frozenset[int] | None = None) -> set[str]:
    """Characters of ``text`` (other than whitespace) the font would draw as a box."""
    have = glyphs(face) if have is None else have
    return {c for c in text if not c.isspace() and ord(c) not in have}


class Typeface:
    """The located fonts, loaded: Pillow fonts by size, and what each face can draw (read once)."""

    def __init__(self, fonts: CjkFonts) -> None:
        self.fonts = fonts
        self._sized: dict[tuple[bool, int], ImageFont.FreeTypeFont] = {}

    @functools.cached_property
    def _glyphs(self) -> dict[bool, frozenset[int]]:
        regular = glyphs(self.fonts.regular)
        return {False: regular, True: regular if self.fonts.bold == self.fonts.regular else glyphs(self.fonts.bold)}

    def face(self, bold: bool = False) -> FontFace:
        return self.fonts.bold if bold else self.fonts.regular

    def pillow(self, size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
        key = (bold, size)
        if key not in self._sized:
            face = self.face(bold)
            self._sized[key] = ImageFont.truetype(face.path, size, index=face.index)
        return self._sized[key]

    def drawable(self, text: str, bold: bool = False) -> str:
        """``text`` without the characters this face lacks (an emoji would otherwise be a box)."""
        have = self._glyphs[bold]
        return "".join(c for c in text if c.isspace() or ord(c) in have)


def _covers(face: FontFace) -> bool:
    try:
        return Path(face.path).is_file() and not missing_glyphs(face, PROBE)
    except Exception:  # an unreadable or foreign font file: just not a candidate
        return False


def _fc_match(pattern: str) -> FontFace | None:
    try:
        out = subprocess.run(["fc-match", "-f", "%{file}|%{index}", pattern], capture_output=True, text=True,
                             timeout=10, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    path, _, index = out.strip().partition("|")
    return FontFace(path, int(index)) if path and index.isdigit() else None


def _simplified_face(path: str) -> FontFace:
    """In a collection, the Simplified Chinese face (Noto's "… CJK SC"); else the first."""
    if not path.lower().endswith(".ttc"):
        return FontFace(path)
    collection = TTCollection(path, lazy=True)
    try:
        for i, font in enumerate(collection.fonts):
            if str(font["name"].getDebugName(1) or "").endswith(" SC"):
                return FontFace(path, i)
    finally:
        collection.close()
    return FontFace(path)


def locate_fonts(fc_match: Callable[[str], FontFace | None] = _fc_match,
                 known: Sequence[tuple[str, str]] = _KNOWN_FONTS) -> CjkFonts:
    """A regular and a bold face that draw Simplified Chinese: fontconfig's choice for zh-cn when it has
    the glyphs, else a known path. Raises :class:`FontMissing` (in Chinese) when there is none."""
    regular = fc_match("sans-serif:lang=zh-cn")
    if regular is not None and _covers(regular):
        bold = fc_match("sans-serif:lang=zh-cn:weight=bold")
        return CjkFonts(regular, bold if bold is not None and _covers(bold) else regular)
    for regular_path, bold_path in known:
        if Path(regular_path).is_file():
            face = _simplified_face(regular_path)
            if _covers(face):
                bold = _simplified_face(bold_path) if Path(bold_path).is_file() else face
                return CjkFonts(face, bold if _covers(bold) else face)
    raise FontMissing(texts.SHARE_FONT_MISSING)


# ---- text layout ---------------------------------------------------------------------------------------
def wrap(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """Lines of at most ``width`` (as ``measure`` counts it). Chinese breaks between any two characters,
    a Latin word or number stays whole, a closing mark never opens a line (it hangs at the end of the
    previous one) and an opening mark never ends one. Each newline starts a new line."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for unit in _UNITS.findall(paragraph):
            if not line and unit.isspace():
                continue
            if measure(line + unit) <= width or unit[0] in _NO_LINE_START:
                line += unit
                continue
            if not line:  # one unit wider than a whole line: cut it where it must be cut
                line = unit
                continue
            carry = ""
            while line and line[-1] in _NO_LINE_END:
                line, carry = line[:-1], line[-1] + carry
            lines.append(line.rstrip())
            line = (carry + unit).lstrip()
            while measure(line) > width and len(line) > 1:  # an overlong word goes on over several lines
                cut = len(line) - 1
                while cut > 1 and measure(line[:cut]) > width:
                    cut -= 1
                lines.append(line[:cut])
                line = line[cut:]
        lines.append(line.rstrip())
    return lines


def shorten(lines: list[str], max_lines: int, width: float, measure: Callable[[str], float]) -> list[str]:
    """At most ``max_lines``; when some are dropped the last kept one ends in an ellipsis."""
    if len(lines) <= max_lines:
        return lines
    last = lines[max_lines - 1].rstrip("，。、；：—,.;: ")
    while last and measure(last + texts.SHARE_ELLIPSIS) > width:
        last = last[:-1]
    return [*lines[: max_lines - 1], last + texts.SHARE_ELLIPSIS]


def without_markers(text: str) -> str:
    """The answer without its [n] citation markers (for print, where the sources are listed by title)."""
    return _MARKERS.sub("", text)


def qr_modules(url: str, border: int = 4) -> list[list[bool]]:
    """The QR code for ``url`` as rows of dark (True) / light modules, quiet zone included."""
    code = segno.make(url, error="m", micro=False)
    return [[bool(m) for m in row] for row in code.matrix_iter(border=border)]


# ---- the card ---------------------------------------------------------------------------------------------
_BLUE, _INK, _GREY, _RULE = (29, 79, 145), (26, 26, 26), (92, 92, 92), (222, 226, 232)
_GREEN = ((230, 244, 234), (24, 102, 56))
_AMBER = ((255, 243, 224), (138, 75, 0))
_RED = ((253, 236, 234), (179, 38, 30))
_MARGIN, _PAD, _HEADER = 64, 22, 160
_QR_BOX = 280


@dataclass(frozen=True)
class _Style:
    size: int
    color: tuple[int, int, int]
    max_lines: int
    bold: bool = False
    box: tuple[int, int, int] | None = None  # a tinted box behind the text
    spacing: float = 1.5  # line height / font size
    after: int = 28  # space below
    rule_after: bool = False  # a thin line below (between the question and the answer)


_WITHDRAWN = _Style(32, _RED[1], 2, bold=True, box=_RED[0])
_SAFETY = _Style(28, _RED[1], 4, bold=True, box=_RED[0])
_REVIEWED = _Style(30, _GREEN[1], 2, bold=True, box=_GREEN[0])
_AI = _Style(28, _AMBER[1], 3, bold=True, box=_AMBER[0])
_QUESTION = _Style(46, _INK, 3, bold=True, spacing=1.4, after=20, rule_after=True)
_ANSWER = _Style(36, _INK, 12, spacing=1.6)
_SOURCES = _Style(27, _GREY, 3)


def _sections(content: PageContent, is_withdrawn: bool) -> list[tuple[str, _Style]]:
    """The card's body, top to bottom: warnings first, then the labels, the question, the answer, the sources."""
    out: list[tuple[str, _Style]] = []
    if is_withdrawn:
        out.append((texts.SHARE_WITHDRAWN, _WITHDRAWN))
    if content.safety:
        out.append((content.safety, _SAFETY))
    if content.mode == "curated":
        review = (texts.SHARE_REVIEW_LINE.format(date=content.reviewed_at) if content.reviewed_at
                  else texts.SHARE_REVIEWED_BADGE)
        out.append((review, _REVIEWED))
    if content.generated_by:
        out.append((texts.AI_GENERATED_LABEL.format(model=content.generated_by), _AI))
    out.append((texts.SHARE_QUESTION_PREFIX + content.question, _QUESTION))
    out.append((content.answer, _ANSWER))
    if content.citations:
        titles = "；".join(f"[{c.number}] {c.title or texts.SOURCE_UNTITLED}" for c in content.citations)
        out.append((texts.SHARE_SOURCES + titles, _SOURCES))
    return out


@dataclass(frozen=True)
class _Placed:
    lines: list[str]
    style: _Style
    top: int  # of the box (or of the first line without a box)


class ShareCards:
    """Renders share cards. Fonts are looked up on the first card, so the app starts without them
    (and says what to install when a card is asked for)."""

    def __init__(self, fonts: CjkFonts | None = None) -> None:
        self._fonts = fonts

    @functools.cached_property
    def typeface(self) -> Typeface:
        return Typeface(self._fonts or locate_fonts())

    def card_texts(self, content: PageContent, url: str, is_withdrawn: bool = False) -> list[str]:
        """Every text the card shows, before wrapping (the tests check the font has their glyphs)."""
        return [texts.SHARE_PLATFORM, texts.SHARE_TAGLINE, *(t for t, _ in _sections(content, is_withdrawn)),
                texts.SHARE_SCAN, url]

    def card_png(self, content: PageContent, url: str, is_withdrawn: bool = False) -> bytes:
        """The card of an answer page at ``url`` (absolute: it goes into the QR code). 1080 px wide; as tall
        as the content, which is shortened with an ellipsis when long."""
        tf = self.typeface
        placed: list[_Placed] = []
        rules: list[int] = []
        y = _HEADER + 44
        for text, style in _sections(content, is_withdrawn):
            font = tf.pillow(style.size, style.bold)
            pad = _PAD if style.box else 0
            width = CARD_WIDTH - 2 * _MARGIN - 2 * pad
            lines = shorten(wrap(tf.drawable(text, style.bold), width, font.getlength), style.max_lines, width,
                            font.getlength)
            placed.append(_Placed(lines, style, y))
            y += len(lines) * round(style.size * style.spacing) + 2 * pad + style.after
            if style.rule_after:
                rules.append(y)
                y += 28
        footer = y + 8
        image = Image.new("RGB", (CARD_WIDTH, footer + 40 + _QR_BOX + 56), "white")
        draw = ImageDraw.Draw(image)
        draw.rectangle((0, 0, CARD_WIDTH, _HEADER), fill=_BLUE)
        draw.text((_MARGIN, 34), texts.SHARE_PLATFORM, font=tf.pillow(56, True), fill="white")
        draw.text((_MARGIN, 108), texts.SHARE_TAGLINE, font=tf.pillow(26), fill=(214, 228, 247))
        for rule in (*rules, footer):
            draw.line((_MARGIN, rule, CARD_WIDTH - _MARGIN, rule), fill=_RULE, width=3)
        for item in placed:
            self._draw_run(draw, item)
        self._footer(draw, image, url, footer + 40)
        out = io.BytesIO()
        # 64 colours are plenty for text on flat colours: a quarter of the bytes, a third of the time
        image.quantize(64, method=Image.Quantize.FASTOCTREE).save(out, "PNG", compress_level=6)
        return out.getvalue()

    def _draw_run(self, draw: ImageDraw.ImageDraw, item: _Placed) -> None:
        style = item.style
        font = self.typeface.pillow(style.size, style.bold)
        step = round(style.size * style.spacing)
        pad = _PAD if style.box else 0
        if style.box is not None:
            bottom = item.top + 2 * pad + len(item.lines) * step - (step - style.size)
            draw.rounded_rectangle((_MARGIN, item.top, CARD_WIDTH - _MARGIN, bottom), radius=18, fill=style.box)
        for i, line in enumerate(item.lines):
            # Pillow places the text's ascender at y; CJK glyphs sit a little low in Noto, hence the small lift
            draw.text((_MARGIN + pad, item.top + pad + i * step - style.size // 10), line, font=font,
                      fill=style.color)

    def _footer(self, draw: ImageDraw.ImageDraw, image: Image.Image, url: str, top: int) -> None:
        tf = self.typeface
        qr_x = CARD_WIDTH - _MARGIN - _QR_BOX
        image.paste(qr_image(url, _QR_BOX), (qr_x, top))
        text_width = qr_x - _MARGIN - 40
        draw.text((_MARGIN, top + 24), texts.SHARE_SCAN, font=tf.pillow(34, True), fill=_INK)
        small = tf.pillow(24)
        for i, line in enumerate(shorten(wrap(url, text_width, small.getlength), 3, text_width, small.getlength)):
            draw.text((_MARGIN, top + 92 + i * 34), line, font=small, fill=_GREY)
        draw.text((_MARGIN, top + _QR_BOX - 56), texts.SHARE_PLATFORM, font=tf.pillow(34, True), fill=_BLUE)


def qr_image(url: str, box: int) -> Image.Image:
    """The QR code for ``url`` on a white ``box``-px square, every module the same whole number of pixels."""
    modules = qr_modules(url)
    n = len(modules)
    scale = max(1, box // n)
    small = Image.new("L", (n, n), 255)
    small.putdata([0 if dark else 255 for row in modules for dark in row])
    code = small.resize((n * scale, n * scale), Image.Resampling.NEAREST)
    canvas = Image.new("RGB", (box, box), "white")
    offset = (box - n * scale) // 2
    canvas.paste(code.convert("RGB"), (offset, offset))
    return canvas
