"""The science glossary: terms kept whole by the tokenizer and lay synonyms mapped to terms."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

NO_EXPANSION = "不扩展"


@dataclass(frozen=True)
class GlossaryEntry:
    term: str
    synonyms: tuple[str, ...]
    topic: str
    expand: bool = True  # False (4th column 不扩展): kept whole when segmenting, never added to a query


@dataclass(frozen=True)
class Glossary:
    """Entries of ``glossary.tsv`` (term, synonyms separated by 、, topic, optionally 不扩展).

    A term whose everyday meaning differs from the science one (板块, 窗口期, 消炎药) is marked
    不扩展: the tokenizer keeps it whole, but neither it nor its synonyms expand a question."""

    entries: tuple[GlossaryEntry, ...] = ()
    synonym_to_term: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Glossary:
        """Read a glossary file; a missing file gives an empty glossary."""
        if not path.is_file():
            return cls()
        entries = []
        mapping: dict[str, str] = {}
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.split("\t")
            term = cols[0].strip()
            if not term:
                continue
            syns = tuple(s.strip() for s in (cols[1] if len(cols) > 1 else "").replace(",", "、").split("、"))
            syns = tuple(s for s in syns if s and s != term)
            expand = not (len(cols) > 3 and cols[3].strip() == NO_EXPANSION)
            entries.append(GlossaryEntry(term, syns, cols[2].strip() if len(cols) > 2 else "", expand))
            if expand:
                for syn in syns:
                    mapping.setdefault(syn, term)
        return cls(tuple(entries), mapping)

    def words(self) -> list[str]:
        """All terms and synonyms, for the tokenizer's dictionary."""
        out = []
        for entry in self.entries:
            out.append(entry.term)
            out.extend(entry.synonyms)
        return out
