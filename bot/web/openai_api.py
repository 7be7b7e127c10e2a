"""The OpenAI-compatible endpoint: ``POST /v1/chat/completions`` (streamed or not) and ``GET /v1/models``.

A platform uses AskScience as if it were an OpenAI model (docs/integration.md): its channel key is the
API key, the model is ``askscience``. The last user message is the question, earlier user/assistant
turns are the conversation, system messages are ignored. The answer keeps its citations: numbered
sources close the text, and the non-standard top-level fields ``citations``, ``mode``, ``safety`` and
``ticket`` carry them as data (in the last chunk of a stream).

Errors are OpenAI error objects (``{"error": {"message", "type", "param", "code"}}``) with Chinese
messages. Requests are limited per client address (the ``questions`` bucket the citizen page and
``/api/ask`` share) and per channel. A streamed answer always closes the answer service's stream, so a
client that goes away never keeps an answering slot; its key is checked again while it streams.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Any

import anyio
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from starlette.types import Receive, Scope, Send

from bot.engine import safety
from bot.engine.service import AnswerService
from bot.engine.triage import Level, TriageResult
from bot.engine.types import Answer, AskOptions, Citation
from bot.web.ratelimit import RateLimiter, Verdict, client_address
from bot.web.widget import add_widget
from knowledge import texts
from knowledge.errors import AnswerTimeout, QuestionError, ServiceBusy, StoreError
from knowledge.stores.channels import Channel, Channels

log = logging.getLogger(__name__)

MODEL = "askscience"
MAX_TURNS = 50  # user and assistant messages in one request (system messages are not counted)
CHANNEL_BUCKET = "channel"
PLATFORM_ADDRESS_BUCKET = "platform_address"  # one platform server asks for all its users from one address
KEY_RECHECK_SECONDS = 1.0  # while streaming, the key is checked again at most this often (and before the end)
_MODEL_CREATED = 1_735_689_600  # 2025-01-01: the "created" of the model object
_ROLES = {"system", "developer", "user", "assistant"}
_IGNORED_ROLES = {"system", "developer"}
_END = object()


class ApiError(Exception):
    """An OpenAI-style error answer."""

    def __init__(self, status: int, message: str, kind: str = "invalid_request_error", code: str | None = None,
                 param: str | None = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.kind, self.code, self.param = status, message, kind, code, param
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        return {"error": {"message": self.message, "type": self.kind, "param": self.param, "code": self.code}}

    def response(self) -> JSONResponse:
        return JSONResponse(self.body(), status_code=self.status, headers=self.headers)


@dataclass(frozen=True)
class ChatRequest:
    """What a chat-completion request asks, once validated."""

    question: str
    history: list[tuple[str, str]]
    stream: bool
    include_usage: bool


def _bad(message: str, param: str | None, code: str = "invalid_value") -> ApiError:
    return ApiError(400, message, param=param, code=code)


def _text_of(content: object, index: int, role: str) -> str:
    if content is None and role == "assistant":  # an assistant turn that only called tools
        return ""
    if isinstance(content, str):
        return content
    if not isinstance(content, list):
        raise _bad(texts.OPENAI_BAD_CONTENT.format(index=index), f"messages[{index}].content")
    pieces = []
    for part in content:
        if not isinstance(part, dict):
            raise _bad(texts.OPENAI_BAD_CONTENT.format(index=index), f"messages[{index}].content")
        kind = part.get("type")
        if kind != "text":
            raise _bad(texts.OPENAI_NOT_TEXT.format(index=index, kind=str(kind)[:40]), f"messages[{index}].content",
                       "unsupported_content")
        if not isinstance(part.get("text"), str):
            raise _bad(texts.OPENAI_BAD_CONTENT.format(index=index), f"messages[{index}].content")
        pieces.append(part["text"])
    return "\n".join(pieces)


def _without_sources(answer: str) -> str:
    """An earlier answer of ours as history: its sources list is not part of what was said."""
    return answer.split(f"\n\n{texts.OPENAI_SOURCES}\n", 1)[0]


def _positive_int(body: dict[str, Any], name: str) -> int | None:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise _bad(texts.OPENAI_BAD_INT.format(param=name), name)
    return value


def parse_chat(body: object) -> ChatRequest:
    """Validate a chat-completion request body (the model is checked by the caller). Raises :class:`ApiError`.

    ``max_tokens`` / ``max_completion_tokens`` must be positive integers when given, and are then ignored:
    the answer service bounds every answer itself. Sampling and tool parameters are ignored."""
    if not isinstance(body, dict):
        raise _bad(texts.OPENAI_NOT_JSON, None, "invalid_json")
    stream = body.get("stream", False)
    if stream is None:
        stream = False
    if not isinstance(stream, bool):
        raise _bad(texts.OPENAI_BAD_BOOL.format(param="stream"), "stream")
    n = _positive_int(body, "n")
    if n is not None and n > 1:
        raise _bad(texts.OPENAI_N_STREAM if stream else texts.OPENAI_N_ONLY_ONE, "n")
    for name in ("max_tokens", "max_completion_tokens"):
        _positive_int(body, name)
    options = body.get("stream_options")
    if options is not None and not isinstance(options, dict):
        raise _bad(texts.OPENAI_BAD_OBJECT.format(param="stream_options"), "stream_options")
    include_usage = bool(stream and options and options.get("include_usage") is True)

    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise _bad(texts.OPENAI_MESSAGES_MISSING, "messages")
    turns: list[tuple[str, str]] = []
    for index, message in enumerate(messages):
        if not isinstance(message, dict) or "role" not in message:
            raise _bad(texts.OPENAI_BAD_MESSAGE.format(index=index), f"messages[{index}]")
        role = message["role"]
        if role not in _ROLES:
            raise _bad(texts.OPENAI_BAD_ROLE.format(index=index, role=str(role)[:40]), f"messages[{index}].role")
        if role in _IGNORED_ROLES:
            continue
        turns.append((role, _text_of(message.get("content"), index, role)))
    if not turns:
        raise _bad(texts.OPENAI_ONLY_SYSTEM, "messages")
    if len(turns) > MAX_TURNS:
        raise _bad(texts.OPENAI_TOO_MANY_TURNS.format(limit=MAX_TURNS, count=len(turns)), "messages",
                   "too_many_messages")
    role, question = turns[-1]
    if role != "user":
        raise _bad(texts.OPENAI_LAST_NOT_USER, "messages")
    history: list[tuple[str, str]] = []
    pending: str | None = None  # a user turn waiting for its answer
    for role, text in turns[:-1]:
        if role == "user":
            if pending is not None:
                history.append((pending, ""))
            pending = text
        elif pending is not None:
            history.append((pending, _without_sources(text)))
            pending = None
    if pending is not None:
        history.append((pending, ""))
    return ChatRequest(question, history, stream, include_usage)


# ---- the answer as OpenAI shapes ---------------------------------------------------------------------------
def sources_block(citations: list[Citation]) -> str:
    """``来源：`` and one numbered line per cited source."""
    lines = [texts.OPENAI_SOURCE_LINE.format(number=c.number, title=c.title, source=c.source)
             if c.source and c.source != c.title else texts.OPENAI_SOURCE_LINE_BARE.format(number=c.number,
                                                                                             title=c.title)
             for c in citations]
    return "\n".join([texts.OPENAI_SOURCES, *lines])


def content_of(answer: Answer) -> str:
    """What a platform shows: the safety message first, the answer, its notice, then the numbered sources."""
    text = answer.full_text
    return f"{text}\n\n{sources_block(answer.citations)}" if answer.citations else text


def extras_of(answer: Answer) -> dict[str, Any]:
    """The non-standard top-level fields of a completion (the last chunk of a stream)."""
    return {
        "citations": [{"number": c.number, "title": c.title, "source": c.source, "snippet": c.snippet}
                      for c in answer.citations],
        "mode": answer.mode.value,
        "safety": answer.triage.as_dict(),
        "ticket": answer.ticket or None,  # a declined question's ticket code (GET /api/tickets/{code})
    }


def _usage(prompt_chars: int, completion_chars: int) -> dict[str, int]:
    """Counted in characters: the service has no tokenizer of the client's model."""
    return {"prompt_tokens": prompt_chars, "completion_tokens": completion_chars,
            "total_tokens": prompt_chars + completion_chars}


