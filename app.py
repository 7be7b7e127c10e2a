"""AskScience web app: wiring only. Settings are built once here and passed down."""

from __future__ import annotations

import logging
import os

for _name, _value in {"GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1", "HF_HUB_DISABLE_TELEMETRY": "1",
                      "ANONYMIZED_TELEMETRY": "False"}.items():
    os.environ.setdefault(_name, _value)

import gradio as gr  # noqa: E402
import uvicorn  # noqa: E402
from fastapi import FastAPI  # noqa: E402

from bot.api import add_api  # noqa: E402
from bot.factory import build_service  # noqa: E402
from bot.ui import CSS, build_chat  # noqa: E402
from ingest.progress import ConsoleProgress  # noqa: E402
from ingest.service import build_pipeline  # noqa: E402
from knowledge.settings import Settings  # noqa: E402
from knowledge.starter import load_starter  # noqa: E402


def create_app(settings: Settings) -> FastAPI:
    service = build_service(settings)
    if service.kb.count() == 0 and service.store is not None:
        print("首次启动：正在载入入门知识库……")
        report = load_starter(settings.starter_dir, build_pipeline(settings, service.kb), service.store,
                              ConsoleProgress())
        print(report.summary_line())
    service.kb.tokenizer.warm_up()
    if service.curated is not None:
        service.curated.refresh()
    app = FastAPI(title="AskScience")
    add_api(app, service)
    demo = build_chat(service)
    demo.queue(default_concurrency_limit=8, max_size=256)
    return gr.mount_gradio_app(app, demo, path="/", css=CSS)


def main() -> None:
    logging.basicConfig(level=logging.INFO)
    settings = Settings()
    app = create_app(settings)
    uvicorn.run(app, host=os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"),
                port=int(os.environ.get("GRADIO_SERVER_PORT", "7860")))


if __name__ == "__main__":
    main()
