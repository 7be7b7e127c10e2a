"""The citizen chat page (Gradio). Handlers only call the answer service and render its result."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import gradio as gr

from bot.engine.service import AnswerService
from bot.engine.triage import TriageResult
from bot.engine.types import Answer, AskOptions
from bot.web.ratelimit import RateLimiter, client_address
from bot.web.render import render_answer, render_partial, render_question
from knowledge import texts
from knowledge.errors import QuestionError, ServiceBusy, StoreError

log = logging.getLogger(__name__)
CSS = """
.gradio-container {max-width: 860px !important; margin: auto;}
#chat .safety-box {border-radius: 10px; padding: 10px 14px; margin: 0 0 8px; font-size: 1.05em; line-height: 1.6;}
#chat .safety-box ol {margin: 6px 0 4px 1.2em; padding: 0;}
#chat .safety-box p {margin: 4px 0;}
#chat .safety-emergency {background: #b91c1c !important; border: 2px solid #7f1d1d;}
#chat .safety-emergency, #chat .safety-emergency * {color: #fff !important;}
#chat .safety-emergency strong {font-size: 1.15em;}
#chat .safety-self-harm {background: #fff1f2 !important; border: 2px solid #e11d48;}
#chat .safety-self-harm, #chat .safety-self-harm * {color: #881337 !important;}
#chat .safety-refusal {background: #f3f4f6 !important; border: 2px solid #6b7280;}
#chat .safety-refusal, #chat .safety-refusal * {color: #111827 !important;}
#chat .safety-medical {background: #fffbeb !important; border: 2px solid #d97706;}
#chat .safety-medical, #chat .safety-medical * {color: #78350f !important;}
#chat mark {background: #fde68a; color: inherit; padding: 0 1px;}
#chat details {border: 1px solid #e5e7eb; border-radius: 8px; padding: 4px 8px; margin: 4px 0;}
#chat summary {cursor: pointer; font-weight: 600;}
@media (max-width: 480px) { .gradio-container {padding: 4px !important;} #chat {height: 60vh !important;} }
"""


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        return str(content.get("text", ""))
    return " ".join(p.get("text", "") for p in content or [] if isinstance(p, dict))


def history_pairs(messages: list[dict], questions: list[str]) -> list[tuple[str, str]]:
    """(question, answer) pairs of the conversation so far, using the citizen's own words. A refused
    question is kept as "" so the turns stay aligned, and never becomes history."""
    answers = [_text(m.get("content")) for m in messages if m.get("role") == "assistant"]
    return [(q, a) for q, a in zip(questions, answers, strict=False) if q]


def build_chat(service: AnswerService, limiter: RateLimiter, trusted: frozenset[str]) -> gr.Blocks:
    comment_chars = 1000

    def address(request: gr.Request | None) -> str:
        if request is None or request.client is None:
            return "unknown"
        return client_address(request.client.host, list(request.headers.items()), trusted)

    def respond(question: str, messages: list[dict], level: str, log_ids: list[int | None], asked: list[str],
                request: gr.Request) -> Iterator[tuple[list[dict], str, list[int | None], list[str], list[str]]]:
        """The answer as it grows; the reviewed questions to offer ("你是不是想问") go to a state that
        :func:`show_offered` puts on the page, so the public ``/ask`` API keeps its two outputs."""
        offered: list[str] = []
        for chat_update in _respond(question, messages, level, log_ids, asked, request, offered):
            yield (*chat_update, list(offered))

    def show_offered(offered: list[str]) -> Any:
        return gr.update(samples=[[q] for q in offered], visible=bool(offered))

    def _respond(question: str, messages: list[dict], level: str, log_ids: list[int | None], asked: list[str],
                 request: gr.Request, offered: list[str]
                 ) -> Iterator[tuple[list[dict], str, list[int | None], list[str]]]:
        history = history_pairs(messages, asked)
        messages = [*messages, {"role": "user", "content": render_question(question)}]
        ids, asked = [*log_ids, None], [*asked, question]
        verdict = limiter.check("questions", address(request))
        if not verdict.allowed:
            asked[-1] = ""
            yield ([*messages, {"role": "assistant", "content": texts.RATE_LIMITED.format(
                seconds=verdict.retry_after)}], question, ids, asked)
            return
        triage: TriageResult | None = None
        try:
            for item in service.ask_stream(question, history, AskOptions(reading_level=level)):
                if isinstance(item, Answer):
                    ids[-1] = item.log_id
                    offered[:] = item.suggestions
                    shown = render_answer(item)
                elif isinstance(item, TriageResult):
                    triage = item
                    shown = render_partial("", triage)
                else:
                    shown = render_partial(item, triage)
                yield [*messages, {"role": "assistant", "content": shown}], "", ids, asked
        except (QuestionError, ServiceBusy) as exc:
            asked[-1] = ""  # a refused question is never "the previous question" of a follow-up
            yield [*messages, {"role": "assistant", "content": str(exc)}], "", ids, asked
        except StoreError:
            log.exception("knowledge base unavailable")
            yield [*messages, {"role": "assistant", "content": texts.STORE_UNAVAILABLE}], "", ids, asked
        except Exception:  # the citizen sees a friendly message, never a stack trace
            log.exception("answering failed")
            yield [*messages, {"role": "assistant", "content": texts.SERVICE_ERROR}], "", ids, asked

    def like(log_ids: list[int | None], data: gr.LikeData, request: gr.Request) -> None:
        if not limiter.check("feedback", address(request)).allowed:
            gr.Warning(texts.FEEDBACK_RATE_LIMITED)
            return
        index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
        answer_number = index // 2  # messages alternate: question, answer
        known = 0 <= answer_number < len(log_ids) and data.liked in (True, False)
        if known and service.record_feedback(log_ids[answer_number], 1 if data.liked else -1):
            gr.Info(texts.FEEDBACK_THANKS)

    def report(comment: str, log_ids: list[int | None], request: gr.Request) -> tuple[str, str]:
        last = next((i for i in reversed(log_ids) if i is not None), None)
        if last is None:
            return texts.REPORT_NOTHING, comment
        if not limiter.check("feedback", address(request)).allowed:
            return texts.FEEDBACK_RATE_LIMITED, comment
        service.record_feedback(last, 0, str(comment)[:comment_chars], report=True)
        return texts.REPORT_THANKS, ""

    def pick_example(evt: gr.SelectData) -> str:
        value = evt.value
        return str(value.get("text", "")) if isinstance(value, dict) else str(value)

    def pick_suggestion(sample: list[str]) -> str:
        return str(sample[0]) if sample else ""

    def new_chat() -> tuple[list, list, list, str, Any]:
        return [], [], [], "", gr.update(samples=[], visible=False)

    examples = [{"text": q, "display_text": texts.SUGGESTION_LABEL.format(topic=t, question=q)}
                for t, q in service.suggestions()]
    hours = int(service.settings.file_cache_hours * 3600)
    with gr.Blocks(title=texts.PAGE_TITLE, delete_cache=(hours, hours)) as demo:
        gr.Markdown(texts.PAGE_INTRO)
        chat = gr.Chatbot(label=texts.CHAT_LABEL, height=520, elem_id="chat", examples=examples or None,
                          feedback_options=("Like", "Dislike"), sanitize_html=True)
        log_ids = gr.State([])
        asked = gr.State([])
        with gr.Row():
            box = gr.Textbox(placeholder=texts.QUESTION_PLACEHOLDER, show_label=False, scale=5, elem_id="question")
            send = gr.Button(texts.ASK_BUTTON, variant="primary", scale=1, elem_id="ask", min_width=80)
        did_you_mean = gr.Dataset(components=[gr.Textbox(visible=False)], samples=[], label=texts.DID_YOU_MEAN,
                                  visible=False, elem_id="did-you-mean")
        with gr.Row():
            level = gr.Radio(texts.READING_LEVELS, value=texts.DEFAULT_READING_LEVEL, label=texts.READING_LEVEL,
                             scale=3)
            clear = gr.Button(texts.NEW_CHAT, scale=1, min_width=80)
        gr.Markdown(texts.LLM_MODE_NOTE if service.llm is not None else texts.EXTRACTIVE_MODE_NOTE,
                    elem_id="mode-note")
        with gr.Accordion(texts.REPORT_TITLE, open=False, elem_id="report"):
            comment = gr.Textbox(label=texts.REPORT_COMMENT, max_length=comment_chars, elem_id="report-comment")
            report_btn = gr.Button(texts.REPORT_BUTTON, elem_id="report-send")
            report_msg = gr.Markdown(elem_id="report-message")
        gr.Markdown(texts.CURATOR_LINK)
        if service.llm is not None:
            cfg = service.settings
            filing = texts.AI_FILING.format(number=cfg.filing_number) if cfg.filing_number else ""
            gr.Markdown(texts.AI_SERVICE_FOOTER.format(model=cfg.llm_model, filing=filing), elem_id="ai-footer")

        offered = gr.State([])
        io = ([box, chat, level, log_ids, asked], [chat, box, log_ids, asked, offered])
        send.click(respond, *io, concurrency_limit=16, api_name="ask").then(
            show_offered, offered, did_you_mean, api_name=False)
        box.submit(respond, *io, concurrency_limit=16, api_name=False).then(
            show_offered, offered, did_you_mean, api_name=False)
        chat.example_select(pick_example, None, box, api_name=False).then(
            respond, *io, concurrency_limit=16, api_name=False).then(
            show_offered, offered, did_you_mean, api_name=False)
        chat.like(like, [log_ids], None, api_name=False)
        report_btn.click(report, [comment, log_ids], [report_msg, comment], api_name=False)
        did_you_mean.click(pick_suggestion, did_you_mean, box, api_name=False).then(
            respond, *io, concurrency_limit=16, api_name=False).then(
            show_offered, offered, did_you_mean, api_name=False)
        clear.click(new_chat, None, [chat, log_ids, asked, box, did_you_mean], api_name=False)
    return demo
