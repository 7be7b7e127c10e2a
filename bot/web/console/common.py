"""What every console tab shares: the acting curator from the request, refusals shown as messages,
the selected row of a table, and a progress bar for ingestion."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

import gradio as gr

from ingest.pipeline import FileResult, Progress
from knowledge import texts
from knowledge.errors import AskScienceError

T = texts.Console
log = logging.getLogger(__name__)


@dataclass
class Loads:
    """Handlers each tab wants run when the console opens: (fn, inputs, outputs)."""

    items: list[tuple[Callable[..., Any], Any, Any]] = field(default_factory=list)

    def add(self, fn: Callable[..., Any], inputs: Any, outputs: Any) -> None:
        self.items.append((fn, inputs, outputs))


class GradioProgress(Progress):
    """Feeds pipeline progress into a Gradio progress bar."""

    def __init__(self, bar: gr.Progress) -> None:
        self._bar = bar
        self._total = self._done = self._chunks = 0

    def _show(self) -> None:
        desc = T.UPLOAD_PROGRESS.format(done=self._done, total=self._total, chunks=self._chunks)
        self._bar((self._done, max(self._total, 1)), desc=desc)

    def start(self, total_files: int) -> None:
        self._total = total_files
        self._show()

    def file_done(self, result: FileResult) -> None:
        self._done += 1
        self._show()

    def chunks_embedded(self, n: int) -> None:
        self._chunks += n
        self._show()


def actor(request: gr.Request | None) -> str | None:
    return getattr(request, "username", None) if request is not None else None


def guarded(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn service refusals into a visible Chinese message instead of an error trace."""
    @wraps(fn)
    def inner(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except AskScienceError as exc:  # NotAuthorised, CuratorInputError, StoreError, ...: a message for people
            raise gr.Error(str(exc)) from None
        except gr.Error:
            raise
        except Exception:
            log.exception("curator console action failed")
            raise gr.Error(texts.SERVICE_ERROR) from None
    return inner


def selected_row(evt: gr.SelectData) -> int:
    return evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
