"""The citizen chat page (Gradio) and its compact variant for other sites' iframes (``/embed``).

Handlers only call the answer service and render its result. Both layouts share the handlers, the
CSS and one small script (:data:`HEAD`): the easy-reading mode (大字模式, remembered in the browser)
and the 朗读 button on every answer (the browser's speech synthesis).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterator, Mapping
from functools import partial
from typing import TYPE_CHECKING, Any

import gradio as gr
from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.exc import SQLAlchemyError

from bot.engine.service import AnswerService
from bot.engine.triage import TriageResult
from bot.engine.types import Answer, AskOptions
from bot.web.answer_pages import page_path, snapshot
from bot.web.ratelimit import RateLimiter, client_address
from bot.web.render import READ_ALOUD, render_answer, render_partial, render_question
from bot.web.tickets import Lookup, TicketsUnavailable, lookup, remember, ticket_card
from knowledge import texts
from knowledge.errors import QuestionError, ServiceBusy, StoreError
from knowledge.stores.answer_pages import AnswerPages
from knowledge.stores.tickets import normalise_code

if TYPE_CHECKING:
    from bot.curation.workflow import Workflow

log = logging.getLogger(__name__)
EMBED_PATH = "/embed"
EASY_CLASS = "easy"  # on <html> while the easy-reading mode is on
EASY_STORAGE_KEY = "asksci-easy-reading"  # localStorage: "1" on, "0" off
_CHANNEL_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")  # the channel names curators can register
# 我的提问 keeps its codes in the browser's localStorage through gr.BrowserState. Gradio encrypts the value with
# a secret it sends to that same page, so the secret protects nothing; it is fixed here because Gradio's
# default (random at every start) would make every browser forget its codes after a restart, or on another
# replica behind a balancer.
MY_QUESTIONS_STORAGE_KEY = "asksci-my-questions"
_MY_QUESTIONS_SECRET = "asksci-my-questions-v1"

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
#chat mark {background: #fde68a; color: #111827; padding: 0 1px;}
#chat details {border: var(--ez-card-border, 1px solid #e5e7eb); border-radius: 8px; padding: 4px 8px; margin: 4px 0;}
#chat summary {cursor: pointer; font-weight: 600;}
@media (max-width: 480px) { .gradio-container {padding: 4px !important;} #chat {height: 60vh !important;} }

/* The controls this page adds, in both modes. Gradio repeats every rule of this CSS under
   ".gradio-container.gradio-container-VERSION .contain", which outweighs any "html.easy …" rule, so what
   the easy-reading mode changes in them is a custom property it sets on <html>, never a competing rule. */
.gradio-container :focus-visible {outline: 3px solid #1d4ed8 !important; outline-offset: 2px;}
#easy-reading {display: flex; justify-content: flex-end; align-items: center;}
@media (max-width: 600px) { #top-bar {flex-direction: column; align-items: stretch;}
  #easy-reading {justify-content: flex-start;} }
.easy-toggle {display: inline-flex; align-items: center; gap: 10px; min-height: var(--ez-toggle-height, 44px);
  padding: 6px 16px 6px 8px; border: 2px solid var(--ez-toggle-bg, #1f2937); border-radius: 999px;
  background: var(--ez-toggle-bg, #fff); color: var(--ez-toggle-fg, #111827); font-size: var(--ez-toggle-text, 16px);
  font-weight: 600; cursor: pointer; line-height: 1.3; text-align: left; transition: none !important;}
.easy-toggle span {color: inherit !important; transition: none !important;}
.easy-toggle .switch {flex: none; position: relative; width: 44px; height: 24px; border-radius: 12px;
  background: var(--ez-switch-track, #6b7280);}
.easy-toggle .switch::after {content: ""; position: absolute; top: 3px; left: var(--ez-switch-knob-at, 3px);
  width: 18px; height: 18px; border-radius: 50%; background: var(--ez-switch-knob, #fff); transition: left .15s;}
#chat button.read-aloud {display: inline-block; margin: 4px 0 4px 10px; padding: var(--ez-read-padding, 2px 14px);
  min-height: var(--ez-read-height, 32px); border: 2px solid #1e3a8a; border-radius: 999px; background: #eff6ff;
  color: #1e3a8a; font-weight: 600; font-size: var(--ez-read-text, 0.95em); line-height: 1.4; cursor: pointer;
  vertical-align: middle;}
#chat button.read-aloud.speaking {background: #1e3a8a; color: #fff;}
#chat button.read-aloud:disabled {cursor: not-allowed; border-color: #4b5563; color: #374151; background: #f3f4f6;}
.gradio-container button.primary, #ask {background: #c2410c !important; border-color: #9a3412 !important;
  color: #fff !important;}
.gradio-container button.primary:hover, #ask:hover {background: #9a3412 !important;}
#feedback-message:empty, #feedback-message .prose:empty {display: none;}
#chat .ticket-code {font-size: 1.1em; letter-spacing: 0.06em; white-space: nowrap;}
#my-questions .prose, #my-questions .prose p, #my-questions .prose li {font-size: var(--ez-ticket-text, 18px);
  line-height: 1.7;}
#my-questions .ticket-card {border: var(--ez-card-border, 1px solid #d1d5db); border-radius: 10px; padding: 10px 14px;
  margin: 8px 0; overflow-wrap: anywhere;}
#my-questions .ticket-card h3 {font-size: 1.15em; margin: 0 0 6px; letter-spacing: 0.04em;}
#my-questions .ticket-card button {align-self: flex-start; width: auto; min-height: 44px;
  font-size: var(--ez-ticket-button, 16px);}
#my-questions .ticket-received {border-left: 6px solid #6b7280;}
#my-questions .ticket-in_progress {border-left: 6px solid #d97706;}
#my-questions .ticket-answered {border-left: 6px solid #15803d;}
#my-questions .ticket-unknown {border-left: 6px solid #b91c1c;}
#tabs button[role="tab"] {font-size: var(--ez-tab-text, 18px); min-height: 44px; padding: 0 16px;}
#tabs button[role="tab"][aria-selected="true"], #tabs button[role="tab"].selected {color: #9a3412 !important;
  border-color: #9a3412 !important; font-weight: 600;}  /* Gradio's orange is 2.8:1 on white */
.dark #tabs button[role="tab"][aria-selected="true"], .dark #tabs button[role="tab"].selected
  {color: #fdba74 !important; border-color: #fdba74 !important;}
#my-questions-message:empty, #my-questions-message .prose:empty {display: none;}
footer .show-api, footer .show-api * {color: #4b5563 !important;}
.dark footer .show-api, .dark footer .show-api * {color: #d1d5db !important;}

/* Easy-reading mode (大字模式): text of 20 px and more, line spacing 1.6-1.75, black on white, targets of
   44 px and more. Gradio's own theme reads custom properties too, so most of it is set here. */
html.easy, html.easy .dark {
  --ez-toggle-height: 52px; --ez-toggle-text: 20px; --ez-toggle-bg: #14532d; --ez-toggle-fg: #fff;
  --ez-switch-track: #fff; --ez-switch-knob: #14532d; --ez-switch-knob-at: 23px;
  --ez-read-padding: 6px 20px; --ez-read-height: 48px; --ez-read-text: 20px; --ez-card-border: 2px solid #374151;
  --ez-embed-chrome: 176px; --ez-ticket-text: 22px; --ez-ticket-button: 20px; --ez-tab-text: 22px;
  --body-text-size: 20px; --text-xs: 16px; --text-sm: 18px; --text-md: 20px; --text-lg: 22px; --text-xl: 24px;
  --text-xxl: 28px; --chatbot-text-size: 22px; --input-text-size: 22px; --block-label-text-size: 18px;
  --block-title-text-size: 20px; --block-info-text-size: 18px; --checkbox-label-text-size: 20px;
  --button-large-text-size: 22px; --button-medium-text-size: 20px; --button-small-text-size: 20px;
  --line-sm: 1.6; --line-md: 1.7; --line-lg: 1.7;
  --body-background-fill: #fff; --background-fill-primary: #fff; --background-fill-secondary: #f3f4f6;
  --block-background-fill: #fff; --input-background-fill: #fff; --border-color-primary: #374151;
  --body-text-color: #000; --body-text-color-subdued: #1f2937; --block-label-text-color: #111827;
  --block-title-text-color: #111827; --block-info-text-color: #1f2937; --input-placeholder-color: #374151;
  --link-text-color: #1e3a8a; --link-text-color-hover: #1e3a8a; --link-text-color-visited: #4c1d95;
  --color-accent-soft: #fff;
}
html.easy body, html.easy .gradio-container {background: #fff !important; color: #000 !important;}
html.easy .gradio-container {font-size: 20px; line-height: 1.7;}
html.easy .gradio-container .prose, html.easy .gradio-container .prose p, html.easy .gradio-container .prose li
  {font-size: 20px; line-height: 1.7; color: #000;}
html.easy #chat .message-content, html.easy #chat .message-content .prose,
html.easy #chat .message-content p, html.easy #chat .message-content li, html.easy #chat summary
  {font-size: 22px !important; line-height: 1.75 !important; color: #000;}
html.easy #chat .message {background: #fff !important; color: #000 !important;}
html.easy #chat > .wrapper {padding-top: 56px; box-sizing: border-box;}  /* room for the floating label and tools */
html.easy #chat .bubble-wrap {height: auto !important; flex: 1 1 0; min-height: 0;}
/* Gradio keeps a rule inside @media only under .contain, where no "html.easy" is: hence :is() */
@media (max-width: 480px) { #chat .message-row:is(html.easy *) {margin: 8px 6px !important;
  max-width: calc(100% - 12px) !important;} }
html.easy #chat .message-content small {font-size: 18px !important;}
html.easy textarea, html.easy input {font-size: 22px !important; line-height: 1.6 !important; color: #000 !important;}
html.easy textarea {min-height: 52px; padding: 8px 10px !important;}
html.easy .gradio-container button {min-height: 48px; min-width: 48px; font-size: 20px;}
html.easy #chat .icon-button {min-width: 44px; min-height: 44px; color: #111827 !important;}
html.easy #chat .icon-button .small {width: 20px; height: 20px;}
html.easy .gradio-container label {min-height: 44px; font-size: 20px;}
html.easy .gradio-container label span {font-size: 20px;}
html.easy #did-you-mean button, html.easy #chat .examples button {min-height: 48px; font-size: 20px !important;}
html.easy #mode-note, html.easy #ai-footer, html.easy #mode-note *, html.easy #ai-footer * {color: #1f2937 !important;}
"""

