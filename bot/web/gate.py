"""The curator login page and the gate in front of everything under ``/curator``.

The gate is a plain ASGI middleware: every HTTP or websocket request to ``/curator`` or below,
except the login and logout pages, must carry a valid, unexpired session cookie. Without one a
browser asking for the console page is sent to the login page and every other request (the
console's Gradio API, its files, its event queue) gets HTTP 401.

The curation JSON API under ``/curator/api`` (bot/web/curation_api.py) also accepts an
``Authorization: Bearer ask_…`` API token (``askscience accounts token NAME``) instead of the cookie.
The gate puts who was let in, and how, into the request scope (:data:`SCOPE_USER`, :data:`SCOPE_VIA`).
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from http.cookies import SimpleCookie
from urllib.parse import parse_qs

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from bot.web.ratelimit import client_address
from knowledge import texts
from knowledge.stores.accounts import Accounts

COOKIE = "asksci_session"
PREFIX = "/curator"
LOGIN = f"{PREFIX}/login"
LOGOUT = f"{PREFIX}/logout"
API_PREFIX = f"{PREFIX}/api"
SCOPE_USER = "askscience.curator"  # the account name the gate let in
SCOPE_VIA = "askscience.auth"  # how: VIA_COOKIE or VIA_TOKEN
VIA_COOKIE, VIA_TOKEN = "cookie", "token"
_MAX_FORM = 4096

_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif; background: #f5f7fa;
       display: flex; justify-content: center; padding-top: 10vh; margin: 0;}}
form {{background: #fff; padding: 28px; border-radius: 10px; box-shadow: 0 2px 10px #0001; width: min(360px, 90vw);}}
h1 {{font-size: 20px; margin: 0 0 16px;}}
label {{display: block; margin: 12px 0 4px; color: #333;}}
input {{width: 100%; box-sizing: border-box; padding: 8px; font-size: 16px; border: 1px solid #ccd;
        border-radius: 6px;}}
button {{margin-top: 18px; width: 100%; padding: 10px; font-size: 16px; background: #2563eb; color: #fff; border: 0;
        border-radius: 6px;}}
.error {{color: #b91c1c; margin-top: 12px;}}
a {{color: #2563eb;}}
</style></head>
<body><form method="post" action="{action}">
<h1>{title}</h1>
<label for="username">{user_label}</label><input id="username" name="username" autocomplete="username" required>
<label for="password">{password_label}</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit" id="login">{button}</button>
<div class="error" id="login-error">{error}</div>
<p><a href="/">{back}</a></p>
</form></body></html>"""


def login_page(error: str = "") -> str:
    return _PAGE.format(title=texts.LOGIN_TITLE, action=LOGIN, user_label=texts.LOGIN_USER,
                        password_label=texts.LOGIN_PASSWORD, button=texts.LOGIN_BUTTON,
                        error=html.escape(error), back=texts.LOGIN_BACK)


def session_token(headers: list[tuple[bytes, bytes]]) -> str | None:
    for name, value in headers:
        if name == b"cookie":
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # a malformed cookie header means no session, not a crash
                return None
            if COOKIE in jar:
                return jar[COOKIE].value
    return None


def under_prefix(path: str) -> bool:
    return path == PREFIX or path.startswith(PREFIX + "/")


def under_api(path: str) -> bool:
    return path == API_PREFIX or path.startswith(API_PREFIX + "/")


def bearer_token(headers: list[tuple[bytes, bytes]]) -> str | None:
    """The token of an ``Authorization: Bearer …`` header; "" for another scheme; None without the header."""
    for name, value in headers:
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").strip().partition(" ")
            return token.strip() if scheme.lower() == "bearer" else ""
    return None


