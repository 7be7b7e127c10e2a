"""The curator console (a second Gradio app, mounted at ``/curator`` behind the login gate), one
module per tab. Handlers take the acting curator from the request, call :class:`CuratorService` and
turn its results into tables; the service re-checks the account on every call.

Which tabs an account sees follows its roles (``CuratorService.can``): on load the tabs its roles cannot use
are hidden and their load handlers do nothing. Hiding is a convenience; the server checks every call."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

import gradio as gr

from bot.curation.roles import Action
from bot.curation.service import CuratorService
from bot.web.console import (
    accounts,
    assign,
    audit,
    curated,
    dashboard,
    documents,
    drafting,
    freshness,
    hit_test,
    posters,
    qa_import,
    review,
    reviewing,
    timeliness,
    upload,
    words,
)
from bot.web.console.common import Loads, T, actor

_LOGOUT_JS = ("() => { fetch('/curator/logout', {method: 'POST', credentials: 'same-origin'})"
              ".finally(() => { window.location.href = '/curator/login'; }); }")


@dataclass
class TabSpec:
    """One tab: its builder, who sees it (any of ``show``), who its load handlers run for (any of ``load``;
    ``show`` when empty)."""

    id: str
    label: str
    build: Callable[[Loads], Any]
    show: tuple[Action, ...]
    load: tuple[Action, ...] = ()
    loads: Loads = field(default_factory=Loads)


def tab_specs(c: CuratorService) -> list[TabSpec]:
    A = Action
    return [
        TabSpec("upload", T.TAB_UPLOAD, lambda _: upload.build(c), (A.UPLOAD,)),
        TabSpec("docs", T.TAB_DOCS, lambda loads: documents.build(c, loads), (A.DOCUMENTS,)),
        TabSpec("review", T.TAB_REVIEW, lambda loads: review.build(c, loads), (A.QUEUE,)),
        TabSpec("assign", assign.TAB, lambda loads: assign.build(c, loads), (A.ASSIGN,)),
        TabSpec("tasks", drafting.TAB, lambda loads: drafting.build(c, loads), (A.DRAFT,)),
        TabSpec("inbox", reviewing.TAB, lambda loads: reviewing.build(c, loads), (A.PUBLISH,)),
        # every answer, whoever wrote it: curators and reviewers
        TabSpec("curated", T.TAB_CURATED, lambda loads: curated.build(c, loads), (A.ASSIGNMENTS_ALL,)),
        TabSpec("freshness", freshness.TAB, lambda loads: freshness.build(c, loads), (A.QUEUE,)),
        # experts test questions too; the tab's load shows the last regression check
        TabSpec("hit-test", hit_test.TAB, lambda loads: hit_test.build(c, loads), (A.HIT_TEST,), (A.REGRESSION,)),
        TabSpec("dashboard", T.TAB_DASHBOARD, lambda loads: dashboard.build(c, loads), (A.DASHBOARD,)),
        TabSpec("timeliness", timeliness.TAB, lambda loads: timeliness.build(c, loads), (A.DASHBOARD,)),
        TabSpec("words", T.TAB_WORDS, lambda loads: words.build(c, loads), (A.WORDS,)),
        TabSpec("posters", posters.TAB, lambda loads: posters.build(c, loads), (A.POSTERS,)),
        TabSpec("qa-io", qa_import.TAB, lambda _: qa_import.build(c), (A.IMPORT, A.EXPORT)),
        TabSpec("audit", T.TAB_AUDIT, lambda loads: audit.build(c, loads), (A.AUDIT,)),
        TabSpec("accounts", accounts.TAB, lambda loads: accounts.build(c, loads), (A.ACCOUNTS,)),
    ]


def _request_of(args: tuple[Any, ...], kwargs: dict[str, Any]) -> gr.Request | None:
    found = kwargs.get("request")
    return found if isinstance(found, gr.Request) else next((a for a in args if isinstance(a, gr.Request)), None)


def _only_for(curator: CuratorService, actions: tuple[Action, ...], fn: Callable[..., Any],
              outputs: Any) -> Callable[..., Any]:
    """A load handler that leaves its outputs alone for an account none of ``actions`` is allowed to."""
    n = len(outputs) if isinstance(outputs, (list, tuple)) else 1

    @wraps(fn)
    def inner(*args: Any, **kwargs: Any) -> Any:
        who = actor(_request_of(args, kwargs))
        if not any(curator.can(who, a) for a in actions):
            return gr.skip() if n == 1 else tuple(gr.skip() for _ in range(n))
        return fn(*args, **kwargs)
    return inner


def build_console(curator: CuratorService) -> gr.Blocks:
    specs = tab_specs(curator)

    def whoami(request: gr.Request) -> str:
        return T.SIGNED_IN.format(name=html.escape(actor(request) or ""))

    def show_tabs(request: gr.Request) -> tuple[Any, ...]:
        who = actor(request)
        visible = [any(curator.can(who, a) for a in s.show) for s in specs]
        first = next((s.id for s, v in zip(specs, visible, strict=True) if v), specs[0].id)
        return (gr.Tabs(selected=first), *(gr.Tab(visible=v) for v in visible))

    hours = int(curator.settings.file_cache_hours * 3600)
    with gr.Blocks(title=T.TITLE, delete_cache=(hours, hours)) as demo:
        gr.Markdown(f"## {T.TITLE}")
        with gr.Row():
            who = gr.Markdown(elem_id="whoami")
            logout = gr.Button(T.LOGOUT, size="sm", scale=0, min_width=100, elem_id="logout")
        logout.click(None, None, None, js=_LOGOUT_JS)
        built: dict[str, Any] = {}
        shown: list[gr.Tab] = []
        with gr.Tabs() as tabs:
            for spec in specs:
                with gr.Tab(spec.label, id=spec.id, visible=False, elem_id=f"tab-{spec.id}") as tab:
                    built[spec.id] = spec.build(spec.loads)
                shown.append(tab)
        review_table, review_groups = built["review"]
        review.open_in_editor(review_table, review_groups, built["curated"], tabs)
        demo.load(whoami, None, who)
        demo.load(show_tabs, None, [tabs, *shown])
        for spec in specs:
            for fn, inputs, outputs in spec.loads.items:
                demo.load(_only_for(curator, spec.load or spec.show, fn, outputs), inputs, outputs)
    return demo
