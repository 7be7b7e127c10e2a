"""The 数据看板 tab: what the public asks and how well it is answered."""

from __future__ import annotations

import html
from typing import Any

import gradio as gr

from bot.curation.regression import last_run_line
from bot.curation.service import CuratorService
from bot.web.console.common import Loads, T, actor, guarded
from knowledge.texts import Chart as C


def build(curator: CuratorService, loads: Loads) -> None:
    @guarded
    def dashboard(request: gr.Request) -> tuple[Any, ...]:
        d = curator.dashboard(actor(request))
        summary = T.DASH_SUMMARY.format(days=30, total=d.total, share=d.answered_share)
        if d.blocked:
            summary += T.DASH_BLOCKED.format(n=d.blocked)
        if d.llm_fallbacks:
            reasons = "；".join(f"{reason}（{n}）" for reason, n in d.llm_reasons)
            summary += "\n\n" + T.DASH_LLM_FALLBACK.format(failed=d.llm_fallbacks, share=d.llm_fallback_share,
                                                          reasons=html.escape(reasons))
        if d.last_regression is not None:
            summary += "\n\n" + last_run_line(d.last_regression)
        return summary, d.per_day, d.modes, d.topics, d.keywords, d.feedback, d.channels_per_day, d.channels

    refresh = gr.Button(T.REFRESH)
    summary = gr.Markdown(elem_id="dash-summary")
    per_day = gr.LinePlot(x=C.DATE, y=C.QUESTIONS, color=C.CATEGORY, title=T.DASH_PER_DAY, y_lim=[0, None],
                          x_axis_format="%m-%d", elem_id="dash-per-day")
    with gr.Row():
        modes = gr.BarPlot(x=C.MODE, y=C.QUESTIONS, title=T.DASH_MODES, y_lim=[0, None], sort="-y")
        feedback = gr.LinePlot(x=C.DATE, y=C.TIMES, color=C.FEEDBACK, title=T.DASH_FEEDBACK,
                               y_lim=[0, None], x_axis_format="%m-%d")
    with gr.Row():
        topics = gr.BarPlot(x=C.TOPIC, y=C.QUESTIONS, title=T.DASH_TOPICS, y_lim=[0, None], sort="-y")
        keywords = gr.BarPlot(x=C.KEYWORD, y=C.TIMES, title=T.DASH_KEYWORDS, y_lim=[0, None], sort="-y")
    with gr.Row():
        channels_plot = gr.LinePlot(x=C.DATE, y=C.QUESTIONS, color=C.CHANNEL, title=T.DASH_CHANNELS, y_lim=[0, None],
                                    x_axis_format="%m-%d", elem_id="dash-channels")
        channels = gr.Dataframe(headers=[C.CHANNEL, C.QUESTIONS, C.ANSWERED_SHARE], interactive=False,
                                label=T.DASH_CHANNEL_TABLE, elem_id="dash-channel-table")
    outputs = [summary, per_day, modes, topics, keywords, feedback, channels_plot, channels]
    refresh.click(dashboard, None, outputs)
    loads.add(dashboard, None, outputs)