# The embed layout fits a 360×560 iframe: the chat takes the height the bar and the question box leave.
EMBED_CSS = CSS + """
html, body {height: 100%;}
body, gradio-app, .gradio-container, .gradio-container .main, .gradio-container .wrap, .gradio-container .contain,
.gradio-container .contain > .column {min-height: 0 !important; flex: 1 1 0 !important;}
.gradio-container {padding: 0 !important; max-width: none !important;}
.gradio-container .main {padding: 6px 8px !important;}
.gradio-container .contain > .column {gap: 6px;}
#chat {flex: 1 1 0 !important; height: auto !important; min-height: 150px;}
#embed-bar {gap: 8px; flex: none !important; flex-wrap: nowrap; align-items: center;}
#embed-bar > #easy-reading {flex: 1 1 auto !important; justify-content: flex-start;}
#easy-reading, #easy-reading > *, #easy-reading .prose {padding: 0 !important; margin: 0 !important;}
#embed-bar > button {flex: 0 0 auto !important; width: auto; padding: 0 12px; min-height: 44px;}
#embed-bar .easy-toggle {font-size: var(--ez-embed-toggle-text, 15px); min-height: 44px; gap: 8px;
  padding: 4px 10px 4px 6px;}
#question {padding: 4px 6px !important;}
#feedback-message:not(:has(p)) {display: none;}
html.easy {--ez-embed-toggle-text: 17px;}
"""


