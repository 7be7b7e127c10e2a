"""The decision trace (AskOptions(trace=True)) and the curator's hit test, over a real embedded Chroma +
jieba index with the hash embedder (the curated matcher then decides by a cosine threshold)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from bot.curation.service import CuratorInputError, CuratorService, NotAuthorised
from bot.engine.service import AnswerService
from bot.engine.trace import Composer
from bot.engine.types import AskOptions, Mode
from bot.web.console.hit_test import candidate_rows, gate_md, passage_rows, result_md, triage_md
from ingest.service import build_pipeline
from knowledge import texts
from knowledge.errors import LLMUnavailable
from knowledge.settings import Settings
from knowledge.stores.accounts import Accounts
from tests.bot.fakes import ScriptedComposer
from tests.helpers import service_over

ARTICLES = {
    "panda.md": "---\ntitle: 大熊猫吃什么\ntopic: 生物与生态\n---\n# 大熊猫吃什么\n\n大熊猫虽然属于食肉目，"
                "但它们的食物百分之九十九是竹子。大熊猫每天要花十多个小时进食。",
    "static.md": "---\ntitle: 静电\ntopic: 身边的物理\n---\n# 静电\n\n冬天空气干燥，毛衣和皮肤摩擦容易产生静电。"
                 "摸金属门把手前先用手掌贴一下墙，可以减少被电的感觉。",
}
PANDA_QA = {"id": "t-panda", "question": "大熊猫吃什么？", "paraphrases": ["熊猫爱吃啥"], "answer": "主要吃竹子。",
            "articles": ["panda"]}


@pytest.fixture
def service(settings: Settings, tmp_path: Path) -> AnswerService:
    service = service_over(settings, tmp_path / "articles", ARTICLES)
    assert service.store is not None
    service.store.answers.upsert_starter([PANDA_QA])
    return service


@pytest.fixture
def curator(service: AnswerService) -> CuratorService:
    assert service.store is not None
    accounts = Accounts(service.store.db)
    accounts.add("alice", "s3cret-pass")
    return CuratorService(service.settings, service.kb, service.store, build_pipeline(service.settings, service.kb),
                          accounts, answers=service)


def _traced(service: AnswerService, question: str, history: list[tuple[str, str]] | None = None):
    answer = service.ask(question, history, AskOptions(trace=True))
    assert answer.trace is not None
    return answer, answer.trace


def test_the_trace_shows_the_curated_hit_for_a_reviewed_question(service: AnswerService) -> None:
    answer, trace = _traced(service, "大熊猫吃什么？")
    assert answer.mode == Mode.CURATED and trace.mode == "curated" and trace.composer == Composer.CURATED
    assert trace.curated is not None and not trace.curated.by_model
    assert trace.curated.answer_at == pytest.approx(service.settings.curated_threshold)
    best = trace.curated.candidates[0]
    assert best.answered and best.answer_id == answer.curated_id and best.question == "大熊猫吃什么？"
    assert best.similarity >= trace.curated.answer_at
    assert trace.passages == () and trace.gate is None  # nothing was retrieved for a reviewed answer
    assert candidate_rows(trace)[0][-1] == texts.HitTest.CANDIDATE_ANSWERED
    assert texts.HitTest.CURATED_ID.format(id=answer.curated_id) in result_md(answer)


def test_the_trace_shows_the_passages_and_the_gate_for_a_quoted_answer(service: AnswerService) -> None:
    answer, trace = _traced(service, "冬天摸门把手为什么会被电？")
    assert answer.mode == Mode.EXTRACTIVE and trace.composer == Composer.EXTRACTIVE
    assert trace.curated is not None and not any(c.answered for c in trace.curated.candidates)
    assert trace.curated.candidates[0].similarity < trace.curated.answer_at
    assert [p.rank for p in trace.passages] == list(range(1, len(trace.passages) + 1))
    top = trace.passages[0]
    assert top.title == "静电" and top.article == "static" and top.given and top.cited
    assert top.dense is not None and top.fused > 0
    assert any(p.keyword is not None and p.keyword > 0 for p in trace.passages)
    cited = {c.chunk_id for c in answer.citations}
    assert {p.chunk_id for p in trace.passages if p.cited} == cited
    gate = trace.gate
    assert gate is not None and gate.consulted and gate.passed
    assert gate.threshold == pytest.approx(service.settings.evidence_threshold)
    assert gate.evidence == pytest.approx(gate.top_dense + gate.keyword_weight * math.log1p(gate.top_keyword))
    assert "通过" in gate_md(trace) and "未通过" not in gate_md(trace)
    assert passage_rows(trace)[0][1] == "静电"


def test_the_trace_shows_the_gate_failing_for_a_declined_question(service: AnswerService) -> None:
    service.settings = service.settings.model_copy(update={"evidence_threshold": 0.99})
    answer, trace = _traced(service, "黑洞是怎样形成的？")
    assert answer.mode == Mode.NO_ANSWER and trace.composer == Composer.NONE
    assert trace.gate is not None and not trace.gate.passed and trace.gate.consulted
    assert trace.gate.evidence < trace.gate.threshold == pytest.approx(0.99)
    assert trace.passages and not any(p.cited or p.given for p in trace.passages)
    assert "未通过" in gate_md(trace)
    assert texts.HitTest.NOT_COMPOSED["no_answer"] in result_md(answer)


def test_the_trace_shows_the_triage_of_an_emergency(service: AnswerService) -> None:
    answer, trace = _traced(service, "孩子把一颗纽扣电池吞下去了")
    assert trace.triage.level == "emergency" and trace.triage.situation == "button_battery"
    assert trace.triage.confidence == pytest.approx(answer.triage.confidence)
    assert set(trace.triage.scores) >= {"emergency", "none", "self_harm"}
    assert sum(trace.triage.scores.values()) == pytest.approx(1.0, abs=1e-3)
    assert max(trace.triage.scores, key=trace.triage.scores.get) == "emergency"
    assert trace.mode == "safety" and trace.composer == Composer.NONE
    assert trace.gate is not None and not trace.gate.consulted  # the first-aid card, whatever the evidence
    assert not any(p.given for p in trace.passages)  # nothing was composed from them
    shown = triage_md(answer)
    assert texts.HitTest.LEVELS["emergency"] in shown and "纽扣电池" in shown


def test_the_trace_shows_a_sensitive_phrase_and_the_refusal(service: AnswerService) -> None:
    answer, trace = _traced(service, "哪里可以代开发票？")
    assert answer.mode == Mode.BLOCKED
    assert trace.sensitive.hit and "代开发票" in trace.sensitive.terms and trace.sensitive.refused
    assert trace.curated is None and trace.gate is None
    assert texts.HitTest.SENSITIVE_REFUSED in triage_md(answer)
    ordinary, plain = _traced(service, "大熊猫吃什么？")
    assert not plain.sensitive.hit and texts.HitTest.SENSITIVE_NONE in triage_md(ordinary)


def test_the_trace_names_the_llm_and_the_reason_it_fell_back(service: AnswerService) -> None:
    service.llm = ScriptedComposer(["冬天空气干燥，摩擦起电。", LLMUnavailable("timeout after 20 s")])
    answer, trace = _traced(service, "冬天摸门把手为什么会被电？")
    assert answer.mode == Mode.LLM and trace.composer == Composer.LLM and trace.fallback_reason == ""
    answer, trace = _traced(service, "冬天摸门把手为什么会被电？")
    assert answer.mode == Mode.EXTRACTIVE and trace.composer == Composer.FALLBACK
    assert trace.fallback_reason == "timeout after 20 s" == answer.llm_fallback
    assert "timeout after 20 s" in result_md(answer) and texts.HitTest.COMPOSERS["fallback"] in result_md(answer)


def test_the_trace_shows_the_rewritten_follow_up(service: AnswerService) -> None:
    answer, trace = _traced(service, "那它每天吃多久？", [("大熊猫吃什么？", "主要吃竹子。")])
    assert "大熊猫" in trace.query and trace.query == answer.retrieval_query
    assert trace.query in result_md(answer)


def test_a_traced_question_is_not_logged_and_changes_nothing_else(service: AnswerService) -> None:
    assert service.store is not None
    questions = ["大熊猫吃什么？", "冬天摸门把手为什么会被电？", "孩子把一颗纽扣电池吞下去了", "哪里可以代开发票？"]
    for question in questions:
        traced = service.ask(question, options=AskOptions(trace=True))
        plain = service.ask(question, options=AskOptions(log=False))
        assert plain.trace is None
        for name in ("text", "mode", "citations", "notice", "suggestions", "related", "curated_id", "full_text"):
            assert getattr(traced, name) == getattr(plain, name), (question, name)
        assert traced.log_id is None
    assert service.store.questions.recent(limit=50) == []
    logged = service.ask("大熊猫吃什么？")  # untraced and logged as before
    assert logged.trace is None and logged.log_id is not None
    assert [q.question for q in service.store.questions.recent(limit=50)] == ["大熊猫吃什么？"]


def test_the_hit_test_checks_the_account_and_logs_nothing(service: AnswerService, curator: CuratorService) -> None:
    assert service.store is not None
    answer = curator.hit_test("alice", "熊猫爱吃啥", None)
    assert answer.mode == Mode.CURATED and answer.trace is not None and answer.trace.curated is not None
    follow = curator.hit_test("alice", "那它每天吃多久？", [("大熊猫吃什么？", "主要吃竹子。")])
    assert "大熊猫" in follow.trace.query
    assert service.store.questions.recent(limit=50) == []
    with pytest.raises(NotAuthorised):
        curator.hit_test("mallory", "大熊猫吃什么？", None)
    without = CuratorService(curator.settings, curator.kb, curator.store, curator.pipeline, curator.accounts)
    with pytest.raises(CuratorInputError):
        without.hit_test("alice", "大熊猫吃什么？", None)
