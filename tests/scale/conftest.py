"""Session-wide Chroma server and PostgreSQL cluster for the scale-out tests."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.scale.servers import ChromaServer, PostgresServer


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChromaServer]:
    base = tmp_path_factory.mktemp("chroma")
    server = ChromaServer(base / "db", base / "chroma.log").start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    base = Path(tempfile.mkdtemp(prefix="askscience-pg-"))  # outside pytest's tree: postgres must own it
    server = PostgresServer(base / "pg").start()
    yield server
    server.stop()