# The page's small script; ``__WORDS__`` becomes its settings and Chinese strings (see :func:`_script`).
_SCRIPT = r"""
(() => {
  const W = __WORDS__;
  const root = document.documentElement;
  root.lang = "zh-CN";
  const remembered = () => { try { return localStorage.getItem(W.key) === "1"; } catch (e) { return false; } };
  root.classList.toggle(W.cls, remembered());
  const CITATION = /[\[\uff3b]\s*\d+(?:\s*[,\uff0c\u3001]\s*\d+)*\s*[\]\uff3d]/g;
  let reading = -1;  // the index of the read-aloud button whose answer is being read, -1 when silent
  let session = 0;   // counts starts and stops, so the end of an earlier reading changes nothing
  const buttons = () => Array.from(document.querySelectorAll("button.read-aloud"));
  const set = (el, name, value) => { if (el.getAttribute(name) !== value) el.setAttribute(name, value); };
  let darkTheme = false;  // Gradio's dark theme, set aside while the easy mode (black on white) is on
  const theme = () => {
    const body = document.body;
    if (!body) return;
    if (root.classList.contains(W.cls)) {
      if (body.classList.contains("dark")) { darkTheme = true; body.classList.remove("dark"); }
    } else if (darkTheme) { darkTheme = false; body.classList.add("dark"); }
  };
  const stop = () => {
    session += 1;
    reading = -1;
    const synth = window.speechSynthesis;
    if (synth && (synth.speaking || synth.pending)) synth.cancel();
  };
  const refresh = () => {
    theme();
    const easy = root.classList.contains(W.cls) ? "true" : "false";
    document.querySelectorAll(".easy-toggle").forEach((b) => set(b, "aria-pressed", easy));
    const title = document.querySelector("#intro h2");  // the page's title, shown as a level-2 heading
    if (title) { set(title, "role", "heading"); set(title, "aria-level", "1"); }
    const all = buttons();
    if (reading >= all.length) stop();  // the conversation was cleared while reading
    all.forEach((b, i) => {
      if (b.disabled) return;
      const on = i === reading;
      set(b, "aria-label", on ? W.stop : W.readLabel);
      b.classList.toggle("speaking", on);
      const shown = on ? W.stop : W.read;
      if (b.textContent !== shown) b.textContent = shown;
    });
  };
  const spoken = (button) => {
    const copy = (button.closest(".md, .prose") || button.parentElement).cloneNode(true);
    copy.querySelectorAll("details, button").forEach((n) => n.remove());
    copy.querySelectorAll("p, li, div, h1, h2, h3, h4, br").forEach((n) => n.after("\n"));
    return copy.textContent.replace(CITATION, "").replace(/[ \t\u00a0]+/g, " ").replace(/\s*\n\s*/g, "\n").trim();
  };
  // Sentences, joined up to about 120 characters: some browsers stop a single long utterance midway.
  const pieces = (text) => {
    const out = [];
    for (const sentence of text.match(/[^。！？!?；;\n]+[。！？!?；;]*|\n/g) || []) {
      const last = out.length - 1;
      if (last >= 0 && out[last].length + sentence.length <= 120) out[last] += sentence;
      else out.push(sentence);
    }
    return out.map((t) => t.trim()).filter((t) => t);
  };
  const unsupported = (button) => {
    button.textContent = W.unsupported;
    button.disabled = true;
    button.removeAttribute("aria-label");
  };
  const toggleReading = (button) => {
    const synth = window.speechSynthesis;
    if (!synth || typeof window.SpeechSynthesisUtterance !== "function") {
      unsupported(button);
      return;
    }
    const index = buttons().indexOf(button);
    const again = index === reading;
    stop();
    const parts = again ? [] : pieces(spoken(button));
    const mine = session;
    const voice = (synth.getVoices ? synth.getVoices() : []).find((v) => /^zh[-_]CN/i.test(v.lang || ""));
    parts.forEach((text, i) => {
      const u = new window.SpeechSynthesisUtterance(text);
      u.lang = "zh-CN";
      u.rate = 0.9;
      if (voice) u.voice = voice;
      u.onerror = (event) => {
        if (session !== mine) return;
        stop();
        if (!["interrupted", "canceled"].includes(event && event.error)) unsupported(button);  // no voice
        refresh();
      };
      if (i === parts.length - 1) u.onend = () => { if (session === mine) { reading = -1; refresh(); } };
      synth.speak(u);
    });
    if (parts.length) reading = index;
    refresh();
  };
  const setEasy = (on) => {
    root.classList.toggle(W.cls, on);
    try { localStorage.setItem(W.key, on ? "1" : "0"); } catch (e) { /* private mode: this page only */ }
    refresh();
  };
  document.addEventListener("click", (event) => {
    const target = event.target instanceof Element ? event.target : null;
    const toggle = target && target.closest(".easy-toggle");
    if (toggle) { setEasy(!root.classList.contains(W.cls)); return; }
    const reader = target && target.closest("button.read-aloud");
    if (reader) { event.preventDefault(); toggleReading(reader); }
  });
  window.addEventListener("storage", (event) => {
    if (event.key === W.key) { root.classList.toggle(W.cls, event.newValue === "1"); refresh(); }
  });
  window.addEventListener("pagehide", stop);
  let queued = false;
  new MutationObserver(() => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => { queued = false; refresh(); });
  }).observe(root, {childList: true, subtree: true});
})();
"""


