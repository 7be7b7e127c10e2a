"""The same contracts against the scale-out backends: a Chroma server over HTTP and PostgreSQL.

The store contract and the curator-service tests are imported unchanged; this module's ``settings``
fixture points them at the servers instead of embedded Chroma and SQLite.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from knowledge.settings import Settings
from knowledge.stores.accounts import Accounts
from knowledge.stores.database import Database
from tests.bot.test_curator import *  # noqa: F403 - the curator-service tests, re-run on these backends
from tests.conftest import GLOSSARY
from tests.knowledge.test_stores import StoreContract
from tests.scale.servers import ChromaServer, PostgresServer

pytestmark = pytest.mark.integration


@pytest.fixture
def settings(tmp_path: Path, chroma_server: ChromaServer, postgres: PostgresServer) -> Settings:
    name = f"t{uuid.uuid4().hex[:12]}"
    return Settings(_env_file=None, data_dir=tmp_path / "data", embedder="hash", glossary_path=GLOSSARY,
                    chroma_host=chroma_server.host, chroma_port=chroma_server.port, collection_prefix=name,
                    curation_db_url=postgres.create_database(name),
                    self_approval=True)  # one account publishes what it writes; four-eyes has tests of its own


class TestServerChroma(StoreContract):
    pass


def test_accounts_and_sessions_on_postgres(settings: Settings) -> None:
    accounts = Accounts(Database(settings.db_url), max_failures=2)
    accounts.add("alice", "s3cret-pass")
    token = accounts.login("alice", "s3cret-pass").token
    other_replica = Accounts(Database(settings.db_url), max_failures=2)
    assert other_replica.user_for(token) == "alice"  # a session works on every replica
    for _ in range(2):
        assert accounts.login("alice", "wrong-pass").token is None
    assert other_replica.login("alice", "s3cret-pass").token is None  # so does the lockout
