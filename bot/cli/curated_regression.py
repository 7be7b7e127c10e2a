"""The regression check of the published curated answers from the command line.

    askscience eval --curated

Re-asks every published answer's question and other phrasings over the configured data dir (nothing is
logged; see bot/curation/regression.py), prints each case that no longer reaches its answer and a
summary line, and records the run for the dashboard. Exit status: 0 when every case passes, 1 when any
fails, 2 when there is nothing to check.
"""

from __future__ import annotations

import argparse
import sys

from bot.curation.regression import RegressionReport, outcome_label, published_cases, run
from knowledge import texts

ACTOR = "cli"


def _progress(done: int, total: int) -> None:
    if done == total or done % 100 == 0:
        print(texts.REGRESSION_PROGRESS.format(done=done, total=total), file=sys.stderr, flush=True)


def print_report(report: RegressionReport) -> None:
    for f in report.failures:
        question = f.question + ("" if f.published else texts.REGRESSION_WITHDRAWN)
        print(texts.REGRESSION_CLI_FAILURE.format(id=f.answer_id, question=question, phrasing=f.phrasing,
                                                  got=outcome_label(f)))
    print(report.summary_line())


def main(argv: list[str] | None = None, prog: str = "askscience eval --curated") -> int:
    parser = argparse.ArgumentParser(prog=prog, description=texts.REGRESSION_CLI_DESCRIPTION)
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    args = parser.parse_args(argv)

    from bot.engine.factory import build_service
    from knowledge.settings import Settings

    # what is checked is where each question lands, not how fast: no per-question time budget here
    settings = Settings().model_copy(update={"answer_budget_seconds": 3600.0})
    service = build_service(settings)
    if not published_cases(service):
        print(texts.REGRESSION_NO_CASES, file=sys.stderr)
        return 2
    report = run(service, None if args.quiet else _progress, ACTOR)
    print_report(report)
    return 0 if report.ok else 1
