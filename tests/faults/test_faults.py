"""Fault suite: things that really go wrong, done for real.

LLM endpoint failures (a loopback stub server), a full disk during ingestion (a small tmpfs when
the machine allows mounting one), and kill -9 in the middle of publishing curated answers. Chroma
server restarts are in tests/scale/test_replicas.py, kill -9 during ingestion in
tests/ingest/test_crash_safety.py.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.engine.factory import build_service
from bot.engine.service import AnswerService
from bot.engine.types import AskOptions, Mode
from ingest.service import build_pipeline
from knowledge import texts
from knowledge.index.base import KnowledgeBase
from knowledge.index.embedders import HashEmbedder
from knowledge.settings import Settings
from knowledge.stores.curation import CurationStore
from tests.bot.openai_stub import Behaviour, OpenAIStub
from tests.conftest import ROOT
from tests.web.conftest import free_port

pytestmark = pytest.mark.integration
PANDA = "# 大熊猫吃什么\n\n大熊猫虽然属于食肉目，但它们的食物百分之九十九是竹子。大熊猫每天要花十多个小时进食。"
TIMEOUT = 2.0
STUCK = 40.0  # a stuck endpoint; the answer must come long before this (bounded by the timeout, not by it)


@pytest.fixture(scope="module")
def stub() -> Iterator[OpenAIStub]:
    server = OpenAIStub().start()
    yield server
    server.stop()


def _service(settings: Settings, tmp_path: Path, base_url: str) -> AnswerService:
    folder = tmp_path / "articles"
    folder.mkdir(exist_ok=True)
    (folder / "panda.md").write_text(PANDA, encoding="utf-8")
    cfg = settings.model_copy(update={"evidence_threshold": 0.05, "evidence_keyword_weight": 0.0,
                                      "llm_base_url": base_url, "llm_model": "stub", "llm_timeout": TIMEOUT,
                                      "llm_max_retries": 0})
    service = build_service(cfg)
    build_pipeline(cfg, service.kb).run([folder])
    return service


@pytest.mark.parametrize("behaviour", [
    Behaviour.http_error(500), Behaviour.http_error(429), Behaviour.sleep(STUCK), Behaviour.stall(STUCK),
    Behaviour.malformed(), Behaviour.cut(), Behaviour.cut(clean=True), Behaviour.answer(""),
], ids=["http500", "http429", "slow", "stalled-stream", "malformed", "truncated", "closed-early", "empty"])
def test_llm_failure_gives_a_cited_extractive_answer_with_notice_in_time(
        behaviour: Behaviour, stub: OpenAIStub, settings: Settings, tmp_path: Path) -> None:
    service = _service(settings, tmp_path, stub.base_url)
    stub.enqueue(behaviour)
    start = time.monotonic()
    answer = service.ask("大熊猫吃什么？", options=AskOptions(use_curated=False))
    elapsed = time.monotonic() - start
    assert answer.mode == Mode.EXTRACTIVE
    assert answer.notice == texts.LLM_FALLBACK_NOTICE
    assert answer.citations and "竹子" in answer.text and "[1]" in answer.text
    assert elapsed < STUCK / 2, f"took {elapsed:.1f}s with an LLM timeout of {TIMEOUT}s: the timeout did not act"


def test_refused_llm_connection_falls_back(settings: Settings, tmp_path: Path) -> None:
    service = _service(settings, tmp_path, f"http://127.0.0.1:{free_port()}/v1")
    answer = service.ask("大熊猫吃什么？", options=AskOptions(use_curated=False))
    assert answer.mode == Mode.EXTRACTIVE and answer.notice == texts.LLM_FALLBACK_NOTICE and answer.citations


def _corpus(folder: Path, files: int, sentences: int, tag: str) -> None:
    folder.mkdir()
    for f in range(files):
        body = "".join(f"{tag}第{f}篇第{i}句讲的是科学常识，用来测试磁盘写满时的表现。" for i in range(sentences))
        (folder / f"{tag}{f:03d}.md").write_text(f"# {tag}文章{f}\n\n{body}\n", encoding="utf-8")


def _ingest(data: Path, folder: Path, min_free_mb: float) -> subprocess.CompletedProcess:
    env = {**os.environ, "ASKSCI_DATA_DIR": str(data), "ASKSCI_EMBEDDER": "hash",
           "ASKSCI_MIN_FREE_MB": str(min_free_mb)}
    return subprocess.run([sys.executable, "-m", "ingest", str(folder), "--quiet"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def _state(data: Path) -> tuple[set[str], set[str]]:
    kb = KnowledgeBase.open(Settings(_env_file=None, data_dir=data, embedder="hash"), HashEmbedder())
    return set(kb.vectors.all_metadata()), kb.keywords.ids


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path | None]:
    """A 40 MB tmpfs, or None where this machine does not let the tests mount one."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=40m", "tmpfs", str(mount)], capture_output=True,
                          check=False)
    if done.returncode != 0:
        yield None
        return
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True, check=False)


