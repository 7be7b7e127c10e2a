"""Finding 5: feedback and report spam, and no throttling on /api/ask. Limits per client address."""

from __future__ import annotations

import sqlite3

import httpx
import pytest
from playwright.sync_api import Browser, expect

from bot.web.ratelimit import RateLimiter, client_address
from knowledge import texts
from tests.web.conftest import LiveApp


def test_the_window_slides() -> None:
    now = [0.0]
    limiter = RateLimiter({"q": 3}, clock=lambda: now[0])
    assert [limiter.check("q", "a").allowed for _ in range(4)] == [True, True, True, False]
    assert limiter.check("q", "b").allowed
    now[0] = 30.0
    verdict = limiter.check("q", "a")
    assert not verdict.allowed and verdict.retry_after == 30
    now[0] = 60.5
    assert limiter.check("q", "a").allowed


def test_forwarded_for_is_believed_only_from_a_trusted_proxy() -> None:
    headers = [("X-Forwarded-For", "203.0.113.7, 10.9.9.9")]
    assert client_address("198.51.100.1", headers, frozenset()) == "198.51.100.1"
    assert client_address("10.9.9.9", headers, frozenset({"10.9.9.9"})) == "203.0.113.7"
    assert client_address("10.9.9.9", [], frozenset({"10.9.9.9"})) == "10.9.9.9"


@pytest.mark.integration
def test_a_burst_from_one_address_meets_429_while_another_is_served(proxied_app: LiveApp) -> None:
    statuses = []
    with httpx.Client(timeout=60) as client:
        for i in range(90):
            r = client.post(proxied_app.url + "/api/ask", json={"question": f"大熊猫吃什么？{i}"},
                            headers={"X-Forwarded-For": "203.0.113.7"})
            statuses.append(r.status_code)
            if r.status_code == 429:
                assert int(r.headers["retry-after"]) >= 1
                assert "秒后再试" in r.json()["error"]
        other = client.post(proxied_app.url + "/api/ask", json={"question": "大熊猫吃什么？"},
                            headers={"X-Forwarded-For": "203.0.113.8"})
    assert statuses.count(200) == 30 and statuses.count(429) == 60
    assert other.status_code == 200


@pytest.mark.integration
def test_report_spam_from_one_page_is_cut_off(browser: Browser, plain_app: LiveApp) -> None:
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(plain_app.url + "/")
    page.fill("#question textarea", "大熊猫吃什么？")
    page.click("#ask")
    expect(page.locator("#chat")).to_contain_text("竹", timeout=30_000)
    page.click("#report")
    message = page.locator("#report-message")
    for i in range(12):
        page.fill("#report-comment textarea", f"垃圾评论 {i} " + "长" * 900)
        page.click("#report-send")
        expected = texts.REPORT_THANKS if i < 10 else texts.FEEDBACK_RATE_LIMITED
        expect(message).to_contain_text(expected, timeout=15_000)
        if i < 10:
            expect(page.locator("#report-comment textarea")).to_have_value("", timeout=15_000)
    with sqlite3.connect(plain_app.data_dir / "curation.sqlite3") as db:
        stored = db.execute("select count(*) from feedback where comment like '垃圾评论%'").fetchone()[0]
    assert stored == 10  # before: 200 reports from one client in 5.4 s, all stored
