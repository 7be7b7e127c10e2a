"""The science glossary: terms kept whole by the tokenizer and lay synonyms mapped to terms."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class GlossaryEntry:
    term: str
    synonyms: tuple[str, ...]
    topic: str


@dataclass(frozen=True)
class Glossary:
    """Entries of ``glossary.tsv`` (term, synonyms separated by 、, topic)."""

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
            entries.append(GlossaryEntry(term, syns, cols[2].strip() if len(cols) > 2 else ""))
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