def _script() -> str:
    """The page's script as ``head``. It runs when Gradio puts ``head`` in place, before the page's
    components are drawn, so a remembered easy-reading mode is on from the first paint."""
    words = {"key": EASY_STORAGE_KEY, "cls": EASY_CLASS, "read": texts.READ_ALOUD_BUTTON,
             "readLabel": texts.READ_ALOUD_LABEL, "stop": texts.READ_ALOUD_STOP,
             "unsupported": texts.READ_ALOUD_UNSUPPORTED}
    config = json.dumps(words, ensure_ascii=False).replace("</", "<\\/")
    return "<script>" + _SCRIPT.replace("__WORDS__", config) + "</script>"


HEAD = _script()
_TOGGLE = ('<button type="button" class="easy-toggle" aria-pressed="false">'
           f'<span class="switch" aria-hidden="true"></span><span>{texts.EASY_READING_TOGGLE}</span></button>')


def page_channel(query: Mapping[str, str]) -> str:
    """Where a citizen page's questions come from: ``poster`` when opened from a poster's QR code
    (``?src=poster``), else ``page``."""
    return "poster" if query.get("src") == "poster" else "page"


def embed_channel(query: Mapping[str, str]) -> str:
    """``embed:NAME`` for ``/embed?channel=NAME``; a missing or malformed name is logged as ``embed``."""
    name = (query.get("channel") or "").strip()
    return f"embed:{name}" if _CHANNEL_NAME.fullmatch(name) else "embed"


def add_embed_redirect(app: FastAPI) -> None:
    """``GET /embed?…`` → ``/embed/?…``: Gradio serves a mounted app under its path with a slash."""

    @app.get(EMBED_PATH, include_in_schema=False)
    async def embed_entry(request: Request) -> RedirectResponse:
        query = request.url.query
        return RedirectResponse(f"{EMBED_PATH}/" + (f"?{query}" if query else ""), status_code=307)


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        return str(content.get("text", ""))
    return " ".join(p.get("text", "") for p in content or [] if isinstance(p, dict))


# what the page adds around an answer: the reviewed questions to ask next and the share link
def _note_pattern(template: str) -> str:
    before, after = template.split("{code}")
    return re.escape(before) + r"[^\n]*?" + re.escape(after)


_NOT_THE_ANSWER = re.compile(re.escape(texts.RELATED_QUESTIONS) + r"\n(?:- [^\n]*\n?)*|\["
                             + re.escape(texts.SHARE_LINK) + r"\]\([^)]*\)|"
                             + _note_pattern(texts.TICKET_OPENED) + "|" + _note_pattern(texts.TICKET_OPENED_EMBED))


