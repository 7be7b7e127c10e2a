"""The regression check of the published curated answers: does every question a curator published still
reach its answer?

Every published answer's question and each of its other phrasings is a case. :func:`run` asks each one
as a citizen would (curated matching on, nothing logged) and lists the cases that no longer get their
answer: another reviewed answer, a decline, a quote from the articles, a safety message or a refusal.
The phrasings asked in the previous run are asked again too, so a phrasing a curator has since removed,
or the questions of an answer retired since, show what a citizen now gets for them (once: the next run
starts from the published set of this one). Each run is recorded (knowledge/stores/regression_runs.py);
the dashboard shows the latest.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from bot.engine.service import AnswerService
from bot.engine.types import Answer, AskOptions, Mode
from knowledge import texts
from knowledge.errors import QuestionError, ServiceBusy
from knowledge.stores.models import utcnow
from knowledge.stores.regression_runs import RegressionRun, RegressionRuns

CHANNEL = "regression"
GOT_CHARS = 80
Progress = Callable[[int, int], None]  # (cases done, cases in all)


class Outcome:
    """What a failing case got instead of its answer."""

    OTHER = "other"  # another reviewed answer
    DECLINED = "declined"  # no reliable answer
    QUOTED = "quoted"  # passages quoted (or written by the LLM) from the articles
    SAFETY = "safety"  # the safety message alone
    BLOCKED = "blocked"  # refused for a sensitive phrase
    ERROR = "error"  # the question could not be asked (too long, the service busy)


_OUTCOMES = {Mode.NO_ANSWER: Outcome.DECLINED, Mode.EXTRACTIVE: Outcome.QUOTED, Mode.LLM: Outcome.QUOTED,
             Mode.SAFETY: Outcome.SAFETY, Mode.BLOCKED: Outcome.BLOCKED, Mode.CURATED: Outcome.OTHER}


@dataclass(frozen=True)
class Case:
    answer_id: int
    key: str
    question: str  # the answer's own question: how curators know it
    phrasing: str  # what is asked
    published: bool = True  # False: from the previous run, its answer no longer published


@dataclass(frozen=True)
class Failure:
    answer_id: int
    key: str
    question: str
    phrasing: str
    published: bool
    outcome: str  # an :class:`Outcome` value
    got_id: int | None = None  # the reviewed answer given instead
    got_question: str = ""  # its question
    got_text: str = ""  # the beginning of what was answered
    new: bool = False  # the previous run had this case and it did not fail then

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Failure:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


@dataclass
class RegressionReport:
    cases: int
    failures: list[Failure] = field(default_factory=list)
    seconds: float = 0.0
    ran_at: dt.datetime = field(default_factory=utcnow)

    @property
    def passed(self) -> int:
        return self.cases - len(self.failures)

    @property
    def ok(self) -> bool:
        return not self.failures

    def summary_line(self) -> str:
        return texts.REGRESSION_SUMMARY.format(cases=self.cases, passed=self.passed, failed=len(self.failures),
                                               seconds=self.seconds)


def published_cases(service: AnswerService) -> list[Case]:
    """Every published answer's question and other phrasings, by answer id."""
    assert service.store is not None
    answers = sorted(service.store.answers.published(), key=lambda a: a.id)
    return [Case(a.id, a.key, a.question, p) for a in answers for p in dict.fromkeys(a.phrasings)]


def _carried_over(service: AnswerService, previous: RegressionRun | None, current: list[Case]) -> list[Case]:
    """The previous run's phrasings that are no longer published phrasings of their answer."""
    if previous is None:
        return []
    assert service.store is not None
    now = {(c.answer_id, c.phrasing) for c in current}
    live = {c.answer_id for c in current}
    out = []
    for answer_id, phrasing in previous.baseline:
        if (answer_id, phrasing) in now:
            continue
        answer = service.store.answers.get(answer_id)
        key, question = (answer.key, answer.question) if answer is not None else ("", phrasing)
        out.append(Case(answer_id, key, question, phrasing, published=answer_id in live))
    return out


def check(service: AnswerService, case: Case) -> Failure | None:
    """Ask one case; None when it reaches its answer."""
    try:
        got = service.ask(case.phrasing, None, AskOptions(use_curated=True, log=False, channel=CHANNEL))
    except (QuestionError, ServiceBusy) as exc:
        return Failure(case.answer_id, case.key, case.question, case.phrasing, case.published, Outcome.ERROR,
                       got_text=str(exc)[:GOT_CHARS])
    if got.mode == Mode.CURATED and got.curated_id == case.answer_id:
        return None
    return Failure(case.answer_id, case.key, case.question, case.phrasing, case.published,
                   _OUTCOMES.get(got.mode, Outcome.QUOTED), got.curated_id, _question_of(service, got),
                   got.text[:GOT_CHARS])


def _question_of(service: AnswerService, got: Answer) -> str:
    if got.curated_id is None or service.store is None:
        return ""
    other = service.store.answers.get(got.curated_id)
    return other.question if other is not None else ""


def run(service: AnswerService, progress: Progress | None = None, actor: str = "") -> RegressionReport:
    """Re-ask every case, record the run and return its report (failures in case order)."""
    if service.store is None:
        raise ValueError("the regression check needs the curation store")
    runs = RegressionRuns(service.store.db)
    previous = runs.last()
    current = published_cases(service)
    cases = current + _carried_over(service, previous, current)
    failed_before = {(f.get("answer_id"), f.get("phrasing")) for f in previous.failures} if previous else set()
    asked_before = set(previous.baseline) | failed_before if previous else set()
    start = time.perf_counter()
    failures = []
    for done, case in enumerate(cases, start=1):
        failure = check(service, case)
        if failure is not None:
            ident = (case.answer_id, case.phrasing)
            failures.append(_with_new(failure, ident in asked_before and ident not in failed_before))
        if progress is not None:
            progress(done, len(cases))
    report = RegressionReport(len(cases), failures, time.perf_counter() - start)
    runs.record(RegressionRun(report.cases, report.passed, tuple(f.as_dict() for f in failures),
                              tuple((c.answer_id, c.phrasing) for c in current), report.seconds, actor,
                              report.ran_at))
    return report


def _with_new(failure: Failure, new: bool) -> Failure:
    return Failure(**{**failure.as_dict(), "new": new})


def outcome_label(failure: Failure) -> str:
    """What the case got, for a curator ("另一条解答 #12：…", "暂无可靠答案", …)."""
    if failure.outcome == Outcome.OTHER:
        return texts.REGRESSION_GOT_OTHER.format(id=failure.got_id, question=failure.got_question)
    return texts.REGRESSION_OUTCOMES.get(failure.outcome, failure.outcome)


def last_run_line(last: RegressionRun) -> str:
    """The dashboard's line about the latest run."""
    return texts.REGRESSION_LAST_RUN.format(when=f"{last.ran_at:%Y-%m-%d %H:%M}", cases=last.cases,
                                            failed=last.failed)
