"""The 批量导入导出 tab: reviewed Q&A in and out of spreadsheets — download the template, check a file
(a dry run listing every problem as 行 / 列 / 原因), import it as drafts or published, export the answers.
Every handler calls the curator service; the checking, writing and formatting live in bot/curation/qa_io.py."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import gradio as gr

from bot.curation.qa_io import KINDS, ImportPlan, Problem, QaFileRefused
from bot.curation.service import CuratorInputError, CuratorService, Upload
from bot.web.console.common import actor, guarded
from knowledge import texts
from knowledge.types import AnswerStatus

TAB = texts.QA_TAB
MAX_SHOWN = 200  # problems listed in the table (the summary gives the total)
_KEEP_SECONDS = 3600  # a generated file waits this long for its download


def _save(folder: Path, name: str, data: bytes) -> str:
    """Write one download into a fresh sub-folder of ``folder``, removing those older than an hour."""
    for old in folder.iterdir():
        if old.is_dir() and time.time() - old.stat().st_mtime > _KEEP_SECONDS:
            shutil.rmtree(old, ignore_errors=True)
    target = Path(tempfile.mkdtemp(dir=folder)) / name
    target.write_bytes(data)
    return str(target)


def _upload(path: str | None) -> Upload:
    if not path:
        raise CuratorInputError(texts.QA_NEED_FILE)
    return Upload(Path(path), Path(path).name)  # Gradio keeps the original file name


def _table(problems: tuple[Problem, ...]) -> list[list[Any]]:
    return [[p.row, p.column, p.reason] for p in problems[:MAX_SHOWN]]


def _plan_text(plan: ImportPlan) -> str:
    text = plan.summary()
    if plan.problems:
        text += "\n\n" + texts.QA_PLAN_SHOWN.format(shown=min(len(plan.problems), MAX_SHOWN), total=len(plan.problems))
    return text


def build(curator: CuratorService) -> None:
    folder = Path(tempfile.mkdtemp(prefix="askscience-qa-"))

    @guarded
    def template(kind: str, request: gr.Request) -> str:
        data = curator.qa_template(actor(request), kind)
        return _save(folder, texts.QA_TEMPLATE_FILE.format(ext=kind), data)

    @guarded
    def check(path: str | None, request: gr.Request) -> tuple[str, list[list[Any]]]:
        try:
            plan = curator.import_plan(actor(request), _upload(path))
        except QaFileRefused as refused:  # the whole file: its reason is the dry run's answer
            return str(refused), []
        return _plan_text(plan), _table(plan.problems)

    def importer(publish: bool):
        @guarded
        def handler(path: str | None, request: gr.Request) -> tuple[str, list[list[Any]]]:
            user = actor(request)
            try:  # checked again here: what is imported is the file as it is now
                result = curator.import_apply(user, curator.import_plan(user, _upload(path)), publish)
            except QaFileRefused as refused:
                return str(refused), []
            return result.summary(), _table(result.problems)
        return handler

    @guarded
    def export(kind: str, scope: str, request: gr.Request) -> str:
        status = AnswerStatus.PUBLISHED if scope == texts.QA_EXPORT_PUBLISHED else None
        data = curator.export_qa(actor(request), kind, status)
        return _save(folder, texts.QA_EXPORT_FILE.format(date=dt.date.today().isoformat(), ext=kind), data)

    gr.Markdown(texts.QA_HINT)
    kind = gr.Radio(list(KINDS), value=KINDS[0], label=texts.QA_FORMAT, elem_id="qa-kind")
    with gr.Row():
        template_btn = gr.Button(texts.QA_TEMPLATE_BUTTON, scale=0, min_width=160, elem_id="qa-template")
        template_file = gr.File(label=texts.QA_FILE, interactive=False, height=90, elem_id="qa-template-file")
    source = gr.File(label=texts.QA_UPLOAD, file_types=[".xlsx", ".csv"], type="filepath", elem_id="qa-file")
    with gr.Row():
        check_btn = gr.Button(texts.QA_CHECK, elem_id="qa-check")
        import_btn = gr.Button(texts.QA_IMPORT, elem_id="qa-import")
        publish_btn = gr.Button(texts.QA_IMPORT_PUBLISH, variant="primary", elem_id="qa-import-publish")
    summary = gr.Markdown(elem_id="qa-summary")
    problems = gr.Dataframe(headers=list(texts.QA_PROBLEM_COLUMNS), interactive=False, wrap=True, max_height=400,
                            elem_id="qa-problems")
    with gr.Row():
        scope = gr.Radio([texts.QA_EXPORT_ALL, texts.QA_EXPORT_PUBLISHED], value=texts.QA_EXPORT_ALL,
                         label=texts.QA_EXPORT_SCOPE, elem_id="qa-scope")
        export_btn = gr.Button(texts.QA_EXPORT_BUTTON, scale=0, min_width=160, elem_id="qa-export")
    export_file = gr.File(label=texts.QA_FILE, interactive=False, height=90, elem_id="qa-export-file")

    template_btn.click(template, [kind], [template_file], api_name="qa_template")
    check_btn.click(check, [source], [summary, problems], api_name="qa_validate")
    source.upload(check, [source], [summary, problems], api_name=False)
    import_btn.click(importer(False), [source], [summary, problems], api_name="qa_import")
    publish_btn.click(importer(True), [source], [summary, problems], api_name="qa_import_publish")
    export_btn.click(export, [kind, scope], [export_file], api_name="qa_export")
