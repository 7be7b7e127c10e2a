"""The citizen chat page (Gradio). Handlers only call the answer service and render its result."""

from __future__ import annotations

from collections.abc import Iterator

import gradio as gr

from bot.render import render_answer, render_partial
from bot.service import AnswerService
from bot.types import Answer, AskOptions
from knowledge import texts
from knowledge.errors import QuestionError

SUGGESTIONS = [
    "地震时在家里应该躲在哪里？",
    "为什么打雷前会觉得特别闷热？",
    "隔夜菜还能吃吗？",
    "喝醋能软化血管吗？",
    "84消毒液和洁厕灵能混着用吗？",
    "天空为什么是蓝色的？",
]
CSS = """
.gradio-container {max-width: 860px !important; margin: auto;}
@media (max-width: 480px) { .gradio-container {padding: 4px !important;} }
"""


def _history(messages: list[dict]) -> list[tuple[str, str]]:
    pairs, question = [], None
    for m in messages:
        content = m.get("content")
        text = content if isinstance(content, str) else " ".join(
            p.get("text", "") for p in content or [] if isinstance(p, dict))
        if m.get("role") == "user":
            question = text
        elif question is not None:
            pairs.append((question, text))
            question = None
    return pairs


def build_chat(service: AnswerService) -> gr.Blocks:
    def respond(question: str, messages: list[dict], level: str) -> Iterator[tuple[list[dict], str]]:
        history = _history(messages)
        messages = [*messages, {"role": "user", "content": question}]
        try:
            for item in service.ask_stream(question, history, AskOptions(reading_level=level)):
                shown = render_answer(item) if isinstance(item, Answer) else render_partial(item)
                yield [*messages, {"role": "assistant", "content": shown}], ""
        except QuestionError as exc:
            yield [*messages, {"role": "assistant", "content": str(exc)}], ""
        except Exception:  # the citizen sees a friendly message, never a stack trace
            yield [*messages, {"role": "assistant", "content": texts.SERVICE_ERROR}], ""

    with gr.Blocks(title="向科学要答案") as demo:
        gr.Markdown("## 向科学要答案\n身边的科学问题，问这里：答案来自经审核的科普文章，并注明出处。")
        chat = gr.Chatbot(label="问答", height=520, elem_id="chat")
        with gr.Row():
            box = gr.Textbox(placeholder="输入你的问题，例如：为什么天空是蓝色的？", show_label=False, scale=5,
                             elem_id="question")
            send = gr.Button("提问", variant="primary", scale=1, elem_id="ask")
        level = gr.Radio(["少儿", "大众", "专业"], value="大众", label="阅读难度")
        gr.Examples(SUGGESTIONS, inputs=box, label="大家常问")
        send.click(respond, [box, chat, level], [chat, box], concurrency_limit=8)
        box.submit(respond, [box, chat, level], [chat, box], concurrency_limit=8)
    return demo
