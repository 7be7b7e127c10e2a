"""The 命中测试 tab: what a citizen would get for a question, rendered as the citizen page renders it, and
why (the engine's decision trace as tables); and the regression check of every published answer."""

from __future__ import annotations

from typing import Any

import gradio as gr

from bot.curation.regression import Failure, RegressionReport, last_run_line, outcome_label
from bot.curation.service import CuratorInputError, CuratorService
from bot.engine.trace import Composer, DecisionTrace
from bot.engine.types import Answer
from bot.web.chat import CSS as CHAT_CSS
from bot.web.console.common import Loads, actor, guarded
from bot.web.render import render_answer
from knowledge import texts

H = texts.HitTest
TAB = H.TAB
_ANSWER_ID = "hit-answer"


def _answer_css() -> str:
    """The citizen page's rules for the safety box, highlights and source cards, for the answer shown here."""
    rules = [line.replace("#chat ", f"#{_ANSWER_ID} ") for line in CHAT_CSS.splitlines()
             if line.startswith(("#chat .safety", "#chat mark", "#chat details", "#chat summary"))]
    return "<style>" + "\n".join(rules) + "</style>"


def _num(value: float | None, digits: int = 3) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _cell(text: str) -> str:
    """Text for a Markdown table cell: no pipes or line breaks that would break the table."""
    return text.replace("|", "｜").replace("\n", " ")


def result_md(answer: Answer) -> str:
    """The outcome in one paragraph: mode, composer, the query used and the time taken."""
    trace = answer.trace
    assert trace is not None
    mode = texts.MODE_LABELS.get(trace.mode, trace.mode)
    if answer.curated_id is not None:
        mode += H.CURATED_ID.format(id=answer.curated_id)
    composer = H.COMPOSERS.get(trace.composer, trace.composer)
    if trace.composer == Composer.FALLBACK:
        composer += H.FALLBACK_REASON.format(reason=_cell(trace.fallback_reason))
    elif trace.composer == Composer.NONE:
        composer += H.NOT_COMPOSED.get(trace.mode, "")
    lines = [H.RESULT_MODE.format(mode=mode), H.RESULT_COMPOSER.format(composer=composer)]
    if trace.query and trace.query != answer.question.strip():
        lines.append(H.RESULT_QUERY.format(query=_cell(trace.query)))
    lines.append(H.RESULT_TIME.format(ms=trace.timings.get("total_ms", 0.0)))
    return "\n\n".join(lines)


def triage_md(answer: Answer) -> str:
    """The safety triage: level, situation, confidence and every level's probability; the sensitive-word check."""
    trace = answer.trace
    assert trace is not None
    t = trace.triage
    level = H.LEVELS.get(t.level, t.level)
    aid = answer.triage.first_aid
    situation = aid.label if aid is not None and aid.label else t.situation
    head = H.TRIAGE_LINE.format(level=level, confidence=t.confidence)
    if situation and t.level != "none":
        head += H.TRIAGE_SITUATION.format(situation=situation)
    if t.inherited:
        head += H.TRIAGE_INHERITED
    parts = [head]
    if t.scores:
        rows = sorted(t.scores.items(), key=lambda kv: -kv[1])
        parts.append("\n".join([H.SCORES_HEAD, "|---|---|", *(f"| {H.LEVELS.get(k, k)} | {v:.3f} |" for k, v in rows)]))
    s = trace.sensitive
    if not s.hit:
        parts.append(H.SENSITIVE_NONE)
    else:
        terms = "、".join(f"「{_cell(term)}」" for term in s.terms)
        verdict = H.SENSITIVE_REFUSED if s.refused else (H.SENSITIVE_SKIPPED if not s.consulted else "")
        parts.append(H.SENSITIVE_HIT.format(terms=terms) + verdict)
    return "\n\n".join(parts)


def curated_md(trace: DecisionTrace) -> str:
    """How the reviewed answers were weighed: the rule and its thresholds (the candidates are a table)."""
    c = trace.curated
    if c is None:
        return H.CURATED_SKIPPED
    if c.by_model:
        return H.CURATED_BY_MODEL.format(answer_at=c.answer_at, suggest_at=c.suggest_at)
    return H.CURATED_BY_COSINE.format(answer_at=c.answer_at)


def candidate_rows(trace: DecisionTrace) -> list[list[Any]]:
    if trace.curated is None:
        return []
    return [[c.answer_id, c.question, _num(c.similarity), _num(c.probability),
             H.CANDIDATE_ANSWERED if c.answered else H.CANDIDATE_OFFERED if c.offered else ""]
            for c in trace.curated.candidates]


def passage_rows(trace: DecisionTrace) -> list[list[Any]]:
    return [[p.rank, p.title, p.article, _num(p.dense), _num(p.keyword, 2), _num(p.fused, 4), H.YES if p.given else "",
             H.YES if p.cited else "", p.heading if p.heading != p.title else "", p.snippet] for p in trace.passages]


