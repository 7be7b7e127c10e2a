"""The curated matcher's model file, dialect folding and the numpy logistic fit used to train it."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

from bot.engine.curated_match import FEATURES, MODEL_PATH, MatchModel, fold_dialect

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from scripts.train_curated_match import decisions, fit_logistic, out_of_fold, predict


def test_model_file_matches_features() -> None:
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    assert data["features"] == list(FEATURES)
    assert len(data["weights"]) == len(FEATURES)
    model = MatchModel.load()
    assert model is not None and 0 < model.suggest_at <= model.answer_at < 1


def test_fold_dialect() -> None:
    assert fold_dialect("隔夜菜咋个处理") == "隔夜菜怎么处理"
    assert fold_dialect("这是啥子东西") == "这是什么东西"
    assert fold_dialect("打雷得不得劈到人噻") == "打雷会不会劈到人"
    assert fold_dialect("微波炉热饭有辐射吗") == "微波炉热饭有辐射吗"


def test_logistic_fit_separates_and_weights() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 3)) * [1.0, 10.0, 0.1] + [0.0, 50.0, 0.0]
    y = (x[:, 0] + 0.1 * (x[:, 1] - 50) > 0).astype(float)
    w, b = fit_logistic(x, y, 10.0)
    assert ((predict(w, b, x) >= 0.5) == (y == 1)).mean() > 0.95
    heavy = np.where(y == 0, 5.0, 1.0)  # weighing negatives more lowers every probability
    w2, b2 = fit_logistic(x, y, 10.0, sample_weight=heavy)
    assert predict(w2, b2, x).mean() < predict(w, b, x).mean()
    owner = np.arange(len(y))
    oof = out_of_fold(x, y, owner, 10.0)
    p, right = decisions(oof, y, owner, len(y))
    assert p.shape == (len(y),) and right.sum() == y.sum()
