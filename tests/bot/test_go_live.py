"""What a public launch needs, end to end over a real embedded Chroma + jieba index (hash embedder):
sensitive phrases in questions, in a streamed LLM answer and in uploads; personal data kept out of the
log and the LLM; the question log's retention."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import update

from bot.curation.retention import RetentionJob
from bot.curation.service import CuratorInputError, CuratorService, Upload
from bot.engine.service import AnswerService
from bot.engine.types import Composed, Mode, Source
from ingest.service import build_pipeline
from knowledge import texts
from knowledge.settings import Settings
from knowledge.stores.accounts import Accounts
from knowledge.stores.models import QuestionLogRow, utcnow
from knowledge.texts import DEFAULT_READING_LEVEL
from knowledge.types import DocumentStatus
from tests.helpers import service_over

ARTICLES = {
    "drugs.md": "---\ntitle: 毒品的危害\ntopic: 健康与医学\n---\n# 毒品的危害\n\n吸毒会损伤大脑的奖赏系统，"
                "让人越来越离不开毒品。冰毒会引起幻觉和心脏损害。远离毒品，从拒绝第一次开始。",
    "panda.md": "---\ntitle: 大熊猫吃什么\ntopic: 生物与生态\n---\n# 大熊猫吃什么\n\n大熊猫的食物百分之九十九是竹子。",
}


class PieceComposer:
    """An LLM composer that streams a reply in the given pieces and records what it was sent."""

    def __init__(self, pieces: list[str]) -> None:
        self.pieces = pieces
        self.questions: list[str] = []
        self.histories: list[list[tuple[str, str]]] = []

    def stream(self, question: str, sources: list[Source], history: list[tuple[str, str]] | None = None,
               level: str = DEFAULT_READING_LEVEL) -> Iterator[str | Composed]:
        self.questions.append(question)
        self.histories.append(list(history or []))
        yield from self.pieces
        yield Composed("".join(self.pieces) + "[1]", [1])

    def rewrite(self, question: str, history: list[tuple[str, str]]) -> str:
        self.questions.append(question)
        return question


@pytest.fixture
def service(settings: Settings, tmp_path: Path) -> AnswerService:
    return service_over(settings, tmp_path / "articles", ARTICLES)


def _logged(service: AnswerService) -> list[str]:
    assert service.store is not None
    return [row.question for row in service.store.questions.recent(limit=50)]


def test_a_question_with_a_blocked_phrase_gets_a_polite_refusal_and_is_counted(service: AnswerService) -> None:
    answer = service.ask("哪里可以代开发票？")
    assert answer.mode == Mode.BLOCKED
    assert answer.text == texts.SENSITIVE_REFUSED
    assert not answer.citations
    assert service.store is not None
    modes = [row.mode for row in service.store.questions.recent(limit=5)]
    assert modes[0] == Mode.BLOCKED


def test_health_education_with_whitelisted_terms_is_answered(service: AnswerService) -> None:
    answer = service.ask("吸毒对大脑有什么危害？")
    assert answer.mode == Mode.EXTRACTIVE
    assert "大脑" in answer.text


def test_an_emergency_is_never_refused_for_a_listed_phrase(service: AnswerService) -> None:
    answer = service.ask("我爸被人捅了一刀，流了好多血，有人说去哪代开发票报销")
    assert answer.mode != Mode.BLOCKED
    assert answer.triage.alarm and "120" in answer.safety


def test_a_stream_never_shows_a_blocked_phrase_split_over_pieces(service: AnswerService) -> None:
    service.llm = PieceComposer(["大熊猫爱吃竹子。顺便说一句，可以找我代", "开发", "票哦。"])
    shown = [item for item in service.ask_stream("大熊猫吃什么？") if isinstance(item, str)]
    final = service.ask("大熊猫平时吃什么？")
    assert all("代开发票" not in text and "代开发" not in text for text in shown)
    assert final.mode == Mode.EXTRACTIVE  # the LLM answer was replaced by a quote of the article
    assert final.notice == texts.LLM_BLOCKED_NOTICE
    assert "代开" not in final.text


def test_a_clean_stream_is_shown_whole(service: AnswerService) -> None:
    service.llm = PieceComposer(["大熊猫", "最爱吃", "竹子。"])
    answer = service.ask("大熊猫吃什么？")
    assert answer.mode == Mode.LLM
    assert answer.text.startswith("大熊猫最爱吃竹子。")


def test_a_phone_number_never_reaches_the_log_or_the_llm(service: AnswerService) -> None:
    llm = PieceComposer(["大熊猫吃竹子。"])
    service.llm = llm
    question = "我妈王秀英，电话 138 1234 5678，住在杭州市西湖区文三路398号3幢2单元501室，她问大熊猫吃什么"
    service.ask(question)
    service.ask("那它还吃别的吗？", history=[(question, "大熊猫吃竹子。")])
    sent = " ".join(llm.questions + [q for h in llm.histories for q, _ in h])
    for secret in ("5678", "138 1234", "文三路398号", "501"):
        assert secret not in sent
        assert all(secret not in q for q in _logged(service))
    assert any("[电话号码]" in q for q in _logged(service))


def test_personal_data_may_be_sent_when_the_deployer_allows_it(service: AnswerService) -> None:
    llm = PieceComposer(["大熊猫吃竹子。"])
    service.llm = llm
    service.settings = service.settings.model_copy(update={"share_personal_data": True})
    service.ask("我的电话是13812345678，大熊猫吃什么")
    assert "13812345678" in llm.questions[-1]
    assert all("13812345678" not in q for q in _logged(service))  # the log never keeps it


def test_science_figures_are_not_redacted_from_the_log(service: AnswerService) -> None:
    service.ask("血压 140/90 算高吗？GB 5749-2022 是什么标准？")
    assert "140/90" in _logged(service)[0] and "5749-2022" in _logged(service)[0]


def test_retention_deletes_old_questions_and_their_feedback_only(service: AnswerService) -> None:
    assert service.store is not None
    old = service.ask("大熊猫吃什么？")
    new = service.ask("大熊猫爱吃竹子吗？")
    assert old.log_id and new.log_id
    service.record_feedback(old.log_id, -1, "不对")
    with service.store.db.session() as s, s.begin():
        s.execute(update(QuestionLogRow).where(QuestionLogRow.id == old.log_id)
                  .values(asked_at=utcnow() - dt.timedelta(days=200)))
    assert RetentionJob(service.store.questions, days=180).run_once() == 1
    assert service.store.questions.get(old.log_id) is None
    assert service.store.questions.get(new.log_id) is not None
    assert service.store.questions.erase(new.log_id) and service.store.questions.get(new.log_id) is None


@pytest.fixture
def curator(service: AnswerService) -> CuratorService:
    assert service.store is not None
    accounts = Accounts(service.store.db)
    accounts.add("alice", "s3cret-pass")
    return CuratorService(service.settings, service.kb, service.store, build_pipeline(service.settings, service.kb),
                          accounts, service.words)


def _upload(tmp_path: Path, name: str, text: str) -> Upload:
    path = tmp_path / "incoming" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return Upload(path, name)


def test_an_upload_with_a_blocked_phrase_is_held_until_a_curator_releases_it(
        service: AnswerService, curator: CuratorService, tmp_path: Path) -> None:
    text = "# 发票小知识\n\n增值税发票要向税务机关申领。街头小广告说可以代开发票，这是违法的。"
    report = curator.upload("alice", [_upload(tmp_path, "fapiao.md", text)])
    assert [r.status for r in report.results] == ["held"]
    assert "代开发票" in report.results[0].reason
    held = [d for d in curator.documents("alice") if d.name == "fapiao.md"]
    assert held and held[0].status == DocumentStatus.HELD and "代开发票" in held[0].note
    assert not service.kb.find(title="发票小知识")  # nothing reached the indexes
    curator.release_document("alice", held[0].source)
    assert service.kb.find(title="发票小知识")
    actions = [e.action for e in curator.audit_log("alice")]
    assert "document.release" in actions
    with pytest.raises(CuratorInputError):
        curator.release_document("alice", held[0].source)  # no longer held


def test_a_clean_upload_is_not_held(curator: CuratorService, tmp_path: Path) -> None:
    report = curator.upload("alice", [_upload(tmp_path, "ok.md", "# 禁毒\n\n远离毒品，珍爱生命。吸毒的危害很大。")])
    assert [r.status for r in report.results] == ["ingested"]


def test_the_word_list_is_managed_audited_and_takes_effect_at_once(
        service: AnswerService, curator: CuratorService) -> None:
    assert service.ask("熊猫竹子哪里卖？").mode != Mode.BLOCKED
    with pytest.raises(CuratorInputError) as refused:
        curator.save_words("alice", "熊猫竹子\t测试\n猫\n")
    assert "第 2 行" in str(refused.value)  # a single character is refused with its line number
    assert service.ask("熊猫竹子哪里卖？").mode != Mode.BLOCKED  # nothing was half-saved
    curator.save_words("alice", "熊猫竹子\t测试\n+熊猫竹子科普\n")
    assert service.ask("熊猫竹子哪里卖？").mode == Mode.BLOCKED
    assert service.ask("熊猫竹子科普：大熊猫吃什么？").mode != Mode.BLOCKED  # whitelisted
    entry = next(e for e in curator.audit_log("alice") if e.action == "words.replace")
    assert entry.actor == "alice" and "熊猫竹子" in entry.detail
    assert "熊猫竹子\t测试" in curator.export_words("alice")
    assert curator.export_words("alice", csv=True).startswith("\ufeff词条,类别,类型")
    assert curator.dashboard("alice").blocked == 1


def test_another_replica_sees_a_changed_list(service: AnswerService, curator: CuratorService,
                                             settings: Settings) -> None:
    from bot.engine.sensitive import SensitiveFilter
    assert service.store is not None
    other = SensitiveFilter(service.store.words, poll_seconds=0.0)
    assert not other.find("熊猫竹子")
    curator.save_words("alice", "熊猫竹子\n")
    assert other.find("熊猫竹子")


@pytest.mark.integration
def test_over_a_real_openai_compatible_server_no_phone_goes_out_and_no_blocked_phrase_comes_in(
        service: AnswerService) -> None:
    import json

    from bot.engine.llm import LLMComposer
    from tests.bot.openai_stub import Behaviour, OpenAIStub

    with OpenAIStub() as stub:
        service.settings = service.settings.model_copy(update={
            "llm_base_url": stub.base_url, "llm_model": "stub", "llm_timeout": 5.0, "llm_max_retries": 0})
        service.llm = LLMComposer(service.settings)
        stub.enqueue(Behaviour.answer("大熊猫主要吃竹子[1]。想报销可以找我代开发票。", chunk_chars=2))
        shown = [item for item in service.ask_stream("我手机13912345678，大熊猫吃什么？") if isinstance(item, str)]
        stub.enqueue(Behaviour.answer("大熊猫主要吃竹子[1]。", chunk_chars=3))
        clean = service.ask("我手机 139-1234-5678，熊猫吃啥")
        sent = json.dumps([r["body"] for r in stub.requests], ensure_ascii=False)
    assert "13912345678" not in sent and "1234-5678" not in sent and "[电话号码]" in sent
    assert shown and all("代开" not in text for text in shown)
    assert clean.mode == Mode.LLM and "大熊猫主要吃竹子" in clean.text


def test_an_admin_can_find_export_and_delete_what_the_log_keeps(service: AnswerService, settings: Settings,
                                                                 monkeypatch: pytest.MonkeyPatch,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from bot.cli.privacy import main as privacy

    assert service.store is not None
    service.ask("我叫张三，电话13812345678，大熊猫吃什么")
    monkeypatch.setenv("ASKSCI_DATA_DIR", str(service.settings.data_dir))
    assert privacy(["find", "大熊猫"]) == 0
    line = capsys.readouterr().out.strip().splitlines()[0]
    qid = int(line.split("\t")[0])
    assert "13812345678" not in line
    assert privacy(["export", str(qid)]) == 0
    exported = json.loads(capsys.readouterr().out)
    assert exported["id"] == qid and "大熊猫" in exported["question"]
    assert privacy(["delete", str(qid)]) == 2  # nothing without --yes
    assert service.store.questions.get(qid) is not None
    assert privacy(["delete", str(qid), "--yes"]) == 0
    assert service.store.questions.get(qid) is None
    assert privacy(["export", str(qid)]) == 1
    assert any(e.action == "privacy.erase" for e in service.store.audit.recent())


def test_a_citizen_holding_a_ticket_code_can_have_it_exported_and_deleted(
        service: AnswerService, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from bot.cli.privacy import main as privacy

    assert service.store is not None
    asked = service.ask("我叫李四，电话13912345678，量子纠缠能用来发电报吗")
    code = service.open_ticket(asked.log_id, "thumbs_down")  # the citizen gave 👎 and got a code
    assert code
    monkeypatch.setenv("ASKSCI_DATA_DIR", str(service.settings.data_dir))
    assert privacy(["export", code.lower().replace("-", " ")]) == 0  # typed as the citizen reads it
    exported = json.loads(capsys.readouterr().out)
    assert exported["ticket"]["code"] == code and exported["id"] == asked.log_id
    assert "13912345678" not in json.dumps(exported, ensure_ascii=False)
    assert "李四" not in json.dumps(exported, ensure_ascii=False)
    assert privacy(["delete", code, "--yes"]) == 0
    assert service.store.tickets.get(code) is None
    assert service.store.questions.get(asked.log_id) is None
    assert privacy(["export", code]) == 1
    assert {"privacy.erase", "privacy.erase_ticket"} <= {e.action for e in service.store.audit.recent()}
