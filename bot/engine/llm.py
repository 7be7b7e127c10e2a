"""The LLM composer: a short, cited popular-science answer from any OpenAI-compatible chat endpoint.

Every endpoint failure becomes ``LLMUnavailable`` so the caller can fall back to the extractive composer.
"""

from __future__ import annotations

import contextvars
import logging
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import httpx
import openai
from langchain_core.messages import BaseMessage
from langchain_openai import ChatOpenAI
from pydantic import SecretStr

from bot.engine.citations import clean_citations
from bot.engine.prompts import build_answer_messages, build_rewrite_messages
from bot.engine.types import Composed, Source
from knowledge.errors import LLMUnavailable
from knowledge.settings import Settings
from knowledge.texts import DEFAULT_READING_LEVEL as DEFAULT_LEVEL

log = logging.getLogger(__name__)

# Local servers (vLLM, Ollama) take any key, but the client refuses to start without one; an explicit
# placeholder also stops it from picking up an OPENAI_API_KEY from the environment.
_NO_KEY = "not-needed"
_TEMPERATURE = 0.3  # low: the answer should restate the sources, not be creative

# What a broken endpoint can raise through langchain/openai/httpx: API and transport errors, and
# ValueError/KeyError/TypeError/AttributeError from a response that does not parse as a chat completion.
_ENDPOINT_ERRORS: tuple[type[BaseException], ...] = (
    openai.OpenAIError,
    httpx.HTTPError,
    OSError,
    ValueError,
    KeyError,
    TypeError,
    AttributeError,
)


def _describe(exc: BaseException, answered: bool) -> str:
    """A short English reason for an endpoint failure (the UI shows its own Chinese text).

    ``answered``: part of the response had already arrived, so a transport error means a cut stream.
    """
    if isinstance(exc, openai.APITimeoutError | httpx.TimeoutException | TimeoutError):
        return "LLM endpoint timed out"
    if isinstance(exc, openai.APIStatusError):
        return f"LLM endpoint returned HTTP {exc.status_code}"
    if isinstance(exc, openai.APIConnectionError | httpx.TransportError | OSError):
        return "LLM stream was cut off mid-answer" if answered else "cannot reach the LLM endpoint"
    if isinstance(exc, ValueError | KeyError | TypeError | AttributeError):
        return "LLM endpoint sent a malformed response"
    return f"LLM endpoint failed ({type(exc).__name__})"


class _Deadline:
    """Runs a blocking, iterating call in a worker thread so the caller can give up at a fixed time.

    httpx's timeout is per read, so a stream that trickles a token every few seconds would never time
    out on its own; waiting on a queue with the remaining time bounds the whole call.
    """

    _END = object()

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def run(self, produce: Callable[[], Iterable[Any]]) -> Iterator[Any]:
        """Yield what ``produce()`` yields; raise ``LLMUnavailable`` on its errors or past the deadline."""
        items: queue.Queue[tuple[str, Any]] = queue.Queue()
        abandoned = threading.Event()

        def pump() -> None:
            try:
                for item in produce():
                    if abandoned.is_set():  # leaving the loop closes the HTTP response
                        return
                    items.put(("item", item))
                items.put(("end", self._END))
            except BaseException as exc:  # handed to the caller, which decides what it means
                items.put(("error", exc))

        # copy_context keeps any tracing callbacks of the caller working inside the worker.
        worker = threading.Thread(target=contextvars.copy_context().run, args=(pump,), daemon=True, name="llm-call")
        deadline = time.monotonic() + self.seconds
        answered = False
        worker.start()
        try:
            while True:
                remaining = deadline - time.monotonic()
                try:
                    kind, item = items.get(timeout=max(remaining, 0.0))
                except queue.Empty:
                    raise LLMUnavailable(f"LLM endpoint did not finish within {self.seconds:g} s") from None
                if kind == "end":
                    return
                if kind == "error":
                    if isinstance(item, _ENDPOINT_ERRORS):
                        raise LLMUnavailable(_describe(item, answered)) from item
                    raise item
                answered = True
                yield item
        finally:
            # A worker still blocked in a read exits at httpx's own timeout (after any retries the client makes).
            abandoned.set()


