"""Findings 2, 4 and 6: the login lockout race, lockout of curators by strangers, name spraying,
timing differences between known and unknown names, login CSRF and logout by GET."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import httpx
import pytest

from knowledge import texts
from knowledge.stores.accounts import Accounts
from knowledge.stores.database import Database
from tests.security.conftest import add_account, login
from tests.web.conftest import LiveApp

PASSWORD = "correct-horse-battery"


@pytest.fixture
def accounts(tmp_path: Path) -> Accounts:
    acc = Accounts(Database(f"sqlite:///{tmp_path / 'c.sqlite3'}"), max_failures=5, max_per_address=20,
                   name_ceiling=12)
    acc.add("alice", PASSWORD)
    return acc


def test_a_stranger_locks_out_only_their_own_address(accounts: Accounts) -> None:
    for _ in range(8):
        assert accounts.login("alice", "wrong-guess", "198.51.100.9").token is None
    assert accounts.login("alice", PASSWORD, "198.51.100.9").message == texts.LOGIN_LOCKED.format(minutes=15)
    assert accounts.login("alice", PASSWORD, "192.0.2.1").token is not None  # the curator's own network


def test_refused_attempts_do_not_extend_anyones_lock(accounts: Accounts) -> None:
    for _ in range(200):  # far past every limit, all from one address
        accounts.login("alice", "wrong-guess", "198.51.100.9")
    assert accounts.login("alice", PASSWORD, "192.0.2.1").token is not None  # no global lock from one client


def test_spraying_many_names_from_one_address_is_stopped(accounts: Accounts) -> None:
    messages = [accounts.login(f"user{i}", "wrong-guess", "198.51.100.9").message for i in range(40)]
    assert messages[:20] == [texts.LOGIN_FAILED] * 20
    assert set(messages[20:]) == {texts.LOGIN_ADDRESS_LOCKED.format(minutes=15)}


def test_a_distributed_attack_meets_the_name_ceiling(accounts: Accounts) -> None:
    for i in range(12):
        accounts.login("alice", "wrong-guess", f"198.51.100.{i}")
    assert accounts.login("alice", PASSWORD, "192.0.2.1").token is None


def test_unknown_names_cost_the_same_scrypt_work(accounts: Accounts, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = hashlib.scrypt
    monkeypatch.setattr(hashlib, "scrypt", lambda *a, **k: (calls.append(k.get("n", 0)), real(*a, **k))[1])
    accounts.login("nobody-here", "wrong-guess", "192.0.2.5")
    accounts.login("alice", "wrong-guess", "192.0.2.6")
    assert len(calls) == 2 and calls[0] == calls[1]


def test_concurrent_guesses_are_all_counted(accounts: Accounts) -> None:
    barrier = threading.Barrier(20)
    results: list[str] = []

    def guess(i: int) -> None:
        barrier.wait()
        r = accounts.login("alice", PASSWORD if i == 15 else f"wrong-{i}", "198.51.100.9")
        results.append("session" if r.token else r.message)

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 20
    checked = [r for r in results if r != texts.LOGIN_LOCKED.format(minutes=15)]
    assert len(checked) <= 5  # never more password checks than the limit, however the burst interleaves


@pytest.mark.integration
def test_a_burst_against_the_running_app_yields_no_session(plain_app: LiveApp) -> None:
    add_account(plain_app, "bob", PASSWORD)
    barrier = threading.Barrier(20)
    statuses: list[tuple[int, str]] = []

    def guess(i: int) -> None:
        barrier.wait()
        r = login(plain_app, "bob", f"wrong-guess-{i}")
        statuses.append((r.status_code, r.text))

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wrong = [s for s, text in statuses if texts.LOGIN_FAILED in text]
    assert len(wrong) <= 5 and all(s == 401 for s, _ in statuses)  # before: 17 of 20 were checked
    sixteenth = login(plain_app, "bob", PASSWORD)
    assert sixteenth.status_code == 401 and "asksci_session" not in sixteenth.headers.get("set-cookie", "")


@pytest.mark.integration
def test_login_from_another_site_is_refused(plain_app: LiveApp) -> None:
    r = login(plain_app, plain_app.username, plain_app.password, Origin="http://127.0.0.1:1")
    assert r.status_code == 403 and "set-cookie" not in r.headers
    r = login(plain_app, plain_app.username, plain_app.password, Referer="http://evil.example/page")
    assert r.status_code == 403
    ok = login(plain_app, plain_app.username, plain_app.password, Origin=plain_app.url)
    assert ok.status_code == 303


@pytest.mark.integration
def test_state_changes_in_the_console_need_the_same_origin(plain_app: LiveApp) -> None:
    cookies = login(plain_app, plain_app.username, plain_app.password).cookies
    r = httpx.post(plain_app.url + "/curator/gradio_api/queue/join", json={}, cookies=cookies,
                   headers={"Origin": "http://localhost:9"}, timeout=30)
    assert r.status_code == 403


@pytest.mark.integration
def test_session_cookie_is_scoped_to_the_console_and_logout_needs_post(plain_app: LiveApp) -> None:
    r = login(plain_app, plain_app.username, plain_app.password)
    cookie = r.headers["set-cookie"]
    assert "Path=/curator" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    cookies = r.cookies
    assert httpx.get(plain_app.url + "/curator/logout", cookies=cookies, timeout=30).status_code == 405
    assert httpx.get(plain_app.url + "/curator/config", cookies=cookies, timeout=30).status_code == 200
    assert httpx.post(plain_app.url + "/curator/logout", cookies=cookies, timeout=30).status_code == 303
    assert httpx.get(plain_app.url + "/curator/config", cookies=cookies, timeout=30).status_code == 401


@pytest.mark.integration
def test_cookie_is_secure_behind_a_trusted_https_proxy(proxied_app: LiveApp) -> None:
    r = login(proxied_app, proxied_app.username, proxied_app.password, **{"X-Forwarded-Proto": "https"})
    assert r.status_code == 303 and "Secure" in r.headers["set-cookie"]
