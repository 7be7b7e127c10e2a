"""The document registry: which uploaded (or retired) documents exist, where their files are kept,
their content hash and title, and who acted on them last. Each change is audited in the same
transaction."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from knowledge.stores.audit import record
from knowledge.stores.database import Database
from knowledge.stores.models import DocumentRow
from knowledge.types import DocumentStatus


@dataclass(frozen=True)
class DocumentRecord:
    source: str
    title: str
    status: str
    stored_path: str
    content_hash: str
    updated_by: str
    note: str = ""  # why a held document is held (the sensitive phrases found)


def _record(row: DocumentRow) -> DocumentRecord:
    return DocumentRecord(row.source, row.title or "", row.status, row.stored_path or "", row.content_hash or "",
                          row.updated_by or "", row.note or "")


@dataclass(frozen=True)
class Stored:
    """One file the pipeline ingested: what the registry keeps of it."""

    source: str
    stored_path: str
    content_hash: str
    title: str
    status: DocumentStatus = DocumentStatus.ACTIVE
    note: str = ""


class DocumentRegistry:
    def __init__(self, db: Database) -> None:
        self._db = db

    def get(self, source: str) -> DocumentRecord | None:
        with self._db.session() as s:
            row = s.scalar(select(DocumentRow).where(DocumentRow.source == source))
            return _record(row) if row is not None else None

    def all(self) -> dict[str, DocumentRecord]:
        with self._db.session() as s:
            return {r.source: _record(r) for r in s.scalars(select(DocumentRow))}

    def active_with_hash(self, content_hash: str) -> DocumentRecord | None:
        """An active document with this content (a duplicate under another name is refused)."""
        with self._db.session() as s:
            row = s.scalar(select(DocumentRow).where(DocumentRow.content_hash == content_hash,
                                                     DocumentRow.status == DocumentStatus.ACTIVE))
            return _record(row) if row is not None else None

    def record_uploads(self, actor: str, stored: list[Stored], audit_target: str, audit_detail: str) -> None:
        with self._db.session() as s, s.begin():
            for item in stored:
                row = s.scalar(select(DocumentRow).where(DocumentRow.source == item.source))
                if row is None:
                    row = DocumentRow(source=item.source)
                    s.add(row)
                row.status, row.stored_path = item.status, item.stored_path
                row.content_hash, row.updated_by, row.title = item.content_hash, actor, item.title
                row.note = item.note or None
            record(s, actor, "document.upload", audit_target, audit_detail)

    def set_status(self, actor: str, source: str, status: DocumentStatus, action: str, detail: str,
                   title: str = "", stored_path: str = "") -> None:
        """Mark a document active or retired (a document not yet registered, such as a starter article,
        is registered now so it can be restored later)."""
        with self._db.session() as s, s.begin():
            row = s.scalar(select(DocumentRow).where(DocumentRow.source == source))
            if row is None:
                row = DocumentRow(source=source, stored_path=stored_path)
                s.add(row)
            row.status, row.updated_by, row.title = status, actor, title or row.title
            row.note = None
            record(s, actor, action, source.rsplit("/", 1)[-1], detail)

    def delete(self, actor: str, source: str, detail: str) -> None:
        with self._db.session() as s, s.begin():
            row = s.scalar(select(DocumentRow).where(DocumentRow.source == source))
            if row is not None:
                s.delete(row)
            record(s, actor, "document.delete", source.rsplit("/", 1)[-1], detail)
