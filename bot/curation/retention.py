"""The question log's retention: the app deletes questions older than the setting by itself, once
shortly after start and then every ``every_hours``."""

from __future__ import annotations

import datetime as dt
import logging
import threading

from sqlalchemy.exc import SQLAlchemyError

from knowledge.stores.models import utcnow
from knowledge.stores.questions import QuestionLog

log = logging.getLogger(__name__)


class RetentionJob:
    def __init__(self, questions: QuestionLog, days: int, every_hours: float = 24.0) -> None:
        self._questions = questions
        self.days = days
        self._every = every_hours * 3600
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.last_purged: int | None = None  # questions deleted by the last run (None: not run yet)

    def run_once(self) -> int:
        """Delete what is older than the retention window now; returns how many questions went."""
        deleted = self._questions.purge_before(utcnow() - dt.timedelta(days=self.days))
        self.last_purged = deleted
        if deleted:
            log.info("retention: deleted %d logged questions older than %d days", deleted, self.days)
        return deleted

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once()
            except SQLAlchemyError as exc:  # the database is busy or away: try again next round
                log.warning("retention purge failed, will retry: %s", exc)
            self._stop.wait(self._every)

    def start(self) -> RetentionJob:
        self._thread = threading.Thread(target=self._loop, name="question-log-retention", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
