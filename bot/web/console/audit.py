"""The 操作记录 tab: the audit trail, newest first."""

from __future__ import annotations

from typing import Any

import gradio as gr

from bot.curation.service import CuratorService
from bot.web.console.common import Loads, T, actor, guarded


def build(curator: CuratorService, loads: Loads) -> None:
    @guarded
    def audit(request: gr.Request) -> list[list[Any]]:
        return [[f"{e.at:%Y-%m-%d %H:%M:%S}", e.actor, e.action, e.target, e.detail[:300]]
                for e in curator.audit_log(actor(request))]

    refresh = gr.Button(T.REFRESH)
    table = gr.Dataframe(headers=list(T.AUDIT_COLUMNS), interactive=False, wrap=True)
    refresh.click(audit, None, [table])
    loads.add(audit, None, [table])
