"""The 待审核 tab (reviewers): submitted answers, oldest first; read one with its author, tickets and sources,
then 发布 (four-eyes: not one's own) or 退回 with a comment."""

from __future__ import annotations

import html
from typing import Any

import gradio as gr

from bot.curation.roles import Action
from bot.curation.service import CuratorInputError, CuratorService
from bot.web.console.assign import when
from bot.web.console.common import Loads, actor, guarded, selected_row
from knowledge import texts
from knowledge.errors import AskScienceError
from knowledge.stores.curated import CuratedAnswer

L = texts.Loop
TAB = L.TAB_INBOX


def sources_label(a: CuratedAnswer) -> str:
    parts = list(a.articles)
    if a.expert_opinion:
        parts.append(texts.EXPERT_OPINION.format(name=a.expert_opinion))
    return "、".join(parts) or L.INBOX_NONE


def _rows(items: list[CuratedAnswer]) -> list[list[Any]]:
    return [[a.id, a.question, a.author, sources_label(a), when(a.updated_at)] for a in items]


def view_md(a: CuratedAnswer, codes: list[str]) -> str:
    """The answer as the reviewer reads it (escaped: it is someone else's text)."""
    return L.INBOX_VIEW.format(
        question=html.escape(a.question), author=html.escape(a.author or L.INBOX_NONE),
        tickets=" ".join(codes) or L.INBOX_NONE, phrasings=html.escape("；".join(a.paraphrases)) or L.INBOX_NONE,
        sources=html.escape(sources_label(a)), answer=html.escape(a.answer).replace("\n", "\n\n"))


def build(curator: CuratorService, loads: Loads) -> None:
    flow = curator.workflow

    @guarded
    def list_inbox(request: gr.Request) -> tuple[list[list[Any]], list[int]]:
        items = flow.inbox(actor(request))
        return _rows(items), [a.id for a in items]

    @guarded
    def pick(ids: list[int], evt: gr.SelectData, request: gr.Request) -> tuple[Any, ...]:
        who = actor(request)
        wanted = ids[selected_row(evt)]
        found = next((a for a in flow.inbox(who) if a.id == wanted), None)
        if found is None:
            raise CuratorInputError(texts.WORKFLOW_NO_ANSWER)
        codes = [t.code for t in flow.tickets.of_answer(found.id)]
        return str(found.id), view_md(found, codes), ""

    def _picked(answer_id: str) -> int:
        if not (answer_id or "").strip().isdigit():
            raise CuratorInputError(L.INBOX_PICK_FIRST)
        return int(answer_id)

    @guarded
    def publish(answer_id: str, request: gr.Request) -> tuple[Any, ...]:
        curator.require(actor(request), Action.PUBLISH)
        try:
            done = flow.publish(actor(request), _picked(answer_id))
        except AskScienceError as exc:  # four-eyes and state refusals stay on screen, in Chinese
            return (f"⚠️ {exc}", answer_id, gr.skip(), *list_inbox(request))
        return (L.PUBLISHED.format(id=done.id), "", "", *list_inbox(request))

    @guarded
    def send_back(answer_id: str, comment: str, request: gr.Request) -> tuple[Any, ...]:
        try:
            done = flow.send_back(actor(request), _picked(answer_id), comment or "")
        except AskScienceError as exc:
            return (f"⚠️ {exc}", answer_id, gr.skip(), *list_inbox(request))
        return (L.RETURNED.format(id=done.id, author=done.author), "", "", *list_inbox(request))

    gr.Markdown(L.INBOX_HINT)
    refresh = gr.Button(texts.Console.REFRESH)
    table = gr.Dataframe(headers=list(L.INBOX_COLUMNS), interactive=False, wrap=True, max_height=300,
                         elem_id="inbox-table")
    ids = gr.State([])
    f_id = gr.Textbox(label=L.INBOX_COLUMNS[0], interactive=False, elem_id="inbox-id")
    view = gr.Markdown(elem_id="inbox-view")
    comment = gr.Textbox(label=L.RETURN_COMMENT, lines=2, elem_id="inbox-comment")
    with gr.Row():
        publish_btn = gr.Button(L.PUBLISH, variant="primary", elem_id="inbox-publish")
        return_btn = gr.Button(L.RETURN, variant="stop", elem_id="inbox-return")
    message = gr.Markdown(elem_id="inbox-message")

    listing = [table, ids]
    refresh.click(list_inbox, None, listing, api_name="inbox")
    table.select(pick, [ids], [f_id, view, comment])
    publish_btn.click(publish, [f_id], [message, f_id, view, *listing], api_name="publish_answer")
    return_btn.click(send_back, [f_id, comment], [message, f_id, view, *listing], api_name="return_answer")
    loads.add(list_inbox, None, listing)
