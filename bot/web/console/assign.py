"""The 分派 tab (curators): the open needs grouped by meaning, each with its citizens' ticket codes; give a
group to an expert with a due time; see the open assignments (overdue ones marked), reassign or cancel them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import gradio as gr

from bot.curation.service import CuratorInputError, CuratorService
from bot.curation.workflow import AssignmentView, QueueGroup
from bot.web.console.common import Loads, actor, guarded, selected_row
from knowledge import texts
from knowledge.stores.models import utcnow

L = texts.Loop
TAB = L.TAB_ASSIGN


def topic_label(topic: str) -> str:
    return texts.TOPIC_LABELS.get(topic, topic) if topic else texts.TIMELINESS_NO_TOPIC


def when(moment: dt.datetime | None) -> str:
    return f"{moment:{L.UTC}}" if moment is not None else ""


def parse_due(text: str) -> dt.datetime:
    """A due time typed as ``YYYY-MM-DD HH:MM`` (UTC, seconds allowed); the curator's message if it is not one."""
    try:
        return dt.datetime.fromisoformat((text or "").strip().replace("T", " ")).replace(tzinfo=None, microsecond=0)
    except ValueError:
        raise CuratorInputError(L.ASSIGN_BAD_DUE) from None


def draft_label(view: AssignmentView) -> str:
    return texts.STATUS_LABELS.get(view.draft.status, view.draft.status) if view.draft is not None else L.NO_DRAFT


def _queue_rows(groups: list[QueueGroup]) -> list[list[Any]]:
    return [[g.question, g.count, topic_label(g.topic), len(g.tickets), " ".join(g.tickets[:12]),
             "、".join(g.experts[:3])] for g in groups]


def _assignment_rows(views: list[AssignmentView]) -> list[list[Any]]:
    return [[v.assignment.id, v.assignment.question, v.assignment.expert, topic_label(v.assignment.topic),
             when(v.assignment.due_at), L.OVERDUE if v.overdue else L.ON_TIME, len(v.tickets), draft_label(v)]
            for v in views]


def build(curator: CuratorService, loads: Loads) -> None:
    flow = curator.workflow

    @guarded
    def refresh(request: gr.Request) -> tuple[Any, ...]:
        who = actor(request)
        groups = flow.queue(who)
        views = flow.assignments(who)
        experts = [a.username for a in curator.accounts.experts()]
        return (_queue_rows(groups), [[g.id, g.question, g.experts] for g in groups],
                _assignment_rows(views), [v.assignment.id for v in views], gr.Dropdown(choices=experts))

    def pick_group(groups: list[list[Any]], evt: gr.SelectData) -> tuple[Any, ...]:
        group_id, question, experts = groups[selected_row(evt)]
        due = utcnow() + dt.timedelta(hours=curator.settings.ticket_due_hours)
        return group_id, question, gr.Dropdown(choices=experts, value=experts[0] if experts else None), when(due)

    @guarded
    def assign(group_id: str, expert: str | None, due: str, request: gr.Request) -> tuple[Any, ...]:
        if not group_id:
            raise CuratorInputError(L.ASSIGN_PICK_FIRST)
        if not expert:
            raise CuratorInputError(L.ASSIGN_PICK_EXPERT)
        made = flow.assign(actor(request), group_id, expert, parse_due(due))
        n = len(flow.tickets.of_assignment(made.id))
        message = L.ASSIGN_DONE.format(expert=expert, id=made.id, due=when(made.due_at), n=n)
        return (message, "", "", *refresh(request))

    def pick_assignment(ids: list[int], evt: gr.SelectData) -> str:
        return str(ids[selected_row(evt)])

    def _picked(assignment_id: str) -> int:
        if not (assignment_id or "").strip().isdigit():
            raise CuratorInputError(L.ASSIGNMENT_PICK_FIRST)
        return int(assignment_id)

    @guarded
    def reassign(assignment_id: str, expert: str | None, request: gr.Request) -> tuple[Any, ...]:
        if not expert:
            raise CuratorInputError(L.ASSIGN_PICK_EXPERT)
        changed = flow.reassign(actor(request), _picked(assignment_id), expert)
        return (L.REASSIGNED.format(id=changed.id, expert=expert), *refresh(request))

    @guarded
    def cancel(assignment_id: str, request: gr.Request) -> tuple[Any, ...]:
        changed = flow.cancel_assignment(actor(request), _picked(assignment_id))
        return (L.CANCELLED.format(id=changed.id), *refresh(request))

    gr.Markdown(L.ASSIGN_HINT)
    refresh_btn = gr.Button(texts.Console.REFRESH)
    queue = gr.Dataframe(headers=list(L.QUEUE_COLUMNS), interactive=False, wrap=True, max_height=320,
                         elem_id="assign-queue")
    groups = gr.State([])
    with gr.Row():
        group_id = gr.Textbox(visible=False, elem_id="assign-group-id")
        picked = gr.Textbox(label=L.ASSIGN_PICKED, interactive=False, scale=3, elem_id="assign-picked")
        expert = gr.Dropdown([], label=L.ASSIGN_EXPERT, scale=1, elem_id="assign-expert")
        due = gr.Textbox(label=L.ASSIGN_DUE, scale=1, elem_id="assign-due")
    assign_btn = gr.Button(L.ASSIGN_BUTTON, variant="primary", elem_id="assign-button")
    message = gr.Markdown(elem_id="assign-message")
    gr.Markdown(L.ASSIGN_OPEN_TITLE)
    table = gr.Dataframe(headers=list(L.ASSIGNMENT_COLUMNS), interactive=False, wrap=True, max_height=320,
                         elem_id="assign-open")
    ids = gr.State([])
    with gr.Row():
        assignment_id = gr.Textbox(label=L.ASSIGNMENT_PICKED, interactive=False, scale=1, elem_id="assign-picked-id")
        other = gr.Dropdown([], label=L.REASSIGN_TO, scale=1, elem_id="assign-reassign-to")
        reassign_btn = gr.Button(L.REASSIGN_BUTTON, scale=1)
        cancel_btn = gr.Button(L.CANCEL_BUTTON, variant="stop", scale=1)

    listing = [queue, groups, table, ids, other]
    refresh_btn.click(refresh, None, listing, api_name="assign_queue")
    queue.select(pick_group, [groups], [group_id, picked, expert, due])
    assign_btn.click(assign, [group_id, expert, due], [message, group_id, picked, *listing], api_name="assign")
    table.select(pick_assignment, [ids], [assignment_id])
    reassign_btn.click(reassign, [assignment_id, other], [message, *listing], api_name="reassign")
    cancel_btn.click(cancel, [assignment_id], [message, *listing], api_name="cancel_assignment")
    loads.add(refresh, None, listing)
