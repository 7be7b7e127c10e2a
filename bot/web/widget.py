"""Embedding the citizen chat on a platform's site: ``GET /widget.js`` and who may frame ``/embed``.

The one-line script (docs/integration.md) puts a chat bubble at the bottom right of the host page;
it opens an iframe to ``/embed?channel=NAME``, the channel read from the script's own ``data-channel``
and the server from the script's own ``src``. ``EmbedFraming`` decides framing: the ``/embed`` page may
be framed only by the origins of an active channel (``Content-Security-Policy: frame-ancestors``); an
unknown or disabled channel is not frameable at all. Every other response keeps the guard's
no-framing headers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from urllib.parse import parse_qs

import anyio
from fastapi import FastAPI
from fastapi.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from knowledge import texts
from knowledge.stores.channels import Channels

EMBED_PATHS = ("/embed", "/embed/")
_FRAME_ANCESTORS = re.compile(r"(^|;)\s*frame-ancestors[^;]*", re.IGNORECASE)

_SCRIPT = """(function () {
  "use strict";
  var me = document.currentScript;
  if (!me) {
    var all = document.querySelectorAll('script[src*="/widget.js"]');
    me = all[all.length - 1];
  }
  if (!me || me.getAttribute("data-askscience-ready")) { return; }
  me.setAttribute("data-askscience-ready", "1");
  var T = __TEXTS__;
  var page = new URL(me.src, document.baseURI).origin + "/embed?channel=" +
    encodeURIComponent(me.getAttribute("data-channel") || "");

  function styled(tag, styles) {
    var el = document.createElement(tag);
    for (var name in styles) { el.style.setProperty(name, styles[name]); }
    return el;
  }
  var host = styled("div", {position: "fixed", right: "16px", bottom: "16px", "z-index": "2147483000"});
  host.id = "askscience-widget";
  var root = host.attachShadow ? host.attachShadow({mode: "open"}) : host;
  var panel = styled("div", {display: "none", position: "absolute", right: "0", bottom: "72px",
    width: "min(380px, calc(100vw - 32px))", height: "min(620px, calc(100vh - 104px))",
    background: "#fff", "border-radius": "12px", overflow: "hidden",
    "box-shadow": "0 8px 32px rgba(0, 0, 0, 0.25)"});
  panel.id = "askscience-panel";
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-label", T.title);
  var button = styled("button", {width: "60px", height: "60px", "border-radius": "30px", border: "0",
    background: "#0f766e", color: "#fff", "font-size": "15px", "font-weight": "bold", cursor: "pointer",
    "box-shadow": "0 4px 16px rgba(0, 0, 0, 0.3)", padding: "0", "line-height": "1.2"});
  button.id = "askscience-bubble";
  button.type = "button";
  button.setAttribute("aria-controls", "askscience-panel");
  var frame = null;

  function show(open) {
    if (open && !frame) {
      frame = styled("iframe", {width: "100%", height: "100%", border: "0", display: "block"});
      frame.id = "askscience-frame";
      frame.title = T.title;
      frame.src = page;
      frame.setAttribute("allow", "clipboard-write");
      panel.appendChild(frame);
    }
    panel.style.setProperty("display", open ? "block" : "none");
    button.textContent = open ? "\\u00d7" : T.button;
    button.setAttribute("aria-expanded", open ? "true" : "false");
    button.setAttribute("aria-label", open ? T.close : T.open);
    button.title = open ? T.close : T.open;
  }
  button.addEventListener("click", function () { show(panel.style.display === "none"); });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && panel.style.display !== "none") { show(false); button.focus(); }
  });
  show(false);
  root.appendChild(panel);
  root.appendChild(button);
  (document.body || document.documentElement).appendChild(host);
})();
"""


def widget_script() -> str:
    """The widget's JavaScript, with the citizen-facing words of knowledge/texts.py."""
    words = {"button": texts.WIDGET_BUTTON, "open": texts.WIDGET_OPEN, "close": texts.WIDGET_CLOSE,
             "title": texts.WIDGET_FRAME_TITLE}
    return _SCRIPT.replace("__TEXTS__", json.dumps(words))  # ASCII escapes: safe in any page encoding


def frame_policy(origins: Iterable[str]) -> str:
    """The ``frame-ancestors`` directive for a channel's origins; ``'none'`` when there are none."""
    return "frame-ancestors " + (" ".join(origins) or "'none'")


def framed_headers(headers: Iterable[tuple[bytes, bytes]], origins: tuple[str, ...]) -> list[tuple[bytes, bytes]]:
    """Response headers of the ``/embed`` page: the CSP's ``frame-ancestors`` replaced by the channel's, and
    ``X-Frame-Options`` dropped (``DENY`` when nobody may frame it)."""
    directive = frame_policy(origins)
    out: list[tuple[bytes, bytes]] = []
    has_csp = False
    for name, value in headers:
        key = bytes(name).lower()
        if key == b"x-frame-options":
            continue
        if key == b"content-security-policy":
            has_csp = True
            policy = bytes(value).decode("latin-1")
            if _FRAME_ANCESTORS.search(policy):
                policy = _FRAME_ANCESTORS.sub(lambda m: f"{m.group(1)} {directive}".lstrip(), policy, count=1)
            else:
                policy = f"{policy.rstrip('; ')}; {directive}"
            value = policy.strip().encode("latin-1")
        out.append((name, value))
    if not has_csp:
        out.append((b"content-security-policy", directive.encode("latin-1")))
    if not origins:
        out.append((b"x-frame-options", b"DENY"))
    return out


class EmbedFraming:
    """ASGI middleware: the framing rules of ``/embed`` per channel (see the module docstring)."""

    def __init__(self, app: ASGIApp, channels: Channels) -> None:
        self.app = app
        self.channels = channels

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") not in EMBED_PATHS:
            await self.app(scope, receive, send)
            return
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        name = (query.get("channel") or [""])[0]
        origins = await anyio.to_thread.run_sync(self.channels.origins, name)

        async def framed_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": framed_headers(message.get("headers", []), origins)}
            await send(message)

        await self.app(scope, receive, framed_send)


def add_widget(app: FastAPI, channels: Channels) -> None:
    """``GET /widget.js`` and the ``/embed`` framing middleware."""
    script = widget_script()

    @app.get("/widget.js")
    def widget_js() -> Response:
        return Response(script, media_type="application/javascript; charset=utf-8",
                        headers={"Cache-Control": "public, max-age=3600",
                                 "Cross-Origin-Resource-Policy": "cross-origin"})

    app.add_middleware(EmbedFraming, channels=channels)
