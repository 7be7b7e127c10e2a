"""The 打印海报 tab: pick published reviewed Q&A and download an A4 PDF poster for a notice board, each Q&A
with a QR code to its permanent answer page."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import gradio as gr

from bot.curation.roles import Action
from bot.curation.service import CuratorInputError, CuratorService
from bot.web.answer_pages import curated_content, page_path, request_site_url, site_url
from bot.web.console.common import Loads, actor, guarded
from bot.web.poster import PosterItem, PosterRenderer
from knowledge import texts
from knowledge.stores.answer_pages import AnswerPages
from knowledge.stores.curated import CuratedAnswer
from knowledge.types import AnswerStatus

TAB = texts.POSTER_TAB
MAX_ITEMS = 30
_KEEP_SECONDS = 3600  # a generated PDF waits this long for its download (Gradio copies it to its cache at once)


def _choice(a: CuratedAnswer) -> tuple[str, int]:
    return texts.POSTER_CHOICE.format(id=a.id, question=a.question), a.id


def _site(request: gr.Request) -> str:
    """This site's address as the curator reached it (the poster's QR codes point there)."""
    inner = getattr(request, "request", None)
    if inner is not None:
        return request_site_url(inner)
    return site_url("http", dict(getattr(request, "headers", {}) or {}), "localhost")


def make_poster(curator: CuratorService, pages: AnswerPages, renderer: PosterRenderer, user: str | None,
                title: str, ids: list[int | str], site: str, day: dt.date) -> tuple[bytes, int]:
    """The poster of the chosen published answers, in the order chosen, and its page count. Each answer gets
    its answer page (the very page a citizen who asks that question gets)."""
    curator.require(user, Action.POSTERS)
    if not ids:
        raise CuratorInputError(texts.POSTER_PICK_FIRST)
    if len(ids) > MAX_ITEMS:
        raise CuratorInputError(texts.POSTER_TOO_MANY.format(limit=MAX_ITEMS))
    items = []
    for value in dict.fromkeys(str(i).strip() for i in ids):
        found = curator.store.answers.get(int(value)) if value.isdigit() else None
        if found is None or found.status != AnswerStatus.PUBLISHED:
            raise CuratorInputError(texts.POSTER_NOT_PUBLISHED.format(id=value[:20]))
        content = curated_content(found, curator.kb, curator.accounts.public_name)
        page = pages.create(content)
        items.append(PosterItem(content.question, content.answer,
                                tuple(c.title or texts.SOURCE_UNTITLED for c in content.citations),
                                site + page_path(page.id)))
    poster = renderer.poster_pdf(title.strip() or texts.POSTER_DEFAULT_TITLE, items, day)
    return poster.pdf, poster.pages


def _save(folder: Path, name: str, data: bytes) -> Path:
    """Write one poster into a fresh sub-folder of ``folder``, removing those older than an hour."""
    for old in folder.iterdir():
        if old.is_dir() and time.time() - old.stat().st_mtime > _KEEP_SECONDS:
            shutil.rmtree(old, ignore_errors=True)
    target = Path(tempfile.mkdtemp(dir=folder)) / name
    target.write_bytes(data)
    return target


def build(curator: CuratorService, loads: Loads) -> None:
    pages = AnswerPages(curator.store.db)
    renderer = PosterRenderer()
    output_dir = Path(tempfile.mkdtemp(prefix="askscience-posters-"))

    @guarded
    def find(search: str, chosen: list[int | str] | None, request: gr.Request) -> Any:
        user = actor(request)
        matches = curator.curated(user, search or "", AnswerStatus.PUBLISHED)
        wanted = [str(i).strip() for i in chosen or []]
        keep = [a for a in (curator.store.answers.get(int(i)) for i in wanted if i.isdigit()) if a is not None]
        shown = {a.id: a for a in [*keep, *matches]}
        return gr.update(choices=[_choice(a) for a in shown.values()], value=[a.id for a in keep])

    @guarded
    def generate(title: str, chosen: list[int | str] | None, request: gr.Request) -> tuple[str, str]:
        today = dt.date.today()
        pdf, count = make_poster(curator, pages, renderer, actor(request), title or "", list(chosen or []),
                                 _site(request), today)
        target = _save(output_dir, texts.POSTER_FILE_NAME.format(date=today.isoformat()), pdf)
        return str(target), texts.POSTER_DONE.format(n=len({str(i) for i in chosen or []}), pages=count)

    gr.Markdown(texts.POSTER_HINT)
    with gr.Row():
        search = gr.Textbox(label=texts.POSTER_SEARCH, scale=3, elem_id="poster-search")
        refresh = gr.Button(texts.Console.SEARCH, scale=1)
    # a multi-select dropdown filters as one types, and keeps the chosen ones while the search box narrows the list;
    # custom values are allowed because the choices are this session's (they are checked again on "make")
    picked = gr.Dropdown(label=texts.POSTER_PICK, choices=[], value=[], multiselect=True, allow_custom_value=True,
                         elem_id="poster-pick")
    title = gr.Textbox(label=texts.POSTER_TITLE_FIELD, value=texts.POSTER_DEFAULT_TITLE, elem_id="poster-title")
    make = gr.Button(texts.POSTER_MAKE, variant="primary", elem_id="poster-make")
    message = gr.Markdown(elem_id="poster-message")
    output = gr.File(label=texts.POSTER_FILE, interactive=False, elem_id="poster-file")
    refresh.click(find, [search, picked], [picked], api_name="find_published")
    search.submit(find, [search, picked], [picked], api_name=False)
    make.click(generate, [title, picked], [output, message], api_name="make_poster")
    loads.add(find, [search, picked], [picked])
