"""Turn an :class:`Answer` into the Markdown the chat shows. Everything user-supplied is escaped."""

from __future__ import annotations

from bot.types import Answer
from knowledge import texts

# Markdown syntax characters become entities too, so user text can neither open HTML nor form a
# link, image, emphasis or heading; the chat shows it exactly as written.
_ESCAPES = str.maketrans({c: f"&#{ord(c)};" for c in "&<>\"'\\`*_[]()#|~!{}=$"})


def _esc(text: str) -> str:
    return text.translate(_ESCAPES).replace("\n", "  \n")


def render_answer(answer: Answer) -> str:
    """Mode badge, safety pointer, answer text, notice and source cards (as <details> blocks)."""
    label = texts.MODE_LABELS.get(answer.mode.value, answer.mode.value)
    parts = [f"**【{label}】**"]
    if answer.safety:
        parts.append(f"> ⚠️ {_esc(answer.safety)}")
    parts.append(_esc(answer.text))
    if answer.notice:
        parts.append(f"*{_esc(answer.notice)}*")
    for c in answer.citations:
        snippet = _esc(c.snippet)
        for sentence in c.highlights:
            snippet = snippet.replace(_esc(sentence), f"<mark>{_esc(sentence)}</mark>")
        reviewer = f"审核：{_esc(c.reviewer)}" if c.reviewer else ""
        meta = " · ".join(x for x in (reviewer, _esc(c.reviewed_at)) if x)
        parts.append(
            f"<details><summary>[{c.number}] {_esc(c.title) or '资料'}</summary>\n\n{snippet}\n\n"
            f"<small>{meta}</small></details>"
        )
    return "\n\n".join(parts)


def render_partial(text: str) -> str:
    return _esc(text)


def render_question(text: str) -> str:
    """A citizen's question as shown in the chat: literally, never as markup."""
    return _esc(text)
