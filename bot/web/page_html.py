"""The HTML of an answer page and of its 404: small, fast, readable on an old phone, everything escaped.

No script and no external resource; the styles are inline (the Guard's CSP allows that). Headings and
landmarks for screen readers, citation markers link to their source, contrast meets WCAG AA.
"""

from __future__ import annotations

import html
import re

from knowledge import texts
from knowledge.stores.answer_pages import AnswerPage, PageCitation

_MARKER = re.compile(r"\[(\d+)\]")
CSS = """
*{box-sizing:border-box}
body{margin:0;background:#f4f6f9;color:#1a1a1a;font:18px/1.8 "Noto Sans CJK SC","PingFang SC","Microsoft YaHei",
sans-serif}
a{color:#1d4f91}
a:focus-visible{outline:3px solid #e8a100;outline-offset:2px}
.site{background:#1d4f91;padding:.8rem 1.2rem}
.site a{color:#fff;font-weight:700;font-size:1.2rem;text-decoration:none}
main{max-width:42rem;margin:0 auto;padding:1.2rem;background:#fff;min-height:100vh}
h1{font-size:1.5rem;line-height:1.5;margin:.6rem 0}
h2{font-size:1.1rem;margin:1.4rem 0 .4rem}
.warning{background:#fdecea;color:#8c1d18;border-left:6px solid #b3261e;padding:.7rem 1rem;font-weight:700}
.safety{background:#fdecea;border:2px solid #b3261e;border-radius:8px;padding:.2rem 1rem;white-space:pre-line}
.safety h2{color:#8c1d18;margin-top:.6rem}
.labels span{display:inline-block;border-radius:4px;padding:0 .5rem;margin-right:.4rem;font-size:.95rem}
.mode{background:#e8eef7;color:#1d4f91}
.mode-curated{background:#e6f4ea;color:#14532d}
.verdict{background:#fff3e0;color:#7a4200;font-weight:700}
.review{color:#14532d;font-weight:700;margin:.2rem 0}
.review span{white-space:nowrap}
.ai{background:#fff3e0;color:#7a4200;padding:.5rem .8rem;border-radius:6px;font-weight:700}
.answer p{margin:.5rem 0}
.notice{color:#4a4a4a;font-size:.95rem}
.sources{padding-left:0;list-style:none}
.sources li{border-top:1px solid #dde2e8;padding:.6rem 0}
.sources .title{font-weight:700;margin:0}
.sources blockquote{margin:.3rem 0;padding-left:.8rem;border-left:4px solid #dde2e8;color:#333;font-size:.95rem}
.meta,.snapshot{color:#4a4a4a;font-size:.9rem;margin:.2rem 0}
.actions{display:flex;flex-wrap:wrap;gap:.8rem;margin:1.4rem 0}
.actions a{display:inline-block;padding:.6rem 1.2rem;border-radius:8px;border:2px solid #1d4f91;text-decoration:none}
.actions .ask{background:#1d4f91;color:#fff}
"""


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _paragraphs(text: str, link_markers: bool) -> str:
    out = []
    for part in (p for p in text.split("\n") if p.strip()):
        escaped = _e(part)
        if link_markers:
            escaped = _MARKER.sub(r'<a href="#source-\1">[\1]</a>', escaped)
        out.append(f"<p>{escaped}</p>")
    return "".join(out)


def _source(c: PageCitation) -> str:
    reviewer = texts.REVIEWED_BY.format(name=c.reviewer) if c.reviewer else ""
    meta = [_e(x) for x in (reviewer, c.reviewed_at) if x]
    if c.source.startswith(("http://", "https://")):
        meta.append(f'<a href="{_e(c.source)}" rel="nofollow noopener">{_e(texts.ANSWER_PAGE_SOURCE_LINK)}</a>')
    meta_html = f'<p class="meta">{" · ".join(meta)}</p>' if meta else ""
    return (f'<li id="source-{c.number}"><p class="title">[{c.number}] {_e(c.title or texts.SOURCE_UNTITLED)}</p>'
            f"<blockquote>{_e(c.snippet)}</blockquote>{meta_html}</li>")


