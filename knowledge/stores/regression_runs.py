"""The regression checks of the published curated answers (bot/curation/regression.py): the last few runs,
each with when it ran, its counts, its failures and the cases the next run re-asks. The dashboard shows
the latest one. Failures are kept as plain JSON objects: their shape belongs to the checker."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from sqlalchemy import delete, select

from knowledge.stores.database import Database
from knowledge.stores.models import RegressionRunRow, utcnow

KEEP_RUNS = 10


@dataclass(frozen=True)
class RegressionRun:
    cases: int
    passed: int
    failures: tuple[dict, ...] = ()
    baseline: tuple[tuple[int, str], ...] = ()  # (answer id, phrasing) of every published phrasing asked
    seconds: float = 0.0
    actor: str = ""
    ran_at: dt.datetime = field(default_factory=utcnow)

    @property
    def failed(self) -> int:
        return self.cases - self.passed


def _to_run(row: RegressionRunRow) -> RegressionRun:
    return RegressionRun(row.cases, row.passed, tuple(json.loads(row.failures or "[]")),
                         tuple((int(i), str(p)) for i, p in json.loads(row.baseline or "[]")),
                         row.seconds, row.actor, row.ran_at)


class RegressionRuns:
    def __init__(self, db: Database) -> None:
        self._db = db

    def record(self, run: RegressionRun, keep: int = KEEP_RUNS) -> None:
        """Keep ``run``; only the ``keep`` latest runs are kept."""
        with self._db.session() as s, s.begin():
            s.add(RegressionRunRow(
                ran_at=run.ran_at, actor=run.actor, cases=run.cases, passed=run.passed, seconds=run.seconds,
                failures=json.dumps(list(run.failures), ensure_ascii=False),
                baseline=json.dumps([list(b) for b in run.baseline], ensure_ascii=False)))
            s.flush()
            kept = list(s.scalars(select(RegressionRunRow.id).order_by(
                RegressionRunRow.ran_at.desc(), RegressionRunRow.id.desc()).limit(keep)))
            s.execute(delete(RegressionRunRow).where(RegressionRunRow.id.not_in(kept)))

    def last(self) -> RegressionRun | None:
        with self._db.session() as s:
            row = s.scalars(select(RegressionRunRow).order_by(RegressionRunRow.ran_at.desc(),
                                                              RegressionRunRow.id.desc()).limit(1)).first()
            return _to_run(row) if row is not None else None
