"""Fixtures the engine tests share: the shipped triage and the bundled embedder (skipped where it cannot run)."""

import pytest

from bot.engine.triage import Triage
from knowledge.index.embedders import E5Embedder, EmbedderUnavailable


@pytest.fixture(scope="module")
def triage() -> Triage:
    return Triage()


@pytest.fixture(scope="module")
def e5() -> E5Embedder:
    try:
        return E5Embedder()
    except EmbedderUnavailable as exc:
        pytest.skip(f"bundled embedder not usable here: {exc}")
