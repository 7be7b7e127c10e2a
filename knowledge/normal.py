"""Text folding, in one place: what counts as "the same text" for display, matching and ids.

- :func:`fold_width` — for text people read (questions, cleaned documents): full-width ASCII letters,
  digits and symbols become ASCII, Chinese sentence punctuation stays full-width, odd spaces become
  plain spaces.
- :func:`fold_key` — for matching (keywords, triage n-grams, evaluation): NFKC, lower case, and the
  middle dot of dates like 5·12 dropped.
- :func:`fold_id` — for chunk ids: NFKC with whitespace collapsed (changing it would change every id).
"""

from __future__ import annotations

import unicodedata

CJK_PUNCT = "，。！？；：（）"
_SPACES = "\u3000\u00a0"
_DOTS = str.maketrans({"·": "", "•": "", "・": ""})


def fold_width(text: str) -> str:
    out = []
    for ch in text:
        code = ord(ch)
        if 0xFF01 <= code <= 0xFF5E and ch not in CJK_PUNCT:
            ch = unicodedata.normalize("NFKC", ch)
        elif ch in _SPACES:
            ch = " "
        out.append(ch)
    return "".join(out)


def fold_key(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower().translate(_DOTS)


def fold_id(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())