def identify(accounts: Accounts, path: str, headers: list[tuple[bytes, bytes]]) -> tuple[str | None, str]:
    """Who is asking, and how: under ``/curator/api`` an ``Authorization`` header decides alone (a bad
    token is refused even when a session cookie comes along); everywhere else only the session cookie."""
    if under_api(path):
        token = bearer_token(headers)
        if token is not None:
            return accounts.user_for_api_token(token), VIA_TOKEN
    return accounts.user_for(session_token(headers)), VIA_COOKIE


class CuratorGate:
    """ASGI middleware: nothing under ``/curator`` without a live curator session."""

    def __init__(self, app: ASGIApp, accounts: Accounts) -> None:
        self.app = app
        self.accounts = accounts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] in ("http", "websocket") and under_prefix(path) and path not in (LOGIN, LOGOUT):
            user, via = await run_in_threadpool(identify, self.accounts, path, scope.get("headers", []))
            if user is None:
                if scope["type"] == "websocket":
                    await send({"type": "websocket.close", "code": 4401})
                    return
                if scope.get("method") == "GET" and path in (PREFIX, PREFIX + "/"):
                    response: Response = RedirectResponse(LOGIN, status_code=303)
                else:
                    api = under_api(path)
                    message = texts.API_TOKEN_REFUSED if via == VIA_TOKEN else texts.LOGIN_REQUIRED
                    response = Response(json.dumps({"error": message}, ensure_ascii=False), status_code=401,
                                        media_type="application/json",
                                        headers={"WWW-Authenticate": "Bearer"} if api else None)
                await response(scope, receive, send)
                return
            scope = {**scope, SCOPE_USER: user, SCOPE_VIA: via}
        await self.app(scope, receive, send)


def add_login_routes(app: FastAPI, accounts: Accounts, cookie_secure: bool, trusted: frozenset[str]) -> None:
    """``GET/POST /curator/login`` and ``POST /curator/logout``. The session cookie is scoped to
    ``/curator`` (citizen requests never carry it) and marked Secure when the app is served over HTTPS
    (the setting, the request's own scheme, or ``X-Forwarded-Proto`` from a trusted proxy)."""
    max_age = int(accounts.session_ttl.total_seconds())

    @app.get(LOGIN, response_class=HTMLResponse, include_in_schema=False)
    def show_login() -> HTMLResponse:
        return HTMLResponse(login_page())

    @app.post(LOGIN, include_in_schema=False)
    async def do_login(request: Request) -> Response:
        body = await request.body()
        if len(body) > _MAX_FORM:
            return HTMLResponse(login_page(texts.LOGIN_FAILED), status_code=400)
        form = parse_qs(body.decode("utf-8", errors="replace"))
        username = (form.get("username") or [""])[0]
        password = (form.get("password") or [""])[0]
        address = client_address(request.client.host if request.client else None, request.headers.items(), trusted)
        result = await run_in_threadpool(accounts.login, username, password, address)
        if result.token is None:
            return HTMLResponse(login_page(result.message), status_code=401)
        response = RedirectResponse(f"{PREFIX}/", status_code=303)
        https = request.url.scheme == "https" or request.headers.get("x-forwarded-proto", "").lower() == "https"
        response.set_cookie(COOKIE, result.token, max_age=max_age, httponly=True, samesite="strict",
                            secure=cookie_secure or https, path=PREFIX)
        return response

    @app.get(LOGOUT, include_in_schema=False)
    def refuse_logout_by_get() -> Response:  # a link or an <img> on another site must not end a session
        return Response(status_code=405, headers={"Allow": "POST"})

    @app.post(LOGOUT, include_in_schema=False)
    def do_logout(request: Request) -> Response:
        accounts.logout(request.cookies.get(COOKIE))
        response = RedirectResponse(LOGIN, status_code=303)
        response.delete_cookie(COOKIE, path=PREFIX)
        return response


def current_curator(accounts: Accounts) -> Callable[[Request], str | None]:
    """The callable Gradio's ``auth_dependency`` expects: request → curator name or None."""
    def dependency(request: Request) -> str | None:
        return accounts.user_for(request.cookies.get(COOKIE))
    return dependency
