"""Small helpers shared by tests: a service over a handful of articles, and waiting on an event."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from bot.engine.factory import build_service
from bot.engine.service import AnswerService
from ingest.service import build_pipeline
from knowledge.settings import Settings


def service_over(settings: Settings, folder: Path, articles: dict[str, str]) -> AnswerService:
    """An answer service whose knowledge base holds exactly ``articles`` (file name → text), with the
    no-answer gate opened so every question gets an answer from them."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in articles.items():
        (folder / name).write_text(text, encoding="utf-8")
    settings = settings.model_copy(update={"evidence_threshold": 0.05, "evidence_keyword_weight": 0.0})
    service = build_service(settings)
    build_pipeline(settings, service.kb).run([folder])
    return service


def wait_until(check: Callable[[], bool], seconds: float, every: float = 0.05) -> bool:
    """Poll ``check`` until it is true (True) or ``seconds`` pass (False): wait on an event, not a guess."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(every)
    return False
