"""Turn an :class:`Answer` into the Markdown the chat shows. Everything user-supplied is escaped."""

from __future__ import annotations

from bot.engine import safety
from bot.engine.triage import Level, TriageResult
from bot.engine.types import Answer
from knowledge import texts

# Markdown syntax characters become entities too, so user text can neither open HTML nor form a
# link, image, emphasis or heading; the chat shows it exactly as written.
_ESCAPES = str.maketrans({c: f"&#{ord(c)};" for c in "&<>\"'\\`*_[]()#|~!{}=$"})


def _esc(text: str) -> str:
    return text.translate(_ESCAPES).replace("\n", "  \n")


_BOX_CLASS = {Level.EMERGENCY: "emergency", Level.DANGER: "emergency", Level.SELF_HARM: "self-harm",
              Level.HARMFUL_REQUEST: "refusal", Level.PERSONAL_MEDICAL: "medical"}


def render_safety(triage: TriageResult) -> str:
    """The safety box, first in the message: the number in bold, then the first steps (or the message)."""
    if triage.level == Level.NONE:
        return ""
    head = f"<strong>{_esc(safety.title(triage))}</strong>"
    aid = triage.first_aid
    if triage.level in (Level.EMERGENCY, Level.DANGER) and aid:
        steps = "".join(f"<li>{_esc(step)}</li>" for step in aid.steps)
        avoid = f"<p>{_esc(texts.SAFETY_AVOID.format(avoid=aid.avoid))}</p>" if aid.avoid else ""
        body = f"<ol>{steps}</ol>{avoid}"
    else:
        body = f"<p>{_esc(safety.message(triage))}</p>"
    return (f'<div class="safety-box safety-{_BOX_CLASS[triage.level]}" role="alert" '
            f'data-level="{triage.level.value}">{head}{body}</div>')


# The chat page's script (bot/web/chat.py) gives it its aria-label and reads the answer aloud; the chat's
# sanitizer keeps only ``type`` and ``class`` on a button, so nothing else is written here.
READ_ALOUD = f'<button type="button" class="read-aloud">{texts.READ_ALOUD_BUTTON}</button>'


def render_answer(answer: Answer, read_aloud: bool = False, link: str = "") -> str:
    """Safety box, mode badge, answer text, notice, the reviewed questions to ask next, the answer's
    permanent page (``link``) and source cards (as <details> blocks). With ``read_aloud`` the badge line
    carries a 朗读 button (the chat page's script makes it speak)."""
    label = texts.MODE_LABELS.get(answer.mode.value, answer.mode.value)
    parts = [render_safety(answer.triage)] if answer.triage.level != Level.NONE else []
    parts.append(f"**【{label}】** {READ_ALOUD}" if read_aloud else f"**【{label}】**")
    if answer.generated_by:  # generated content carries an explicit label (标识办法, 2025-09-01)
        parts.append(f"**{_esc(texts.AI_GENERATED_LABEL.format(model=answer.generated_by))}**")
    if answer.text:
        parts.append(_esc(answer.text))
    if answer.notice:
        parts.append(f"*{_esc(answer.notice)}*")
    if answer.suggestions:
        parts.append(texts.DID_YOU_MEAN + "\n" + "\n".join(f"- {_esc(q)}" for q in answer.suggestions))
    elif answer.related:
        parts.append(texts.RELATED_QUESTIONS + "\n" + "\n".join(f"- {_esc(q)}" for q in answer.related))
    if link:
        parts.append(f"[{texts.SHARE_LINK}]({link})")
    for c in answer.citations:
        snippet = _esc(c.snippet)
        for sentence in c.highlights:
            snippet = snippet.replace(_esc(sentence), f"<mark>{_esc(sentence)}</mark>")
        reviewer = texts.REVIEWED_BY.format(name=_esc(c.reviewer)) if c.reviewer else ""
        meta = " · ".join(x for x in (reviewer, _esc(c.reviewed_at)) if x)
        parts.append(
            f"<details><summary>[{c.number}] {_esc(c.title) or texts.SOURCE_UNTITLED}</summary>\n\n{snippet}\n\n"
            f"<small>{meta}</small></details>"
        )
    return "\n\n".join(parts)


def render_partial(text: str, triage: TriageResult | None = None) -> str:
    box = render_safety(triage) if triage is not None else ""
    return "\n\n".join(p for p in (box, _esc(text)) if p)


def render_question(text: str) -> str:
    """A citizen's question as shown in the chat: literally, never as markup."""
    return _esc(text)
