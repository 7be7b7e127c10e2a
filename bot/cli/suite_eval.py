"""The citizen suite: questions asked the way people ask, each with the key facts a good answer gives
early and the statements it must never make.

    askscience eval --suite tests/data/citizen [--split work|holdout|all] [--out answers.jsonl]

Runs every question through the answer service over the configured data dir (the starter content is
loaded first when the knowledge base is empty) and prints, per kind: the share whose first
``--window`` characters contain a key fact and that says nothing forbidden (for out-of-scope
questions: the share declined), answer-length percentiles, the share answered by a reviewed answer
and the share declined. A quarter of the suite (by id, :func:`bot.cli.splits.is_holdout`) is kept
for the final figures; ``--split work`` (the default) never reads it.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from bot.cli.splits import is_holdout
from bot.engine.service import AnswerService
from bot.engine.types import Answer, AskOptions, Mode
from knowledge.normal import fold_key

_MARKERS = re.compile(r"\[\d+\]")
_DROP = re.compile(r"[\s\W_]+", re.UNICODE)
KINDS = ("in_scope", "rumour", "follow_up", "english", "out_of_scope")


@dataclass
class Case:
    id: str
    kind: str
    question: str
    history: list[str] = field(default_factory=list)
    key_facts: list[str] = field(default_factory=list)
    must_not: list[str] = field(default_factory=list)
    articles: list[str] = field(default_factory=list)
    style: str = ""


def load_suite(folder: Path) -> list[Case]:
    cases = []
    for path in sorted(folder.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            history = [t["question"] if isinstance(t, dict) else str(t) for t in row.get("history") or []]
            cases.append(Case(row["id"], row["kind"], row["question"], history, list(row.get("key_facts") or []),
                              list(row.get("must_not") or []), list(row.get("articles") or []),
                              row.get("style", "")))
    return cases


def select(cases: list[Case], split: str) -> list[Case]:
    if split == "all":
        return cases
    held = split == "holdout"
    return [c for c in cases if is_holdout(c.id) == held]


def plain(text: str) -> str:
    """The answer as a citizen reads it, without citation markers."""
    return _MARKERS.sub("", text)


def _norm(text: str) -> str:
    return _DROP.sub("", fold_key(text))


def judge(case: Case, answer: Answer, window: int) -> dict:
    """The automatic checks of one answer: key fact early, nothing forbidden, declined or not."""
    text = plain(answer.text)
    declined = answer.mode == Mode.NO_ANSWER
    head = _norm(text[:window])
    key = any(_norm(f) and _norm(f) in head for f in case.key_facts)
    forbidden = [f for f in case.must_not if _norm(f) and _norm(f) in _norm(text)]
    ok = declined if case.kind == "out_of_scope" else (key and not forbidden and not declined)
    return {"ok": ok, "key_fact": key, "forbidden": forbidden, "declined": declined,
            "curated": answer.mode == Mode.CURATED, "chars": len(text)}


def ask_case(service: AnswerService, case: Case) -> Answer:
    history: list[tuple[str, str]] = []
    options = AskOptions(log=False)
    for earlier in case.history:  # earlier turns get the answers the service really gives
        history.append((earlier, service.ask(earlier, history, options).text))
    return service.ask(case.question, history, options)


def _percentile(values: list[int], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return float(ordered[min(len(ordered) - 1, int(q * len(ordered)))])


def report(rows: list[dict]) -> list[str]:
    lines = []
    by_kind: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_kind[row["kind"]].append(row)
    for kind in [*KINDS, *sorted(set(by_kind) - set(KINDS))]:
        group = by_kind.get(kind)
        if not group:
            continue
        answered = [r["chars"] for r in group if not r["declined"]]
        lines.append(
            f"{kind:<13} n={len(group):<4} ok={sum(r['ok'] for r in group) / len(group):.3f} "
            f"key_fact={sum(r['key_fact'] for r in group) / len(group):.3f} "
            f"forbidden={sum(bool(r['forbidden']) for r in group)} "
            f"curated={sum(r['curated'] for r in group) / len(group):.3f} "
            f"declined={sum(r['declined'] for r in group) / len(group):.3f} "
            f"chars_p50={statistics.median(answered) if answered else 0:.0f} "
            f"chars_p90={_percentile(answered, 0.9):.0f}")
    answerable = [r for r in rows if r["kind"] != "out_of_scope"]
    if answerable:
        lines.append(f"{'answerable':<13} n={len(answerable):<4} "
                     f"ok={sum(r['ok'] for r in answerable) / len(answerable):.3f} "
                     f"declined={sum(r['declined'] for r in answerable) / len(answerable):.3f}")
    return lines


def main(argv: list[str] | None = None, prog: str = "askscience eval --suite") -> int:
    parser = argparse.ArgumentParser(prog=prog, description=__doc__.split("\n\n")[0])
    parser.add_argument("suite", type=Path, help="folder of *.jsonl suite files")
    parser.add_argument("--split", choices=["work", "holdout", "all"], default="work")
    parser.add_argument("--window", type=int, default=120, help="characters in which a key fact must appear")
    parser.add_argument("--out", type=Path, help="write every answer (JSON Lines) for reading and judging")
    parser.add_argument("--kind", action="append", help="only these kinds")
    args = parser.parse_args(argv)

    from bot.engine.factory import build_service
    from ingest.service import build_pipeline
    from ingest.starter import load_starter
    from knowledge.settings import Settings

    cases = select(load_suite(args.suite), args.split)
    if args.kind:
        cases = [c for c in cases if c.kind in args.kind]
    if not cases:
        print("no questions selected", file=sys.stderr)
        return 2
    # quality, not abuse, is measured here: no per-question time budget on a busy benchmark machine
    settings = Settings().model_copy(update={"answer_budget_seconds": 3600.0})
    service = build_service(settings)
    if service.kb.count() == 0:
        load_starter(settings.starter_dir, build_pipeline(settings, service.kb), service.store)
    rows = []
    out = args.out.open("w", encoding="utf-8") if args.out else None
    try:
        for case in cases:
            answer = ask_case(service, case)
            row = {"id": case.id, "kind": case.kind, "style": case.style, "history": case.history,
                   "question": case.question, "answer": plain(answer.text), "mode": answer.mode.value,
                   "safety": answer.triage.level.value,
                   "sources": [c.title for c in answer.citations], "key_facts": case.key_facts,
                   "must_not": case.must_not, **judge(case, answer, args.window)}
            rows.append(row)
            if out:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
    finally:
        if out:
            out.close()
    print(f"suite={args.suite} split={args.split} questions={len(rows)}")
    for line in report(rows):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
