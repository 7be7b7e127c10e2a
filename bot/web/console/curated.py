"""The 审核解答 tab: write, edit, submit for review, publish and retire reviewed answers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gradio as gr

from bot.curation.service import CuratorInputError, CuratorService
from bot.web.console.common import Loads, T, actor, guarded, selected_row
from knowledge import texts
from knowledge.stores.curated import CuratedAnswer
from knowledge.types import AnswerStatus


def _rows(items: list[CuratedAnswer]) -> list[list[Any]]:
    return [[a.id, texts.STATUS_LABELS.get(a.status, a.status), a.question, a.verdict,
             f"{a.updated_at:%Y-%m-%d %H:%M}", a.reviewer] for a in items]


def _editor_values(a: CuratedAnswer) -> tuple[Any, ...]:
    return (str(a.id), a.question, "\n".join(a.paraphrases), a.answer, ", ".join(a.articles), a.verdict)


def build(curator: CuratorService, loads: Loads) -> list[Any]:
    """Returns the editor's fields (id, question, paraphrases, answer, articles, verdict)."""
    @guarded
    def list_curated(search: str, status: str, request: gr.Request) -> tuple[list[list[Any]], list[int]]:
        code = next((k for k, v in texts.STATUS_LABELS.items() if v == status), None)
        items = curator.curated(actor(request), search, code)
        return _rows(items), [a.id for a in items]

    @guarded
    def pick_curated(ids: list[int], search: str, status: str, evt: gr.SelectData, request: gr.Request
                     ) -> tuple[Any, ...]:
        wanted = ids[selected_row(evt)]
        found = next(a for a in curator.curated(actor(request)) if a.id == wanted)
        return _editor_values(found)

    @guarded
    def save(answer_id: str, question: str, paraphrases: str, answer: str, articles: str, verdict: str,
             search: str, status: str, request: gr.Request) -> tuple[Any, ...]:
        existing = int(answer_id) if (answer_id or "").strip().isdigit() else None
        saved = curator.save_curated(actor(request), question, answer, paraphrases, articles, verdict, existing)
        message = (texts.CURATED_SAVED.format(id=saved.id) if existing is None else
                   texts.CURATED_EDITED.format(id=saved.id, status=texts.STATUS_LABELS[saved.status]))
        return (message, *_editor_values(saved), *list_curated(search, status, request))

    def set_status(new_status: str, done: str) -> Callable[..., tuple[Any, ...]]:
        @guarded
        def handler(answer_id: str, search: str, status: str, request: gr.Request) -> tuple[Any, ...]:
            if not (answer_id or "").strip().isdigit():
                raise CuratorInputError(texts.CURATED_PICK_FIRST)
            changed = curator.set_curated_status(actor(request), int(answer_id), new_status)
            return (done.format(id=changed.id), *list_curated(search, status, request))
        return handler

    def clear_editor() -> tuple[str, ...]:
        return "", "", "", "", "", ""

    gr.Markdown(texts.Loop.CURATED_HINT)
    with gr.Row():
        search = gr.Textbox(label=T.SEARCH, scale=3)
        status = gr.Dropdown([T.STATUS_ALL, *texts.STATUS_LABELS.values()], value=T.STATUS_ALL,
                             label=T.STATUS_FILTER, scale=1)
        refresh = gr.Button(T.REFRESH, scale=1)
    table = gr.Dataframe(headers=list(T.CURATED_COLUMNS), interactive=False, wrap=True, max_height=300,
                         elem_id="curated-table")
    ids = gr.State([])
    f_id = gr.Textbox(label=T.FIELD_ID, interactive=False, elem_id="curated-id")
    f_question = gr.Textbox(label=T.FIELD_QUESTION, elem_id="curated-question")
    f_paraphrases = gr.Textbox(label=T.FIELD_PARAPHRASES, lines=3, elem_id="curated-paraphrases")
    f_answer = gr.Textbox(label=T.FIELD_ANSWER, lines=6, elem_id="curated-answer")
    with gr.Row():
        f_articles = gr.Textbox(label=T.FIELD_ARTICLES, elem_id="curated-articles")
        f_verdict = gr.Textbox(label=T.FIELD_VERDICT, elem_id="curated-verdict")
    with gr.Row():
        new_btn = gr.Button(T.NEW)
        save_btn = gr.Button(T.SAVE, elem_id="curated-save")
        submit_btn = gr.Button(texts.Loop.CURATED_SUBMIT, elem_id="curated-submit")
        publish_btn = gr.Button(T.PUBLISH, variant="primary", elem_id="curated-publish")
        retire_btn = gr.Button(T.RETIRE, variant="stop")
    message = gr.Markdown(elem_id="curated-message")

    editor = [f_id, f_question, f_paraphrases, f_answer, f_articles, f_verdict]
    listing = [table, ids]
    for trigger in (refresh.click, search.submit, status.change):
        trigger(list_curated, [search, status], listing)
    table.select(pick_curated, [ids, search, status], editor)
    new_btn.click(clear_editor, None, editor)
    save_btn.click(save, [*editor, search, status], [message, *editor, *listing])
    submit_btn.click(set_status(AnswerStatus.SUBMITTED, texts.Loop.CURATED_SUBMITTED), [f_id, search, status],
                     [message, *listing], api_name="submit_curated")
    publish_btn.click(set_status(AnswerStatus.PUBLISHED, texts.CURATED_PUBLISHED), [f_id, search, status],
                      [message, *listing], api_name="publish")
    retire_btn.click(set_status(AnswerStatus.RETIRED, texts.CURATED_RETIRED), [f_id, search, status],
                     [message, *listing], api_name="retire_curated")
    loads.add(list_curated, [search, status], listing)
    return editor
