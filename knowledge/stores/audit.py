"""The audit trail: who changed what, when. Entries are added inside the transaction of the change
they record (``record``), so a crash never leaves a change without its entry."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge.stores.database import Database
from knowledge.stores.models import AuditRow


@dataclass(frozen=True)
class AuditEntry:
    at: dt.datetime
    actor: str
    action: str
    target: str
    detail: str


def record(s: Session, actor: str, action: str, target: str, detail: str = "") -> None:
    """Add an audit entry inside the caller's transaction."""
    s.add(AuditRow(actor=actor, action=action, target=target[:2000], detail=detail[:4000]))


class AuditTrail:
    def __init__(self, db: Database) -> None:
        self._db = db

    def recent(self, limit: int = 200) -> list[AuditEntry]:
        """The newest entries first."""
        with self._db.session() as s:
            rows = s.scalars(select(AuditRow).order_by(AuditRow.id.desc()).limit(limit))
            return [AuditEntry(r.at, r.actor, r.action, r.target, r.detail) for r in rows]
