"""Repair the damage text extraction does to Chinese articles.

Joins lines and paragraphs broken inside a sentence, moves photo captions out of the sentence they
interrupt, drops page-break debris and a trailing advertisement block, and normalises punctuation
width inside Chinese text. Real content is never dropped: only debris with no sentence in it.
"""

from __future__ import annotations

import re

from knowledge.normal import fold_width

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_CHAR = re.compile(f"[{CJK}]")
TERMINALS = "。！？；…!?;"
CLOSERS = "”’」』）)】》〉\"'"
# A paragraph ending in these is complete; anything else that is long was cut mid-sentence.
_ENDS_COMPLETE = re.compile(f"[{TERMINALS}：:][{re.escape(CLOSERS)}]*$|[）)】》]$")
_LIST_OR_HEADING = re.compile(r"^(#{1,6}\s|[-*+]\s|\d+[.)、]\s?|[（(]?[一二三四五六七八九十]+[）)、])")
_PAGE_DEBRIS = re.compile(
    r"^(?:[-–—\s]*\d{1,4}[-–—\s]*|第\s*\d+\s*页(?:\s*[/／共]\s*\d+\s*页?)?|\d+\s*/\s*\d+|page\s*\d+(?:\s*of\s*\d+)?)$",
    re.I,
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\u200b\ufeff]")

BROKEN_MIN_CHARS = 30  # an unterminated paragraph at least this long was cut mid-sentence
CAPTION_MAX_CHARS = 25
FRAGMENT_MAX_CHARS = 3


def _is_cjk(ch: str) -> bool:
    return bool(ch) and bool(_CJK_CHAR.match(ch))


def normalise_width(text: str) -> str:
    """Full-width letters/digits → ASCII; ASCII punctuation touching Chinese → full-width."""
    text = fold_width(text)
    pairs = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}
    chars = list(text)
    for i, ch in enumerate(chars):
        prev = chars[i - 1] if i else ""
        nxt = chars[i + 1] if i + 1 < len(chars) else ""
        if ch in pairs:
            if ch == ":" and prev.isdigit() and nxt.isdigit():
                continue  # a time such as 10:30
            if _is_cjk(prev) or (_is_cjk(nxt) and not prev.isascii()) or (_is_cjk(nxt) and ch in ",;"):
                chars[i] = pairs[ch]
        elif ch == "(" and (_is_cjk(nxt) or _is_cjk(prev)):
            chars[i] = "（"
        elif ch == ")" and (_is_cjk(prev) or _is_cjk(nxt)):
            chars[i] = "）"
        elif ch == "." and _is_cjk(prev) and (not nxt or nxt.isspace() or _is_cjk(nxt)):
            chars[i] = "。"
    text = "".join(chars)
    # brackets opened full-width must close full-width and vice versa
    text = re.sub(r"（([^（）()]*)\)", r"（\1）", text)
    text = re.sub(r"\(([^（）()]*)）", r"（\1）", text)
    return text


def _join(left: str, right: str) -> str:
    if left and right and left[-1].isascii() and right[0].isascii() and left[-1].isalnum() and right[0].isalnum():
        return f"{left} {right}"
    return left + right


def _is_structural(line: str) -> bool:
    return bool(_LIST_OR_HEADING.match(line))


def _complete(text: str) -> bool:
    return bool(_ENDS_COMPLETE.search(text.rstrip()))


def _visible_len(text: str) -> int:
    return len(re.sub(rf"[\s{TERMINALS}{re.escape(CLOSERS)}，、：]", "", text))


def _blocks(text: str) -> list[str]:
    """Paragraphs separated by blank lines; lines inside one paragraph joined where cut mid-sentence."""
    blocks: list[str] = []
    current: list[str] = []
    for raw in text.split("\n"):
        line = raw.strip()
        if _PAGE_DEBRIS.match(line) and line:
            continue
        if not line:
            if current:
                blocks.append("\n".join(current))
                current = []
            continue
        if current and not _complete(current[-1]) and not _is_structural(line) and not _is_structural(current[-1]):
            current[-1] = _join(current[-1], line)
        else:
            current.append(line)
    if current:
        blocks.append("\n".join(current))
    return blocks


def _is_broken(block: str) -> bool:
    last = block.split("\n")[-1]
    if _is_structural(last) or _complete(last):
        return False
    # long, or already holding a clause break: body text cut mid-sentence, not a heading
    return _visible_len(last) >= BROKEN_MIN_CHARS or bool(re.search(r"[，,、。；]", last))


def _mostly_latin(block: str) -> bool:
    letters = [c for c in block if c.isalpha()]
    return bool(letters) and sum(c.isascii() for c in letters) / len(letters) > 0.8


def _drop_trailing_ad(blocks: list[str]) -> list[str]:
    """Drop a tail of short, sentence-less blocks when some of it is Latin-script display text."""
    cut = len(blocks)
    while cut > 0:
        block = blocks[cut - 1]
        if _complete(block) or _visible_len(block) > 40 or _is_structural(block) or ("\n" in block and len(block) > 80):
            break
        cut -= 1
    tail = blocks[cut:]
    if len(tail) >= 2 and any(_mostly_latin(b) for b in tail) and cut > 0:
        return blocks[:cut]
    return blocks


def _repair_paragraphs(blocks: list[str]) -> list[str]:
    """Re-join paragraphs cut across page/column breaks; captions found inside move after the sentence."""
    out: list[str] = []
    i = 0
    while i < len(blocks):
        block = blocks[i]
        captions: list[str] = []
        while _is_broken(block) and i + 1 < len(blocks):
            nxt = blocks[i + 1]
            if _is_structural(nxt):
                break
            size = _visible_len(nxt)
            if size <= FRAGMENT_MAX_CHARS:
                block = _join(block, nxt)  # a stray end of the cut sentence: keep it with its sentence
                i += 1
                continue
            after = blocks[i + 2] if i + 2 < len(blocks) else ""
            if size <= CAPTION_MAX_CHARS and "\n" not in nxt and after and not _is_structural(after):
                captions.append(nxt)
                block = _join(block, blocks[i + 2])
                i += 2
                continue
            block = _join(block, nxt)
            i += 1
        out.append(block)
        out.extend(captions)
        i += 1
    return out


def clean_text(text: str) -> str:
    """Return cleaned text: paragraphs separated by one blank line, headings and lists kept."""
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n"))
    blocks = [normalise_width(b) for b in _blocks(text)]
    blocks = _drop_trailing_ad(blocks)
    blocks = _repair_paragraphs(blocks)
    return "\n\n".join(blocks).strip()
