"""The managed sensitive-word list: kept in the curation database so every replica uses the same one,
changed only as a whole by a curator, each change audited. Until a curator saves one, the shipped
default list (knowledge/sensitive_words.txt) applies."""

from __future__ import annotations

from knowledge.stores.audit import record
from knowledge.stores.database import Database
from knowledge.stores.models import WordListRow, utcnow
from knowledge.wordlist import WordList, load_shipped, parse_text, to_text

SENSITIVE = "sensitive"


def _summary(before: WordList, after: WordList) -> str:
    old = {e.term for e in before.blocked} | {f"+{t}" for t in before.allowed}
    new = {e.term for e in after.blocked} | {f"+{t}" for t in after.allowed}
    added, removed = sorted(new - old), sorted(old - new)
    return (f"blocked {len(after.blocked)}, allowed {len(after.allowed)}; "
            f"added {len(added)}: {'、'.join(added[:50])}; removed {len(removed)}: {'、'.join(removed[:50])}")


class WordLists:
    def __init__(self, db: Database) -> None:
        self._db = db

    def current(self, name: str = SENSITIVE) -> WordList:
        """The list in force: the saved one, or the shipped default."""
        with self._db.session() as s:
            row = s.get(WordListRow, name)
        return parse_text(row.content) if row is not None else load_shipped()

    def revision(self, name: str = SENSITIVE) -> str:
        """Changes whenever the list changes (cheap to poll)."""
        with self._db.session() as s:
            row = s.get(WordListRow, name)
        return row.updated_at.isoformat() if row is not None else ""

    def save(self, actor: str, wordlist: WordList, name: str = SENSITIVE) -> None:
        """Replace the whole list (one transaction with its audit entry)."""
        before = self.current(name)
        with self._db.session() as s, s.begin():
            row = s.get(WordListRow, name)
            if row is None:
                row = WordListRow(name=name)
                s.add(row)
            row.content = to_text(wordlist)
            row.updated_at = utcnow()
            row.updated_by = actor
            record(s, actor, "words.replace", name, _summary(before, wordlist))
