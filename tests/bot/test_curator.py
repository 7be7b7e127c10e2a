"""The curator service over a real embedded Chroma + jieba index (hash embedder): uploads, documents,
curated answers reaching citizens, the review queue, the dashboard and the audit trail."""

from pathlib import Path

import pytest

from bot.curation.service import CuratorInputError, CuratorService, NotAuthorised, Upload, safe_name
from bot.engine.factory import build_service
from bot.engine.service import AnswerService
from bot.engine.types import Mode
from ingest.service import build_pipeline
from knowledge import texts
from knowledge.settings import Settings
from knowledge.stores.accounts import Accounts

PANDA = "# 大熊猫吃什么\n\n大熊猫虽然属于食肉目，但它们的食物百分之九十九是竹子。大熊猫每天要花十多个小时进食。"
STATIC = "# 静电\n\n冬天空气干燥，毛衣和皮肤摩擦容易产生静电。摸金属门把手前先用手掌贴一下墙，可以减少被电的感觉。"


@pytest.fixture
def env(settings: Settings) -> tuple[AnswerService, CuratorService]:
    settings = settings.model_copy(update={"evidence_threshold": 0.05, "evidence_keyword_weight": 0.0,
                                           "upload_max_mb": 0.01, "review_group_threshold": 0.8})
    service = build_service(settings)
    accounts = Accounts(service.store.db)
    accounts.add("alice", "s3cret-pass")
    curator = CuratorService(settings, service.kb, service.store, build_pipeline(settings, service.kb), accounts)
    return service, curator


def _file(tmp_path: Path, name: str, text: str | bytes) -> Upload:
    path = tmp_path / "incoming" / name.replace("/", "_")
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return Upload(path, name)


def test_upload_reports_each_file_and_stores_only_good_ones(env, tmp_path: Path) -> None:
    service, curator = env
    report = curator.upload("alice", [
        _file(tmp_path, "panda.md", PANDA),
        _file(tmp_path, "virus.exe", b"MZ\x00\x00"),
        _file(tmp_path, "huge.txt", "大" * 10_000),
        _file(tmp_path, "empty.txt", ""),
        _file(tmp_path, "same-panda.md", PANDA),
    ])
    status = {r.path: (r.status, r.reason) for r in report.results}
    assert status["panda.md"][0] == "ingested"
    assert status["virus.exe"] == ("failed", texts.UPLOAD_BAD_TYPE.format(suffix=".exe",
                                                                          allowed=curator.settings.upload_types))
    assert "上传上限" in status["huge.txt"][1]
    assert status["empty.txt"][0] == "failed"
    assert status["same-panda.md"] == ("failed", texts.UPLOAD_DUPLICATE.format(name="panda.md"))
    stored = sorted(p.name for p in curator.settings.upload_dir.iterdir())
    assert stored == ["panda.md"]  # failed files are not kept
    assert "竹子" in service.ask("大熊猫吃什么？").text


def test_upload_names_cannot_escape_the_upload_folder(env, tmp_path: Path) -> None:
    _, curator = env
    assert safe_name("../../etc/passwd.txt") == "passwd.txt"
    assert safe_name("..\\..\\x.md") == "x.md"
    assert safe_name("a\x00b<c>.TXT") == "a_b_c_.txt"
    assert safe_name("...") == "upload"
    curator.upload("alice", [_file(tmp_path, "../../escape.md", STATIC)])
    assert (curator.settings.upload_dir / "escape.md").exists()
    assert not (curator.settings.data_dir.parent / "escape.md").exists()


def test_retire_restore_and_delete_change_both_indexes(env, tmp_path: Path) -> None:
    service, curator = env
    curator.upload("alice", [_file(tmp_path, "panda.md", PANDA), _file(tmp_path, "static.md", STATIC)])
    docs = {d.name: d for d in curator.documents("alice")}
    assert docs["panda.md"].status == "active" and docs["panda.md"].title == "大熊猫吃什么"
    source = docs["panda.md"].source
    n = len(curator.chunks("alice", source))
    before = service.kb.count()

    assert curator.retire_document("alice", source) == n
    assert service.kb.count() == before - n
    hits = [cid for cid, _ in service.kb.keyword_search("大熊猫 竹子", 10)]
    assert all(c.source != source for c in service.kb.get(hits)) and len(service.kb.get(hits)) == len(hits)
    assert {d.name: d.status for d in curator.documents("alice")}["panda.md"] == "retired"

    curator.restore_document("alice", source)
    assert service.kb.count() == before

    curator.delete_document("alice", source)
    assert service.kb.count() == before - n
    assert not (curator.settings.upload_dir / "panda.md").exists()
    assert "panda.md" not in {d.name for d in curator.documents("alice")}
    actions = [e.action for e in curator.audit_log("alice")]
    assert actions[:4] == ["document.delete", "document.restore", "document.retire", "document.upload"]


