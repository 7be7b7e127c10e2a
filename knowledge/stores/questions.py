"""The question log and the feedback citizens give on answers (👍, 👎, problem reports)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, select

from knowledge.stores.audit import record
from knowledge.stores.database import Database
from knowledge.stores.models import FeedbackRow, QuestionLogRow


@dataclass(frozen=True)
class LoggedQuestion:
    id: int
    asked_at: dt.datetime
    question: str
    mode: str
    answer: str
    topic: str
    thumbs_up: int = 0
    thumbs_down: int = 0
    reports: int = 0
    comments: tuple[str, ...] = ()
    llm_fallback: str = ""
    channel: str = ""


class QuestionLog:
    def __init__(self, db: Database) -> None:
        self._db = db

    def log(self, question: str, mode: str, answer: str, top_score: float, latency_ms: float,
            flagged: bool = False, topic: str = "", curated_id: int | None = None, llm_fallback: str = "",
            channel: str = "") -> int:
        """Record one answered question; returns its id (feedback refers to it)."""
        with self._db.writing() as s:
            row = QuestionLogRow(question=question[:2000], mode=mode, answer=answer[:4000], top_score=top_score,
                                 latency_ms=latency_ms, flagged=flagged, topic=topic[:32], curated_id=curated_id,
                                 llm_fallback=llm_fallback[:200] or None, channel=channel[:64] or None)
            s.add(row)
            s.flush()
            return int(row.id)

    def add_feedback(self, question_id: int, rating: int, comment: str = "", report: bool = False) -> bool:
        """Record 👍 (+1), 👎 (-1) or a problem report; False when the question id is unknown."""
        with self._db.writing() as s:
            if s.get(QuestionLogRow, question_id) is None:
                return False
            s.add(FeedbackRow(question_id=question_id, rating=max(-1, min(1, rating)), report=report,
                              comment=comment.strip()[:1000]))
        return True

    def recent(self, mode: str | None = None, limit: int = 100) -> list[QuestionLogRow]:
        with self._db.session() as s:
            q = select(QuestionLogRow).order_by(QuestionLogRow.id.desc()).limit(limit)
            if mode:
                q = q.where(QuestionLogRow.mode == mode)
            return list(s.scalars(q))

    def since(self, since: dt.datetime, limit: int = 20000) -> list[LoggedQuestion]:
        """Logged questions asked since ``since`` with their feedback counts, newest first."""
        with self._db.session() as s:
            rows = list(s.scalars(select(QuestionLogRow).where(QuestionLogRow.asked_at >= since)
                                  .order_by(QuestionLogRow.id.desc()).limit(limit)))
            ids = [r.id for r in rows]
            feedback: dict[int, list[FeedbackRow]] = {}
            for i in range(0, len(ids), 500):
                for f in s.scalars(select(FeedbackRow).where(FeedbackRow.question_id.in_(ids[i:i + 500]))):
                    feedback.setdefault(f.question_id, []).append(f)
        out = []
        for r in rows:
            fb = feedback.get(r.id, [])
            out.append(LoggedQuestion(
                r.id, r.asked_at, r.question, r.mode, r.answer, r.topic or "",
                sum(1 for f in fb if f.rating > 0), sum(1 for f in fb if f.rating < 0), sum(1 for f in fb if f.report),
                tuple(f.comment for f in fb if f.comment), r.llm_fallback or "", r.channel or "",
            ))
        return out

    # ---- retention and requests about one's own data -------------------------------------------------
    def purge_before(self, cutoff: dt.datetime, batch: int = 1000) -> int:
        """Delete questions asked before ``cutoff`` with their feedback, in small transactions so the
        app keeps answering meanwhile. Returns how many questions were deleted."""
        deleted = 0
        while True:
            with self._db.session() as s, s.begin():
                ids = list(s.scalars(select(QuestionLogRow.id).where(QuestionLogRow.asked_at < cutoff)
                                     .order_by(QuestionLogRow.id).limit(batch)))
                if not ids:
                    return deleted
                s.execute(delete(FeedbackRow).where(FeedbackRow.question_id.in_(ids)))
                s.execute(delete(QuestionLogRow).where(QuestionLogRow.id.in_(ids)))
                deleted += len(ids)

    def find(self, text: str, limit: int = 50) -> list[LoggedQuestion]:
        """Logged questions containing ``text`` (for a person asking what is kept about them)."""
        with self._db.session() as s:
            found = QuestionLogRow.question.contains(text, autoescape=True)
            newest = QuestionLogRow.id.desc()
            ids = list(s.scalars(select(QuestionLogRow.id).where(found).order_by(newest).limit(limit)))
        return [q for q in (self.get(i) for i in ids) if q is not None]

    def get(self, question_id: int) -> LoggedQuestion | None:
        """One logged question with its feedback."""
        with self._db.session() as s:
            r = s.get(QuestionLogRow, question_id)
            if r is None:
                return None
            fb = list(s.scalars(select(FeedbackRow).where(FeedbackRow.question_id == question_id)))
        return LoggedQuestion(r.id, r.asked_at, r.question, r.mode, r.answer, r.topic or "",
                              sum(1 for f in fb if f.rating > 0), sum(1 for f in fb if f.rating < 0),
                              sum(1 for f in fb if f.report), tuple(f.comment for f in fb if f.comment),
                              r.llm_fallback or "", r.channel or "")

    def erase(self, question_id: int, actor: str = "admin-cli") -> bool:
        """Delete one question and its feedback on request (audited, without the question's text);
        False when there is no such question."""
        with self._db.session() as s, s.begin():
            if s.get(QuestionLogRow, question_id) is None:
                return False
            s.execute(delete(FeedbackRow).where(FeedbackRow.question_id == question_id))
            s.execute(delete(QuestionLogRow).where(QuestionLogRow.id == question_id))
            record(s, actor, "privacy.erase", f"question #{question_id}")
        return True
