"""Question normalisation: width, traditional → simplified, lay terms expanded with glossary terms."""

from __future__ import annotations

import re
import unicodedata

from opencc import OpenCC

from knowledge.index.glossary import Glossary
from knowledge.normal import fold_width

_SPACES = re.compile(r"\s+")


class QueryNormalizer:
    """Turns a citizen's question into the text retrieval works with."""

    def __init__(self, glossary: Glossary) -> None:
        self._t2s = OpenCC("t2s")
        # longest synonyms first, so 心脏病发作 wins over a shorter overlapping synonym
        self._synonyms = sorted(glossary.synonym_to_term.items(), key=lambda kv: -len(kv[0]))

    def clean(self, question: str) -> str:
        """Width-folded, simplified-Chinese, single-spaced question (no expansion)."""
        text = "".join(ch for ch in question if unicodedata.category(ch)[0] != "C" or ch in "\n\t")
        return _SPACES.sub(" ", self._t2s.convert(fold_width(text))).strip()

    def expand(self, question: str) -> str:
        """Append the glossary term for every lay synonym found (心梗 → 心肌梗死)."""
        added: list[str] = []
        for synonym, term in self._synonyms:
            if synonym in question and term not in question and term not in added:
                added.append(term)
        return f"{question} {' '.join(added)}" if added else question