def test_every_curator_action_refuses_a_non_curator(env, tmp_path: Path) -> None:
    _, curator = env
    calls = [
        lambda who: curator.upload(who, [_file(tmp_path, "panda.md", PANDA)]),
        lambda who: curator.documents(who),
        lambda who: curator.retire_document(who, "x"),
        lambda who: curator.delete_document(who, "x"),
        lambda who: curator.save_curated(who, "问", "答"),
        lambda who: curator.set_curated_status(who, 1, "published"),
        lambda who: curator.review_groups(who),
        lambda who: curator.dashboard(who),
        lambda who: curator.audit_log(who),
    ]
    for call in calls:
        for who in (None, "", "mallory"):
            with pytest.raises(NotAuthorised):
                call(who)
    assert not curator.settings.upload_dir.exists()


def test_draft_is_not_served_published_is_served_next_question_retired_is_gone(env) -> None:
    service, curator = env
    question = "为什么冬天摸门把手会被电？"
    draft = curator.save_curated("alice", question, "因为冬天空气干燥，身上积累了静电。", "冬天为啥老被电\n", "static")
    assert draft.status == "draft"
    assert service.ask(question).mode != Mode.CURATED
    curator.set_curated_status("alice", draft.id, "published")
    answer = service.ask(question)
    assert answer.mode == Mode.CURATED and "静电" in answer.text
    edited = curator.save_curated("alice", question, "冬天空气干燥，人体容易带静电。", "", "", "", draft.id)
    assert edited.status == "published"
    assert "人体容易带静电" in service.ask(question).text
    curator.set_curated_status("alice", draft.id, "retired")
    assert service.ask(question).mode != Mode.CURATED
    with pytest.raises(CuratorInputError):
        curator.save_curated("alice", "  ", "答")
    actions = [e.action for e in curator.audit_log("alice")][:4]
    assert actions == ["curated.retired", "curated.edit", "curated.published", "curated.create"]


def test_review_queue_groups_unanswered_and_disliked_questions(env, tmp_path: Path) -> None:
    service, curator = env
    curator.upload("alice", [_file(tmp_path, "panda.md", PANDA), _file(tmp_path, "static.md", STATIC)])
    service.settings = service.settings.model_copy(update={"evidence_threshold": 0.99})
    for q in ("黑洞是怎么形成的？", "黑洞是怎么形成的？", "黑洞是怎么形成的", "火星上有水吗？"):
        service.ask(q)
    service.settings = service.settings.model_copy(update={"evidence_threshold": 0.05})
    liked = service.ask("大熊猫吃什么？")
    disliked = service.ask("静电是怎么回事？")
    service.record_feedback(liked.log_id, 1)
    service.record_feedback(disliked.log_id, -1)
    service.record_feedback(disliked.log_id, 0, "没说清楚", report=True)
    groups = curator.review_groups("alice")
    by_question = {g.question: g for g in groups}
    assert groups[0].count == 3 and groups[0].no_answer == 3 and "黑洞" in groups[0].question
    assert by_question["静电是怎么回事？"].thumbs_down == 1 and by_question["静电是怎么回事？"].reports == 1
    assert by_question["静电是怎么回事？"].comments == ["没说清楚"]
    assert "大熊猫吃什么？" not in by_question  # a liked answer needs no review

    dash = curator.dashboard("alice")
    assert dash.total == 6
    assert dash.answered_share == pytest.approx(2 / 6)
    assert dash.per_day["提问数"].sum() == 6
    assert dash.feedback["次数"].sum() == 2
    assert "黑洞" in set(dash.keywords["关键词"])


def test_feedback_on_an_unknown_answer_is_ignored(env) -> None:
    service, _ = env
    assert service.record_feedback(None, 1) is False
    assert service.record_feedback(987654, 1) is False
