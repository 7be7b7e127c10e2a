"""The 时效 tab: how long citizens with a ticket code wait for their answer (``Workflow.timeliness``): open,
overdue, median time to answer and the share answered within the due time, by topic and by expert."""

from __future__ import annotations

from typing import Any

import gradio as gr
import pandas as pd

from bot.curation.service import CuratorService
from bot.curation.workflow import Timeliness, TimelinessRow
from bot.web.console.assign import topic_label
from bot.web.console.common import Loads, actor, guarded
from knowledge import texts

L = texts.Loop
TAB = L.TAB_TIMELINESS


def _hours(value: float | None) -> str:
    return L.NOT_YET if value is None else L.HOURS.format(h=value)


def _share(value: float | None) -> str:
    return L.NOT_YET if value is None else f"{value:.0%}"


def summary_md(t: Timeliness) -> str:
    r = t.total
    return L.TIMELINESS_SUMMARY.format(days=t.days, tickets=r.tickets, open=r.open, overdue=r.overdue,
                                       answered=r.answered, median=_hours(r.median_hours),
                                       share=_share(r.within_due_share), due=t.due_hours)


def states_frame(rows: list[TimelinessRow], name: str, label: Any = str) -> pd.DataFrame:
    """Tickets per topic (or expert) split into answered / open in time / overdue, for a stacked bar plot."""
    records = []
    for r in rows:
        for state, n in ((L.STATE_ANSWERED, r.answered), (L.STATE_OPEN, r.open - r.overdue),
                         (L.STATE_OVERDUE, r.overdue)):
            records.append({name: label(r.name), L.CHART_STATE: state, L.CHART_TICKETS: n})
    return pd.DataFrame(records, columns=[name, L.CHART_STATE, L.CHART_TICKETS])


def hours_frame(rows: list[TimelinessRow]) -> pd.DataFrame:
    return pd.DataFrame([{L.CHART_EXPERT: r.name, L.CHART_HOURS: r.median_hours} for r in rows
                         if r.median_hours is not None], columns=[L.CHART_EXPERT, L.CHART_HOURS])


def table_rows(t: Timeliness) -> list[list[Any]]:
    def row(group: str, r: TimelinessRow, name: str) -> list[Any]:
        return [group, name, r.tickets, r.open, r.overdue, r.answered,
                L.NOT_YET if r.median_hours is None else r.median_hours, _share(r.within_due_share)]
    return ([row(texts.TIMELINESS_ALL, t.total, texts.TIMELINESS_ALL)]
            + [row(L.GROUP_TOPIC, r, topic_label(r.name)) for r in t.by_topic]
            + [row(L.GROUP_EXPERT, r, r.name) for r in t.by_expert])


def build(curator: CuratorService, loads: Loads) -> None:
    @guarded
    def figures(request: gr.Request) -> tuple[Any, ...]:
        t = curator.workflow.timeliness(actor(request))
        return (summary_md(t), states_frame(t.by_topic, L.CHART_TOPIC, topic_label),
                states_frame(t.by_expert, L.CHART_EXPERT), hours_frame(t.by_expert), table_rows(t))

    gr.Markdown(L.TIMELINESS_HINT.format(days=30))
    refresh = gr.Button(texts.Console.REFRESH)
    summary = gr.Markdown(elem_id="timeliness-summary")
    colours = {L.STATE_ANSWERED: "#16a34a", L.STATE_OPEN: "#f59e0b", L.STATE_OVERDUE: "#dc2626"}
    with gr.Row():
        by_topic = gr.BarPlot(x=L.CHART_TOPIC, y=L.CHART_TICKETS, color=L.CHART_STATE, color_map=colours,
                              title=L.BY_TOPIC, y_lim=[0, None], elem_id="timeliness-topics")
        by_expert = gr.BarPlot(x=L.CHART_EXPERT, y=L.CHART_TICKETS, color=L.CHART_STATE, color_map=colours,
                               title=L.BY_EXPERT_TICKETS, y_lim=[0, None], elem_id="timeliness-experts")
    hours = gr.BarPlot(x=L.CHART_EXPERT, y=L.CHART_HOURS, title=L.BY_EXPERT, y_lim=[0, None], sort="-y",
                       elem_id="timeliness-hours")
    table = gr.Dataframe(headers=list(L.TIMELINESS_COLUMNS), interactive=False, wrap=True,
                         elem_id="timeliness-table")
    outputs = [summary, by_topic, by_expert, hours, table]
    refresh.click(figures, None, outputs, api_name="timeliness")
    loads.add(figures, None, outputs)
