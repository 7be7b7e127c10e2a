"""Two real apps on loopback for the security tests, each with its own fresh data dir.

``plain_app`` has no trusted proxy, as a deployment that faces the internet directly;
``proxied_app`` trusts 127.0.0.1 as its reverse proxy, so tests can speak for different client
addresses with ``X-Forwarded-For`` (the header is only a label here: all traffic stays on loopback).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import ROOT
from tests.web.conftest import LiveApp, start_app, stop_app

DEFAULT_LIMITS = {"ASKSCI_RATE_QUESTIONS_PER_MINUTE": "30", "ASKSCI_RATE_FEEDBACK_PER_MINUTE": "10"}


@pytest.fixture(scope="module")
def plain_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApp]:
    proc, app = start_app(tmp_path_factory.mktemp("plain"), DEFAULT_LIMITS)
    yield app
    stop_app(proc)


@pytest.fixture(scope="module")
def proxied_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApp]:
    proc, app = start_app(tmp_path_factory.mktemp("proxied"), {**DEFAULT_LIMITS, "ASKSCI_TRUSTED_PROXIES": "127.0.0.1"})
    yield app
    stop_app(proc)


def add_account(app: LiveApp, name: str, password: str, *extra: str) -> None:
    env = {**os.environ, "ASKSCI_DATA_DIR": str(app.data_dir)}
    done = subprocess.run([sys.executable, "-m", "bot.cli", "accounts", "add", name, "--password-stdin", *extra],
                          input=password + "\n", text=True, env=env, cwd=ROOT, capture_output=True, check=False)
    assert done.returncode == 0, done.stderr


def login(app: LiveApp, name: str, password: str, **headers: str) -> httpx.Response:
    return httpx.post(app.url + "/curator/login", data={"username": name, "password": password},
                      headers=headers, timeout=60)
