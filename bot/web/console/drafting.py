"""The 我的任务 tab (experts; curators and reviewers see everyone's): the assignments; choosing one shows what
``Workflow.start_draft`` gathers (the questions, what citizens were told, the closest passages) and an editor
prefilled with the draft; 保存草稿 and 提交审核. A returned answer shows the reviewer's comment."""

from __future__ import annotations

import html
import re
from typing import Any

import gradio as gr

from bot.curation.service import CuratorInputError, CuratorService
from bot.curation.workflow import AssignmentView, DraftStart
from bot.web.console.assign import draft_label, when
from bot.web.console.common import Loads, actor, guarded, selected_row
from knowledge import texts
from knowledge.types import AnswerStatus

L = texts.Loop
TAB = L.TAB_TASKS
_SPLIT = re.compile(r"[\s,，、;；]+")


def _rows(views: list[AssignmentView]) -> list[list[Any]]:
    return [[v.assignment.id, v.assignment.question, v.assignment.expert, when(v.assignment.due_at),
             L.OVERDUE if v.overdue else L.ON_TIME, len(v.tickets), draft_label(v),
             v.draft.review_comment if v.draft is not None else ""] for v in views]


def _bullets(items: list[str], empty: str) -> str:
    lines = [f"- {html.escape(' '.join(item.split())[:300])}" for item in items if item.strip()]
    return "\n".join(lines) if lines else empty


def context_md(start: DraftStart) -> str:
    """What the expert reads before writing: the questions, what citizens were told, the closest passages
    (all escaped: citizens typed the questions, anyone may have written an uploaded document)."""
    passages = "\n".join(L.TASK_PASSAGE.format(title=html.escape(p.title), source=html.escape(p.source),
                                               score=p.score, text=html.escape(" ".join(p.text.split())[:240]))
                          for p in start.passages)
    parts = [L.TASK_QUESTIONS, _bullets(start.questions, L.TASK_NOTHING_TOLD),
             L.TASK_TOLD, _bullets(start.told, L.TASK_NOTHING_TOLD),
             L.TASK_PASSAGES, passages or L.TASK_NO_PASSAGES]
    draft = start.view.draft
    if draft is not None and draft.status == AnswerStatus.RETURNED and draft.review_comment:
        parts.insert(0, L.TASK_RETURNED.format(comment=html.escape(draft.review_comment)))
    return "\n\n".join(parts)


def editor_values(start: DraftStart) -> tuple[Any, ...]:
    """The editor prefilled: the expert's saved draft if there is one, else the composer's first draft."""
    draft = start.view.draft
    if draft is not None:
        return (str(draft.id), draft.question, "\n".join(draft.paraphrases), draft.answer, ", ".join(draft.articles),
                bool(draft.expert_opinion))
    question = start.view.assignment.question
    others = [q for q in start.questions if q != question]
    return "", question, "\n".join(others), start.draft, ", ".join(start.articles), False


def build(curator: CuratorService, loads: Loads) -> None:
    flow = curator.workflow

    @guarded
    def list_tasks(request: gr.Request) -> tuple[list[list[Any]], list[int]]:
        views = flow.assignments(actor(request))
        return _rows(views), [v.assignment.id for v in views]

    @guarded
    def pick_task(ids: list[int], evt: gr.SelectData, request: gr.Request) -> tuple[Any, ...]:
        assignment_id = ids[selected_row(evt)]
        start = flow.start_draft(actor(request), assignment_id)
        return ("", str(assignment_id), context_md(start), *editor_values(start))

    def _save(assignment_id: str, question: str, phrasings: str, answer: str, articles: str, opinion: bool,
              request: gr.Request) -> Any:
        if not (assignment_id or "").strip().isdigit():
            raise CuratorInputError(L.TASK_PICK_FIRST)
        return flow.save_draft(actor(request), question or "", answer or "", (phrasings or "").splitlines(),
                               [a for a in _SPLIT.split(articles or "") if a], assignment_id=int(assignment_id),
                               expert_opinion=bool(opinion))

    @guarded
    def save(assignment_id: str, question: str, phrasings: str, answer: str, articles: str, opinion: bool,
             request: gr.Request) -> tuple[Any, ...]:
        saved = _save(assignment_id, question, phrasings, answer, articles, opinion, request)
        return (L.DRAFT_SAVED.format(id=saved.id), str(saved.id), *list_tasks(request))

    @guarded
    def submit(assignment_id: str, question: str, phrasings: str, answer: str, articles: str, opinion: bool,
               request: gr.Request) -> tuple[Any, ...]:
        saved = _save(assignment_id, question, phrasings, answer, articles, opinion, request)  # what is on screen
        sent = flow.submit(actor(request), saved.id)
        waiting = next((len(v.tickets) for v in flow.assignments(actor(request))
                        if v.assignment.id == int(assignment_id)), 0)
        return (L.SUBMITTED.format(id=sent.id, n=waiting), str(sent.id), *list_tasks(request))

    gr.Markdown(L.TASKS_HINT)
    refresh = gr.Button(texts.Console.REFRESH)
    table = gr.Dataframe(headers=list(L.TASK_COLUMNS), interactive=False, wrap=True, max_height=300,
                         elem_id="tasks-table")
    ids = gr.State([])
    message = gr.Markdown(elem_id="tasks-message")
    with gr.Row():
        with gr.Column(scale=1):
            context = gr.Markdown(elem_id="tasks-context")
        with gr.Column(scale=1):
            with gr.Row():
                f_task = gr.Textbox(label=L.FIELD_TASK, interactive=False, elem_id="tasks-id")
                f_answer_id = gr.Textbox(label=L.FIELD_ANSWER_ID, interactive=False, elem_id="tasks-answer-id")
            f_question = gr.Textbox(label=L.FIELD_QUESTION, elem_id="tasks-question")
            f_phrasings = gr.Textbox(label=L.FIELD_PHRASINGS, lines=3, elem_id="tasks-phrasings")
            f_answer = gr.Textbox(label=L.FIELD_ANSWER, lines=8, elem_id="tasks-answer")
            f_articles = gr.Textbox(label=L.FIELD_ARTICLES, elem_id="tasks-articles")
            f_opinion = gr.Checkbox(label=L.FIELD_EXPERT_OPINION, elem_id="tasks-opinion")
            with gr.Row():
                save_btn = gr.Button(L.SAVE_DRAFT, elem_id="tasks-save")
                submit_btn = gr.Button(L.SUBMIT, variant="primary", elem_id="tasks-submit")

    listing = [table, ids]
    fields = [f_task, f_question, f_phrasings, f_answer, f_articles, f_opinion]
    refresh.click(list_tasks, None, listing, api_name="my_tasks")
    table.select(pick_task, [ids], [message, f_task, context, f_answer_id, f_question, f_phrasings, f_answer,
                                    f_articles, f_opinion])
    save_btn.click(save, fields, [message, f_answer_id, *listing], api_name="save_task_draft")
    submit_btn.click(submit, fields, [message, f_answer_id, *listing], api_name="submit_task")
    loads.add(list_tasks, None, listing)
