"""The curator console (a second Gradio app, mounted at ``/curator`` behind the login gate), one
module per tab. Handlers take the acting curator from the request, call :class:`CuratorService` and
turn its results into tables; the service re-checks the account on every call."""

from __future__ import annotations

import html

import gradio as gr

from bot.curation.service import CuratorService
from bot.web.console import audit, curated, dashboard, documents, hit_test, posters, qa_import, review, upload, words
from bot.web.console.common import Loads, T, actor

_LOGOUT_JS = ("() => { fetch('/curator/logout', {method: 'POST', credentials: 'same-origin'})"
              ".finally(() => { window.location.href = '/curator/login'; }); }")


def build_console(curator: CuratorService) -> gr.Blocks:
    def whoami(request: gr.Request) -> str:
        return T.SIGNED_IN.format(name=html.escape(actor(request) or ""))

    loads = Loads()
    hours = int(curator.settings.file_cache_hours * 3600)
    with gr.Blocks(title=T.TITLE, delete_cache=(hours, hours)) as demo:
        gr.Markdown(f"## {T.TITLE}")
        with gr.Row():
            who = gr.Markdown(elem_id="whoami")
            logout = gr.Button(T.LOGOUT, size="sm", scale=0, min_width=100, elem_id="logout")
        logout.click(None, None, None, js=_LOGOUT_JS)
        with gr.Tabs() as tabs:
            with gr.Tab(T.TAB_UPLOAD, id="upload"):
                upload.build(curator)
            with gr.Tab(T.TAB_DOCS, id="docs"):
                documents.build(curator, loads)
            with gr.Tab(T.TAB_REVIEW, id="review"):
                review_table, review_groups = review.build(curator, loads)
            with gr.Tab(T.TAB_CURATED, id="curated"):
                editor = curated.build(curator, loads)
            with gr.Tab(hit_test.TAB, id="hit-test"):
                hit_test.build(curator, loads)
            with gr.Tab(T.TAB_DASHBOARD, id="dashboard"):
                dashboard.build(curator, loads)
            with gr.Tab(T.TAB_WORDS, id="words"):
                words.build(curator, loads)
            with gr.Tab(posters.TAB, id="posters"):
                posters.build(curator, loads)
            with gr.Tab(qa_import.TAB, id="qa-io"):
                qa_import.build(curator)
            with gr.Tab(T.TAB_AUDIT, id="audit"):
                audit.build(curator, loads)
        review.open_in_editor(review_table, review_groups, editor, tabs)
        demo.load(whoami, None, who)
        for fn, inputs, outputs in loads.items:
            demo.load(fn, inputs, outputs)
    return demo
