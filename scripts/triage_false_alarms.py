"""Safety-triage false alarms on sets of harmless questions (JSON Lines with a "question" field).

    .venv/bin/python scripts/triage_false_alarms.py ../shared/eval/dev/questions_lay.jsonl \
        ../shared/eval/dev/questions.jsonl

Every question there is an ordinary science question, so any level but "none" is a false alarm.
Prints the share flagged per level and a few examples.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.engine.triage import Triage  # noqa: E402
from knowledge.index.embedders import E5Embedder  # noqa: E402


def main(paths: list[str]) -> int:
    questions = [json.loads(line)["question"] for p in paths for line in Path(p).read_text(encoding="utf-8")
                 .splitlines() if line.strip()]
    triage, embedder = Triage(), E5Embedder()
    levels: Counter[str] = Counter()
    examples: dict[str, list[str]] = {}
    for question, vec in zip(questions, embedder.embed_queries(questions), strict=True):
        level = triage.classify(question, vec, embedder.name).level.value
        levels[level] += 1
        if level != "none":
            examples.setdefault(level, []).append(question)
    n = len(questions) or 1
    alarms = sum(levels[k] for k in ("emergency", "danger", "self_harm"))
    print(f"questions={n} false_alarms={alarms / n:.3f} any_level={1 - levels['none'] / n:.3f} {dict(levels)}")
    for level, found in examples.items():
        print(f"  {level}: {' | '.join(found[:5])}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