def ticket_note(code: str, template: str = texts.TICKET_OPENED) -> str:
    """The line under a declined answer that gives the citizen its ticket code (Markdown, code in bold)."""
    return template.format(code=f'<strong class="ticket-code">{code}</strong>')


def history_pairs(messages: list[dict], questions: list[str]) -> list[tuple[str, str]]:
    """(question, answer) pairs of the conversation so far, using the citizen's own words. A refused
    question is kept as "" so the turns stay aligned, and never becomes history. The 朗读 button is no
    part of an answer."""
    answers = [_NOT_THE_ANSWER.sub("", _text(m.get("content")).replace(READ_ALOUD, ""))
               for m in messages if m.get("role") == "assistant"]
    return [(q, a) for q, a in zip(questions, answers, strict=False) if q]


_Update = tuple[list[dict], str, list[int | None], list[str]]
# No "share" button: it posts to Hugging Face (and Gradio leaves it without an accessible name)
_CHAT_BUTTONS = ["copy", "copy_all"]
_COMMENT_CHARS = 1000


class _Handlers:
    """What both layouts do with a question, a 👍/👎 and a report, and what 我的提问 does with its codes.
    ``channel`` names the page's channel from its query string (``gr.Request.query_params``); ``note`` is the
    line that gives a declined question's ticket code."""

    def __init__(self, service: AnswerService, limiter: RateLimiter, trusted: frozenset[str],
                 channel: Callable[[Mapping[str, str]], str], workflow: Workflow | None = None,
                 note: str = texts.TICKET_OPENED) -> None:
        self.service = service
        self.limiter = limiter
        self.trusted = trusted
        self.channel = channel
        self.workflow = workflow
        self.note = note
        self.pages = AnswerPages(service.store.db) if service.store is not None else None

    def link(self, answer: Answer) -> str:
        """The answer's permanent page (relative to this site), or "" when it gets none."""
        if self.pages is None:
            return ""
        try:
            page = snapshot(self.service, self.pages, answer)
        except (StoreError, SQLAlchemyError):
            log.exception("could not store the answer page")
            return ""
        return page_path(page.id) if page is not None else ""

    def address(self, request: gr.Request | None) -> str:
        if request is None or request.client is None:
            return "unknown"
        return client_address(request.client.host, list(request.headers.items()), self.trusted)

    def respond(self, question: str, messages: list[dict], level: str, log_ids: list[int | None], asked: list[str],
                request: gr.Request) -> Iterator[tuple[list[dict], str, list[int | None], list[str], list[str],
                                                       list[str]]]:
        """The answer as it grows; the reviewed questions to offer ("你是不是想问") go to a state that
        :meth:`show_offered` puts on the page, and a declined question's ticket code to one that :meth:`keep`
        adds to 我的提问, so the public ``/ask`` API keeps its two outputs."""
        offered: list[str] = []
        fresh: list[str] = []
        for chat_update in self._respond(question, messages, level, log_ids, asked, request, offered, fresh):
            yield (*chat_update, list(offered), list(fresh))

    @staticmethod
    def keep(fresh: list[str], codes: list[str] | None) -> Any:
        """我的提问's codes with the ones just received, newest first. Without a new code nothing is written:
        a 👎 given while the answer was finishing may have added one meanwhile."""
        return remember(codes or [], fresh) if fresh else gr.skip()

    @staticmethod
    def show_offered(offered: list[str]) -> Any:
        """``offered`` is the label ("你是不是想问：" or "你可能还想问：") and the reviewed questions."""
        label, *questions = offered or [""]
        return gr.update(samples=[[q] for q in questions], visible=bool(questions), label=label)

    def _respond(self, question: str, messages: list[dict], level: str, log_ids: list[int | None],
                 asked: list[str], request: gr.Request, offered: list[str], fresh: list[str]) -> Iterator[_Update]:
        history = history_pairs(messages, asked)
        messages = [*messages, {"role": "user", "content": render_question(question)}]
        ids, asked = [*log_ids, None], [*asked, question]
        verdict = self.limiter.check("questions", self.address(request))
        if not verdict.allowed:
            asked[-1] = ""
            yield ([*messages, {"role": "assistant", "content": texts.RATE_LIMITED.format(
                seconds=verdict.retry_after)}], question, ids, asked)
            return
        query = request.query_params if request is not None else {}
        options = AskOptions(reading_level=level, channel=self.channel(query))
        triage: TriageResult | None = None
        try:
            for item in self.service.ask_stream(question, history, options):
                if isinstance(item, Answer):
                    ids[-1] = item.log_id
                    offered[:] = ([texts.DID_YOU_MEAN, *item.suggestions] if item.suggestions else
                                  [texts.RELATED_QUESTIONS, *item.related] if item.related else [])
                    shown = render_answer(item, read_aloud=True, link=self.link(item))
                    if item.ticket:
                        fresh.append(item.ticket)
                        shown += "\n\n" + ticket_note(item.ticket, self.note)
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

    def like(self, log_ids: list[int | None], codes: list[str] | None, data: gr.LikeData,
             request: gr.Request) -> tuple[str, Any]:
        """The thanks (or the rate-limit note) stays on the page: no toast that vanishes by itself. A 👎 opens
        a ticket (or finds the answer's) and the thanks gives its code, which joins 我的提问 (the codes are
        written only when one is new to them)."""
        if not self.limiter.check("feedback", self.address(request)).allowed:
            return texts.FEEDBACK_RATE_LIMITED, gr.skip()
        index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
        answer_number = index // 2  # messages alternate: question, answer
        known = 0 <= answer_number < len(log_ids) and data.liked in (True, False)
        log_id = log_ids[answer_number] if known else None
        if log_id is None or not self.service.record_feedback(log_id, 1 if data.liked else -1):
            return "", gr.skip()
        code = self.service.open_ticket(log_id, "thumbs_down") if data.liked is False else ""
        if code:
            return texts.FEEDBACK_TICKET.format(code=code), _with(codes, code)
        return texts.FEEDBACK_THANKS, gr.skip()

    def report(self, comment: str, log_ids: list[int | None], codes: list[str] | None,
               request: gr.Request) -> tuple[str, str, Any]:
        last = next((i for i in reversed(log_ids) if i is not None), None)
        if last is None:
            return texts.REPORT_NOTHING, comment, gr.skip()
        if not self.limiter.check("feedback", self.address(request)).allowed:
            return texts.FEEDBACK_RATE_LIMITED, comment, gr.skip()
        self.service.record_feedback(last, 0, str(comment)[:_COMMENT_CHARS], report=True)
        code = self.service.open_ticket(last, "report")
        if code:
            return texts.REPORT_TICKET.format(code=code), "", _with(codes, code)
        return texts.REPORT_THANKS, "", gr.skip()

    # ---- 我的提问 -----------------------------------------------------------------------------------
    def _cards(self, codes: list[str], request: gr.Request | None) -> tuple[list[dict], str]:
        """The cards of these codes (``{"code", "status", "card"}``) and a message ("" when all went well).
        A lookup counts as a question against the address's limit: codes are not to be guessed here."""
        if not codes or self.workflow is None:
            return [], ""
        verdict = self.limiter.check("questions", self.address(request))
        if not verdict.allowed:
            return [_placeholder(c) for c in codes], texts.MY_QUESTIONS_RATE_LIMITED.format(
                seconds=verdict.retry_after)
        try:
            found = lookup(self.workflow, codes)
        except TicketsUnavailable:
            return [_placeholder(c) for c in codes], texts.MY_QUESTIONS_UNAVAILABLE
        return [_card(item) for item in found], ""

    def my_questions(self, codes: list[str] | None, request: gr.Request) -> tuple[Any, str]:
        """Refresh 我的提问 (the tab opened, 刷新): every code this browser keeps, newest first, with its status
        and answer. With no code yet the list is left alone: a code may be on its way (:meth:`show`)."""
        codes = remember(codes or [], [])
        if not codes:
            return gr.skip(), ""
        return self._cards(codes, request)

    def show(self, codes: list[str] | None, request: gr.Request) -> tuple[list[dict], Any]:
        """The list again after the codes changed (a new code, one added or removed); a message only if the
        lookup failed, so the note of what changed stays."""
        items, problem = self._cards(remember(codes or [], []), request)
        return items, problem or gr.skip()

    @staticmethod
    def add_code(typed: str, codes: list[str] | None) -> tuple[Any, str, str]:
        """A code received elsewhere (another device, a phone call) joins the list (:meth:`show` redraws it)."""
        codes = remember(codes or [], [])
        code = normalise_code(str(typed or "").strip())
        if code is None:
            return gr.skip(), typed, texts.MY_QUESTIONS_BAD_CODE
        if code in codes:
            return gr.skip(), "", texts.MY_QUESTIONS_ALREADY.format(code=code)
        return remember(codes, [code]), "", texts.MY_QUESTIONS_ADDED.format(code=code)

    @staticmethod
    def remove_code(code: str, codes: list[str] | None) -> tuple[list[str], str]:
        return [c for c in codes or [] if c != code], texts.MY_QUESTIONS_REMOVED.format(code=code)

    @staticmethod
    def pick_example(evt: gr.SelectData) -> str:
        value = evt.value
        return str(value.get("text", "")) if isinstance(value, dict) else str(value)

    @staticmethod
    def pick_suggestion(sample: list[str]) -> str:
        return str(sample[0]) if sample else ""

    @staticmethod
    def new_chat() -> tuple[list, list, list, str, Any, str]:
        return [], [], [], "", gr.update(samples=[], visible=False), ""


