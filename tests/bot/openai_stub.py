"""A real OpenAI-compatible chat server on loopback, scripted per test.

``POST /v1/chat/completions`` answers with SSE chunks (``stream: true``) or one JSON body, following a
queue of ``Behaviour`` s (one per request; an empty queue answers with ``DEFAULT_TEXT``). Every request
body is recorded in ``requests`` so tests can check what was sent.
"""

from __future__ import annotations

import contextlib
import json
import queue
import sys
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

DEFAULT_TEXT = "默认回答[1]。"


@dataclass(frozen=True)
class Behaviour:
    """What the stub does with one request.

    kind: ``answer`` (text in chunks of ``chunk_chars``), ``http_error`` (``status``), ``sleep``
    (``delay`` s before any byte), ``stall`` (some chunks, then ``delay`` s of silence), ``trickle``
    (one chunk every ``delay`` s, forever), ``malformed`` (a broken SSE line), ``cut`` (some chunks,
    then the connection drops; ``clean`` ends the body properly but without finish_reason or [DONE]).
    """

    kind: str = "answer"
    text: str = DEFAULT_TEXT
    chunk_chars: int = 4
    status: int = 200
    delay: float = 0.0
    clean: bool = False

    @classmethod
    def answer(cls, text: str, chunk_chars: int = 4) -> Behaviour:
        return cls("answer", text=text, chunk_chars=chunk_chars)

    @classmethod
    def http_error(cls, status: int = 500) -> Behaviour:
        return cls("http_error", status=status)

    @classmethod
    def sleep(cls, seconds: float) -> Behaviour:
        return cls("sleep", delay=seconds)

    @classmethod
    def stall(cls, seconds: float, text: str = "水在零摄氏度结冰，") -> Behaviour:
        return cls("stall", text=text, delay=seconds)

    @classmethod
    def trickle(cls, every: float) -> Behaviour:
        return cls("trickle", text="慢", delay=every)

    @classmethod
    def malformed(cls) -> Behaviour:
        return cls("malformed", text="水在零摄氏度")

    @classmethod
    def cut(cls, clean: bool = False) -> Behaviour:
        return cls("cut", text="水在零摄氏度结冰，因为", clean=clean)


def _pieces(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # chunked streaming, as uvicorn-based servers (vLLM) send it
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # keep pytest output clean
        pass

    # -- low-level writing -------------------------------------------------
    def _json(self, status: int, body: dict[str, Any], extra: dict[str, str] | None = None) -> None:
        data = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def _start_sse(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

    def _chunk(self, raw: bytes) -> None:
        self.wfile.write(f"{len(raw):x}\r\n".encode() + raw + b"\r\n")
        self.wfile.flush()

    def _event(self, payload: dict[str, Any] | str) -> None:
        data = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
        self._chunk(f"data: {data}\n\n".encode())

    def _end_body(self) -> None:
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def _delta(self, content: str | None, finish: str | None = None, role: bool = False) -> dict[str, Any]:
        delta: dict[str, Any] = {}
        if role:
            delta["role"] = "assistant"
        if content is not None:
            delta["content"] = content
        return {
            "id": "chatcmpl-stub",
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": self.server.model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }

    def _wait(self, seconds: float) -> bool:
        """Sleep, but wake when the stub stops; True if the stub is stopping."""
        return self.server.stopping.wait(seconds)

    # -- the endpoint ------------------------------------------------------
    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        body = json.loads(self.rfile.read(length) or b"{}")
        if self.path.rstrip("/") != "/v1/chat/completions":
            self._json(404, {"error": {"message": "not found", "type": "invalid_request_error"}})
            return
        self.server.requests.append({"body": body, "headers": {k.lower(): v for k, v in self.headers.items()}})
        try:
            behaviour = self.server.script.get_nowait()
        except queue.Empty:
            behaviour = Behaviour()
        # The client may give up first, as the timeout tests expect.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._serve(behaviour, bool(body.get("stream")))

    def _serve(self, b: Behaviour, stream: bool) -> None:
        if b.kind == "http_error":
            # retry-after-ms keeps the client's retry backoff short in tests
            self._json(b.status, {"error": {"message": "stub failure", "type": "server_error"}},
                       {"retry-after-ms": "10"})
            return
        if b.kind == "sleep" and self._wait(b.delay):
            return
        if not stream:
            self._json(200, {
                "id": "chatcmpl-stub", "object": "chat.completion", "created": int(time.time()),
                "model": self.server.model,
                "choices": [{"index": 0, "message": {"role": "assistant", "content": b.text},
                             "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
            })
            return
        self._start_sse()
        # A broken stream leaves the connection unusable: close it rather than wait for the next request.
        self.close_connection = b.kind != "answer"
        self._event(self._delta("", role=True))
        if b.kind == "trickle":
            while not self._wait(b.delay):
                self._event(self._delta(b.text))
            return
        pieces = _pieces(b.text, b.chunk_chars)
        if b.kind in ("stall", "cut", "malformed"):
            for piece in pieces[:2]:
                self._event(self._delta(piece))
            if b.kind == "stall":
                self._wait(b.delay)
                return
            if b.kind == "malformed":
                self._chunk(b'data: {"id": "chatcmpl-stub", "choices": [{"delta": {"content": "\xe6\xb0\xb4\n\n')
                self._event("[DONE]")
                self._end_body()
                return
            if b.clean:
                self._end_body()
            return
        for piece in pieces:
            self._event(self._delta(piece))
        self._event(self._delta(None, finish="stop"))
        self._event("[DONE]")
        self._end_body()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, model: str) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.model = model
        self.requests: list[dict[str, Any]] = []
        self.script: queue.Queue[Behaviour] = queue.Queue()
        self.stopping = threading.Event()

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients drop kept-alive connections whenever they like; only report real stub bugs.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class OpenAIStub:
    """The stub server; use as a context manager or call ``start()`` / ``stop()``."""

    def __init__(self, model: str = "stub") -> None:
        self._server = _Server(model)
        # A short poll interval makes stop() quick.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True, name="openai-stub"
        )

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    @property
    def requests(self) -> list[dict[str, Any]]:
        """Recorded requests, oldest first: ``{"body": parsed JSON, "headers": {lower-case name: value}}``."""
        return self._server.requests

    def enqueue(self, *behaviours: Behaviour) -> None:
        """Script the next requests, one behaviour each."""
        for b in behaviours:
            self._server.script.put(b)

    def start(self) -> OpenAIStub:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> OpenAIStub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
