"""The whole web app, wired: settings are built once here and passed down.

``askscience serve`` and ``python app.py`` both run :func:`main`.
"""

from __future__ import annotations

import argparse
import logging
import os
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

# OPENBLAS_NUM_THREADS: numpy's BLAS reads it when numpy is imported, so it is set before anything else. Many
# questions run side by side; a second BLAS thread per call only spins (CPU per answer 189 → 92 ms, 2 cores).
for _name, _value in {"GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1", "HF_HUB_DISABLE_TELEMETRY": "1",
                      "ANONYMIZED_TELEMETRY": "False", "OPENBLAS_NUM_THREADS": "1"}.items():
    os.environ.setdefault(_name, _value)

from bot.web.gradio_stubs import skip_stub_writing  # noqa: E402

skip_stub_writing()  # before Gradio is imported: rewriting its type stubs is ~40 % of `import gradio`

import anyio.to_thread  # noqa: E402
import uvicorn  # noqa: E402
from fastapi import FastAPI  # noqa: E402
from gradio import Blocks  # noqa: E402
from gradio.utils import get_upload_folder  # noqa: E402

from bot.curation.retention import RetentionJob  # noqa: E402
from bot.curation.service import CuratorService  # noqa: E402
from bot.engine.factory import build_service  # noqa: E402
from bot.engine.service import AnswerService  # noqa: E402
from bot.web.answer_pages import AnswerPages, add_answer_pages  # noqa: E402
from bot.web.api import add_api  # noqa: E402
from bot.web.chat import CSS, EMBED_CSS, EMBED_PATH, HEAD, add_embed_redirect, build_chat, build_embed  # noqa: E402
from bot.web.curation_api import add_curation_api  # noqa: E402
from bot.web.gate import PREFIX, CuratorGate, add_login_routes, current_curator  # noqa: E402
from bot.web.gradio_mount import DeferredMount, add_deferred, lean_build, mount  # noqa: E402
from bot.web.guard import Guard  # noqa: E402
from bot.web.openai_api import add_openai_api  # noqa: E402
from bot.web.ratelimit import RateLimiter  # noqa: E402
from ingest.progress import ConsoleProgress  # noqa: E402
from ingest.service import build_pipeline  # noqa: E402
from ingest.starter import load_starter  # noqa: E402
from knowledge import texts  # noqa: E402
from knowledge.errors import StoreError  # noqa: E402
from knowledge.settings import Settings  # noqa: E402
from knowledge.stores.accounts import Accounts  # noqa: E402
from knowledge.stores.channels import Channels  # noqa: E402

log = logging.getLogger(__name__)


def _warm_up(service: AnswerService) -> None:
    """What the first question needs and the page does not: the vector store opened and checked against
    the keyword index (~2 s), the jieba dictionary (~1 s), the keyword search view (~0.5 s), the published
    curated answers (~0.5 s), the homophone reader (~1 s). A question that comes first waits for what it needs."""
    try:
        service.kb.refresh()  # deferred: opens the vector store and checks the keyword index against it
    except StoreError:
        log.exception("the knowledge base could not be opened at start-up; the first question will try again")
    service.kb.tokenizer.warm_up()
    service.kb.idf("预热")  # the keyword index's search view (bm25s, scipy)
    if service.curated is not None:
        service.curated.refresh()
    service.kb.homophones()  # read only for questions that found nothing, but built here rather than then


def _when_serving(app: FastAPI, service: AnswerService, threads: int) -> None:
    """What the server does as it starts (its lifespan), not while the page is built: it gets ``threads`` worker
    threads (AnyIO's default of 40 let questions waiting for an answering slot hold every thread, so an answer
    already kept queued behind them), and :func:`_warm_up` starts in a thread of its own."""
    outer = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(parent: FastAPI) -> AsyncIterator[Any]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = threads
        async with outer(parent) as state:
            threading.Thread(target=_warm_up, args=(service,), name="warm-up", daemon=True).start()
            yield state

    app.router.lifespan_context = lifespan  # type: ignore[assignment]


