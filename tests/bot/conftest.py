"""Fixtures the engine tests share: the shipped triage, the bundled embedder (skipped where it cannot run), and
``classify``: the triage with the n-gram heads and with the heads that also read the query embedding (as the app
runs), each test run with both."""

from collections.abc import Callable

import pytest

from bot.engine.triage import Triage, TriageResult
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


Classify = Callable[[str], TriageResult]


@pytest.fixture(scope="module", params=["ngrams", "embedding"])
def classify(request: pytest.FixtureRequest, triage: Triage) -> Classify:
    if request.param == "ngrams":
        return triage.classify
    try:
        e5 = E5Embedder()
    except EmbedderUnavailable as exc:
        pytest.skip(f"bundled embedder not usable here: {exc}")
    return lambda text: triage.classify(text, e5.embed_query(text), e5.name)