def _with(codes: list[str] | None, code: str) -> Any:
    """The codes with ``code`` first, or no update when it is already the newest (nothing to redraw)."""
    codes = list(codes or [])
    return gr.skip() if codes[:1] == [code] else remember(codes, [code])


def _card(item: Lookup) -> dict:
    return {"code": item.code, "status": str(item.ticket["status"]) if item.ticket is not None else "unknown",
            "card": ticket_card(item)}


def _placeholder(code: str) -> dict:
    """A code whose status could not be looked up just now: listed, without a status."""
    return {"code": code, "status": "", "card": f"### {texts.MY_QUESTIONS_CODE.format(code=f'`{code}`')}"}


def _examples(service: AnswerService) -> list[dict]:
    return [{"text": q, "display_text": texts.SUGGESTION_LABEL.format(topic=t, question=q)}
            for t, q in service.suggestions()]


def _ai_footer(service: AnswerService) -> None:
    if service.llm is not None:
        cfg = service.settings
        filing = texts.AI_FILING.format(number=cfg.filing_number) if cfg.filing_number else ""
        gr.Markdown(texts.AI_SERVICE_FOOTER.format(model=cfg.llm_model, filing=filing), elem_id="ai-footer")


def _question_row() -> tuple[gr.Textbox, gr.Button]:
    with gr.Row(equal_height=True):
        box = gr.Textbox(placeholder=texts.QUESTION_PLACEHOLDER, label=texts.QUESTION_LABEL, show_label=False,
                         scale=5, elem_id="question")
        send = gr.Button(texts.ASK_BUTTON, variant="primary", scale=1, elem_id="ask", min_width=80)
    return box, send


