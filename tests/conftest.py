"""Shared fixtures: an isolated data dir per test, the hash embedder, no network off loopback."""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect, sync_playwright

from knowledge.index.embedders import HashEmbedder
from knowledge.settings import Settings

CHROMIUM = "/usr/bin/chromium"

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
GLOSSARY = ROOT / "knowledge" / "glossary.tsv"

# The answer cache would answer a test's second asking of a question from its first, in this process and in
# every app subprocess a test starts (they inherit the environment). The tests about the cache turn it on
# themselves: tests/bot/test_answer_cache.py and the declining app of tests/web/test_tickets.py.
os.environ["ASKSCI_ANSWER_CACHE_SIZE"] = "0"

# A browser test waits for what it expects to appear (never a fixed sleep); on two busy cores a page can take
# longer than Playwright's 5 s default to render, which is slowness, not a failure of what is checked.
expect.set_options(timeout=15_000)


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Refuse connections to anything but loopback: tests must never reach out."""
    for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
        monkeypatch.setenv(name, "1")
    monkeypatch.setenv("ANONYMIZED_TELEMETRY", "False")
    monkeypatch.setenv("GRADIO_ANALYTICS_ENABLED", "False")
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> object:
        if isinstance(address, tuple):
            host = address[0]
            try:
                ok = ipaddress.ip_address(host).is_loopback
            except ValueError:
                ok = host == "localhost"
            if not ok:
                raise OSError(f"test tried to reach {host}: network is off-limits in tests")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    # self_approval: one account publishes what it writes; four-eyes review has tests of its own
    return Settings(_env_file=None, data_dir=tmp_path / "data", embedder="hash", glossary_path=GLOSSARY,
                    self_approval=True)


@pytest.fixture
def hash_embedder() -> HashEmbedder:
    return HashEmbedder()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's chromium, driven by Playwright (no browser download)."""
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"])
        yield b
        b.close()
