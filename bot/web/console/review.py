"""The 待审问题 tab: questions citizens did not get a good answer to, grouped by meaning. Picking a
group opens it in the 审核解答 editor."""

from __future__ import annotations

from typing import Any

import gradio as gr

from bot.curation.service import CuratorService
from bot.web.console.common import Loads, T, actor, guarded, selected_row
from knowledge import texts


def build(curator: CuratorService, loads: Loads) -> tuple[gr.Dataframe, gr.State]:
    """Returns the table and the phrasings of its groups, for :func:`open_in_editor`."""
    @guarded
    def list_review(request: gr.Request) -> tuple[list[list[Any]], list[list[str]]]:
        groups = curator.review_groups(actor(request))
        rows = [[g.question, g.count, g.no_answer, g.thumbs_down, g.reports,
                 texts.MODE_LABELS.get(g.last_mode, g.last_mode), g.last_answer[:120], " / ".join(g.comments)[:200]]
                for g in groups]
        return rows, [g.phrasings for g in groups]

    gr.Markdown(T.REVIEW_HINT)
    refresh = gr.Button(T.REFRESH)
    table = gr.Dataframe(headers=list(T.REVIEW_COLUMNS), interactive=False, wrap=True, elem_id="review-table")
    phrasings = gr.State([])
    refresh.click(list_review, None, [table, phrasings])
    loads.add(list_review, None, [table, phrasings])
    return table, phrasings


def open_in_editor(table: gr.Dataframe, phrasings: gr.State, editor: list[Any], tabs: gr.Tabs) -> None:
    def pick_review(groups: list[list[str]], evt: gr.SelectData) -> tuple[Any, ...]:
        group = groups[selected_row(evt)]
        return "", group[0], "\n".join(group[1:]), "", "", "", gr.Tabs(selected="curated")

    table.select(pick_review, [phrasings], [*editor, tabs])