def _document(title: str, head: str, body: str, home: str) -> str:
    return ('<!doctype html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{_e(title)}</title>{head}<style>{CSS}</style></head><body>"
            f'<header class="site"><a href="{_e(home)}">{_e(texts.SHARE_PLATFORM)}</a></header>'
            f"<main>{body}</main></body></html>")


def answer_page(page: AnswerPage, warning: str, url: str, card_url: str, home: str) -> str:
    """The page: any warning (withdrawn, revised) first, then the safety message, the question, its labels,
    the answer, the sources, the date it was kept, and links to ask more and to the share card."""
    c = page.content
    summary = re.sub(r"\s+", " ", _MARKER.sub("", c.answer))[:120]
    head = (f'<meta name="description" content="{_e(summary)}"><link rel="canonical" href="{_e(url)}">'
            f'<meta property="og:type" content="article"><meta property="og:title" content="{_e(c.question)}">'
            f'<meta property="og:description" content="{_e(summary)}"><meta property="og:url" content="{_e(url)}">'
            f'<meta property="og:image" content="{_e(card_url)}">')
    parts = []
    if warning:
        parts.append(f'<p class="warning" role="alert">{_e(warning)}</p>')
    if c.safety:
        parts.append(f'<div class="safety" role="alert"><h2>{_e(texts.ANSWER_PAGE_SAFETY)}</h2>'
                     f"<p>{_e(c.safety)}</p></div>")
    parts.append(f"<h1>{_e(c.question)}</h1>")
    mode = texts.MODE_LABELS.get(c.mode, c.mode)
    labels = f'<span class="mode mode-{_e(c.mode)}">{_e(mode)}</span>'
    if c.verdict:
        labels += f'<span class="verdict">{_e(texts.ANSWER_PAGE_VERDICT.format(verdict=c.verdict))}</span>'
    parts.append(f'<p class="labels">{labels}</p>')
    if c.mode == "curated":
        review = (texts.SHARE_REVIEW_LINE.format(date=c.reviewed_at) if c.reviewed_at
                  else texts.SHARE_REVIEWED_BADGE)
        pieces = [*review.split(" · "), *([texts.REVIEWED_BY.format(name=c.reviewer)] if c.reviewer else [])]
        # each piece stays whole on a narrow screen (a date never breaks in two)
        joined = " · ".join(f"<span>{_e(p)}</span>" for p in pieces)
        parts.append(f'<p class="review">{joined}</p>')
    if c.generated_by:
        parts.append(f'<p class="ai">{_e(texts.AI_GENERATED_LABEL.format(model=c.generated_by))}</p>')
    notice = f'<p class="notice">{_e(c.notice)}</p>' if c.notice else ""
    parts.append(f'<section aria-labelledby="answer-heading"><h2 id="answer-heading">{_e(texts.ANSWER_PAGE_ANSWER)}'
                 f'</h2><div class="answer">{_paragraphs(c.answer, bool(c.citations))}</div>{notice}</section>')
    if c.citations:
        items = "".join(_source(x) for x in c.citations)
        parts.append(f'<section aria-labelledby="sources-heading"><h2 id="sources-heading">'
                     f'{_e(texts.ANSWER_PAGE_SOURCES)}</h2><ol class="sources">{items}</ol></section>')
    parts.append(f'<p class="snapshot">{_e(texts.ANSWER_PAGE_SNAPSHOT.format(date=f"{page.created_at:%Y-%m-%d}"))}</p>')
    parts.append(f'<nav class="actions"><a class="ask" href="{_e(home)}">{_e(texts.ANSWER_PAGE_ASK)}</a>'
                 f'<a href="{_e(card_url)}">{_e(texts.ANSWER_PAGE_CARD)}</a></nav>')
    return _document(texts.ANSWER_PAGE_TITLE.format(question=c.question), head, "".join(parts), home)


def not_found(home: str = "/") -> str:
    body = (f"<h1>{_e(texts.ANSWER_PAGE_NOT_FOUND_TITLE)}</h1><p>{_e(texts.ANSWER_PAGE_NOT_FOUND)}</p>"
            f'<nav class="actions"><a class="ask" href="{_e(home)}">{_e(texts.ANSWER_PAGE_ASK)}</a></nav>')
    return _document(texts.ANSWER_PAGE_NOT_FOUND_TITLE, '<meta name="robots" content="noindex">', body, home)
