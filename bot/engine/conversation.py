"""Resolving follow-up questions ("那它对人有害吗？") against the previous turns, without an LLM."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Resolved:
    """A follow-up made to stand alone: the query to retrieve with, and the subject carried over."""

    query: str
    subject: str = ""  # the earlier turn's subject put into the question ("" when nothing was added)


def heuristic_rewrite(question: str, history: list[tuple[str, str]],
                      subject_of: Callable[[str], list[str]] | None = None) -> Resolved:
    """Carry the earlier turn's subject into a follow-up, without an LLM.

    ``subject_of`` names the weighty words of a text (its entity: 复合肥, 幽门螺杆菌). A follow-up
    that names no subject of its own and asks little ("那孩子呢？") takes the whole earlier question
    as its context; one with its own aspect ("它会传染给家里人吗") gets only the earlier subject, so
    the new aspect is what gets answered. The latest earlier question with a subject is used."""
    if not is_follow_up(question, history):
        return Resolved(question)
    subject_of = subject_of or (lambda text: [])
    for earlier, _ in reversed(history):
        words = subject_of(earlier)
        if words:
            break
    else:
        earlier, words = history[-1][0], []
    if any(w in question for w in words):
        return Resolved(question)  # it already names the subject
    subject = "、".join(words)
    if len(re.sub(r"[\s\W]", "", question)) <= 6 or not subject_of(question):
        return Resolved(f"{earlier.strip()} {question}", subject or earlier.strip())
    return Resolved(f"{' '.join(words)} {question}", subject)
