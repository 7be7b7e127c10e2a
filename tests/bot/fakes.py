"""In-process fakes for fast unit tests (the loopback OpenAI-compatible server stays for integration)."""

from __future__ import annotations

from collections.abc import Iterator

from bot.engine.types import Composed, Source
from knowledge.errors import LLMUnavailable
from knowledge.texts import DEFAULT_READING_LEVEL as DEFAULT_LEVEL


class ScriptedComposer:
    """A :class:`RewritingComposer` that plays back a script: each call takes the next reply, which is
    an answer text (cites source 1) or an exception to raise."""

    def __init__(self, replies: list[str | Exception], rewrites: list[str | Exception] | None = None) -> None:
        self.replies = list(replies)
        self.rewrites = list(rewrites or [])
        self.calls: list[str] = []

    def stream(self, question: str, sources: list[Source], history: list[tuple[str, str]] | None = None,
               level: str = DEFAULT_LEVEL) -> Iterator[str | Composed]:
        self.calls.append(question)
        reply = self.replies.pop(0) if self.replies else LLMUnavailable("script exhausted")
        if isinstance(reply, Exception):
            raise reply
        yield reply
        yield Composed(f"{reply}[1]", [1])

    def compose(self, question: str, sources: list[Source], history: list[tuple[str, str]] | None = None,
                level: str = DEFAULT_LEVEL) -> Composed:
        *_, last = self.stream(question, sources, history, level)
        assert isinstance(last, Composed)
        return last

    def rewrite(self, question: str, history: list[tuple[str, str]]) -> str:
        reply = self.rewrites.pop(0) if self.rewrites else question
        if isinstance(reply, Exception):
            raise reply
        return reply
