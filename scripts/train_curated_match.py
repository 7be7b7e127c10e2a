"""Train the curated-answer matcher's small model (knowledge/curated_match.json).

    ASKSCI_DATA_DIR=DIR python scripts/train_curated_match.py tests/data/curated_match

DIR holds the starter content (``askscience starter``). Training uses only the work split: shipped
phrasings asked with themselves left out (items not held aside), and the fresh phrasings and
near-misses not held aside. For every probe the three closest items by similarity are candidates;
a candidate is positive when it is the probe's item. The model is an L2 logistic regression (numpy,
Newton steps, standardised features); its C (0.3 … 100) and the weight of near-miss rows are chosen out of fold
(five folds by probe), as are the thresholds on out-of-fold
probabilities: ``answer_at`` is the lowest at which at most 2% of near-misses and 1% of the other
probes get a wrong reviewed answer; ``suggest_at`` offers the right question for most of the rest.
Shipped phrasings (left out in turn) are not trained on by default: many are sub-questions of their
item rather than the same question, and as positives they teach the model to ignore a changed key word.
The held-aside quarter is measured afterwards with ``askscience eval --curated-match DIR --split holdout``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.cli.curated_eval import Probe, probes, read_twins, same_item  # noqa: E402
from bot.engine.curated_match import FEATURES, MODEL_PATH, CuratedMatcher  # noqa: E402


def table(matcher: CuratedMatcher, work: list[Probe], twins: dict[str, set[str]]
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features, labels (1: the probe's own item) and the probe index of every candidate row."""
    rows, labels, owner = [], [], []
    keys = [a.key for a in matcher.answers]
    for n, probe in enumerate(work):
        for item, feats in matcher.candidate_features(probe.question, probe.vector, probe.exclude_row):
            rows.append(feats)
            labels.append(int(same_item(keys[item], probe.gold, twins)))
            owner.append(n)
    return np.array(rows), np.array(labels), np.array(owner)


def fit_logistic(x: np.ndarray, y: np.ndarray, c: float, iterations: int = 50,
                 sample_weight: np.ndarray | None = None) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression (penalty ``|w|² / 2C``, bias free) by Newton's method."""
    sw = np.ones(len(y)) if sample_weight is None else sample_weight
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    x = (x - mean) / scale  # standardised, so one C suits every feature
    n, d = x.shape
    xb = np.hstack([x, np.ones((n, 1))])
    w = np.zeros(d + 1)
    penalty = np.full(d + 1, 1.0 / c)
    penalty[-1] = 0.0
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(xb @ w, -35, 35)))
        grad = xb.T @ (sw * (p - y)) + penalty * w
        hess = (xb * (sw * p * (1 - p))[:, None]).T @ xb + np.diag(penalty) + 1e-9 * np.eye(d + 1)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    weights = w[:-1] / scale
    return weights, float(w[-1] - (weights * mean).sum())


def predict(weights: np.ndarray, bias: float, x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x @ weights + bias, -35, 35)))


def out_of_fold(x: np.ndarray, y: np.ndarray, owner: np.ndarray, c: float, folds: int = 5,
                sample_weight: np.ndarray | None = None) -> np.ndarray:
    """Probabilities for every candidate row from a model that never saw its probe (probes split in folds)."""
    oof = np.zeros(len(y))
    fold = owner % folds
    sw = np.ones(len(y)) if sample_weight is None else sample_weight
    for k in range(folds):
        test = fold == k
        w, b = fit_logistic(x[~test], y[~test], c, sample_weight=sw[~test])
        oof[test] = predict(w, b, x[test])
    return oof