def gate_md(trace: DecisionTrace) -> str:
    """The no-answer gate: the evidence, how it is made, the threshold and the outcome."""
    g = trace.gate
    if g is None:
        return H.GATE_SKIPPED
    line = H.GATE_LINE.format(evidence=g.evidence, dense=g.top_dense, weight=g.keyword_weight,
                              keyword=g.top_keyword, threshold=g.threshold)
    if not g.consulted:
        return line + H.GATE_NOT_CONSULTED
    return line + (H.GATE_PASSED if g.passed else H.GATE_FAILED)


def failure_rows(failures: list[Failure]) -> list[list[Any]]:
    return [[f.answer_id, f.question + ("" if f.published else texts.REGRESSION_WITHDRAWN), f.phrasing,
             outcome_label(f), f.got_text, H.YES if f.new else ""] for f in failures]


def regression_md(report: RegressionReport) -> str:
    return report.summary_line() + ("" if report.failures else "\n\n" + H.REGRESSION_ALL_PASSED)


def build(curator: CuratorService, loads: Loads) -> None:
    @guarded
    def try_question(question: str, earlier: str, request: gr.Request) -> tuple[Any, ...]:
        user = actor(request)
        if not (question or "").strip():
            raise CuratorInputError(texts.QUESTION_EMPTY)
        history: list[tuple[str, str]] = []
        earlier_shown = ""
        if (earlier or "").strip():
            before = curator.hit_test(user, earlier, None)
            history = [(earlier, render_answer(before, read_aloud=True))]  # what the chat page keeps of a turn
            earlier_shown = render_answer(before)
        answer = curator.hit_test(user, question, history)
        trace = answer.trace
        assert trace is not None
        return (render_answer(answer), earlier_shown, result_md(answer), triage_md(answer), curated_md(trace),
                candidate_rows(trace), passage_rows(trace), gate_md(trace))

    @guarded
    def check_all(request: gr.Request, progress: gr.Progress = gr.Progress()  # noqa: B008
                  ) -> tuple[str, list[list[Any]]]:
        def step(done: int, total: int) -> None:
            if done == 1 or done == total or done % 20 == 0:
                progress((done, total), desc=texts.REGRESSION_PROGRESS.format(done=done, total=total))

        report = curator.regression(actor(request), step)
        return regression_md(report), failure_rows(report.failures)

    @guarded
    def last_run(request: gr.Request) -> tuple[str, list[list[Any]]]:
        last = curator.last_regression(actor(request))
        if last is None:
            return H.REGRESSION_NEVER, []
        return last_run_line(last), failure_rows([Failure.from_dict(f) for f in last.failures])

    gr.HTML(_answer_css(), js_on_load=None)
    gr.Markdown(H.HINT)
    with gr.Row():
        question = gr.Textbox(label=H.QUESTION, scale=3, elem_id="hit-question")
        earlier = gr.Textbox(label=H.EARLIER, scale=2, elem_id="hit-earlier")
    run = gr.Button(H.RUN, variant="primary", elem_id="hit-run")
    gr.Markdown(H.H_ANSWER)
    answer = gr.Markdown(elem_id=_ANSWER_ID)
    with gr.Accordion(H.EARLIER_ANSWER, open=False):
        earlier_answer = gr.Markdown(elem_id="hit-earlier-answer")
    gr.Markdown(H.H_RESULT)
    result = gr.Markdown(elem_id="hit-result")
    gr.Markdown(H.H_TRIAGE)
    triage = gr.Markdown(elem_id="hit-triage")
    gr.Markdown(H.H_CURATED)
    curated = gr.Markdown(elem_id="hit-curated")
    candidates = gr.Dataframe(headers=list(H.CANDIDATE_COLUMNS), interactive=False, wrap=True,
                              elem_id="hit-candidates")
    gr.Markdown(H.H_PASSAGES)
    passages = gr.Dataframe(headers=list(H.PASSAGE_COLUMNS), interactive=False, wrap=True, max_height=420,
                            elem_id="hit-passages")
    gr.Markdown(H.H_GATE)
    gate = gr.Markdown(elem_id="hit-gate")
    outputs = [answer, earlier_answer, result, triage, curated, candidates, passages, gate]
    run.click(try_question, [question, earlier], outputs, api_name="hit_test")
    question.submit(try_question, [question, earlier], outputs)

    gr.Markdown(H.H_REGRESSION)
    gr.Markdown(H.REGRESSION_HINT)
    check = gr.Button(H.REGRESSION_BUTTON, elem_id="regression-run")
    summary = gr.Markdown(elem_id="regression-summary")
    failures = gr.Dataframe(headers=list(H.FAILURE_COLUMNS), interactive=False, wrap=True, max_height=480,
                            elem_id="regression-failures")
    check.click(check_all, None, [summary, failures], api_name="regression", concurrency_limit=1)
    loads.add(last_run, None, [summary, failures])