def _console(curator: CuratorService) -> Blocks:
    from bot.web.console import build_console  # its tabs import the poster (fpdf2) and spreadsheet code

    return build_console(curator).queue(default_concurrency_limit=4, max_size=64)


def create_app(settings: Settings) -> FastAPI:
    """The whole server: citizen chat at ``/``, JSON API at ``/api/ask``, curator console at ``/curator``."""
    service = build_service(settings, deferred=True)
    assert service.store is not None
    pipeline = build_pipeline(settings, service.kb)
    if not service.kb.has_chunks():
        print(texts.FIRST_START)
        report = load_starter(settings.starter_dir, pipeline, service.store, ConsoleProgress())
        print(report.summary_line())
    RetentionJob(service.store.questions, settings.question_log_days).start()
    accounts = Accounts(service.store.db, settings.session_hours, settings.login_max_failures,
                        settings.login_lockout_minutes, settings.login_max_per_address, settings.login_name_ceiling,
                        settings.public_reviewer)
    service.public_name = accounts.public_name
    curator = CuratorService(settings, service.kb, service.store, pipeline, accounts, service.words, answers=service)
    limiter = RateLimiter({"questions": settings.rate_questions_per_minute,
                           "feedback": settings.rate_feedback_per_minute})
    trusted = settings.trusted_proxy_set

    app = FastAPI(title="AskScience", docs_url=None, redoc_url=None, openapi_url=None)
    app.add_middleware(CuratorGate, accounts=accounts)
    app.add_middleware(Guard, trusted_proxies=trusted, max_body=settings.max_request_kb * 1024,
                       max_upload=int(settings.upload_max_mb * 1024 * 1024 * 1.05) + 64 * 1024,
                       private_dirs=(get_upload_folder(), str(settings.data_dir)))
    add_api(app, service, limiter, trusted, curator.workflow)
    add_answer_pages(app, service, AnswerPages(service.store.db))
    add_openai_api(app, service, Channels(service.store.db), limiter, trusted)
    add_login_routes(app, accounts, settings.cookie_secure, trusted)
    add_curation_api(app, curator)  # /curator/api: before the console takes /curator
    # The curator console and the /embed chat are built once the server is up (the first page view does
    # not need them); a request for them before then waits for the build (bot/web/gradio_mount.py).
    add_deferred(app, DeferredMount(PREFIX, lambda: _console(curator), texts.SERVICE_ERROR,
                                    auth_dependency=current_curator(accounts),
                                    max_file_size=f"{settings.upload_max_mb:g}mb", footer_links=[]))
    add_embed_redirect(app)  # GET /embed?channel=NAME → /embed/?channel=NAME
    add_deferred(app, DeferredMount(EMBED_PATH, lambda: build_embed(service, limiter, trusted).queue(
        default_concurrency_limit=16, max_size=512), texts.SERVICE_ERROR,
        css=EMBED_CSS, head=HEAD, footer_links=[], max_file_size="1kb"))
    with lean_build():  # Gradio's throw-away apps skipped: the Blocks gets its one app at mount()
        demo = build_chat(service, limiter, trusted, curator.workflow).queue(default_concurrency_limit=16,
                                                                             max_size=512)
    _when_serving(app, service, settings.web_threads)
    return mount(app, demo, "/", css=CSS, head=HEAD, footer_links=["api"], max_file_size="1kb")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="askscience serve", description="Run the web app.")
    parser.add_argument("--host", default=os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"),
                        help="address to listen on (default: $GRADIO_SERVER_NAME or 127.0.0.1)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("GRADIO_SERVER_PORT", "7860")),
                        help="port (default: $GRADIO_SERVER_PORT or 7860)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per Chroma-server request otherwise
    settings = Settings()
    app = create_app(settings)
    uvicorn.run(app, host=args.host, port=args.port,
                proxy_headers=False, server_header=False)  # the Guard decides which proxies to believe
    return 0