def _did_you_mean() -> gr.Dataset:
    return gr.Dataset(components=[gr.Textbox(visible=False)], samples=[], label=texts.DID_YOU_MEAN,
                      visible=False, elem_id="did-you-mean")


def _wire(h: _Handlers, *, box: gr.Textbox, send: gr.Button, chat: gr.Chatbot, level: Any, log_ids: gr.State,
          asked: gr.State, did_you_mean: gr.Dataset, clear: gr.Button, feedback: gr.Markdown, codes: Any,
          api: bool) -> None:
    """``codes`` holds the ticket codes this browser has seen (gr.BrowserState on the page, a plain state in
    the embed)."""
    offered = gr.State([])
    fresh = gr.State([])
    io = ([box, chat, level, log_ids, asked], [chat, box, log_ids, asked, offered, fresh])

    def answered(event: Any) -> None:
        event.then(h.show_offered, offered, did_you_mean, api_name=False)
        event.then(h.keep, [fresh, codes], codes, api_name=False)

    answered(send.click(h.respond, *io, concurrency_limit=16, api_name="ask" if api else False))
    answered(box.submit(h.respond, *io, concurrency_limit=16, api_name=False))
    answered(chat.example_select(h.pick_example, None, box, api_name=False).then(
        h.respond, *io, concurrency_limit=16, api_name=False))
    chat.like(h.like, [log_ids, codes], [feedback, codes], api_name=False)
    answered(did_you_mean.click(h.pick_suggestion, did_you_mean, box, api_name=False).then(
        h.respond, *io, concurrency_limit=16, api_name=False))
    cleared = [chat, log_ids, asked, box, did_you_mean, feedback]
    clear.click(h.new_chat, None, cleared, api_name=False)
    chat.clear(h.new_chat, None, cleared, api_name=False)  # the chat's own trash button starts afresh too


def _my_questions(h: _Handlers, codes: gr.BrowserState, tab: gr.Tab) -> None:
    """The 我的提问 tab: the codes this browser has seen, newest first, each with its status and, once
    answered, the reviewed answer and its sources; a refresh button and a box for a code from elsewhere."""
    gr.Markdown(texts.MY_QUESTIONS_INTRO, elem_id="my-questions-intro")
    with gr.Row(equal_height=True):
        typed = gr.Textbox(label=texts.MY_QUESTIONS_ADD_LABEL, placeholder=texts.MY_QUESTIONS_ADD_PLACEHOLDER,
                           max_lines=1, max_length=32, scale=3, min_width=160, elem_id="my-questions-code")
        add = gr.Button(texts.MY_QUESTIONS_ADD, scale=1, min_width=80, elem_id="my-questions-add")
        refresh = gr.Button(texts.MY_QUESTIONS_REFRESH, scale=1, min_width=80, elem_id="my-questions-refresh")
    message = gr.Markdown(elem_id="my-questions-message")
    items = gr.State([])

    @gr.render(inputs=items)
    def cards(shown: list[dict]) -> None:
        if not shown:
            gr.Markdown(texts.MY_QUESTIONS_EMPTY, elem_classes=["ticket-empty"])
            return
        for item in shown:
            code = str(item["code"])
            with gr.Column(elem_classes=["ticket-card", f"ticket-{item.get('status') or 'pending'}"],
                           key=f"ticket-{code}"):
                gr.Markdown(item["card"], elem_classes=["ticket-text"])
                remove = gr.Button(texts.MY_QUESTIONS_REMOVE_LABEL.format(code=code), size="sm",
                                   variant="secondary", elem_classes=["ticket-remove"], key=f"remove-{code}")
                remove.click(partial(h.remove_code, code), codes, [codes, message], api_name=False)

    # Whatever changes the codes (an answer's ticket, a 👎, a report, a code added or removed) redraws the list
    # from the codes as they are then; opening the tab and 刷新 fetch the latest status.
    codes.change(h.show, codes, [items, message], api_name=False)
    tab.select(h.my_questions, codes, [items, message], api_name=False)
    refresh.click(h.my_questions, codes, [items, message], api_name=False)
    add.click(h.add_code, [typed, codes], [codes, typed, message], api_name=False)
    typed.submit(h.add_code, [typed, codes], [codes, typed, message], api_name=False)


