"""Evaluation of the safety triage on labelled sets (JSON Lines of ``{text, level, situation}``).

A quarter of every labelled set is held aside by a hash of its text (:func:`is_holdout`): training
(``scripts/train_triage.py``) never sees it, thresholds are chosen without it, and the figures
reported in docs/benchmarks.md are measured on it.

    python -m bot.cli.safety_eval tests/data/safety               # the held-aside quarter
    python -m bot.cli.safety_eval tests/data/safety_acceptance --all   # a suite written by others, whole
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from bot.cli.splits import is_holdout
from bot.engine.triage import ALARM_LEVELS, Level, Triage, TriageResult


@dataclass(frozen=True)
class Row:
    text: str
    level: str
    situation: str


def load_rows(folder: Path) -> list[Row]:
    rows = []
    for path in sorted(folder.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                rows.append(Row(item["text"], item["level"], item.get("situation") or ""))
    return rows


def split(rows: list[Row]) -> tuple[list[Row], list[Row]]:
    """(training rows, held-aside rows)."""
    return [r for r in rows if not is_holdout(r.text)], [r for r in rows if is_holdout(r.text)]


class EmbeddedTriage:
    """Triage as the app runs it: each message with its query embedding from ``embedder``."""

    def __init__(self, triage: Triage, embedder: object) -> None:
        self.triage, self.embedder = triage, embedder
        self._vectors: dict[str, object] = {}

    def warm(self, texts: list[str]) -> None:
        """Embed ahead, so the timings measure triage alone (the app reuses the question's embedding)."""
        for text, vec in zip(texts, self.embedder.embed_queries(texts), strict=True):
            self._vectors[text] = vec

    def classify(self, text: str) -> TriageResult:
        vec = self._vectors.get(text)
        if vec is None:
            vec = self.embedder.embed_query(text)
        return self.triage.classify(text, vec, self.embedder.name)


def evaluate(triage: Triage | EmbeddedTriage, rows: list[Row]) -> dict:
    confusion: dict[str, Counter[str]] = defaultdict(Counter)
    per_situation: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # rows, alarm raised, right steps
    misses: list[dict[str, str]] = []
    times = []
    alarm_values = {lv.value for lv in ALARM_LEVELS}
    for row in rows:
        t0 = time.perf_counter()
        got = triage.classify(row.text)
        times.append((time.perf_counter() - t0) * 1000)
        confusion[row.level][got.level.value] += 1
        if row.level in alarm_values:
            stats = per_situation[row.situation]
            stats[0] += 1
            stats[1] += got.alarm
            stats[2] += got.alarm and got.situation == row.situation
        wrong = got.level.value != row.level and not (row.level in alarm_values and got.alarm)
        if wrong:
            misses.append({"text": row.text, "gold": row.level, "got": got.level.value})
    levels = [lv.value for lv in Level]
    recall = {}
    for level in levels:
        total = sum(confusion[level].values())
        if total:
            hit = (sum(confusion[level][a] for a in alarm_values) if level in alarm_values
                   else confusion[level][level])
            recall[level] = {"n": total, "recall": hit / total, "exact": confusion[level][level] / total}
    alarm_rows = sum(sum(confusion[lv].values()) for lv in alarm_values)
    alarm_hits = sum(confusion[lv][a] for lv in alarm_values for a in alarm_values)
    negatives = sum(confusion[Level.NONE.value].values())
    false_alarms = sum(confusion[Level.NONE.value][a] for a in alarm_values)
    any_flag = negatives - confusion[Level.NONE.value][Level.NONE.value]
    ordered = sorted(times)
    return {
        "rows": len(rows), "alarm_recall": alarm_hits / alarm_rows if alarm_rows else float("nan"),
        "levels": recall,
        "situations": {k: {"n": v[0], "alarm": v[1] / v[0], "right_steps": v[2] / v[0]}
                       for k, v in sorted(per_situation.items())},
        "false_alarm_rate": false_alarms / negatives if negatives else float("nan"),
        "negatives_flagged_any": any_flag / negatives if negatives else float("nan"),
        "confusion": {g: dict(c) for g, c in confusion.items()},
        "p50_ms": statistics.median(ordered) if ordered else 0.0,
        "p95_ms": ordered[int(0.95 * (len(ordered) - 1))] if ordered else 0.0,
        "misses": misses,
    }


def format_report(result: dict) -> str:
    lines = [f"rows={result['rows']}  alarm recall (emergency+danger+self_harm)={result['alarm_recall']:.3f}  "
             f"false alarms on negatives={result['false_alarm_rate']:.3f}  "
             f"negatives given any safety level={result['negatives_flagged_any']:.3f}  "
             f"triage p50={result['p50_ms']:.2f} ms p95={result['p95_ms']:.2f} ms", "", "per level:"]
    for level, v in result["levels"].items():
        lines.append(f"  {level:<17} n={v['n']:<4} recall={v['recall']:.3f}  exact level={v['exact']:.3f}")
    lines += ["", "per situation (alarm raised / right first-aid steps):"]
    for name, v in result["situations"].items():
        lines.append(f"  {name:<19} n={v['n']:<3} alarm={v['alarm']:.3f}  steps={v['right_steps']:.3f}")
    levels = [lv.value for lv in Level]
    lines += ["", "confusion (rows = truth, columns = triage):", "  " + " ".join(f"{x[:9]:>9}" for x in
                                                                                  ["", *levels])]
    for gold in levels:
        if gold in result["confusion"]:
            row = result["confusion"][gold]
            lines.append("  " + " ".join([f"{gold[:9]:>9}", *(f"{row.get(p, 0):>9}" for p in levels)]))
    if result["misses"]:
        lines += ["", f"misses ({len(result['misses'])}):"]
        lines += [f"  [{m['gold']} → {m['got']}] {m['text']}" for m in result["misses"]]
    return "\n".join(lines)


def main(argv: list[str] | None = None, prog: str = "askscience eval --safety") -> int:
    parser = argparse.ArgumentParser(prog=prog, description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="a folder of labelled *.jsonl files")
    parser.add_argument("--all", action="store_true", help="every row (a suite never used for training)")
    parser.add_argument("--split", choices=["holdout", "work"], default="holdout",
                        help="holdout: the held-aside quarter (the reported figure); work: the three quarters "
                             "used for training and tuning (in-sample, for checking rules while tuning)")
    parser.add_argument("--out", type=Path, help="write the full result as JSON")
    parser.add_argument("--embedder", choices=["default", "none"], default="default",
                        help="default: the bundled embedder's query embedding is used, as in the app; "
                             "none: n-grams only (the heads used with any other embedder)")
    args = parser.parse_args(argv)
    rows = load_rows(args.folder)
    if not rows:
        print(f"no labelled rows in {args.folder}", file=sys.stderr)
        return 2
    chosen = rows if args.all else split(rows)[0 if args.split == "work" else 1]
    triage: Triage | EmbeddedTriage = Triage()
    if args.embedder == "default":
        from knowledge.index.embedders import E5Embedder

        triage = EmbeddedTriage(triage, E5Embedder())
        triage.warm([r.text for r in chosen])
    result = evaluate(triage, chosen)
    if args.out:
        args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    print(format_report(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
