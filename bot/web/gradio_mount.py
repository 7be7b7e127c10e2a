"""Building and mounting Gradio apps without the throw-away servers Gradio makes on the way.

Gradio (6.x) builds a complete FastAPI app — about 80 routes, each with its pydantic models — when a
``gr.Blocks`` is created, again when its ``with`` block ends, again at ``queue()``, and a last time in
``mount_gradio_app``. Only the last one serves; the first three cost about 0.3 s each on this machine
per Blocks, three Blocks in all. Inside :func:`lean_build` those three are skipped; :func:`mount` then
mounts the Blocks and makes the served app also the one its queue runs events with, as
``Blocks.launch`` does.

:class:`DeferredMount` stands in for a Gradio app that the first page view does not need (the curator
console, the ``/embed`` chat): it is built in a worker thread once the server has started, and a
request that arrives before it is ready waits for it.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import anyio
import gradio as gr
from fastapi import FastAPI
from fastapi.responses import PlainTextResponse
from gradio.routes import App
from starlette.routing import Mount
from starlette.types import Receive, Scope, Send

log = logging.getLogger(__name__)

_PATCH_LOCK = threading.RLock()  # held while create_app is swapped out, and by every real mount


def _no_app(*_args: Any, **_kwargs: Any) -> None:
    return None


@contextmanager
def lean_build() -> Iterator[None]:
    """Build (and ``queue()``) Blocks inside this block; mount each one with :func:`mount` afterwards,
    since the Blocks have no app of their own until then."""
    with _PATCH_LOCK:
        original = App.__dict__["create_app"]
        App.create_app = staticmethod(_no_app)  # type: ignore[method-assign]
        try:
            yield
        finally:
            App.create_app = original  # type: ignore[method-assign]


def mount(parent: FastAPI, blocks: gr.Blocks, path: str, **kwargs: Any) -> FastAPI:
    """``gr.mount_gradio_app(parent, blocks, path, **kwargs)``, with the mounted app as the Blocks' app."""
    _mount(parent, blocks, path, **kwargs)
    return parent


def _mount(parent: FastAPI, blocks: gr.Blocks, path: str, **kwargs: Any) -> App:
    with _PATCH_LOCK:  # not while another thread has create_app swapped out
        gr.mount_gradio_app(parent, blocks, path, **kwargs)
    served = next((route.app for route in reversed(parent.router.routes)
                   if isinstance(route, Mount) and isinstance(route.app, App) and route.app.get_blocks() is blocks),
                  None)
    if served is None:  # a Gradio version that mounts differently
        raise RuntimeError(f"the Gradio app mounted at {path!r} was not found among the routes")
    blocks.app = served
    return served


class DeferredMount:
    """An ASGI app at ``path`` that becomes the Gradio app ``build()`` returns, built after start-up.

    ``build`` runs in a worker thread (inside :func:`lean_build`) when :meth:`run` starts, which the parent
    app's lifespan does (:func:`add_deferred`); a request that comes first starts it too. Requests wait for
    the build, at most ``wait_s`` seconds; if it failed or took longer they get ``unavailable`` (503)."""

    def __init__(self, path: str, build: Callable[[], gr.Blocks], unavailable: str, wait_s: float = 120.0,
                 **mount_kwargs: Any) -> None:
        self.path = path
        self._build = build
        self._unavailable = unavailable
        self._wait_s = wait_s
        self._mount_kwargs = mount_kwargs
        self._served: App | None = None
        self._failed = False
        self._ready = asyncio.Event()
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def _make(self) -> tuple[FastAPI, App]:
        with lean_build():
            blocks = self._build()
        holder = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)  # carries the Gradio app's lifespan
        return holder, _mount(holder, blocks, self.path, **self._mount_kwargs)

    def start(self) -> None:
        """Begin building in the background (once); call from the event loop."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name=f"build {self.path}")

    async def stop(self) -> None:
        if self._task is not None:
            self._stop.set()
            await self._task

    async def _run(self) -> None:
        try:
            holder, served = await anyio.to_thread.run_sync(self._make)
            # the Gradio app's own lifespan: its queue, the cleanup of its cached files
            async with holder.router.lifespan_context(holder):
                self._served = served
                self._ready.set()
                await self._stop.wait()
        except Exception:
            log.exception("could not build the Gradio app at %s", self.path)
            self._failed = True
            self._ready.set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            return
        self.start()
        try:
            with anyio.fail_after(self._wait_s):
                await self._ready.wait()
        except TimeoutError:
            pass
        if self._served is None:
            if scope["type"] == "http":
                await PlainTextResponse(self._unavailable, status_code=503, headers={"Retry-After": "5"})(
                    scope, receive, send)
            return
        await self._served(scope, receive, send)


def add_deferred(app: FastAPI, deferred: DeferredMount) -> None:
    """Mount ``deferred`` at its path and start building it when the server starts (stopped with it).
    Call before mounting anything at ``/``, which would take its requests."""
    app.mount(deferred.path, deferred)
    outer = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(parent: FastAPI) -> AsyncIterator[Any]:
        async with outer(parent) as state:
            deferred.start()
            try:
                yield state
            finally:
                await deferred.stop()

    app.router.lifespan_context = lifespan  # type: ignore[assignment]

