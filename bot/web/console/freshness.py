"""The 到期复核 tab: published answers and articles past their review-by date (``Workflow.overdue_reviews``), the
most overdue first; answers are checked and edited in 审核解答 by their number, articles re-uploaded."""

from __future__ import annotations

import datetime as dt
from typing import Any

import gradio as gr

from bot.curation.service import CuratorService
from bot.curation.workflow import Overdue
from bot.web.console.common import Loads, actor, guarded
from knowledge import texts
from knowledge.stores.models import utcnow

L = texts.Loop
TAB = L.TAB_FRESHNESS


def rows(items: list[Overdue], today: dt.date) -> list[list[Any]]:
    return [[texts.FRESHNESS_KINDS[o.kind], o.ref, o.title, f"{o.due:%Y-%m-%d}", o.days_over(today), o.reviewer,
             o.reviewed] for o in items]


def build(curator: CuratorService, loads: Loads) -> None:
    @guarded
    def overdue(request: gr.Request) -> tuple[str, list[list[Any]]]:
        today = utcnow().date()
        items = curator.workflow.overdue_reviews(actor(request), today)
        return (L.FRESHNESS_COUNT.format(n=len(items)) if items else L.FRESHNESS_NONE), rows(items, today)

    gr.Markdown(L.FRESHNESS_HINT)
    refresh = gr.Button(texts.Console.REFRESH)
    summary = gr.Markdown(elem_id="freshness-summary")
    table = gr.Dataframe(headers=list(L.FRESHNESS_COLUMNS), interactive=False, wrap=True, elem_id="freshness-table")
    refresh.click(overdue, None, [summary, table], api_name="overdue_reviews")
    loads.add(overdue, None, [summary, table])
