"""Split cleaned text into chunks at Chinese sentence boundaries, carrying title and nearest heading."""

from __future__ import annotations

import re
from dataclasses import dataclass

_CLOSE = "”’」』）)】》〉\"'"
# A sentence ends at 。！？；… (or ASCII !?;), with closing quotes/brackets kept; ASCII '.' only
# before whitespace or the end, so 3.14 and 2.5 stay whole.
_SENTENCE = re.compile(
    rf"[^。！？；!?;…\n]*?(?:[。！？；!?;]+|…+|(?<=[^\d\s])\.(?=\s|$))[{re.escape(_CLOSE)}]*|[^。！？；!?;…\n]+$"
)
_SOFT_BREAK = re.compile(r"(?<=[，、：,:])")
_HEADING_MD = re.compile(r"^(#{1,6})\s+(.*)$")


@dataclass(frozen=True)
class TextChunk:
    text: str
    heading: str


def split_sentences(paragraph: str) -> list[str]:
    """Sentences of one paragraph; closing quotes and brackets stay with their sentence."""
    out = []
    for line in paragraph.split("\n"):
        pos = 0
        line = line.strip()
        while pos < len(line):
            match = _SENTENCE.match(line, pos)
            if not match or match.end() == pos:
                out.append(line[pos:])
                break
            piece = match.group(0)
            if piece.strip():
                out.append(piece.strip())
            pos = match.end()
    return [s for s in out if s]


def _cut_long(sentence: str, limit: int) -> list[str]:
    """Cut a sentence longer than ``limit``: at commas if possible, else hard."""
    parts, current = [], ""
    for piece in _SOFT_BREAK.split(sentence):
        while len(piece) > limit:
            if current:
                parts.append(current)
                current = ""
            parts.append(piece[:limit])
            piece = piece[limit:]
        if len(current) + len(piece) > limit and current:
            parts.append(current)
            current = ""
        current += piece
    if current:
        parts.append(current)
    return parts


def _is_plain_heading(paragraph: str) -> bool:
    """A short standalone line without sentence punctuation reads as a heading."""
    text = paragraph.strip()
    return "\n" not in text and 0 < len(text) <= 30 and not re.search(r"[。！？；!?;，,：:…]", text)


def _sections(text: str) -> list[tuple[str, list[str]]]:
    sections: list[tuple[str, list[str]]] = [("", [])]
    for para in re.split(r"\n\s*\n", text):
        para = para.strip()
        if not para:
            continue
        md = _HEADING_MD.match(para)
        if md and "\n" not in para:
            sections.append((md.group(2).strip(), []))
        elif _is_plain_heading(para):
            sections.append((para, []))
        else:
            sections[-1][1].append(para)
    return [(h, paras) for h, paras in sections if paras]


def split_text(text: str, chunk_size: int = 360, chunk_overlap: int = 80) -> list[TextChunk]:
    """Pack whole sentences into chunks of about ``chunk_size`` characters, overlapping by whole
    sentences up to ``chunk_overlap`` characters. Chunks never span two headings."""
    chunks: list[TextChunk] = []
    for heading, paragraphs in _sections(text):
        units: list[tuple[str, bool]] = []  # (sentence, starts a paragraph)
        for para in paragraphs:
            for j, sentence in enumerate(split_sentences(para)):
                for k, piece in enumerate(_cut_long(sentence, chunk_size)):
                    units.append((piece, j == 0 and k == 0))
        current: list[tuple[str, bool]] = []
        size = 0
        fresh = 0  # units in ``current`` not already emitted in the previous chunk
        for unit in units:
            if current and size + len(unit[0]) > chunk_size:
                chunks.append(TextChunk(_render(current), heading))
                overlap: list[tuple[str, bool]] = []
                kept = 0
                for prev in reversed(current):
                    if kept + len(prev[0]) > chunk_overlap or len(overlap) + 1 >= len(current):
                        break
                    overlap.insert(0, prev)
                    kept += len(prev[0])
                current, size, fresh = overlap, kept, 0
            current.append(unit)
            size += len(unit[0])
            fresh += 1
        if current and fresh:
            chunks.append(TextChunk(_render(current), heading))
    return chunks


def _render(units: list[tuple[str, bool]]) -> str:
    out = ""
    for i, (sentence, starts_paragraph) in enumerate(units):
        if i and starts_paragraph:
            out += "\n"
        elif out and out[-1].isascii() and out[-1].isalnum() and sentence[0].isascii():
            out += " "
        out += sentence
    return out
