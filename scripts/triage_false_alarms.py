"""Safety-triage false alarms on sets of harmless questions (JSON Lines with a "question" or "text" field).

    .venv/bin/python scripts/triage_false_alarms.py tests/data/citizen/suite.jsonl [--explain] [--examples 5]
    .venv/bin/python scripts/triage_false_alarms.py ../shared/eval/dev/questions_lay.jsonl \
        ../shared/eval/dev/questions.jsonl

Every question there is an ordinary question, so any level but "none" is a false alarm. Prints the count
and share flagged per level over every question, and examples. Examples come only from the work split
(rows not held aside by ``bot.cli.splits.is_holdout`` of their id, or of their text without an id), so the
held-aside quarter is counted but never read. ``--explain`` says why each example was flagged: the n-grams
that push the level head towards that level rather than "none", and the shares of the query embedding and
of the intercepts in the logit difference.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.cli.splits import is_holdout  # noqa: E402
from bot.engine.triage import ALARM_LEVELS, Triage, TriageResult  # noqa: E402
from knowledge.index.embedders import E5Embedder  # noqa: E402


def load_questions(paths: list[Path]) -> list[tuple[str, bool]]:
    """(question, held aside) for every row of the files."""
    out = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                text = item.get("question") or item.get("text") or ""
                out.append((text, is_holdout(str(item.get("id") or text))))
    return out


def explain(triage: Triage, text: str, vec: np.ndarray, embedder: str, result: TriageResult) -> str:
    """One line: why the level head leans to the level given rather than "none"."""
    with_embedding = embedder == triage.model.embedder
    head = "level" if with_embedding else "level_char"
    grams, embedding, intercept = triage.model.contributions(head, text, result.level.value,
                                                             vec if with_embedding else None)
    top = ", ".join(f"{g!r} {v:+.2f}" for g, v in grams[:6])
    total = sum(v for _, v in grams)
    return f"n-grams {total:+.2f} (top: {top}); embedding {embedding:+.2f}; intercepts {intercept:+.2f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", type=Path, nargs="+")
    parser.add_argument("--explain", action="store_true", help="say why each example was flagged")
    parser.add_argument("--examples", type=int, default=5, help="examples per level (work split only)")
    args = parser.parse_args(argv)
    rows = load_questions(args.paths)
    triage, embedder = Triage(), E5Embedder()
    levels: Counter[str] = Counter()
    examples: dict[str, list[str]] = {}
    vectors = embedder.embed_queries([q for q, _ in rows]) if rows else []
    for (question, held), vec in zip(rows, vectors, strict=True):
        result = triage.classify(question, vec, embedder.name)
        level = result.level.value
        levels[level] += 1
        if level == "none" or held or len(examples.get(level, [])) >= args.examples:
            continue
        line = f"{question}  [{result.situation or level}, {result.confidence:.2f}]"
        if args.explain:
            line += "\n      " + explain(triage, question, vec, embedder.name, result)
        examples.setdefault(level, []).append(line)
    n = len(rows) or 1
    alarms = sum(levels[lv.value] for lv in ALARM_LEVELS)
    print(f"questions={len(rows)} alarms={alarms} ({alarms / n:.3f}) any_level={n - levels['none']} "
          f"({1 - levels['none'] / n:.3f}) {dict(levels)}")
    for level, found in examples.items():
        print(f"  {level} (work split):")
        for line in found:
            print(f"    {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
