"""The curator console (a second Gradio app, mounted at ``/curator`` behind the login gate).

Handlers take the acting curator from the request, call :class:`CuratorService` and turn its
results into tables; the service re-checks the account on every call.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import gradio as gr

from bot.curation.service import CuratorInputError, CuratorService, Upload
from ingest.pipeline import FileResult, IngestReport, Progress
from knowledge import texts
from knowledge.errors import AskScienceError
from knowledge.stores.curated import CuratedAnswer
from knowledge.texts import Chart as C
from knowledge.types import AnswerStatus, DocumentStatus

T = texts.Console
log = logging.getLogger(__name__)
_RESULT_LABELS = {"ingested": texts.REPORT_INGESTED, "unchanged": texts.REPORT_UNCHANGED,
                  "failed": texts.REPORT_FAILED, "pruned": texts.REPORT_PRUNED}


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


def _actor(request: gr.Request | None) -> str | None:
    return getattr(request, "username", None) if request is not None else None


def _guarded(fn: Callable[..., Any]) -> Callable[..., Any]:
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


def report_rows(report: IngestReport) -> list[list[Any]]:
    return [[Path(r.path).name, _RESULT_LABELS.get(r.status, r.status), r.chunks, r.reason] for r in report.results]


def _curated_rows(items: list[CuratedAnswer]) -> list[list[Any]]:
    return [[a.id, texts.STATUS_LABELS.get(a.status, a.status), a.question, a.verdict,
             f"{a.updated_at:%Y-%m-%d %H:%M}", a.reviewer] for a in items]


def _editor_values(a: CuratedAnswer) -> tuple[Any, ...]:
    return (str(a.id), a.question, "\n".join(a.paraphrases), a.answer, ", ".join(a.articles), a.verdict)


_LOGOUT_JS = ("() => { fetch('/curator/logout', {method: 'POST', credentials: 'same-origin'})"
              ".finally(() => { window.location.href = '/curator/login'; }); }")


def build_console(curator: CuratorService) -> gr.Blocks:
    def whoami(request: gr.Request) -> str:
        return T.SIGNED_IN.format(name=html.escape(_actor(request) or ""))

    # ---- upload ----------------------------------------------------------------------------------
    @_guarded
    def upload(files: list[str] | None, request: gr.Request, progress: gr.Progress = gr.Progress()  # noqa: B008
               ) -> tuple[str, list[list[Any]]]:
        if not files:
            raise CuratorInputError(texts.UPLOAD_NONE)
        uploads = [Upload(Path(f), Path(f).name) for f in files]
        report = curator.upload(_actor(request), uploads, GradioProgress(progress))
        summary = T.UPLOAD_SUMMARY.format(ingested=report.count("ingested"), unchanged=report.count("unchanged"),
                                          failed=report.count("failed"), chunks=report.total_chunks)
        return summary, report_rows(report)

    # ---- documents -------------------------------------------------------------------------------
    @_guarded
    def list_docs(search: str, request: gr.Request) -> tuple[list[list[Any]], list[str]]:
        docs = curator.documents(_actor(request), search)
        rows = [[d.name, d.title, d.topic, d.chunks,
                 texts.DOC_ACTIVE if d.status == DocumentStatus.ACTIVE else texts.DOC_RETIRED,
                 d.kind, d.updated_by] for d in docs]
        return rows, [d.source for d in docs]

    @_guarded
    def pick_doc(sources: list[str], evt: gr.SelectData, request: gr.Request) -> tuple[str, str, list[list[Any]]]:
        row = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
        source = sources[row]
        chunks = curator.chunks(_actor(request), source)
        return source, Path(source).name, [[c.position + 1, c.heading, c.text] for c in chunks]

    def _need(source: str) -> str:
        if not source:
            raise CuratorInputError(texts.DOC_PICK_FIRST)
        return source

    @_guarded
    def retire_doc(source: str, search: str, request: gr.Request) -> tuple[str, list[list[Any]], list[str]]:
        n = curator.retire_document(_actor(request), _need(source))
        return texts.DOC_RETIRED_DONE.format(name=Path(source).name, n=n), *list_docs(search, request)

    @_guarded
    def restore_doc(source: str, search: str, request: gr.Request) -> tuple[str, list[list[Any]], list[str]]:
        report = curator.restore_document(_actor(request), _need(source))
        message = texts.DOC_RESTORED_DONE.format(name=Path(source).name) if not report.failed else \
            "；".join(r.reason for r in report.results if r.reason)
        return message, *list_docs(search, request)

    @_guarded
    def delete_doc(source: str, confirmed: bool, search: str, request: gr.Request
                   ) -> tuple[str, list[list[Any]], list[str]]:
        if not confirmed:
            raise CuratorInputError(T.DOC_NEED_CONFIRM)
        n = curator.delete_document(_actor(request), _need(source))
        return texts.DOC_DELETED_DONE.format(name=Path(source).name, n=n), *list_docs(search, request)

    # ---- review queue ----------------------------------------------------------------------------
    @_guarded
    def list_review(request: gr.Request) -> tuple[list[list[Any]], list[list[str]]]:
        groups = curator.review_groups(_actor(request))
        rows = [[g.question, g.count, g.no_answer, g.thumbs_down, g.reports,
                 texts.MODE_LABELS.get(g.last_mode, g.last_mode), g.last_answer[:120], " / ".join(g.comments)[:200]]
                for g in groups]
        return rows, [g.phrasings for g in groups]

    def pick_review(phrasings: list[list[str]], evt: gr.SelectData) -> tuple[Any, ...]:
        row = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
        group = phrasings[row]
        return "", group[0], "\n".join(group[1:]), "", "", "", gr.Tabs(selected="curated")

    # ---- curated answers -------------------------------------------------------------------------
    @_guarded
    def list_curated(search: str, status: str, request: gr.Request) -> tuple[list[list[Any]], list[int]]:
        code = next((k for k, v in texts.STATUS_LABELS.items() if v == status), None)
        items = curator.curated(_actor(request), search, code)
        return _curated_rows(items), [a.id for a in items]

    @_guarded
    def pick_curated(ids: list[int], search: str, status: str, evt: gr.SelectData, request: gr.Request
                     ) -> tuple[Any, ...]:
        row = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
        wanted = ids[row]
        found = next(a for a in curator.curated(_actor(request)) if a.id == wanted)
        return _editor_values(found)

    @_guarded
    def save(answer_id: str, question: str, paraphrases: str, answer: str, articles: str, verdict: str,
             search: str, status: str, request: gr.Request) -> tuple[Any, ...]:
        existing = int(answer_id) if (answer_id or "").strip().isdigit() else None
        saved = curator.save_curated(_actor(request), question, answer, paraphrases, articles, verdict, existing)
        message = (texts.CURATED_SAVED.format(id=saved.id) if existing is None else
                   texts.CURATED_EDITED.format(id=saved.id, status=texts.STATUS_LABELS[saved.status]))
        return (message, *_editor_values(saved), *list_curated(search, status, request))

    def _set_status(new_status: str, done: str) -> Callable[..., tuple[Any, ...]]:
        @_guarded
        def handler(answer_id: str, search: str, status: str, request: gr.Request) -> tuple[Any, ...]:
            if not (answer_id or "").strip().isdigit():
                raise CuratorInputError(texts.CURATED_PICK_FIRST)
            changed = curator.set_curated_status(_actor(request), int(answer_id), new_status)
            return (done.format(id=changed.id), *list_curated(search, status, request))
        return handler

    def clear_editor() -> tuple[str, ...]:
        return "", "", "", "", "", ""

    # ---- dashboard and audit ---------------------------------------------------------------------
    @_guarded
    def dashboard(request: gr.Request) -> tuple[Any, ...]:
        d = curator.dashboard(_actor(request))
        summary = T.DASH_SUMMARY.format(days=30, total=d.total, share=d.answered_share)
        if d.llm_fallbacks:
            reasons = "；".join(f"{reason}（{n}）" for reason, n in d.llm_reasons)
            summary += "\n\n" + T.DASH_LLM_FALLBACK.format(failed=d.llm_fallbacks, share=d.llm_fallback_share,
                                                          reasons=html.escape(reasons))
        return summary, d.per_day, d.modes, d.topics, d.keywords, d.feedback

    @_guarded
    def audit(request: gr.Request) -> list[list[Any]]:
        return [[f"{e.at:%Y-%m-%d %H:%M:%S}", e.actor, e.action, e.target, e.detail[:300]]
                for e in curator.audit_log(_actor(request))]

    hours = int(curator.settings.file_cache_hours * 3600)
    with gr.Blocks(title=T.TITLE, delete_cache=(hours, hours)) as demo:
        gr.Markdown(f"## {T.TITLE}")
        with gr.Row():
            who = gr.Markdown(elem_id="whoami")
            logout = gr.Button(T.LOGOUT, size="sm", scale=0, min_width=100, elem_id="logout")
        logout.click(None, None, None, js=_LOGOUT_JS)
        with gr.Tabs() as tabs:
            with gr.Tab(T.TAB_UPLOAD, id="upload"):
                types = " ".join(sorted(curator.settings.allowed_upload_types))
                files = gr.File(label=T.UPLOAD_FILES.format(types=types), file_count="multiple", elem_id="upload-files")
                start = gr.Button(T.UPLOAD_START, variant="primary", elem_id="upload-start")
                summary = gr.Markdown(elem_id="upload-summary")
                report = gr.Dataframe(headers=list(T.REPORT_COLUMNS), interactive=False, wrap=True,
                                      elem_id="upload-report")
            with gr.Tab(T.TAB_DOCS, id="docs"):
                with gr.Row():
                    doc_search = gr.Textbox(label=T.SEARCH, scale=4)
                    doc_refresh = gr.Button(T.REFRESH, scale=1)
                doc_table = gr.Dataframe(headers=list(T.DOC_COLUMNS), interactive=False, wrap=True, elem_id="doc-table")
                doc_sources = gr.State([])
                doc_source = gr.State("")
                doc_name = gr.Textbox(label=T.DOC_SELECTED, interactive=False)
                with gr.Row():
                    retire_btn = gr.Button(T.DOC_RETIRE)
                    restore_btn = gr.Button(T.DOC_RESTORE)
                    confirm = gr.Checkbox(label=T.DOC_CONFIRM_DELETE)
                    delete_btn = gr.Button(T.DOC_DELETE, variant="stop")
                doc_message = gr.Markdown()
                doc_chunks = gr.Dataframe(headers=list(C.CHUNK_HEADERS), interactive=False, wrap=True,
                                          label=T.DOC_CHUNKS)
            with gr.Tab(T.TAB_REVIEW, id="review"):
                gr.Markdown(T.REVIEW_HINT)
                review_refresh = gr.Button(T.REFRESH)
                review_table = gr.Dataframe(headers=list(T.REVIEW_COLUMNS), interactive=False, wrap=True,
                                            elem_id="review-table")
                review_phrasings = gr.State([])
            with gr.Tab(T.TAB_CURATED, id="curated"):
                gr.Markdown(T.CURATED_HINT)
                with gr.Row():
                    cur_search = gr.Textbox(label=T.SEARCH, scale=3)
                    cur_status = gr.Dropdown([T.STATUS_ALL, *texts.STATUS_LABELS.values()], value=T.STATUS_ALL,
                                             label=T.STATUS_FILTER, scale=1)
                    cur_refresh = gr.Button(T.REFRESH, scale=1)
                cur_table = gr.Dataframe(headers=list(T.CURATED_COLUMNS), interactive=False, wrap=True, max_height=300,
                                         elem_id="curated-table")
                cur_ids = gr.State([])
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
                    publish_btn = gr.Button(T.PUBLISH, variant="primary", elem_id="curated-publish")
                    retire_cur_btn = gr.Button(T.RETIRE, variant="stop")
                cur_message = gr.Markdown(elem_id="curated-message")
            with gr.Tab(T.TAB_DASHBOARD, id="dashboard"):
                dash_refresh = gr.Button(T.REFRESH)
                dash_summary = gr.Markdown(elem_id="dash-summary")
                per_day = gr.LinePlot(x=C.DATE, y=C.QUESTIONS, color=C.CATEGORY, title=T.DASH_PER_DAY, y_lim=[0, None],
                                      x_axis_format="%m-%d", elem_id="dash-per-day")
                with gr.Row():
                    modes = gr.BarPlot(x=C.MODE, y=C.QUESTIONS, title=T.DASH_MODES, y_lim=[0, None], sort="-y")
                    feedback = gr.LinePlot(x=C.DATE, y=C.TIMES, color=C.FEEDBACK, title=T.DASH_FEEDBACK,
                                           y_lim=[0, None], x_axis_format="%m-%d")
                with gr.Row():
                    topics = gr.BarPlot(x=C.TOPIC, y=C.QUESTIONS, title=T.DASH_TOPICS, y_lim=[0, None], sort="-y")
                    keywords = gr.BarPlot(x=C.KEYWORD, y=C.TIMES, title=T.DASH_KEYWORDS, y_lim=[0, None], sort="-y")
            with gr.Tab(T.TAB_AUDIT, id="audit"):
                audit_refresh = gr.Button(T.REFRESH)
                audit_table = gr.Dataframe(headers=list(T.AUDIT_COLUMNS), interactive=False, wrap=True)

        editor = [f_id, f_question, f_paraphrases, f_answer, f_articles, f_verdict]
        start.click(upload, [files], [summary, report], concurrency_limit=1)
        doc_outputs = [doc_table, doc_sources]
        for trigger in (doc_refresh.click, doc_search.submit):
            trigger(list_docs, [doc_search], doc_outputs)
        doc_table.select(pick_doc, [doc_sources], [doc_source, doc_name, doc_chunks])
        retire_btn.click(retire_doc, [doc_source, doc_search], [doc_message, *doc_outputs])
        restore_btn.click(restore_doc, [doc_source, doc_search], [doc_message, *doc_outputs])
        delete_btn.click(delete_doc, [doc_source, confirm, doc_search], [doc_message, *doc_outputs])
        review_refresh.click(list_review, None, [review_table, review_phrasings])
        review_table.select(pick_review, [review_phrasings], [*editor, tabs])
        cur_list = [cur_table, cur_ids]
        for trigger in (cur_refresh.click, cur_search.submit, cur_status.change):
            trigger(list_curated, [cur_search, cur_status], cur_list)
        cur_table.select(pick_curated, [cur_ids, cur_search, cur_status], editor)
        new_btn.click(clear_editor, None, editor)
        save_btn.click(save, [*editor, cur_search, cur_status], [cur_message, *editor, *cur_list])
        publish_btn.click(_set_status(AnswerStatus.PUBLISHED, texts.CURATED_PUBLISHED), [f_id, cur_search, cur_status],
                          [cur_message, *cur_list], api_name="publish")
        retire_cur_btn.click(_set_status(AnswerStatus.RETIRED, texts.CURATED_RETIRED), [f_id, cur_search, cur_status],
                             [cur_message, *cur_list], api_name="retire_curated")
        dash_outputs = [dash_summary, per_day, modes, topics, keywords, feedback]
        dash_refresh.click(dashboard, None, dash_outputs)
        audit_refresh.click(audit, None, [audit_table])

        demo.load(whoami, None, who)
        demo.load(list_docs, [doc_search], doc_outputs)
        demo.load(list_review, None, [review_table, review_phrasings])
        demo.load(list_curated, [cur_search, cur_status], cur_list)
        demo.load(dashboard, None, dash_outputs)
        demo.load(audit, None, [audit_table])
    return demo
