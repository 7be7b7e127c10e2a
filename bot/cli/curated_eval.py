"""How well reviewed answers are found for phrasings they never saw, and kept from near-misses.

    askscience eval --curated-match tests/data/curated_match [--split work|holdout|all]

Three measurements over the published items of the configured data dir:

- ``leave_one_out``: each shipped phrasing asked with itself removed from the matcher;
- ``fresh``: new citizen phrasings of a published item (``fresh.jsonl``: ``{qa_id, question}``);
- ``near_miss``: same topic, different question (``near_miss.jsonl``: ``{near, question}``), which must
  not get a reviewed answer.

Recall is the share answered with the right item; precision on near-misses is the share that gets no
reviewed answer. Suggestions ("你是不是想问") are counted separately. A quarter of every set (by text;
leave-one-out by item) is kept aside for the final figures.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.cli.splits import is_holdout
from bot.engine.curated_match import CuratedMatcher


@dataclass
class Probe:
    """One question put to the matcher: the gold item key (None for a near-miss)."""

    set: str
    question: str
    gold: str | None
    vector: np.ndarray
    exclude_row: int | None = None
    near: str | None = None


def read_jsonl(path: Path) -> list[dict]:
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def read_twins(folder: Path | None) -> dict[str, set[str]]:
    """Items that ask practically the same question (``twins.txt``): answering with a twin is right."""
    twins: dict[str, set[str]] = {}
    path = folder / "twins.txt" if folder else None
    if path is None or not path.is_file():
        return twins
    for line in path.read_text(encoding="utf-8").splitlines():
        group = set(line.split()) if line.strip() and not line.startswith("#") else set()
        for key in group:
            twins.setdefault(key, set()).update(group)
    return twins


def same_item(got: str | None, gold: str | None, twins: dict[str, set[str]]) -> bool:
    return got is not None and gold is not None and (got == gold or got in twins.get(gold, ()))


def in_split(key: str, split: str) -> bool:
    return split == "all" or is_holdout(key) == (split == "holdout")


def probes(matcher: CuratedMatcher, folder: Path | None, split: str, embed: object) -> list[Probe]:
    """Every probe of the chosen split, embedded."""
    matcher.refresh(force=True)
    out = [Probe("leave_one_out", phrasing, answer.key, vector, exclude_row=row)
           for answer, phrasing, row, vector in matcher.phrasing_rows() if in_split(answer.key, split)]
    if folder is not None:
        fresh = [r for r in read_jsonl(folder / "fresh.jsonl") if in_split(r["question"], split)]
        near = [r for r in read_jsonl(folder / "near_miss.jsonl") if in_split(r["question"], split)]
        texts = [r["question"] for r in fresh + near]
        vectors = embed(texts) if texts else []
        for r, v in zip(fresh, vectors[: len(fresh)], strict=True):
            out.append(Probe("fresh", r["question"], r["qa_id"], v))
        for r, v in zip(near, vectors[len(fresh):], strict=True):
            out.append(Probe("near_miss", r["question"], None, v, near=r.get("near")))
    return out


def decide(matcher: CuratedMatcher, probe: Probe) -> tuple[str | None, list[str]]:
    """(answered item key, suggested item keys) for one probe, leaving its own row out if asked."""
    if probe.exclude_row is None:
        decision = matcher.decide(probe.question, probe.vector)
    else:
        decision = matcher.decide_without(probe.question, probe.vector, probe.exclude_row)
    return (decision.hit.answer.key if decision.hit else None), [c.answer.key for c in decision.suggestions]


def measure(matcher: CuratedMatcher, all_probes: list[Probe], twins: dict[str, set[str]] | None = None
            ) -> dict[str, dict[str, float]]:
    twins = twins or {}
    result: dict[str, dict[str, float]] = {}
    for name in ("leave_one_out", "fresh", "near_miss"):
        group = [p for p in all_probes if p.set == name]
        if not group:
            continue
        right = wrong = suggested = 0
        matcher.second_embeddings = 0
        for probe in group:
            hit, offered = decide(matcher, probe)
            if probe.gold is None:
                wrong += hit is not None
                suggested += bool(offered)
            else:
                right += same_item(hit, probe.gold, twins)
                wrong += hit is not None and not same_item(hit, probe.gold, twins)
                suggested += hit is None and any(same_item(o, probe.gold, twins) for o in offered)
        n = len(group)
        cost = 1 + matcher.second_embeddings / n  # the question's own embedding, plus its asking clause's
        if name == "near_miss":
            result[name] = {"n": n, "precision": 1 - wrong / n, "wrongly_answered": wrong, "suggested": suggested / n,
                            "embeddings": cost}
        else:
            result[name] = {"n": n, "recall": right / n, "wrong_item": wrong / n, "suggested": suggested / n,
                            "embeddings": cost}
    return result


def main(argv: list[str] | None = None, prog: str = "askscience eval --curated-match") -> int:
    parser = argparse.ArgumentParser(prog=prog, description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, nargs="?", help="folder with fresh.jsonl and near_miss.jsonl")
    parser.add_argument("--split", choices=["work", "holdout", "all"], default="work")
    parser.add_argument("--no-model", action="store_true", help="the plain similarity threshold (the baseline)")
    args = parser.parse_args(argv)

    from bot.engine.factory import build_service
    from knowledge.settings import Settings

    service = build_service(Settings())
    matcher = service.curated
    if matcher is None:
        print("no curation store configured", file=sys.stderr)
        return 2
    if args.no_model:
        matcher.model = None
    all_probes = probes(matcher, args.folder, args.split, service.kb.embedder.embed_queries)
    result = measure(matcher, all_probes, read_twins(args.folder))
    mode = "threshold" if matcher.model is None else "model"
    print(f"curated matching ({mode}, split={args.split}, items={len(matcher.answers)})")
    for name, figures in result.items():
        print(name.ljust(14) + " ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}"
                                        for k, v in figures.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
