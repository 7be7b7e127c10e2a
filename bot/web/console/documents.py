"""The 文档管理 tab: find a document, read its chunks, retire, restore, release a held one, delete."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gradio as gr

from bot.curation.service import CuratorInputError, CuratorService
from bot.web.console.common import Loads, T, actor, guarded, selected_row
from knowledge import texts
from knowledge.texts import Chart as C
from knowledge.types import DocumentStatus

_STATUS = {DocumentStatus.ACTIVE: texts.DOC_ACTIVE, DocumentStatus.RETIRED: texts.DOC_RETIRED,
           DocumentStatus.HELD: texts.DOC_HELD}


def build(curator: CuratorService, loads: Loads) -> None:
    @guarded
    def list_docs(search: str, request: gr.Request) -> tuple[list[list[Any]], list[str]]:
        docs = curator.documents(actor(request), search)
        rows = [[d.name, d.title, d.topic, d.chunks, _STATUS.get(d.status, d.status), d.kind, d.updated_by, d.note]
                for d in docs]
        return rows, [d.source for d in docs]

    @guarded
    def pick_doc(sources: list[str], evt: gr.SelectData, request: gr.Request) -> tuple[str, str, list[list[Any]]]:
        source = sources[selected_row(evt)]
        chunks = curator.chunks(actor(request), source)
        return source, Path(source).name, [[c.position + 1, c.heading, c.text] for c in chunks]

    def _need(source: str) -> str:
        if not source:
            raise CuratorInputError(texts.DOC_PICK_FIRST)
        return source

    @guarded
    def retire_doc(source: str, search: str, request: gr.Request) -> tuple[str, list[list[Any]], list[str]]:
        n = curator.retire_document(actor(request), _need(source))
        return texts.DOC_RETIRED_DONE.format(name=Path(source).name, n=n), *list_docs(search, request)

    @guarded
    def restore_doc(source: str, search: str, request: gr.Request) -> tuple[str, list[list[Any]], list[str]]:
        report = curator.restore_document(actor(request), _need(source))
        message = texts.DOC_RESTORED_DONE.format(name=Path(source).name) if not report.failed else \
            "；".join(r.reason for r in report.results if r.reason)
        return message, *list_docs(search, request)

    @guarded
    def release_doc(source: str, search: str, request: gr.Request) -> tuple[str, list[list[Any]], list[str]]:
        report = curator.release_document(actor(request), _need(source))
        message = texts.DOC_RELEASED_DONE.format(name=Path(source).name) if not report.failed else \
            "；".join(r.reason for r in report.results if r.reason)
        return message, *list_docs(search, request)

    @guarded
    def delete_doc(source: str, confirmed: bool, search: str, request: gr.Request
                   ) -> tuple[str, list[list[Any]], list[str]]:
        if not confirmed:
            raise CuratorInputError(T.DOC_NEED_CONFIRM)
        n = curator.delete_document(actor(request), _need(source))
        return texts.DOC_DELETED_DONE.format(name=Path(source).name, n=n), *list_docs(search, request)

    with gr.Row():
        search = gr.Textbox(label=T.SEARCH, scale=4)
        refresh = gr.Button(T.REFRESH, scale=1)
    table = gr.Dataframe(headers=[*T.DOC_COLUMNS, T.DOC_NOTE], interactive=False, wrap=True, elem_id="doc-table")
    sources = gr.State([])
    source = gr.State("")
    name = gr.Textbox(label=T.DOC_SELECTED, interactive=False)
    with gr.Row():
        retire_btn = gr.Button(T.DOC_RETIRE)
        restore_btn = gr.Button(T.DOC_RESTORE)
        release_btn = gr.Button(T.DOC_RELEASE, elem_id="doc-release")
        confirm = gr.Checkbox(label=T.DOC_CONFIRM_DELETE)
        delete_btn = gr.Button(T.DOC_DELETE, variant="stop")
    message = gr.Markdown(elem_id="doc-message")
    chunks = gr.Dataframe(headers=list(C.CHUNK_HEADERS), interactive=False, wrap=True, label=T.DOC_CHUNKS)

    outputs = [table, sources]
    for trigger in (refresh.click, search.submit):
        trigger(list_docs, [search], outputs)
    table.select(pick_doc, [sources], [source, name, chunks])
    retire_btn.click(retire_doc, [source, search], [message, *outputs])
    restore_btn.click(restore_doc, [source, search], [message, *outputs])
    release_btn.click(release_doc, [source, search], [message, *outputs])
    delete_btn.click(delete_doc, [source, confirm, search], [message, *outputs])
    loads.add(list_docs, [search], outputs)