def test_full_disk_during_ingestion_is_reported_and_the_knowledge_base_stays_intact(
        small_disk: Path | None, tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    _corpus(first, 10, 20, "旧")
    _corpus(second, 150, 60, "新")
    data = (small_disk or tmp_path) / "data"
    assert _ingest(data, first, 1).returncode == 0
    before = _state(data)
    assert len(before[0]) > 0 and before[0] == before[1]

    free_mb = shutil.disk_usage(data).free / 2**20
    if small_disk is not None:  # really fill the disk, leaving 1.5 MB: one small batch fits, the rest not
        with (small_disk / "filler").open("wb") as fh:
            fh.truncate(0)
            fh.write(b"\0" * int((free_mb - 1.5) * 2**20))
        reserve = 1.0
    else:  # no mount here: ask for more headroom than the disk has, the same code path refuses
        reserve = free_mb + 1024
    run = _ingest(data, second, reserve)
    assert run.returncode == 1
    assert "磁盘空间不足" in run.stdout and "知识库保持原样" in run.stdout
    after_ids, after_keywords = _state(data)
    assert before[0] <= after_ids and after_ids == after_keywords  # nothing lost, both indexes agree

    if small_disk is not None:
        (small_disk / "filler").unlink()
    rerun = _ingest(data, second, 1)
    assert rerun.returncode == 0, rerun.stdout[-2000:]
    ids, keywords = _state(data)
    assert ids == keywords and before[0] < ids


PUBLISHER = """
import sys
from knowledge.stores.curation import CurationStore
store = CurationStore(sys.argv[1])
ids = [store.answers.save_draft("alice", f"问题{i}", f"解答{i}", [], []).id for i in range(20)]
print("ready", flush=True)
n = 0
while True:
    for i in ids:
        store.answers.set_status("alice", i, "published" if n % 2 == 0 else "retired")
    n += 1
"""


def test_kill_9_while_publishing_leaves_no_half_published_answer(tmp_path: Path) -> None:
    db = tmp_path / "curation.sqlite3"
    url = f"sqlite:///{db}"
    proc = subprocess.Popen([sys.executable, "-c", PUBLISHER, url], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"

    def changes_so_far() -> int:
        try:
            with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
                return int(conn.execute("select count(*) from audit_log where action in "
                                        "('curated.published', 'curated.retired')").fetchone()[0])
        except sqlite3.Error:  # busy this instant
            return 0

    deadline = time.monotonic() + 120
    while changes_so_far() < 40 and time.monotonic() < deadline:  # mid-loop, well past the first round
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)

    assert sqlite3.connect(db).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    store = CurationStore(url)
    answers = store.answers.search()
    assert len(answers) == 20
    changes = [e for e in store.audit.recent(limit=100_000) if e.action in ("curated.published", "curated.retired")]
    assert len(changes) > 20, "killed before it published anything: give it more time"
    latest: dict[str, str] = {}
    for entry in reversed(changes):  # oldest first, so the last write per answer wins
        latest[entry.target] = entry.action.split(".")[1]
    for a in answers:  # every answer's state is exactly what its last audit entry says
        assert a.status == latest[f"#{a.id} {a.question}"]
    assert {a.status for a in answers} <= {"published", "retired"}
    assert len(store.answers.published()) == sum(1 for a in answers if a.status == "published")


TICKET_PUBLISHER = """
import sys
from knowledge.stores.curation import CurationStore
store = CurationStore(sys.argv[1])
print("ready", flush=True)
i = 0
while True:
    draft = store.answers.save_draft("alice", f"问题{i}", f"解答{i}", [], [])
    codes = [store.tickets.open(f"问题{i}（{k}）", "no_answer").code for k in range(3)]
    store.tickets.link_tickets(draft.id, codes)
    store.answers.publish("rita", draft.id, require_submitted=False)
    i += 1
"""


def test_kill_9_while_publishing_leaves_each_answer_and_its_tickets_in_one_state(tmp_path: Path) -> None:
    db = tmp_path / "curation.sqlite3"
    url = f"sqlite:///{db}"
    proc = subprocess.Popen([sys.executable, "-c", TICKET_PUBLISHER, url], cwd=ROOT, stdout=subprocess.PIPE,
                            text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"

    def published_so_far() -> int:
        try:
            with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
                return int(conn.execute("select count(*) from curated_answers where status = 'published'")
                           .fetchone()[0])
        except sqlite3.Error:
            return 0

    deadline = time.monotonic() + 120
    while published_so_far() < 30 and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)

    store = CurationStore(url)
    answers = store.answers.search(limit=100_000)
    assert sum(a.status == "published" for a in answers) >= 30
    for a in answers:
        tickets = store.tickets.of_answer(a.id)
        answered = {t.status == "answered" for t in tickets}
        if a.status == "published":  # published ⇔ every ticket it answers says so, with the time
            assert answered == {True} and all(t.answered_at for t in tickets), a
        else:  # the draft the kill interrupted: its tickets still wait
            assert True not in answered, a
