"""Checking the citation markers an LLM wrote: keep those that point to a real source, drop the rest."""

from __future__ import annotations

import re

# One number or a range ("3", "1-2", "1～3"), optionally written as "资料1" because the prompt names
# its blocks 资料[n] and models echo that.
_ITEM = r"(?:资料\s*)?\d{1,3}(?:\s*[-–—~～]\s*\d{1,3})?"
# Half-width, full-width and CJK lenticular brackets; items separated by commas, 、 or semicolons.
_MARKER = re.compile(rf"[\[［【]\s*{_ITEM}(?:\s*[,，、;；]\s*{_ITEM})*\s*[\]］】]")
_NUMBER_OR_RANGE = re.compile(r"(\d{1,3})(?:\s*[-–—~～]\s*(\d{1,3}))?")
_MAX_RANGE = 20  # a "range" wider than this is not a citation a model meant; treat its ends only

# Placeholder for a removed marker, so the whitespace around it can be tidied afterwards.
_GONE = "\x00"
_GAP = re.compile(rf"([ \t\u3000]*){_GONE}+([ \t\u3000]*)")
# After these (or at a line end) a removed marker leaves no space behind.
_CLOSING = set("。，、；：！？…）》」』】,.;:!?)]\n")


def _numbers(marker: str) -> list[int]:
    found: list[int] = []
    for start_s, end_s in _NUMBER_OR_RANGE.findall(marker):
        start = int(start_s)
        end = int(end_s) if end_s else start
        if end_s and 0 <= end - start <= _MAX_RANGE:
            found.extend(range(start, end + 1))
        else:
            found.extend(sorted({start, end}))
    return found


def _tidy(text: str) -> str:
    def join(match: re.Match[str]) -> str:
        before, after = match.group(1), match.group(2)
        at_line_start = match.start() == 0 or text[match.start() - 1] == "\n"
        nxt = text[match.end()] if match.end() < len(text) else "\n"
        if at_line_start or nxt in _CLOSING:
            return ""
        # Keep one space only where words were separated by spaces (Latin text); Chinese needs none.
        return " " if before or after else ""

    return _GAP.sub(join, text)


def clean_citations(text: str, n_sources: int) -> tuple[str, list[int]]:
    """Drop citation markers that point outside ``1..n_sources`` and normalise the rest to ``[n]``.

    Recognises ``[1]``, ``[2][3]``, ``[1,2]``, ``【1】``, ``[1-2]``, ``［资料1］`` and similar.
    A marker citing several sources becomes ``[1][2]``; the same number twice in a row is written once.

    Returns the cleaned text and the sorted unique list of source numbers it still cites.
    """
    cited: set[int] = set()

    def replace(match: re.Match[str]) -> str:
        kept: list[int] = []
        for n in _numbers(match.group(0)):
            if 1 <= n <= n_sources and n not in kept:
                kept.append(n)
        cited.update(kept)
        return "".join(f"[{n}]" for n in kept) or _GONE

    replaced = _MARKER.sub(replace, text)
    # "[1][1]" arises when a model writes "[1][1,2]"; one mention is enough.
    replaced = re.sub(r"(\[\d{1,3}\])(?:\s*\1)+", r"\1", replaced)
    return _tidy(replaced), sorted(cited)