def _prompt_chars(chat: ChatRequest) -> int:
    return len(chat.question) + sum(len(q) + len(a) for q, a in chat.history)


def _sse(payload: dict[str, Any] | str) -> bytes:
    data = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
    return f"data: {data}\n\n".encode()


def _stream_error(exc: BaseException) -> ApiError:
    if isinstance(exc, AnswerTimeout):
        return ApiError(503, str(exc), "server_error", "timeout")
    if isinstance(exc, ServiceBusy):
        return ApiError(503, str(exc), "server_error", "server_busy")
    if isinstance(exc, QuestionError):
        return _bad(str(exc), "messages")
    if isinstance(exc, StoreError):
        return ApiError(503, texts.STORE_UNAVAILABLE, "server_error", "store_unavailable")
    return ApiError(500, texts.SERVICE_ERROR, "server_error", "internal_error")


class _Relay:
    """The answer service's stream as OpenAI chunks.

    The service yields the triage result (when not "none"), then the answer text so far, then the
    :class:`Answer`. The content sent is the safety message, the AI label (when an LLM writes), then the
    text, and it only ever grows: the last chunk adds the notice and the sources. Under a personal-medical
    triage the text is held until the end (a dose may still be withheld). Should the final answer not
    continue what was sent (the LLM failed and a quoted answer replaced it), a correction line and the whole
    answer follow."""

    def __init__(self, items: Iterator[object], first: object, still_valid: Callable[[], bool], label: str,
                 prompt_chars: int, include_usage: bool, clock: Callable[[], float] = time.monotonic) -> None:
        self.items = items
        self.first = first
        self.still_valid = still_valid
        self.label = label
        self.prompt_chars = prompt_chars
        self.include_usage = include_usage
        self.clock = clock
        self.id = f"chatcmpl-{secrets.token_hex(12)}"
        self.created = int(time.time())
        self.sent = ""
        self._checked = clock()

    def _chunk(self, delta: dict[str, Any], finish: str | None = None, **extra: Any) -> bytes:
        return _sse({"id": self.id, "object": "chat.completion.chunk", "created": self.created, "model": MODEL,
                     "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}], **extra})

    async def _valid(self, force: bool = False) -> bool:
        if not force and self.clock() - self._checked < KEY_RECHECK_SECONDS:
            return True
        self._checked = self.clock()
        return await anyio.to_thread.run_sync(self.still_valid)

    def _grow(self, content: str) -> bytes | None:
        if not content.startswith(self.sent) or content == self.sent:
            return None
        delta, self.sent = content[len(self.sent):], content
        return self._chunk({"content": delta})

    async def events(self) -> AsyncIterator[bytes]:
        yield self._chunk({"role": "assistant", "content": ""})
        item, warning, hold = self.first, "", False
        try:
            while item is not _END:
                if isinstance(item, Answer):
                    async for event in self._finish(item):
                        yield event
                    return
                if isinstance(item, TriageResult):
                    warning = safety.message(item)
                    hold = item.level == Level.PERSONAL_MEDICAL
                    event = self._grow(warning)
                elif isinstance(item, str) and not hold:
                    event = self._grow("\n\n".join(p for p in (warning, self.label, item) if p))
                else:
                    event = None
                if event is not None:
                    if not await self._valid():
                        yield _sse(ApiError(401, texts.OPENAI_KEY_REVOKED, code="invalid_api_key").body())
                        return
                    yield event
                item = await anyio.to_thread.run_sync(next, self.items, _END)
        except Exception as exc:  # the stream has started: the error travels in it
            if not isinstance(exc, (QuestionError, ServiceBusy, StoreError)):
                log.exception("answering a streamed API question failed")
            yield _sse(_stream_error(exc).body())

    async def _finish(self, answer: Answer) -> AsyncIterator[bytes]:
        if not await self._valid(force=True):
            yield _sse(ApiError(401, texts.OPENAI_KEY_REVOKED, code="invalid_api_key").body())
            return
        content = content_of(answer)
        if content.startswith(self.sent):
            rest = content[len(self.sent):]
        else:
            rest = f"\n\n{texts.OPENAI_STREAM_REVISED}\n\n{content}"
        if rest:
            yield self._chunk({"content": rest})
        yield self._chunk({}, "stop", **extras_of(answer))
        if self.include_usage:
            yield _sse({"id": self.id, "object": "chat.completion.chunk", "created": self.created, "model": MODEL,
                        "choices": [], "usage": _usage(self.prompt_chars, len(self.sent) + len(rest))})
        yield _sse("[DONE]")

    def close(self) -> None:
        close = getattr(self.items, "close", None)
        if close is not None:
            close()  # runs the service's finally: the answering slot is released


class _EventStream(Response):
    """Server-sent events from a :class:`_Relay`. A client that disconnects stops the relay at once, and the
    service's stream is closed whatever happens (not left to the garbage collector)."""

    media_type = "text/event-stream"

    def __init__(self, relay: _Relay) -> None:  # no body, no Content-Length: the parent's init is not used
        self.relay = relay
        self.status_code = 200
        self.background = None
        self.raw_headers = [(b"content-type", b"text/event-stream; charset=utf-8"), (b"cache-control", b"no-cache"),
                            (b"x-accel-buffering", b"no")]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await send({"type": "http.response.start", "status": 200, "headers": self.raw_headers})
            async with anyio.create_task_group() as group:
                async def watch() -> None:
                    while (await receive())["type"] != "http.disconnect":
                        pass
                    group.cancel_scope.cancel()

                group.start_soon(watch)
                async for event in self.relay.events():
                    await send({"type": "http.response.body", "body": event, "more_body": True})
                await send({"type": "http.response.body", "body": b"", "more_body": False})
                group.cancel_scope.cancel()
        finally:
            with anyio.CancelScope(shield=True):
                await anyio.to_thread.run_sync(self.relay.close)


# ---- routes --------------------------------------------------------------------------------------------------
def _bearer(request: Request) -> str | None:
    value = request.headers.get("authorization", "")
    scheme, _, key = value.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return key.strip() or None


def _limited(verdict: Verdict, message: str) -> ApiError:
    return ApiError(429, message.format(seconds=verdict.retry_after), "requests", "rate_limit_exceeded",
                    headers={"Retry-After": str(verdict.retry_after)})


def _model_object() -> dict[str, Any]:
    return {"id": MODEL, "object": "model", "created": _MODEL_CREATED, "owned_by": "askscience"}


def add_openai_api(app: FastAPI, service: AnswerService, channels: Channels, limiter: RateLimiter,
                   trusted: frozenset[str], channel_limiter: RateLimiter | None = None) -> None:
    """Add ``/v1/chat/completions``, ``/v1/models`` and the embeddable widget (``/widget.js`` and the framing
    rules of ``/embed``, bot/web/widget.py).

    A request without a valid key counts against ``limiter``'s ``questions`` bucket of its address (the
    citizens' budget: key guessing stays slow). A request with a valid key counts per channel and per
    address against ``channel_limiter`` (``rate_channel_per_minute`` for both): a platform's server asks
    for all its users from one address, so the citizens' per-address budget would throttle it."""
    per_key = service.settings.rate_channel_per_minute
    keys = channel_limiter or RateLimiter({CHANNEL_BUCKET: per_key, PLATFORM_ADDRESS_BUCKET: per_key})
    settings = service.settings
    label = texts.AI_GENERATED_LABEL.format(model=settings.llm_model) if service.llm and settings.llm_model else ""

    async def authenticate(request: Request) -> tuple[str, Channel]:
        key = _bearer(request)
        if key is None:
            raise ApiError(401, texts.OPENAI_NO_KEY, code="invalid_api_key")
        channel = await anyio.to_thread.run_sync(channels.verify, key)
        if channel is None:
            raise ApiError(401, texts.OPENAI_BAD_KEY, code="invalid_api_key")
        return key, channel

    @app.post("/v1/chat/completions")
    async def chat_completions(request: Request) -> Response:
        try:
            return await _chat(request)
        except ApiError as err:
            return err.response()

    async def _chat(request: Request) -> Response:
        address = client_address(request.client.host if request.client else None, request.headers.items(), trusted)
        try:
            key, channel = await authenticate(request)
        except ApiError:
            verdict = limiter.check("questions", address)
            if not verdict.allowed:
                raise _limited(verdict, texts.RATE_LIMITED) from None
            raise
        verdict = keys.check(PLATFORM_ADDRESS_BUCKET, address)
        if not verdict.allowed:
            raise _limited(verdict, texts.RATE_LIMITED)
        verdict = keys.check(CHANNEL_BUCKET, channel.name)
        if not verdict.allowed:
            raise _limited(verdict, texts.OPENAI_CHANNEL_RATE_LIMITED)
        try:
            body = json.loads(await request.body())
        except (ValueError, RecursionError) as exc:
            raise _bad(texts.OPENAI_NOT_JSON, None, "invalid_json") from exc
        if isinstance(body, dict):
            model = body.get("model")
            if not isinstance(model, str) or not model:
                raise _bad(texts.OPENAI_MODEL_MISSING, "model", "missing_model")
            if model != MODEL:
                raise ApiError(404, texts.OPENAI_MODEL_UNKNOWN.format(model=model[:64]), param="model",
                               code="model_not_found")
        chat = parse_chat(body)
        options = AskOptions(channel=f"api:{channel.name}")
        if chat.stream:
            return await _stream(chat, options, key)
        try:
            answer = await anyio.to_thread.run_sync(service.ask, chat.question, chat.history, options)
        except (QuestionError, ServiceBusy, StoreError) as exc:
            raise _stream_error(exc) from exc
        content = content_of(answer)
        return JSONResponse({
            "id": f"chatcmpl-{secrets.token_hex(12)}", "object": "chat.completion", "created": int(time.time()),
            "model": MODEL,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content, "refusal": None},
                         "finish_reason": "stop", "logprobs": None}],
            "usage": _usage(_prompt_chars(chat), len(content)),
            **extras_of(answer),
        })

    async def _stream(chat: ChatRequest, options: AskOptions, key: str) -> Response:
        items = service.ask_stream(chat.question, chat.history, options)
        try:  # the question is validated and a slot taken on the first step: refuse before the 200 goes out
            first = await anyio.to_thread.run_sync(next, items, _END)
        except (QuestionError, ServiceBusy, StoreError) as exc:
            raise _stream_error(exc) from exc
        except BaseException:
            with anyio.CancelScope(shield=True):
                await anyio.to_thread.run_sync(items.close)
            raise
        relay = _Relay(items, first, lambda: channels.verify(key) is not None, label, _prompt_chars(chat),
                       chat.include_usage)
        return _EventStream(relay)

    @app.get("/v1/models")
    async def list_models(request: Request) -> Response:
        try:
            await authenticate(request)
        except ApiError as err:
            return err.response()
        return JSONResponse({"object": "list", "data": [_model_object()]})

    @app.get("/v1/models/{model}")
    async def get_model(model: str, request: Request) -> Response:
        try:
            await authenticate(request)
            if model != MODEL:
                raise ApiError(404, texts.OPENAI_MODEL_UNKNOWN.format(model=model[:64]), param="model",
                               code="model_not_found")
        except ApiError as err:
            return err.response()
        return JSONResponse(_model_object())

    @app.api_route("/v1/{rest:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    async def unknown(rest: str) -> Response:
        return ApiError(404, texts.OPENAI_NOT_FOUND, code="unknown_url").response()

    add_widget(app, channels)