def decisions(probs: np.ndarray, labels: np.ndarray, owner: np.ndarray, n_probes: int
              ) -> tuple[np.ndarray, np.ndarray]:
    """Per probe: the best candidate's probability and whether it is the right item."""
    best_p = np.zeros(n_probes)
    best_right = np.zeros(n_probes, dtype=bool)
    for p, y, o in zip(probs, labels, owner, strict=True):
        if p > best_p[o]:
            best_p[o], best_right[o] = p, bool(y)
    return best_p, best_right


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    parser.add_argument("--max-near", type=float, default=0.02, help="near-misses that may get a reviewed answer")
    parser.add_argument("--max-wrong", type=float, default=0.01, help="phrasings that may get another item's answer")
    parser.add_argument("--curve", action="store_true", help="print the out-of-fold trade-off")
    parser.add_argument("--near-weights", type=float, nargs="+", default=[1.0, 2.0, 3.0, 4.0],
                        help="weights of near-miss rows to try (chosen out of fold)")
    parser.add_argument("--with-shipped", action="store_true",
                        help="also train on shipped phrasings left out in turn (noisier: many are sub-questions)")
    args = parser.parse_args()

    from bot.engine.factory import build_service
    from knowledge.settings import Settings

    service = build_service(Settings())
    matcher = service.curated
    assert matcher is not None
    matcher.model = None
    work = probes(matcher, args.folder, "work", service.kb.embedder.embed_queries)
    if not args.with_shipped:  # shipped paraphrases are often sub-questions of their item: noisy positives
        work = [p for p in work if p.set != "leave_one_out"]
    x, y, owner = table(matcher, work, read_twins(args.folder))
    near = np.array([p.gold is None for p in work])
    print(f"probes={len(work)} (near-miss {int(near.sum())}) candidate rows={len(y)} positives={int(y.sum())}")

    best = None
    fresh = np.array([pr.set == "fresh" for pr in work])
    for weight in args.near_weights:  # near-miss rows weigh more: the costly mistake is answering one
        sample_weight = np.where(near[owner], weight, 1.0)
        for c in (0.3, 1.0, 10.0, 100.0):
            p, right = decisions(out_of_fold(x, y, owner, c, sample_weight=sample_weight), y, owner, len(work))
            if args.curve:
                for t in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
                    a = p >= t
                    print(f"  w={weight} C={c} t={t}: near wrong={(a & near).sum() / max(near.sum(), 1):.3f} "
                          f"fresh recall={(a & right & fresh).sum() / max(fresh.sum(), 1):.3f} "
                          f"fresh wrong={(a & ~right & fresh).sum() / max(fresh.sum(), 1):.3f}")
            answer_at = 1.0
            for t in np.unique(np.round(p, 4))[::-1]:
                answered = p >= t
                wrong_near = (answered & near).sum() / max(near.sum(), 1)
                wrong_other = (answered & ~near & ~right).sum() / max((~near).sum(), 1)
                if wrong_near > args.max_near or wrong_other > args.max_wrong:
                    break
                answer_at = float(t)
            recall = ((p >= answer_at) & right & ~near).sum() / max((~near).sum(), 1)
            print(f"near weight={weight} C={c}: answer_at={answer_at:.3f} out-of-fold recall={recall:.3f}")
            if best is None or recall > best[0]:
                best = (recall, c, answer_at, weight)
    assert best is not None
    _, c, answer_at, weight = best
    weights, bias = fit_logistic(x, y, c, sample_weight=np.where(near[owner], weight, 1.0))
    probs = predict(weights, bias, x)
    p, right = decisions(probs, y, owner, len(work))
    unanswered_right = [pp for pp, r, nn in zip(p, right, near, strict=True) if r and not nn and pp < answer_at]
    suggest_at = float(np.quantile(unanswered_right, 0.2)) if unanswered_right else answer_at / 2
    suggest_at = min(max(suggest_at, 0.2), answer_at)
    data = {"embedder": service.kb.embedder.name, "features": list(FEATURES),
            "weights": [round(float(w), 6) for w in weights], "bias": round(bias, 6),
            "answer_at": round(answer_at, 4), "suggest_at": round(suggest_at, 4), "C": c, "near_weight": weight,
            "trained_on": {"probes": len(work), "near_miss": int(near.sum()), "items": len(matcher.answers)}}
    args.out.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}: C={c} answer_at={answer_at:.3f} suggest_at={suggest_at:.3f}")
    print(dict(zip(FEATURES, data["weights"], strict=True)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
