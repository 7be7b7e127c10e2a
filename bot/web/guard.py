"""The transport guard in front of the whole app (an ASGI middleware).

What it does, in order, for every HTTP request (see docs/security.md for why):

- forwarded headers (``X-Forwarded-*``, ``Forwarded``) are dropped unless the peer is a trusted proxy;
- routes that must not be public answer 404 (OpenAPI, docs, monitoring); the citizen app takes no
  uploads (403), and its file route serves nothing from the upload folder (curator uploads live
  there: Gradio keeps one upload folder per process);
- request bodies are bounded (413), curator uploads by the upload limit, everything else by
  ``max_request_kb``;
- a state-changing request under ``/curator`` whose ``Origin`` or ``Referer`` names another site is
  refused (403, login CSRF included);
- responses get security headers; CORS grants for other origins are removed; and the body of a 422 or
  500 response is replaced by a short Chinese message, so no input is echoed and no handler name,
  trace or object address leaves the server.

Under ``/v1/`` (the OpenAI-compatible endpoint) the guard's own error bodies are OpenAI error objects.
The ``/embed`` page's framing rules are bot/web/widget.py's.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.web.gate import PREFIX, under_prefix
from knowledge import texts

_FORWARDED = {b"x-forwarded-for", b"x-forwarded-host", b"x-forwarded-proto", b"x-forwarded-port",
              b"x-forwarded-prefix", b"forwarded", b"x-real-ip"}
_HIDDEN = ("/openapi.json", "/docs", "/redoc", "/monitoring", "/gradio_api/monitoring", "/gradio_api/openapi.json",
           "/gradio_api/docs", "/startup-events")
_PUBLIC_UPLOADS = ("/upload", "/gradio_api/upload")
_CONSOLE_UPLOAD = f"{PREFIX}/gradio_api/upload"
_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
OPENAI_PREFIX = "/v1/"
CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data: blob:; font-src 'self' data:; media-src 'self' data: blob:; "
       "connect-src 'self' ws: wss:; worker-src 'self' blob:; frame-ancestors 'self'; object-src 'none'; "
       "base-uri 'self'; form-action 'self'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"SAMEORIGIN"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


def _header(headers: Iterable[tuple[bytes, bytes]], name: bytes) -> str | None:
    for key, value in headers:
        if key == name:
            return value.decode("latin-1")
    return None


def _hidden(path: str) -> bool:
    return any(path == p or path.startswith(p + "/") for p in _HIDDEN)


def same_origin(url: str, host: str | None) -> bool:
    """Does ``url`` (an Origin or Referer value) name this host?"""
    if not host:
        return False
    parts = urlsplit(url)
    return bool(parts.scheme in ("http", "https") and parts.netloc.lower() == host.lower())


def _openai_error(status: int, message: str) -> dict[str, object]:
    kind = "server_error" if status >= 500 else "invalid_request_error"
    code = {413: "request_too_large", 422: "invalid_request", 500: "internal_error"}.get(status)
    return {"error": {"message": message, "type": kind, "param": None, "code": code}}


async def _reply(send: Send, status: int, message: str, extra: list[tuple[bytes, bytes]] | None = None,
                 api: bool = False) -> None:
    payload = _openai_error(status, message) if api else {"error": message}
    body = json.dumps(payload, ensure_ascii=False).encode()
    headers = [(b"content-type", b"application/json; charset=utf-8"), (b"content-length", str(len(body)).encode()),
               *SECURITY_HEADERS, *(extra or [])]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class Guard:
    """ASGI middleware; see the module docstring."""

    def __init__(self, app: ASGIApp, trusted_proxies: frozenset[str], max_body: int, max_upload: int,
                 private_dirs: tuple[str, ...] = ()) -> None:
        self.app = app
        self.private_dirs = tuple(os.path.realpath(d) for d in private_dirs)
        self.trusted = trusted_proxies
        self.max_body = max_body
        self.max_upload = max_upload

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        peer = (scope.get("client") or ("", 0))[0]
        if peer not in self.trusted:
            scope = {**scope, "headers": [(k, v) for k, v in scope.get("headers", []) if k not in _FORWARDED]}
        if scope["type"] == "websocket":
            await self.app(scope, receive, send)
            return
        await self._http(scope, receive, send)

    def _private(self, file: str) -> bool:
        real = os.path.realpath(file)
        return any(real == d or real.startswith(d + os.sep) for d in self.private_dirs)

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        method: str = scope.get("method", "GET")
        headers = scope.get("headers", [])
        if _hidden(path):
            await _reply(send, 404, texts.NOT_FOUND)
            return
        if path in _PUBLIC_UPLOADS:
            await _reply(send, 403, texts.UPLOAD_NOT_HERE)
            return
        if not under_prefix(path) and "/file=" in path and self._private(path.split("/file=", 1)[1]):
            await _reply(send, 404, texts.NOT_FOUND)
            return
        host = _header(headers, b"host")
        origin = _header(headers, b"origin")
        if method in _UNSAFE and under_prefix(path):
            claimed = origin or _header(headers, b"referer")
            if claimed is not None and not same_origin(claimed, host):
                await _reply(send, 403, texts.CROSS_SITE_REFUSED)
                return
        limit = self.max_upload if path == _CONSOLE_UPLOAD else self.max_body
        api = path.startswith(OPENAI_PREFIX)
        length = _header(headers, b"content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            await _reply(send, 413, texts.REQUEST_TOO_LARGE, api=api)
            return

        received = 0
        foreign = origin is not None and not same_origin(origin, host)
        state = {"started": False, "replace": False, "refused": False}

        async def bounded_receive() -> Message:
            nonlocal received
            if state["refused"]:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:  # a body without (or with a false) Content-Length: stop reading here
                    state["refused"] = True
                    if not state["started"]:
                        state["started"] = True
                        await _reply(send, 413, texts.REQUEST_TOO_LARGE, api=api)
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            if state["refused"]:
                return
            if message["type"] == "http.response.start":
                status = int(message["status"])
                state["started"] = True
                if status in (422, 500):  # our own 503s carry a message meant for the citizen: kept
                    state["replace"] = True
                    await _reply(send, status, texts.BAD_REQUEST if status == 422 else texts.SERVICE_ERROR, api=api)
                    return
                out = [(k, v) for k, v in message.get("headers", [])
                       if not (foreign and k.startswith(b"access-control-"))]
                present = {k for k, _ in out}
                out += [(k, v) for k, v in SECURITY_HEADERS if k not in present]
                message = {**message, "headers": out}
            elif message["type"] == "http.response.body" and state["replace"]:
                return
            await send(message)

        await self.app(scope, bounded_receive, guarded_send)
