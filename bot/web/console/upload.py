"""The 上传资料 tab: upload files, see what happened to each."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gradio as gr

from bot.curation.service import CuratorInputError, CuratorService, Upload
from bot.web.console.common import GradioProgress, T, actor, guarded
from ingest.pipeline import IngestReport
from knowledge import texts

_RESULT_LABELS = {"ingested": texts.REPORT_INGESTED, "unchanged": texts.REPORT_UNCHANGED,
                  "failed": texts.REPORT_FAILED, "pruned": texts.REPORT_PRUNED, "held": texts.REPORT_HELD}


def report_rows(report: IngestReport) -> list[list[Any]]:
    return [[Path(r.path).name, _RESULT_LABELS.get(r.status, r.status), r.chunks, r.reason] for r in report.results]


def build(curator: CuratorService) -> None:
    @guarded
    def upload(files: list[str] | None, request: gr.Request, progress: gr.Progress = gr.Progress()  # noqa: B008
               ) -> tuple[str, list[list[Any]]]:
        if not files:
            raise CuratorInputError(texts.UPLOAD_NONE)
        uploads = [Upload(Path(f), Path(f).name) for f in files]
        report = curator.upload(actor(request), uploads, GradioProgress(progress))
        summary = T.UPLOAD_SUMMARY.format(ingested=report.count("ingested"), unchanged=report.count("unchanged"),
                                          held=report.count("held"), failed=report.count("failed"),
                                          chunks=report.total_chunks)
        return summary, report_rows(report)

    types = " ".join(sorted(curator.settings.allowed_upload_types))
    files = gr.File(label=T.UPLOAD_FILES.format(types=types), file_count="multiple", elem_id="upload-files")
    start = gr.Button(T.UPLOAD_START, variant="primary", elem_id="upload-start")
    summary = gr.Markdown(elem_id="upload-summary")
    report = gr.Dataframe(headers=list(T.REPORT_COLUMNS), interactive=False, wrap=True, elem_id="upload-report")
    start.click(upload, [files], [summary, report], concurrency_limit=1)
