"""A real app server on loopback (``python app.py`` in a subprocess) for the web tests.

It runs with the hash embedder and a small starter set (a few shipped articles and their Q&A) so
it starts in seconds; a curator account is created with the documented CLI first.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import yaml

from tests.conftest import ROOT

ARTICLES = ["physics/physics-blue-sky-red-sunset.md", "biology/biology-giant-panda.md",
            "geo/geo-earthquake-safety.md"]
CURATOR = ("alice", "correct-horse-battery")


@dataclass(frozen=True)
class LiveApp:
    url: str
    data_dir: Path
    username: str
    password: str
    log: Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _starter(folder: Path) -> None:
    wanted = {Path(a).stem for a in ARTICLES}
    for article in ARTICLES:
        target = folder / "articles" / article
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / "knowledge" / "articles" / article, target)
    items = []
    for path in sorted((ROOT / "knowledge" / "qa").glob("*.yaml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            if set(item.get("articles") or []) & wanted:
                items.append(item)
    (folder / "qa").mkdir()
    (folder / "qa" / "starter.yaml").write_text(yaml.safe_dump(items, allow_unicode=True), encoding="utf-8")


def start_app(base: Path, env_extra: dict[str, str] | None = None) -> tuple[subprocess.Popen, LiveApp]:
    data = base / "data"
    starter = base / "starter"
    if not starter.exists():
        _starter(starter)
    port = free_port()
    env = {**os.environ, "ASKSCI_DATA_DIR": str(data), "ASKSCI_EMBEDDER": "hash", "ASKSCI_STARTER_DIR": str(starter),
           "ASKSCI_EVIDENCE_THRESHOLD": "0.05", "ASKSCI_EVIDENCE_KEYWORD_WEIGHT": "0",
           "GRADIO_SERVER_NAME": "127.0.0.1", "GRADIO_SERVER_PORT": str(port), "PYTHONUNBUFFERED": "1",
           # one shared app serves many tests from one address: the rate limits have tests of their own
           "ASKSCI_RATE_QUESTIONS_PER_MINUTE": "100000", "ASKSCI_RATE_FEEDBACK_PER_MINUTE": "100000",
           # one curator account publishes what it writes: four-eyes review has tests of its own
           "ASKSCI_SELF_APPROVAL": "1",
           **(env_extra or {})}
    subprocess.run([sys.executable, "-m", "bot.cli", "accounts", "add", CURATOR[0], "--password-stdin"],
                   input=CURATOR[1] + "\n", text=True, env=env, cwd=ROOT, check=False, capture_output=True)
    log = base / f"app-{port}.log"
    proc = subprocess.Popen([sys.executable, str(ROOT / "app.py")], env=env, cwd=base,
                            stdout=log.open("w"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"app exited early:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(url + "/", timeout=2).status_code == 200:
                return proc, LiveApp(url, data, *CURATOR, log)
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    proc.kill()
    raise RuntimeError(f"app did not start:\n{log.read_text()[-3000:]}")


def stop_app(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApp]:
    proc, app = start_app(tmp_path_factory.mktemp("live"))
    yield app
    stop_app(proc)


def login_cookies(app: LiveApp) -> httpx.Cookies:
    r = httpx.post(app.url + "/curator/login", data={"username": app.username, "password": app.password})
    assert r.status_code == 303, r.text
    return r.cookies
