"""Resolving follow-up questions ("那它对人有害吗？") against the previous turns, without an LLM."""

from __future__ import annotations

import re

_REFERS_BACK = re.compile(
    r"^(那|那么|还有|另外|这|它|他|她|其|此)|它|它们|这种|那种|这个|那个|这样|那样|上面|刚才|前面说"
)


def bound_history(history: list[tuple[str, str]] | None, max_turns: int, question_chars: int,
                  answer_chars: int) -> list[tuple[str, str]]:
    """The earlier turns a question may lean on, bounded so no request can make answering expensive:
    turns that are not a (question, answer) pair of strings, and questions longer than the question
    limit (they were refused, so they never were a question), are dropped; answers are cut to
    ``answer_chars``; only the last ``max_turns`` turns are kept."""
    kept = []
    for turn in history or []:
        if not isinstance(turn, (list, tuple)) or len(turn) != 2:
            continue
        question, answer = turn
        if not isinstance(question, str) or not isinstance(answer, str):
            continue
        if not question.strip() or len(question) > question_chars:
            continue
        kept.append((question, answer[:answer_chars]))
    return kept[-max_turns:] if max_turns else []


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
