"""The regression check of the published curated answers: a consistent set passes, a curator's edit or
retirement that costs a phrasing its answer is listed, each run is recorded for the dashboard, and the
``askscience eval --curated`` exit status says whether anything failed (hash embedder: cosine matching)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli.main import main as askscience
from bot.curation.regression import Outcome, last_run_line, run
from bot.curation.service import CuratorService
from bot.engine.service import AnswerService
from bot.web.console.hit_test import failure_rows
from ingest.service import build_pipeline
from knowledge import texts
from knowledge.settings import Settings
from knowledge.stores.accounts import Accounts
from knowledge.stores.regression_runs import RegressionRun, RegressionRuns
from knowledge.types import AnswerStatus
from tests.helpers import service_over

ARTICLES = {
    "panda.md": "---\ntitle: 大熊猫吃什么\n---\n# 大熊猫吃什么\n\n大熊猫的食物百分之九十九是竹子。大熊猫每天要花十多个小时进食。",
    "static.md": "---\ntitle: 静电\n---\n# 静电\n\n冬天空气干燥，毛衣和皮肤摩擦容易产生静电。摸金属门把手前先用手掌贴一下墙。",
}
QA = [
    {"id": "t-panda", "question": "大熊猫吃什么？", "paraphrases": ["熊猫爱吃啥"], "answer": "主要吃竹子。",
     "articles": ["panda"]},
    {"id": "t-static", "question": "冬天为什么容易有静电？", "paraphrases": ["冬天摸门把手为什么会被电"],
     "answer": "空气干燥，摩擦产生的电荷不容易散掉。", "articles": ["static"]},
]


@pytest.fixture
def service(settings: Settings, tmp_path: Path) -> AnswerService:
    service = service_over(settings, tmp_path / "articles", ARTICLES)
    assert service.store is not None
    service.store.answers.upsert_starter(QA)
    return service


def _ids(service: AnswerService) -> dict[str, int]:
    assert service.store is not None
    return {a.key: a.id for a in service.store.answers.published()}


def test_a_consistent_set_passes_and_is_recorded(service: AnswerService) -> None:
    assert service.store is not None
    seen: list[tuple[int, int]] = []
    report = run(service, lambda done, total: seen.append((done, total)), actor="alice")
    assert report.ok and report.cases == 4 and report.passed == 4
    assert seen[-1] == (4, 4) and len(seen) == 4
    assert service.store.questions.recent(limit=50) == []  # nothing asked by the check is logged
    last = RegressionRuns(service.store.db).last()
    assert last is not None and (last.cases, last.passed, last.failures, last.actor) == (4, 4, (), "alice")
    assert len(last.baseline) == 4
    assert "4 条中 0 条未命中" in last_run_line(last)


def test_an_edit_that_takes_another_answers_phrasing_is_listed(service: AnswerService) -> None:
    assert service.store is not None
    assert run(service).ok
    ids = _ids(service)
    static = service.store.answers.get(ids["t-static"])
    service.store.answers.save_draft("bob", static.question, static.answer, [*static.paraphrases, "熊猫爱吃啥"],
                                     list(static.articles), answer_id=static.id)
    report = run(service)
    assert report.cases == 5 and len(report.failures) == 1
    failure = report.failures[0]
    assert failure.phrasing == "熊猫爱吃啥" and failure.outcome == Outcome.OTHER
    assert {failure.answer_id, failure.got_id} == {ids["t-panda"], ids["t-static"]}
    assert failure.got_question in ("大熊猫吃什么？", "冬天为什么容易有静电？")
    row = failure_rows(report.failures)[0]
    assert row[3] == texts.REGRESSION_GOT_OTHER.format(id=failure.got_id, question=failure.got_question)


def test_an_edited_question_that_no_longer_reaches_its_answer_is_listed(service: AnswerService) -> None:
    assert service.store is not None
    assert run(service).ok
    panda = service.store.answers.get(_ids(service)["t-panda"])
    service.store.answers.save_draft("bob", "大熊猫平时都吃些什么东西", panda.answer, list(panda.paraphrases),
                                     list(panda.articles), answer_id=panda.id)
    report = run(service)
    old = [f for f in report.failures if f.phrasing == "大熊猫吃什么？"]
    assert len(old) == 1 and old[0].published and old[0].new
    assert old[0].outcome in (Outcome.QUOTED, Outcome.DECLINED) and old[0].got_id is None
    assert old[0].question == "大熊猫平时都吃些什么东西"  # named as curators now know it
    assert report.cases == 5  # the four published phrasings and the old question


def test_a_retired_answer_shows_what_its_questions_get_now_once(service: AnswerService) -> None:
    assert service.store is not None
    assert run(service).ok
    static_id = _ids(service)["t-static"]
    service.store.answers.set_status("bob", static_id, AnswerStatus.RETIRED)
    report = run(service)
    assert report.cases == 4 and len(report.failures) == 2
    assert {f.phrasing for f in report.failures} == {"冬天为什么容易有静电？", "冬天摸门把手为什么会被电"}
    for failure in report.failures:
        assert failure.answer_id == static_id and not failure.published and failure.new
        assert failure.outcome == Outcome.QUOTED and "静电" in failure.got_text  # the article is quoted instead
    assert texts.REGRESSION_WITHDRAWN in failure_rows(report.failures)[0][1]
    last = RegressionRuns(service.store.db).last()
    assert last is not None and last.failed == 2 and len(last.failures) == 2
    again = run(service)  # the next run starts from the published set of the last one
    assert again.ok and again.cases == 2


def test_a_failure_seen_before_is_not_new(service: AnswerService) -> None:
    assert service.store is not None
    ids = _ids(service)
    static = service.store.answers.get(ids["t-static"])
    service.store.answers.save_draft("bob", static.question, static.answer, [*static.paraphrases, "熊猫爱吃啥"],
                                     list(static.articles), answer_id=static.id)
    first = run(service)
    assert len(first.failures) == 1 and not first.failures[0].new  # no earlier run to compare with
    second = run(service)
    assert len(second.failures) == 1 and not second.failures[0].new


def test_the_dashboard_shows_the_last_run(service: AnswerService) -> None:
    assert service.store is not None
    accounts = Accounts(service.store.db)
    accounts.add("alice", "s3cret-pass")
    curator = CuratorService(service.settings, service.kb, service.store,
                             build_pipeline(service.settings, service.kb), accounts, answers=service)
    assert curator.dashboard("alice").last_regression is None
    assert curator.last_regression("alice") is None
    service.store.answers.set_status("bob", _ids(service)["t-panda"], AnswerStatus.RETIRED)
    RegressionRuns(service.store.db).record(RegressionRun(4, 4, baseline=((_ids(service)["t-static"], "x"),)))
    report = curator.regression("alice")
    last = curator.dashboard("alice").last_regression
    assert last is not None and (last.cases, last.failed) == (report.cases, len(report.failures))
    assert last_run_line(last).startswith("上次回归检查：")
    assert f"{report.cases} 条中 {len(report.failures)} 条未命中" in last_run_line(last)


def test_only_the_latest_runs_are_kept(service: AnswerService) -> None:
    assert service.store is not None
    runs = RegressionRuns(service.store.db)
    for n in range(1, 6):
        runs.record(RegressionRun(n, n), keep=3)
    last = runs.last()
    assert last is not None and last.cases == 5


def _cli_env(monkeypatch: pytest.MonkeyPatch, settings: Settings, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no .env of the developer's is read
    monkeypatch.setenv("ASKSCI_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("ASKSCI_EMBEDDER", "hash")
    monkeypatch.setenv("ASKSCI_GLOSSARY_PATH", str(settings.glossary_path))


def test_the_cli_exit_status_says_whether_any_case_fails(service: AnswerService, settings: Settings, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert service.store is not None
    _cli_env(monkeypatch, settings, tmp_path)
    assert askscience(["eval", "--curated", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "共 4 条问法" in out and "未命中：" not in out
    ids = _ids(service)
    static = service.store.answers.get(ids["t-static"])
    service.store.answers.save_draft("bob", static.question, static.answer, [*static.paraphrases, "熊猫爱吃啥"],
                                     list(static.articles), answer_id=static.id)
    assert askscience(["eval", "--curated"]) == 1
    captured = capsys.readouterr()
    assert "未命中：#" in captured.out and "「熊猫爱吃啥」" in captured.out
    assert "1 条未命中" in captured.out
    assert "已重问 5/5 条问法" in captured.err
    last = RegressionRuns(service.store.db).last()
    assert last is not None and last.actor == "cli" and last.failed == 1


def test_the_cli_with_nothing_published_exits_2(settings: Settings, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    _cli_env(monkeypatch, settings, tmp_path)
    assert askscience(["eval", "--curated"]) == 2
