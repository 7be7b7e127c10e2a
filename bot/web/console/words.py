"""The 敏感词 tab: the sensitive-word list with its whitelist — edit, import, check, save, export, try."""

from __future__ import annotations

import tempfile
from pathlib import Path

import gradio as gr

from bot.curation.service import CuratorService
from bot.web.console.common import Loads, T, actor, guarded
from knowledge.wordlist import WordList, to_text

_MAX_IMPORT_BYTES = 5 * 1024 * 1024


def _problems(wordlist: WordList) -> str:
    if not wordlist.problems:
        return T.WORDS_OK.format(blocked=len(wordlist.blocked), allowed=len(wordlist.allowed))
    lines = "\n".join(T.WORDS_PROBLEM_LINE.format(line=p.line_no, reason=p.reason) for p in wordlist.problems[:50])
    return T.WORDS_PROBLEMS.format(n=len(wordlist.problems), lines=lines)


def build(curator: CuratorService, loads: Loads) -> None:
    @guarded
    def current(request: gr.Request) -> tuple[str, str]:
        wordlist = curator.word_list(actor(request))
        return to_text(wordlist), T.WORDS_SUMMARY.format(blocked=len(wordlist.blocked), allowed=len(wordlist.allowed))

    @guarded
    def check(content: str, request: gr.Request) -> str:
        return _problems(curator.parse_words(actor(request), content or ""))

    @guarded
    def import_file(path: str | None, request: gr.Request) -> tuple[str, str]:
        if not path:
            return gr.update(), ""
        try:
            data = Path(path).read_bytes()[:_MAX_IMPORT_BYTES]
            content = data.decode("utf-8-sig")
        except (OSError, UnicodeDecodeError):
            return gr.update(), T.WORDS_IMPORT_BAD
        wordlist = curator.parse_words(actor(request), content, csv=path.lower().endswith(".csv"))
        return to_text(wordlist), _problems(wordlist)  # shown for checking; saved only with 保存

    @guarded
    def save(content: str, request: gr.Request) -> str:
        wordlist = curator.save_words(actor(request), content or "")
        return T.WORDS_SAVED.format(blocked=len(wordlist.blocked), allowed=len(wordlist.allowed))

    def export(csv: bool):
        @guarded
        def handler(request: gr.Request) -> str:
            content = curator.export_words(actor(request), csv=csv)
            folder = Path(tempfile.mkdtemp(prefix="askscience-words-"))
            target = folder / ("sensitive_words.csv" if csv else "sensitive_words.txt")
            target.write_text(content, encoding="utf-8")
            return str(target)
        return handler

    @guarded
    def try_text(text: str, request: gr.Request) -> str:
        hits = curator.try_words(actor(request), text or "")
        if not hits:
            return T.WORDS_PASS
        listed = "、".join(T.WORDS_HIT.format(term=text[h.start:h.end], category=h.category or "—") for h in hits)
        return T.WORDS_HITS.format(n=len(hits), hits=listed)

    gr.Markdown(T.WORDS_HINT)
    summary = gr.Markdown(elem_id="words-summary")
    content = gr.Textbox(label=T.WORDS_LIST, lines=16, max_lines=40, elem_id="words-list")
    with gr.Row():
        check_btn = gr.Button(T.WORDS_CHECK, elem_id="words-check")
        save_btn = gr.Button(T.WORDS_SAVE, variant="primary", elem_id="words-save")
    message = gr.Markdown(elem_id="words-message")
    upload = gr.File(label=T.WORDS_IMPORT, file_types=[".txt", ".csv"], type="filepath", elem_id="words-import")
    with gr.Row():
        txt_btn = gr.Button(T.WORDS_EXPORT_TXT)
        csv_btn = gr.Button(T.WORDS_EXPORT_CSV)
    exported = gr.File(label=T.WORDS_EXPORTED, interactive=False)
    with gr.Row():
        sample = gr.Textbox(label=T.WORDS_TRY, scale=4, elem_id="words-try")
        try_btn = gr.Button(T.WORDS_TRY_BUTTON, scale=1)
    verdict = gr.Markdown(elem_id="words-verdict")

    check_btn.click(check, [content], [message], api_name="words_check")
    save_btn.click(save, [content], [message], api_name="words_save").then(current, None, [content, summary],
                                                                          api_name=False)
    upload.upload(import_file, [upload], [content, message], api_name="words_import")
    txt_btn.click(export(False), None, [exported], api_name="words_export_text")
    csv_btn.click(export(True), None, [exported], api_name="words_export_csv")
    try_btn.click(try_text, [sample], [verdict], api_name="words_try")
    sample.submit(try_text, [sample], [verdict], api_name=False)
    loads.add(current, None, [content, summary])
