"""Gradio apps built without throw-away servers, and apps built after start-up (bot/web/gradio_mount.py)."""

from __future__ import annotations

import subprocess
import sys
import threading

import gradio as gr
import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.types import ASGIApp, Receive, Scope, Send

from bot.web.gradio_mount import DeferredMount, add_deferred, lean_build, mount
from knowledge import texts
from tests.conftest import ROOT
from tests.helpers import wait_until


def _shouting(title: str = "shout") -> gr.Blocks:
    with gr.Blocks(title=title) as demo:
        box = gr.Textbox()
        out = gr.Textbox()
        # a validator runs through the path of Gradio's queue that needs the Blocks' own app
        box.submit(lambda s: s.upper(), box, out, api_name="shout", validator=lambda s: gr.validate(bool(s), "空"))
    return demo.queue()


def _shout(client: TestClient, base: str, text: str) -> str:
    """Run the Blocks' event through its queue, as the page does, and return what it answered."""
    started = client.post(f"{base}/gradio_api/call/shout", json={"data": [text]})
    assert started.status_code == 200, started.text
    done = client.get(f"{base}/gradio_api/call/shout/{started.json()['event_id']}")
    assert done.status_code == 200
    assert "event: complete" in done.text, done.text
    return done.text.split("data: ", 1)[1].strip()


def test_a_lean_built_blocks_serves_its_page_and_runs_events_through_the_queue() -> None:
    app = FastAPI()
    with lean_build():
        demo = _shouting("页面")
    mount(app, demo, "/")
    with TestClient(app) as client:
        page = client.get("/")
        assert page.status_code == 200 and "页面" in page.text
        assert _shout(client, "", "hello") == '["HELLO"]'


def test_lean_build_puts_gradio_back_as_it_was() -> None:
    with lean_build():
        _shouting()
    app = FastAPI()
    gr.mount_gradio_app(app, _shouting("plain"), "/")  # Gradio's own way still works afterwards
    with TestClient(app) as client:
        assert _shout(client, "", "x") == '["X"]'


class _Seen:
    """Middleware that notes when a request for ``path`` has reached the app."""

    def __init__(self, app: ASGIApp, path: str, seen: threading.Event) -> None:
        self.app, self.path, self.seen = app, path, seen

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(self.path):
            self.seen.set()
        await self.app(scope, receive, send)


def test_a_request_that_comes_before_the_deferred_app_is_built_waits_for_it() -> None:
    release, building, seen = threading.Event(), threading.Event(), threading.Event()

    def slow_build() -> gr.Blocks:
        building.set()
        release.wait(60)
        return _shouting("稍后建好")

    app = FastAPI()
    add_deferred(app, DeferredMount("/later", slow_build, texts.SERVICE_ERROR))
    with lean_build():
        demo = _shouting("首页")
    mount(app, demo, "/")
    app.add_middleware(_Seen, path="/later", seen=seen)
    answers: list[httpx.Response] = []
    with TestClient(app) as client:
        assert wait_until(building.is_set, 30)  # the server started it by itself
        assert client.get("/").status_code == 200  # the main page does not wait for it
        asker = threading.Thread(target=lambda: answers.append(client.get("/later/")))
        asker.start()
        assert wait_until(seen.is_set, 30)
        release.set()
        asker.join(60)
        assert answers and answers[0].status_code == 200 and "稍后建好" in answers[0].text
        assert _shout(client, "/later", "late") == '["LATE"]'


def test_a_deferred_app_that_cannot_be_built_answers_503_with_a_message() -> None:
    def broken() -> gr.Blocks:
        raise RuntimeError("no console today")

    app = FastAPI()
    add_deferred(app, DeferredMount("/broken", broken, texts.SERVICE_ERROR))
    with lean_build():
        demo = _shouting()
    mount(app, demo, "/")
    with TestClient(app) as client:
        r = client.get("/broken/")
        assert r.status_code == 503
        assert r.text == texts.SERVICE_ERROR
        assert client.get("/").status_code == 200


_STUBS_CHECK = """
from pathlib import Path
from bot.web.gradio_stubs import skip_stub_writing
skip_stub_writing()
opened = []
real = Path.read_text
def spying(self, *args, **kwargs):
    if self.suffix == ".pyi":
        opened.append(self.name)
    return real(self, *args, **kwargs)
Path.read_text = spying
import gradio as gr
Path.read_text = real
with gr.Blocks() as demo:
    gr.Textbox(label="问题")
print("stubs read:", len(opened), "components:", len(demo.blocks))
"""


def test_gradio_imported_after_skip_stub_writing_leaves_its_type_stubs_alone_and_still_builds_pages() -> None:
    done = subprocess.run([sys.executable, "-c", _STUBS_CHECK], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "stubs read: 0 components: " in done.stdout
    assert not done.stdout.strip().endswith("components: 0")
