"""A first start takes the starter content's vectors from the shipped pack, and reviewed answers reach
people who ask in their own words (the bundled e5 embedder, real Chroma and jieba, the shipped model)."""

from collections.abc import Sequence

import pytest

from bot.engine.factory import build_service
from bot.engine.service import AnswerService
from bot.engine.types import AskOptions, Mode
from ingest.service import build_pipeline
from ingest.starter import load_starter
from knowledge.index.vector_pack import PackedEmbedder
from knowledge.settings import Settings
from tests.conftest import GLOSSARY

QUIET = AskOptions(log=False)


@pytest.fixture(scope="module")
def started(tmp_path_factory: pytest.TempPathFactory) -> tuple[AnswerService, dict[str, int]]:
    settings = Settings(_env_file=None, data_dir=tmp_path_factory.mktemp("first-start"), glossary_path=GLOSSARY)
    service = build_service(settings)
    embedder = service.kb.embedder
    assert isinstance(embedder, PackedEmbedder), "the default embedder should use the shipped vectors"
    embedded = {"passages": 0, "queries": 0}
    inner = embedder.inner
    documents, queries = inner.embed_documents, inner.embed_queries

    def count_documents(texts: Sequence[str]):
        embedded["passages"] += len(texts)
        return documents(texts)

    def count_queries(texts: Sequence[str]):
        embedded["queries"] += len(texts)
        return queries(texts)

    inner.embed_documents, inner.embed_queries = count_documents, count_queries
    report = load_starter(settings.starter_dir, build_pipeline(settings, service.kb), service.store)
    assert not report.failed
    service.curated.refresh(force=True)
    return service, dict(embedded)


def test_a_first_start_embeds_none_of_the_starter_content(started: tuple[AnswerService, dict[str, int]]) -> None:
    service, embedded = started
    assert service.kb.count() > 800
    assert embedded == {"passages": 0, "queries": 0}  # every chunk, question and answer came from the pack


def test_a_reviewed_answer_reaches_a_question_asked_in_other_words(
        started: tuple[AnswerService, dict[str, int]]) -> None:
    service, _ = started
    answer = service.ask("打疫苗会让娃得自闭症吗", options=QUIET)
    assert answer.mode == Mode.CURATED, answer.text
    assert answer.text.startswith("「打预防针会让孩子得自闭症」——")  # the claim, then the verdict


def test_a_close_question_is_offered_as_did_you_mean(started: tuple[AnswerService, dict[str, int]]) -> None:
    service, _ = started
    answer = service.ask("天空为啥是蓝的", options=QUIET)
    assert answer.mode != Mode.CURATED or "蓝" in answer.text
    if answer.mode != Mode.CURATED:
        assert any("蓝" in q for q in answer.suggestions), answer.suggestions


def test_a_near_miss_gets_no_reviewed_answer_of_another_question(
        started: tuple[AnswerService, dict[str, int]]) -> None:
    service, _ = started
    answer = service.ask("隔夜茶还能喝吗？", options=QUIET)
    assert answer.mode != Mode.CURATED, answer.text  # no reviewed answer is about tea
