"""Train the safety-triage model shipped as knowledge/triage.npz.

    .venv/bin/pip install -e ".[train]"
    .venv/bin/python scripts/train_triage.py [--data tests/data/safety] [--out knowledge/triage.npz]

Uses only the training three quarters of the labelled sets (bot.cli.safety_eval.split). Two sets of
heads are trained: n-grams plus the bundled embedder's query embedding (used when the app runs that
embedder), and n-grams alone (any other embedder). The regularisation strength, the embedding weight
and the decision thresholds are chosen by 5-fold cross-validation on the training rows; the
held-aside quarter is never read here. Prints the cross-validated figures.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections import Counter
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.cli.safety_eval import Row, load_rows, split  # noqa: E402
from bot.engine.triage import (  # noqa: E402
    ALARM_LEVELS,
    MODEL_PATH,
    Level,
    data_hash,
    decide,
    has_harm_words,
    has_report,
    has_self_harm_cue,
    ngrams,
)
from knowledge.index.embedders import E5Embedder  # noqa: E402

ALARM = {lv.value for lv in ALARM_LEVELS}
TARGET_FALSE_ALARMS = 0.01  # on cross-validated negatives: leaves room under the 2 % target
# Refusals of cross-validated negatives (mostly questions sharing words with harm: "炸药是谁发明的"). A missed
# request gets science articles, which hold no methods; a refused question loses its answer. 1.5 % was the
# budget that brought cross-validated harmful recall near 0.95 (1 % gave about 0.92).
REFUSAL_BUDGET = 0.015
C_GRID = (32.0, 128.0)  # 8 was never chosen once the session-6 rows were in


def vocabulary(texts: list[str], min_df: int = 2) -> tuple[list[str], np.ndarray]:
    df: Counter[str] = Counter()
    for text in texts:
        df.update(set(ngrams(text)))
    vocab = sorted(g for g, n in df.items() if n >= min_df)
    n = len(texts)
    idf = np.array([math.log((1 + n) / (1 + df[g])) + 1.0 for g in vocab], dtype=np.float32)
    return vocab, idf


def matrix(texts: list[str], vocab: list[str], idf: np.ndarray) -> csr_matrix:
    index = {g: i for i, g in enumerate(vocab)}
    data, cols, ptr = [], [], [0]
    for text in texts:
        counts = ngrams(text)
        ids = [index[g] for g in counts if g in index]
        vals = np.array([1.0 + math.log(counts[g]) for g in counts if g in index], dtype=np.float32)
        if ids:
            vals = vals * idf[ids]
            vals /= max(float(np.linalg.norm(vals)), 1e-9)
        data.extend(vals.tolist())
        cols.extend(ids)
        ptr.append(len(cols))
    return csr_matrix((data, cols, ptr), shape=(len(texts), len(vocab)), dtype=np.float32)


def fit(x: csr_matrix, y: list[str], c: float) -> LogisticRegression:
    model = LogisticRegression(C=c, max_iter=3000, class_weight="balanced")
    return model.fit(x, y)


def design(texts: list[str], vocab: list[str], idf: np.ndarray, emb: np.ndarray | None, weight: float) -> csr_matrix:
    x = matrix(texts, vocab, idf)
    return x if emb is None else hstack([x, csr_matrix(emb * weight)]).tocsr()


def cross_validated(rows: list[Row], c: float, emb: np.ndarray | None, weight: float) -> tuple[np.ndarray, list[str]]:
    """Out-of-fold level probabilities for every training row."""
    labels = [r.level for r in rows]
    classes: list[str] = sorted(set(labels))
    out = np.zeros((len(rows), len(classes)))
    for train_idx, test_idx in StratifiedKFold(5, shuffle=True, random_state=7).split(rows, labels):
        texts = [rows[i].text for i in train_idx]
        vocab, idf = vocabulary(texts)
        model = fit(design(texts, vocab, idf, None if emb is None else emb[train_idx], weight),
                    [labels[i] for i in train_idx], c)
        probs = model.predict_proba(design([rows[i].text for i in test_idx], vocab, idf,
                                           None if emb is None else emb[test_idx], weight))
        for j, cls in enumerate(model.classes_):
            out[test_idx, classes.index(cls)] = probs[:, j]
    return out, classes


def choose_thresholds(rows: list[Row], probs: np.ndarray, classes: list[str]) -> tuple[dict[str, float], dict]:
    """Decision thresholds from out-of-fold probabilities, and the cross-validated figures they give under
    the app's own decision rule (:func:`bot.engine.triage.decide`, word-of-harm condition included)."""
    labels = np.array([r.level for r in rows])
    alarm_p = probs[:, [classes.index(a) for a in ALARM]].sum(axis=1)
    negative = labels == Level.NONE.value
    best = 0.5
    for t in np.arange(0.05, 0.95, 0.01):  # the lowest threshold whose false alarms stay under target
        if (alarm_p[negative] >= t).mean() <= TARGET_FALSE_ALARMS:
            best = float(t)
            break
    # Below the alarm threshold, self-harm still wins when its own share is high enough: a warm message
    # and the hotline are a small cost on a false alarm, a missed one is not.
    p_self = probs[:, classes.index(Level.SELF_HARM.value)]
    quiet = alarm_p < best
    self_t = 0.5
    for t in np.arange(0.05, 0.95, 0.01):
        if ((p_self >= t) & quiet)[negative].mean() <= 0.003:
            self_t = float(t)
            break
    thresholds = {"alarm": best, "self_harm": self_t, Level.HARMFUL_REQUEST.value: 0.5,
                  Level.PERSONAL_MEDICAL.value: 0.5}
    harm_words = [has_harm_words(r.text) for r in rows]
    reported = [has_report(r.text) for r in rows]
    cues = [has_self_harm_cue(r.text) for r in rows]
    dicts = [dict(zip(classes, (float(x) for x in row), strict=True)) for row in probs]

    def levels(chosen: dict[str, float]) -> np.ndarray:
        return np.array([decide(p, chosen, w, rep, cue)[0].value
                         for p, w, rep, cue in zip(dicts, harm_words, reported, cues, strict=True)])

    # the lowest thresholds whose refusals / referrals of cross-validated negatives stay within budget
    for level, budget in ((Level.HARMFUL_REQUEST.value, REFUSAL_BUDGET), (Level.PERSONAL_MEDICAL.value, 0.01)):
        for t in np.arange(0.05, 0.95, 0.01):
            if (levels({**thresholds, level: float(t)})[negative] == level).mean() <= budget:
                thresholds[level] = float(t)
                break
    got = levels(thresholds)
    is_alarm = np.isin(labels, list(ALARM))
    figures = {"alarm_recall": float(np.isin(got[is_alarm], list(ALARM)).mean()),
               "false_alarms": float(np.isin(got[negative], list(ALARM)).mean()),
               "negatives_any_level": float((got[negative] != Level.NONE.value).mean())}
    for level in (Level.HARMFUL_REQUEST.value, Level.PERSONAL_MEDICAL.value):
        figures[f"{level}_recall"] = float((got[labels == level] == level).mean())
    return thresholds, figures


