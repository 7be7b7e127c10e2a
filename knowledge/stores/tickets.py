"""Tickets and assignments: a citizen's unanswered question, the code they keep for it, and the expert
it is given to. A ticket follows its assignment; when the assignment's answer is published the ticket is
answered in the same transaction (``answer_tickets``), so a crash never leaves the two apart.

Ticket codes are random (``secrets``), not derived from the question: a code must not be guessable from
another one, because it is the only key to the answer a citizen asked for.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from knowledge.errors import StoreError
from knowledge.stores.audit import record
from knowledge.stores.database import Database
from knowledge.stores.models import AssignmentRow, TicketRow, utcnow
from knowledge.types import AssignmentStatus, TicketStatus

# No 0/O, 1/I/L, 5/S or 8/B pairs: a code read aloud or copied by hand stays one code.
ALPHABET = "234679ACDEFGHJKMNPQRTUVWXYZ"
_CODE = re.compile(rf"^[{ALPHABET}]{{3}}-[{ALPHABET}]{{3}}$")
REASONS = ("no_answer", "thumbs_down", "report")


def new_code() -> str:
    chars = "".join(secrets.choice(ALPHABET) for _ in range(6))
    return f"{chars[:3]}-{chars[3:]}"


def normalise_code(code: str | None) -> str | None:
    """The canonical form of what a citizen typed ("q7k 3f2", "Q7K3F2" → "Q7K-3F2"), or None if it cannot
    be a ticket code at all."""
    if not code or len(code) > 32:
        return None
    raw = re.sub(r"[\s\-－_—]", "", code).upper()
    if len(raw) != 6:
        return None
    canonical = f"{raw[:3]}-{raw[3:]}"
    return canonical if _CODE.match(canonical) else None


@dataclass(frozen=True)
class Ticket:
    code: str
    question_id: int | None
    question: str
    reason: str
    status: str
    topic: str
    channel: str
    assignment_id: int | None
    answer_id: int | None
    created_at: dt.datetime
    answered_at: dt.datetime | None


@dataclass(frozen=True)
class Assignment:
    id: int
    question: str
    expert: str
    topic: str
    status: str
    due_at: dt.datetime
    assigned_by: str
    assigned_at: dt.datetime
    answer_id: int | None
    done_at: dt.datetime | None

    def overdue(self, now: dt.datetime) -> bool:
        return self.status == AssignmentStatus.OPEN and self.due_at < now


def _ticket(r: TicketRow) -> Ticket:
    return Ticket(r.code, r.question_id, r.question, r.reason, r.status, r.topic or "", r.channel or "",
                  r.assignment_id, r.answer_id, r.created_at, r.answered_at)


def _assignment(r: AssignmentRow) -> Assignment:
    return Assignment(r.id, r.question, r.expert, r.topic or "", r.status, r.due_at, r.assigned_by, r.assigned_at,
                      r.answer_id, r.done_at)


def answer_tickets(s: Session, answer_id: int, now: dt.datetime | None = None) -> list[str]:
    """Inside the caller's publish transaction: every ticket waiting for ``answer_id`` becomes answered and
    every assignment drafting it is done. Returns the codes answered now."""
    now = now or utcnow()
    codes = list(s.scalars(select(TicketRow.code).where(TicketRow.answer_id == answer_id,
                                                        TicketRow.status != TicketStatus.ANSWERED)))
    if codes:
        s.execute(update(TicketRow).where(TicketRow.code.in_(codes))
                  .values(status=TicketStatus.ANSWERED, answered_at=now))
    s.execute(update(AssignmentRow).where(AssignmentRow.answer_id == answer_id,
                                          AssignmentRow.status == AssignmentStatus.OPEN)
              .values(status=AssignmentStatus.DONE, done_at=now))
    return codes


class Tickets:
    def __init__(self, db: Database) -> None:
        self._db = db

    # ---- the citizen's side --------------------------------------------------------------------------
    def open(self, question: str, reason: str, question_id: int | None = None, topic: str = "",
             channel: str = "") -> Ticket:
        """Open a ticket for a logged question, or return the one it already has (a declined question
        that then gets a 👎 keeps its first code)."""
        if reason not in REASONS:
            raise ValueError(reason)
        if question_id is not None:
            with self._db.session() as s:
                row = s.scalars(select(TicketRow).where(TicketRow.question_id == question_id)).first()
                if row is not None:
                    return _ticket(row)
        for _ in range(8):  # 27^6 ≈ 387 million codes: a collision is rare, eight in a row is a broken RNG
            try:
                with self._db.writing() as s:
                    row = TicketRow(code=new_code(), question_id=question_id, question=question[:2000],
                                    reason=reason, status=TicketStatus.RECEIVED, topic=topic[:32] or None,
                                    channel=channel[:64] or None)
                    s.add(row)
                    s.flush()
                    return _ticket(row)
            except IntegrityError:
                continue
        raise StoreError("could not draw a free ticket code")

    def get(self, code: str | None) -> Ticket | None:
        canonical = normalise_code(code)
        if canonical is None:
            return None
        with self._db.session() as s:
            row = s.get(TicketRow, canonical)
            return _ticket(row) if row is not None else None

    def many(self, codes: Iterable[str]) -> list[Ticket]:
        """The tickets of these codes that exist, in the order given (unknown codes are left out)."""
        wanted = [c for c in (normalise_code(c) for c in codes) if c]
        if not wanted:
            return []
        with self._db.session() as s:
            found = {r.code: _ticket(r) for r in s.scalars(select(TicketRow).where(TicketRow.code.in_(wanted)))}
        return [found[c] for c in dict.fromkeys(wanted) if c in found]

    def close(self, code: str, answer_id: int, actor: str = "system") -> bool:
        """Answer a ticket with an already published answer (its question now reaches one)."""
        with self._db.session() as s, s.begin():
            row = s.get(TicketRow, code)
            if row is None or row.status == TicketStatus.ANSWERED:
                return False
            row.status, row.answer_id, row.answered_at = TicketStatus.ANSWERED, answer_id, utcnow()
            record(s, actor, "ticket.closed", code, f"answer #{answer_id}")
            return True

    # ---- the curators' side --------------------------------------------------------------------------
    def for_questions(self, question_ids: Iterable[int]) -> dict[int, Ticket]:
        ids = list(set(question_ids))
        out: dict[int, Ticket] = {}
        with self._db.session() as s:
            for start in range(0, len(ids), 500):
                for r in s.scalars(select(TicketRow).where(TicketRow.question_id.in_(ids[start:start + 500]))):
                    if r.question_id is not None:
                        out[r.question_id] = _ticket(r)
        return out

    def since(self, since: dt.datetime) -> list[Ticket]:
        with self._db.session() as s:
            rows = s.scalars(select(TicketRow).where(TicketRow.created_at >= since).order_by(TicketRow.created_at))
            return [_ticket(r) for r in rows]

    def of_assignment(self, assignment_id: int) -> list[Ticket]:
        with self._db.session() as s:
            rows = s.scalars(select(TicketRow).where(TicketRow.assignment_id == assignment_id)
                             .order_by(TicketRow.created_at.desc()))
            return [_ticket(r) for r in rows]

    def of_answer(self, answer_id: int) -> list[Ticket]:
        with self._db.session() as s:
            return [_ticket(r) for r in s.scalars(select(TicketRow).where(TicketRow.answer_id == answer_id))]

    def assign(self, actor: str, codes: Sequence[str], expert: str, question: str, due_at: dt.datetime,
               topic: str = "") -> Assignment:
        """Give these tickets (one review group) to ``expert``: one assignment, the tickets 解答中."""
        with self._db.session() as s, s.begin():
            row = AssignmentRow(question=question[:2000], expert=expert, topic=topic[:32] or None,
                                status=AssignmentStatus.OPEN, due_at=due_at, assigned_by=actor)
            s.add(row)
            s.flush()
            self._attach(s, row, codes)
            record(s, actor, "assignment.create", f"#{row.id} {question}",
                   f"expert={expert} due={due_at:%Y-%m-%d %H:%M} tickets={' '.join(codes)}")
            return _assignment(row)

    @staticmethod
    def _attach(s: Session, row: AssignmentRow, codes: Sequence[str]) -> None:
        if not codes:
            return
        values: dict[str, object] = {"assignment_id": row.id, "status": TicketStatus.IN_PROGRESS}
        if row.answer_id is not None:
            values["answer_id"] = row.answer_id
        s.execute(update(TicketRow).where(TicketRow.code.in_(list(codes)), TicketRow.status != TicketStatus.ANSWERED)
                  .values(**values))

    def attach(self, assignment_id: int, codes: Sequence[str]) -> None:
        """Later tickets of the same need follow the group's assignment."""
        with self._db.session() as s, s.begin():
            row = s.get(AssignmentRow, assignment_id)
            if row is None or row.status != AssignmentStatus.OPEN:
                return
            self._attach(s, row, codes)

    def reassign(self, actor: str, assignment_id: int, expert: str, due_at: dt.datetime | None = None) -> Assignment:
        with self._db.session() as s, s.begin():
            row = self._open_row(s, assignment_id)
            before = row.expert
            row.expert = expert
            if due_at is not None:
                row.due_at = due_at
            record(s, actor, "assignment.reassign", f"#{row.id} {row.question}", f"{before} → {expert}")
            return _assignment(row)

    def cancel(self, actor: str, assignment_id: int) -> Assignment:
        """Take the assignment back; its unanswered tickets return to 已收到."""
        with self._db.session() as s, s.begin():
            row = self._open_row(s, assignment_id)
            row.status, row.done_at = AssignmentStatus.CANCELLED, utcnow()
            s.execute(update(TicketRow).where(TicketRow.assignment_id == row.id,
                                              TicketRow.status != TicketStatus.ANSWERED)
                      .values(status=TicketStatus.RECEIVED, assignment_id=None, answer_id=None))
            record(s, actor, "assignment.cancel", f"#{row.id} {row.question}")
            return _assignment(row)

    @staticmethod
    def _open_row(s: Session, assignment_id: int) -> AssignmentRow:
        row = s.get(AssignmentRow, assignment_id)
        if row is None:
            raise StoreError(f"assignment {assignment_id} does not exist")
        return row

    def link_answer(self, assignment_id: int, answer_id: int) -> None:
        """The expert's draft for this assignment: its tickets will be answered when it is published."""
        with self._db.session() as s, s.begin():
            row = self._open_row(s, assignment_id)
            row.answer_id = answer_id
            s.execute(update(TicketRow).where(TicketRow.assignment_id == row.id,
                                              TicketRow.status != TicketStatus.ANSWERED)
                      .values(answer_id=answer_id))

    def link_tickets(self, answer_id: int, codes: Sequence[str]) -> list[str]:
        """Tickets named directly for an answer (the curation API's ``tickets`` field); the known codes."""
        wanted = [c for c in (normalise_code(c) for c in codes) if c]
        if not wanted:
            return []
        with self._db.session() as s, s.begin():
            found = list(s.scalars(select(TicketRow.code).where(TicketRow.code.in_(wanted),
                                                                TicketRow.status != TicketStatus.ANSWERED)))
            if found:
                s.execute(update(TicketRow).where(TicketRow.code.in_(found))
                          .values(answer_id=answer_id, status=TicketStatus.IN_PROGRESS))
            return found

    def get_assignment(self, assignment_id: int) -> Assignment | None:
        with self._db.session() as s:
            row = s.get(AssignmentRow, assignment_id)
            return _assignment(row) if row is not None else None

    def assignments(self, expert: str | None = None, status: str | None = None,
                    limit: int = 1000) -> list[Assignment]:
        with self._db.session() as s:
            q = select(AssignmentRow).order_by(AssignmentRow.due_at)
            if expert is not None:
                q = q.where(AssignmentRow.expert == expert)
            if status is not None:
                q = q.where(AssignmentRow.status == status)
            return [_assignment(r) for r in s.scalars(q.limit(limit))]

    # ---- personal data (askscience privacy) ------------------------------------------------------------
    def erase(self, code: str, actor: str = "admin-cli") -> bool:
        """Delete a ticket and the question it keeps (a citizen's request); audited without the text."""
        canonical = normalise_code(code)
        if canonical is None:
            return False
        with self._db.session() as s, s.begin():
            gone = s.execute(delete(TicketRow).where(TicketRow.code == canonical)).rowcount
            if gone:
                record(s, actor, "privacy.erase_ticket", canonical)
            return bool(gone)
