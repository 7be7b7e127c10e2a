"""The curator self-check over a tiny starter dir (hash embedder, real embedded Chroma + jieba index)."""

import json
from pathlib import Path

import pytest

from bot.cli.selfcheck import main, run_selfcheck
from bot.engine.factory import build_service
from bot.engine.service import AnswerService
from ingest.service import build_pipeline
from ingest.starter import load_starter, read_qa
from knowledge.settings import Settings

ARTICLES = {
    "biology/panda.md": "---\ntitle: 大熊猫吃什么\ntopic: 生物与生态\n---\n# 大熊猫吃什么\n\n"
                        "大熊猫虽然属于食肉目，但它们的食物百分之九十九是竹子。大熊猫每天要花十多个小时进食。"
                        "野外的大熊猫偶尔也会吃竹鼠等小动物。",
    "health/bp.md": "---\ntitle: 高血压\ntopic: 健康与医学\n---\n# 高血压\n\n按照我国指南，非同日三次测量诊室血压，"
                    "收缩压不低于140毫米汞柱或舒张压不低于90毫米汞柱，可以诊断为高血压。减少食盐摄入有助于控制血压。",
}

# t-001 and t-002 are answered by the article they name; t-003 asks about pandas but names the
# blood-pressure article, so with k=1 it cannot hit (the panda article must come first).
QA = """\
- id: t-001
  question: 大熊猫平时吃什么食物？
  paraphrases:
    - 大熊猫每天要花多少小时进食？
  answer: 主要吃竹子。
  articles: [panda]
- id: t-002
  question: 血压多少算高血压？
  paraphrases:
    - 收缩压多少毫米汞柱可以诊断为高血压？
  answer: 收缩压不低于140或舒张压不低于90毫米汞柱。
  articles: [bp]
- id: t-003
  question: 大熊猫吃竹子吗？
  answer: 吃。
  articles: [bp]
"""


@pytest.fixture
def starter(tmp_path: Path) -> Path:
    root = tmp_path / "starter"
    for rel, text in ARTICLES.items():
        path = root / "articles" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / "qa").mkdir()
    (root / "qa" / "test.yaml").write_text(QA, encoding="utf-8")
    return root


@pytest.fixture
def cfg(settings: Settings, starter: Path) -> Settings:
    return settings.model_copy(update={"starter_dir": starter, "evidence_threshold": 0.05,
                                       "evidence_keyword_weight": 0.0})


@pytest.fixture
def service(cfg: Settings) -> AnswerService:
    svc = build_service(cfg)
    load_starter(cfg.starter_dir, build_pipeline(cfg, svc.kb), svc.store)
    return svc


def test_hits_misses_and_rate_at_k1(service: AnswerService, cfg: Settings) -> None:
    result = run_selfcheck(service, read_qa(cfg.starter_dir), k=1, show_progress=False)
    assert result.phrasings == 5
    assert result.hits == 4
    assert result.hit_rate == pytest.approx(0.8)
    assert [(m.qa_id, m.phrasing) for m in result.misses] == [("t-003", "大熊猫吃竹子吗？")]
    miss = result.misses[0]
    assert miss.expected == ("bp",)
    assert miss.first == "panda"  # article id from chunk metadata, not the absolute source path
    assert miss.rank == 2
    assert not result.declined
    assert result.summary_line() == "selfcheck phrasings=5 hit@1=0.800 declined=0 misses=1"
    hit = next(r for r in result.results if r.phrasing == "大熊猫平时吃什么食物？")
    assert hit.hit and hit.kind == "question" and hit.rank == 1


def test_a_larger_k_counts_the_second_article(service: AnswerService, cfg: Settings) -> None:
    result = run_selfcheck(service, read_qa(cfg.starter_dir), k=2, show_progress=False)
    assert result.hit_rate == 1.0
    assert not result.misses


def test_declines_are_counted_apart_from_retrieval(service: AnswerService, cfg: Settings) -> None:
    service.settings = service.settings.model_copy(update={"evidence_threshold": 0.99})
    result = run_selfcheck(service, read_qa(cfg.starter_dir), k=1, show_progress=False)
    assert len(result.declined) == 5
    assert result.hits == 4  # the ranked sources are still checked when the answer is declined
    assert result.summary_line().endswith("declined=5 misses=1")


def test_a_question_the_service_refuses_is_a_miss(service: AnswerService) -> None:
    items = [{"id": "long", "question": "为什么" * 300, "articles": ["panda"]}]
    result = run_selfcheck(service, items, k=5, show_progress=False)
    assert result.hit_rate == 0.0
    assert result.misses[0].error


def test_cli_loads_an_empty_kb_reports_and_fails_below_the_bar(
    cfg: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    data_dir = tmp_path / "override"
    out = tmp_path / "report.json"
    status = main(["--data-dir", str(data_dir), "--k", "1", "--out", str(out)], settings=cfg)
    assert status == 1
    stdout = capsys.readouterr().out.strip().splitlines()
    assert stdout[-1] == "selfcheck phrasings=5 hit@1=0.800 declined=0 misses=1"
    assert stdout[0] == "未命中的问法（共 1 条）："
    assert stdout[1] == "- [t-003] 大熊猫吃竹子吗？"
    assert "应检索到：bp；排第一的是：panda《大熊猫吃什么》；期望文章的名次：第 2 个片段" in stdout[2]
    assert (data_dir / "curation.sqlite3").exists()  # --data-dir overrides the settings' data dir
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["phrasings"] == 5 and report["hit@1"] == pytest.approx(0.8) and report["passed"] is False
    assert [(m["qa_id"], m["first"], m["rank"]) for m in report["miss_list"]] == [("t-003", "panda", 2)]

    # Second run reuses the loaded knowledge base; the bar is an option.
    assert main(["--data-dir", str(data_dir), "--k", "1", "--min", "0.8"], settings=cfg) == 0
    assert capsys.readouterr().out.strip().splitlines()[-1].startswith("selfcheck phrasings=5 hit@1=0.800")
    assert main(["--data-dir", str(data_dir), "--k", "2"], settings=cfg) == 0
    assert capsys.readouterr().out.strip().splitlines() == ["未命中的问法：无",
                                                            "selfcheck phrasings=5 hit@2=1.000 declined=0 misses=0"]


def test_cli_rejects_a_k_deeper_than_the_ranking(cfg: Settings) -> None:
    with pytest.raises(SystemExit):
        main(["--k", "11"], settings=cfg)