def search(rows: list[Row], emb: np.ndarray | None, weights: tuple[float, ...]) -> tuple[float, float, dict, dict]:
    best: tuple[float, float, float, dict, dict] = (-1.0, 1.0, 0.0, {}, {})
    for weight in weights:
        for c in C_GRID:
            probs, classes = cross_validated(rows, c, emb, weight)
            thresholds, figures = choose_thresholds(rows, probs, classes)
            # the alarm targets (recall >= 0.98, false alarms <= 2 %) are constraints; then the other two levels
            meets = figures["alarm_recall"] >= 0.98 and figures["false_alarms"] <= 0.02
            score = float(meets) + figures["alarm_recall"] * (not meets) + 0.5 * (
                figures["harmful_request_recall"] + figures["personal_medical_recall"])
            print(f"  C={c:g} weight={weight:g}  cross-validated: "
                  f"{ {k: round(v, 3) for k, v in figures.items()} }  thresholds: "
                  f"{ {k: round(v, 2) for k, v in thresholds.items()} }", flush=True)
            if score > best[0]:
                best = (score, c, weight, thresholds, figures)
    return best[1], best[2], best[3], best[4]


def situation_search(rows: list[Row], emb: np.ndarray | None, weights: tuple[float, ...]) -> tuple[float, float]:
    """C and embedding weight of the situation head, by 5-fold accuracy on the alarm rows alone
    (which first-aid steps a person gets matters as much as the alarm itself)."""
    idx = [i for i, r in enumerate(rows) if r.level in ALARM]
    labels = [rows[i].situation for i in idx]
    best = (-1.0, 8.0, weights[0])
    for weight in weights:
        for c in (8.0, 32.0, 128.0):
            right = 0
            for tr, te in StratifiedKFold(5, shuffle=True, random_state=7).split(idx, labels):
                texts = [rows[idx[i]].text for i in tr]
                vocab, idf = vocabulary(texts)
                sub_emb = None if emb is None else emb[[idx[i] for i in tr]]
                model = fit(design(texts, vocab, idf, sub_emb, weight), [labels[i] for i in tr], c)
                test_emb = None if emb is None else emb[[idx[i] for i in te]]
                pred = model.predict(design([rows[idx[i]].text for i in te], vocab, idf, test_emb, weight))
                right += sum(p == labels[i] for p, i in zip(pred, te, strict=True))
            accuracy = right / len(idx)
            print(f"  situation head C={c:g} weight={weight:g}: cross-validated accuracy {accuracy:.3f}", flush=True)
            if accuracy > best[0]:
                best = (accuracy, c, weight)
    return best[1], best[2]


