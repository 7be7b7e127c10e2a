"""Resolving follow-up questions ("那它对人有害吗？") against the previous turns, without an LLM."""

from __future__ import annotations

import re

_REFERS_BACK = re.compile(
    r"^(那|那么|还有|另外|这|它|他|她|其|此)|它|它们|这种|那种|这个|那个|这样|那样|上面|刚才|前面说"
)


def is_follow_up(question: str, history: list[tuple[str, str]]) -> bool:
    """A question that leans on earlier turns: it refers back, or is too short to stand alone."""
    if not history:
        return False
    core = re.sub(r"[\s\W]", "", question)
    return bool(_REFERS_BACK.search(question)) or len(core) <= 6


def heuristic_rewrite(question: str, history: list[tuple[str, str]]) -> str:
    """Prefix the latest earlier question so retrieval keeps its subject."""
    if not is_follow_up(question, history):
        return question
    previous = history[-1][0].strip()
    return f"{previous} {question}"
