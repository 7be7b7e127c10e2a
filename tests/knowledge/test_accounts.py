"""Curator accounts: hashed passwords, expiring sessions, throttled logins, the CLI."""

import io
import sqlite3
import time

import pytest

from bot.cli.accounts import main
from knowledge import texts
from knowledge.settings import Settings
from knowledge.stores.accounts import AccountError, Accounts, hash_password, verify_password
from knowledge.stores.database import Database


@pytest.fixture
def accounts(settings: Settings) -> Accounts:
    settings.data_dir.mkdir(parents=True)
    return Accounts(Database(settings.db_url), session_hours=8, max_failures=3, lockout_minutes=15)


def test_password_hash_verifies_and_is_salted() -> None:
    a, b = hash_password("correct horse"), hash_password("correct horse")
    assert a != b and "correct horse" not in a
    assert verify_password("correct horse", a)
    assert not verify_password("wrong horse", a)
    assert not verify_password("x", "not-a-hash")


def test_login_gives_a_session_that_names_the_curator(accounts: Accounts, settings: Settings) -> None:
    accounts.add("alice", "s3cret-pass")
    result = accounts.login("alice", "s3cret-pass")
    assert result.token and accounts.user_for(result.token) == "alice"
    accounts.logout(result.token)
    assert accounts.user_for(result.token) is None
    dump = "\n".join(sqlite3.connect(settings.data_dir / "curation.sqlite3").iterdump())
    assert "s3cret-pass" not in dump and result.token not in dump  # only hashes are stored


def test_wrong_password_and_unknown_user_get_the_same_message(accounts: Accounts) -> None:
    accounts.add("alice", "s3cret-pass")
    assert accounts.login("alice", "nope-nope").message == texts.LOGIN_FAILED
    assert accounts.login("mallory", "nope-nope").message == texts.LOGIN_FAILED


def test_repeated_failures_lock_the_name_even_for_the_right_password(accounts: Accounts) -> None:
    accounts.add("alice", "s3cret-pass")
    for _ in range(3):
        assert accounts.login("alice", "guess-guess").token is None
    locked = accounts.login("alice", "s3cret-pass")
    assert locked.token is None and "15 分钟" in locked.message


def test_sessions_expire(settings: Settings) -> None:
    settings.data_dir.mkdir(parents=True)
    short = Accounts(Database(settings.db_url), session_hours=0.5 / 3600)
    short.add("bob", "s3cret-pass")
    token = short.login("bob", "s3cret-pass").token
    assert short.user_for(token) == "bob"
    time.sleep(0.7)
    assert short.user_for(token) is None


def test_disabling_an_account_ends_its_sessions(accounts: Accounts) -> None:
    accounts.add("alice", "s3cret-pass")
    token = accounts.login("alice", "s3cret-pass").token
    accounts.set_active("alice", False)
    assert accounts.user_for(token) is None
    assert accounts.login("alice", "s3cret-pass").token is None


def test_bad_names_and_short_passwords_are_refused(accounts: Accounts) -> None:
    with pytest.raises(AccountError):
        accounts.add("../root", "s3cret-pass")
    with pytest.raises(AccountError):
        accounts.add("carol", "short")
    accounts.add("carol", "long-enough")
    with pytest.raises(AccountError):
        accounts.add("carol", "long-enough")


def test_cli_adds_an_account(settings: Settings, monkeypatch: pytest.MonkeyPatch,
                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("ASKSCI_DATA_DIR", str(settings.data_dir))
    monkeypatch.setattr("sys.stdin", io.StringIO("cli-password\n"))
    assert main(["add", "dave", "--password-stdin"]) == 0
    assert main(["list"]) == 0
    assert "dave\tactive" in capsys.readouterr().out
    accounts = Accounts(Database(Settings(_env_file=None, data_dir=settings.data_dir).db_url))
    assert accounts.login("dave", "cli-password").token