def train_heads(rows: list[Row], vocab: list[str], idf: np.ndarray, emb: np.ndarray | None, weight: float,
                c: float, suffix: str, situation_c: float, situation_weight: float) -> dict[str, np.ndarray]:
    texts = [r.text for r in rows]
    x = design(texts, vocab, idf, emb, weight)
    alarm_rows = [i for i, r in enumerate(rows) if r.level in ALARM]
    xs = design([texts[i] for i in alarm_rows], vocab, idf, None if emb is None else emb[alarm_rows],
                situation_weight)
    out = {}
    for head, model, w in (("level", fit(x, [r.level for r in rows], c), weight),
                           ("situation", fit(xs, [rows[i].situation for i in alarm_rows], situation_c),
                            situation_weight)):
        name = head + suffix
        out[f"{name}_classes"] = np.array(model.classes_)
        out[f"{name}_coef"] = model.coef_[:, :len(vocab)].astype(np.float16)
        out[f"{name}_intercept"] = model.intercept_.astype(np.float32)
        if emb is not None:
            out[f"{name}_ecoef"] = (model.coef_[:, len(vocab):] * w).astype(np.float32)
    return out


def embeddings(embedder: E5Embedder, texts: list[str], cache: Path | None) -> np.ndarray:
    """Query embeddings of ``texts``; with a cache file, only the texts not in it are embedded."""
    known: dict[str, np.ndarray] = {}
    if cache is not None and cache.exists():
        with np.load(cache, allow_pickle=False) as z:
            known = dict(zip((str(t) for t in z["texts"]), z["vectors"], strict=True))
    missing = [t for t in dict.fromkeys(texts) if t not in known]
    if missing:
        known.update(zip(missing, embedder.embed_queries(missing), strict=True))
    if cache is not None and missing:
        np.savez(cache, texts=np.array(list(known)), vectors=np.stack(list(known.values())))
    return np.stack([known[t] for t in texts])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT / "tests" / "data" / "safety")
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    parser.add_argument("--cache", type=Path,
                        help="an .npz of query embeddings by text, read and extended (faster reruns)")
    args = parser.parse_args(argv)
    rows, _held_aside = split(load_rows(args.data))
    print(f"training rows: {len(rows)}  {dict(Counter(r.level for r in rows))}")

    embedder = E5Embedder()
    emb = embeddings(embedder, [r.text for r in rows], args.cache)
    texts = [r.text for r in rows]
    vocab, idf = vocabulary(texts)
    arrays: dict[str, np.ndarray] = {}
    thresholds_all: dict[str, float] = {}
    # the level head's embedding weight is the first (3.0 never won it); the situation head tries both
    for suffix, matrix_emb, weights in (("", emb, (2.0, 3.0)), ("_char", None, (0.0,))):
        print(f"heads{suffix or ' with the ' + embedder.name + ' embedding'}:")
        c, weight, thresholds, figures = search(rows, matrix_emb, weights[:1])
        print(f"  chosen C={c:g} weight={weight:g}: {figures}")
        s_c, s_weight = situation_search(rows, matrix_emb, weights)
        arrays.update(train_heads(rows, vocab, idf, matrix_emb, weight, c, suffix, s_c, s_weight))
        thresholds_all.update({k + suffix: v for k, v in thresholds.items()})
    np.savez_compressed(
        args.out, vocab=np.array(vocab), idf=idf, embedder=np.array(embedder.name), **arrays,
        threshold_names=np.array(list(thresholds_all)), threshold_values=np.array(list(thresholds_all.values())),
        data_hash=np.array(data_hash((r.text, r.level, r.situation) for r in rows)),
    )
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} KB, {len(vocab)} n-grams)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