class LLMComposer:
    """Answers from the given sources through an OpenAI-compatible chat endpoint, streaming the text.

    Built from ``Settings`` (``llm_base_url``, ``llm_api_key``, ``llm_model``, ``llm_timeout``,
    ``llm_max_retries``). Every call gives up within ``llm_timeout`` seconds.
    """

    def __init__(self, settings: Settings) -> None:
        if not settings.llm_model or not settings.llm_base_url:
            raise ValueError("LLMComposer needs llm_model and llm_base_url; use build_llm_composer() to get None")
        self.model = settings.llm_model
        self.timeout = settings.llm_timeout
        self._deadline = _Deadline(settings.llm_timeout)
        self._chat = ChatOpenAI(
            model=settings.llm_model,
            base_url=settings.llm_base_url,
            api_key=settings.llm_api_key or SecretStr(_NO_KEY),
            timeout=settings.llm_timeout,
            max_retries=settings.llm_max_retries,
            temperature=_TEMPERATURE,
            streaming=True,
            # OpenAI-compatible servers speak Chat Completions, not OpenAI's Responses API.
            use_responses_api=False,
        )

    def _stream_text(self, messages: list[BaseMessage]) -> Iterator[str]:
        """Content deltas of one streamed completion; raises LLMUnavailable if it does not finish properly."""
        finished = False
        for chunk in self._deadline.run(lambda: self._chat.stream(messages)):
            if chunk.response_metadata.get("finish_reason"):
                finished = True
            if chunk.text:
                yield chunk.text
        # Servers put a finish_reason on the last choice; a stream closed without one was cut short.
        if not finished:
            raise LLMUnavailable("LLM stream ended before the answer was complete")

    def stream(
        self, question: str, sources: list[Source], history: list[tuple[str, str]] | None = None,
        level: str = DEFAULT_LEVEL,
    ) -> Iterator[str | Composed]:
        """Yield text deltas as tokens arrive, then a ``Composed`` as the last item.

        The ``Composed`` holds the full answer with citation markers cleaned (markers for numbers
        outside ``1..len(sources)`` removed), ``cited`` the valid numbers (possibly empty: the caller
        flags an uncited answer) and no highlights. Sources are expected to be numbered 1..n.

        Raises:
            LLMUnavailable: the endpoint failed, timed out, sent a malformed or cut stream, or an empty answer.
                Deltas yielded before the failure should be discarded.
        """
        messages = build_answer_messages(question, sources, history or [], level)
        parts: list[str] = []
        for delta in self._stream_text(messages):
            parts.append(delta)
            yield delta
        raw = "".join(parts).strip()
        if not raw:
            raise LLMUnavailable("LLM endpoint returned an empty answer")
        text, cited = clean_citations(raw, len(sources))
        if not text.strip():
            raise LLMUnavailable("LLM answer contained nothing but citation markers")
        yield Composed(text=text.strip(), cited=cited)

    def compose(
        self, question: str, sources: list[Source], history: list[tuple[str, str]] | None = None,
        level: str = DEFAULT_LEVEL,
    ) -> Composed:
        """The whole answer at once (consumes ``stream``). Raises ``LLMUnavailable`` like ``stream``."""
        for item in self.stream(question, sources, history, level):
            if isinstance(item, Composed):
                return item
        raise LLMUnavailable("LLM stream ended without an answer")  # stream() always ends with one

    def rewrite(self, question: str, history: list[tuple[str, str]]) -> str:
        """A standalone version of a follow-up ``question``, given earlier (question, answer) turns.

        Without history the question already stands alone and is returned without calling the LLM.

        Raises:
            LLMUnavailable: the endpoint failed or answered nothing usable.
        """
        if not history:
            return question
        messages = build_rewrite_messages(question, history)
        # A short non-streamed call: nothing of it is shown while it runs.
        replies = list(self._deadline.run(lambda: [self._chat.invoke(messages, stream=False)]))
        text = replies[0].text.strip() if replies else ""
        # Models sometimes echo the label of the prompt's last line or wrap the question in quotes.
        for label in ("独立完整的问题：", "独立完整的问题:", "改写后的问题：", "问题："):
            text = text.removeprefix(label).strip()
        text = text.strip("\"'“”「」").strip()
        first_line = text.splitlines()[0].strip() if text else ""
        if not first_line:
            raise LLMUnavailable("LLM endpoint returned an empty rewrite")
        return first_line


def build_llm_composer(settings: Settings) -> LLMComposer | None:
    """An ``LLMComposer`` when an endpoint is configured, else ``None`` (answers stay extractive)."""
    if not settings.llm_model or not settings.llm_base_url:
        return None
    return LLMComposer(settings)