def build_chat(service: AnswerService, limiter: RateLimiter, trusted: frozenset[str],
               workflow: Workflow | None = None) -> gr.Blocks:
    """The citizen page at ``/``. Mount it with ``css=CSS, head=HEAD``. With ``workflow`` it has the
    我的提问 tab (the tickets this browser has seen)."""
    h = _Handlers(service, limiter, trusted, page_channel, workflow)
    examples = _examples(service)
    hours = int(service.settings.file_cache_hours * 3600)
    with gr.Blocks(title=texts.PAGE_TITLE, delete_cache=(hours, hours)) as demo:
        with gr.Row(equal_height=True, elem_id="top-bar"):
            gr.Markdown(texts.PAGE_INTRO, elem_id="intro")
            gr.HTML(_TOGGLE, elem_id="easy-reading", js_on_load=None, min_width=240)
        codes = gr.BrowserState([], storage_key=MY_QUESTIONS_STORAGE_KEY, secret=_MY_QUESTIONS_SECRET)
        with gr.Tabs(elem_id="tabs"):
            with gr.Tab(texts.ASK_TAB, id="ask-tab", elem_id="ask-tab"):
                chat = gr.Chatbot(label=texts.CHAT_LABEL, height=520, elem_id="chat", examples=examples or None,
                                  feedback_options=("Like", "Dislike"), sanitize_html=True, buttons=_CHAT_BUTTONS)
                feedback = gr.Markdown(elem_id="feedback-message")
                log_ids = gr.State([])
                asked = gr.State([])
                box, send = _question_row()
                did_you_mean = _did_you_mean()
                with gr.Row():
                    level = gr.Radio(texts.READING_LEVELS, value=texts.DEFAULT_READING_LEVEL,
                                     label=texts.READING_LEVEL, scale=3)
                    clear = gr.Button(texts.NEW_CHAT, scale=1, min_width=80)
                gr.Markdown(texts.LLM_MODE_NOTE if service.llm is not None else texts.EXTRACTIVE_MODE_NOTE,
                            elem_id="mode-note")
                with gr.Accordion(texts.REPORT_TITLE, open=False, elem_id="report"):
                    comment = gr.Textbox(label=texts.REPORT_COMMENT, max_length=_COMMENT_CHARS,
                                         elem_id="report-comment")
                    report_btn = gr.Button(texts.REPORT_BUTTON, elem_id="report-send")
                    report_msg = gr.Markdown(elem_id="report-message")
            if workflow is not None:
                with gr.Tab(texts.MY_QUESTIONS_TAB, id="my-questions-tab", elem_id="my-questions") as mine:
                    _my_questions(h, codes, mine)
        gr.Markdown(texts.CURATOR_LINK)
        _ai_footer(service)
        _wire(h, box=box, send=send, chat=chat, level=level, log_ids=log_ids, asked=asked,
              did_you_mean=did_you_mean, clear=clear, feedback=feedback, codes=codes, api=True)
        report_btn.click(h.report, [comment, log_ids, codes], [report_msg, comment, codes], api_name=False)
    return demo


def build_embed(service: AnswerService, limiter: RateLimiter, trusted: frozenset[str]) -> gr.Blocks:
    """The compact chat for other sites' iframes (``/embed?channel=NAME``, fits 360×560): no header or
    intro, the same answering, questions logged as ``embed:NAME``. A declined question's reply gives its
    ticket code and points to the main page's 我的提问 (an iframe's storage is not the main page's).
    Mount it with ``css=EMBED_CSS, head=HEAD``."""
    h = _Handlers(service, limiter, trusted, embed_channel, note=texts.TICKET_OPENED_EMBED)
    hours = int(service.settings.file_cache_hours * 3600)
    with gr.Blocks(title=texts.PAGE_TITLE, delete_cache=(hours, hours), fill_height=True) as demo:
        with gr.Row(elem_id="embed-bar", equal_height=True):
            gr.HTML(_TOGGLE, elem_id="easy-reading", js_on_load=None, scale=3, min_width=0)
            clear = gr.Button(texts.NEW_CHAT, scale=1, min_width=80, size="sm")
        chat = gr.Chatbot(label=texts.CHAT_LABEL, show_label=False, height="100%", scale=1, elem_id="chat",
                          examples=_examples(service) or None, feedback_options=("Like", "Dislike"),
                          sanitize_html=True, buttons=_CHAT_BUTTONS)
        feedback = gr.Markdown(elem_id="feedback-message")
        did_you_mean = _did_you_mean()
        box, send = _question_row()
        _ai_footer(service)
        _wire(h, box=box, send=send, chat=chat, level=gr.State(texts.DEFAULT_READING_LEVEL), log_ids=gr.State([]),
              asked=gr.State([]), did_you_mean=did_you_mean, clear=clear, feedback=feedback, codes=gr.State([]),
              api=False)
    return demo
