"""我的提问 in a real browser (Debian's chromium through Playwright): a declined question's code, the list of
codes this browser has seen, a code added by hand, an unknown one removed, at 375 px and in 大字模式.

Set ``ASKSCI_SCREENSHOTS=docs/screenshots`` to refresh docs/screenshots/my-questions.png from this run.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from knowledge import texts
from tests.web.conftest import LiveApp, stop_app
from tests.web.test_browser import _ask, _page, _shot
from tests.web.test_easy_reading import _serious_violations
from tests.web.test_tickets import DECLINED, REVIEWED, declining_app

pytestmark = pytest.mark.integration
CODE = re.compile(r"^[2-9A-Z]{3}-[2-9A-Z]{3}$")
WAIT = 60_000  # ms: an answer on a slow, shared machine


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApp]:
    proc, live = declining_app(tmp_path_factory)
    yield live
    stop_app(proc)


def _open_my_questions(page: Page) -> None:
    page.get_by_role("tab", name=texts.MY_QUESTIONS_TAB).click()
    expect(page.locator("#my-questions-intro")).to_be_visible()


def _card(page: Page, code: str) -> Locator:
    return page.locator("#my-questions .ticket-card").filter(has_text=code)


def test_a_declined_question_is_listed_under_my_questions_on_a_phone(app: LiveApp, browser: Browser,
                                                                     tmp_path: Path) -> None:
    page = _page(browser, 375, 812)
    page.goto(app.url + "/")
    _ask(page, DECLINED)
    shown = page.locator("#chat .ticket-code").last
    expect(shown).to_be_visible(timeout=WAIT)
    code = shown.inner_text().strip()
    assert CODE.match(code), code
    expect(page.locator("#chat")).to_contain_text(texts.MY_QUESTIONS_TAB)  # the answer says where to look

    _open_my_questions(page)
    card = _card(page, code)
    expect(card).to_contain_text(texts.TICKET_STATUS["received"], timeout=WAIT)
    expect(card).to_contain_text(DECLINED)
    assert page.evaluate("document.documentElement.scrollWidth") <= 380

    page.fill("#my-questions-code input, #my-questions-code textarea", "zzz zzz")  # typed off a note
    page.click("#my-questions-add")
    unknown = _card(page, "ZZZ-ZZZ")
    expect(unknown).to_contain_text(texts.MY_QUESTIONS_UNKNOWN, timeout=WAIT)
    cards = page.locator("#my-questions .ticket-card")
    expect(cards.first).to_contain_text("ZZZ-ZZZ")  # newest first
    expect(cards.nth(1)).to_contain_text(code)
    unknown.get_by_role("button", name=texts.MY_QUESTIONS_REMOVE_LABEL.format(code="ZZZ-ZZZ")).click()
    expect(unknown).to_have_count(0, timeout=WAIT)

    page.locator(".easy-toggle").first.click()  # 大字模式
    expect(page.locator("html")).to_have_class(re.compile(r"\beasy\b"))
    size = card.locator("p").first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= 20, size
    assert page.evaluate("document.documentElement.scrollWidth") <= 380
    found = _serious_violations(page)  # axe-core, on the tab as a citizen sees it in 大字模式
    assert not found, "\n".join(found)
    page.locator(".easy-toggle").first.click()
    expect(page.locator("html")).not_to_have_class(re.compile(r"\beasy\b"))
    card.scroll_into_view_if_needed()
    _shot(page, "my-questions.png", tmp_path)

    page.reload()  # kept in this browser only, and kept across visits
    _open_my_questions(page)
    expect(_card(page, code)).to_contain_text(texts.TICKET_STATUS["received"], timeout=WAIT)
    expect(page.locator("#my-questions")).not_to_contain_text("ZZZ-ZZZ")


def test_a_thumbs_down_gives_a_code_that_joins_my_questions(app: LiveApp, browser: Browser) -> None:
    page = _page(browser)
    page.goto(app.url + "/")
    _ask(page, REVIEWED)
    expect(page.locator("#chat details").last).to_be_visible(timeout=WAIT)  # a reviewed answer with its sources
    page.get_by_role("button", name=re.compile("dislike", re.I)).last.click()
    message = page.locator("#feedback-message")
    expect(message).to_contain_text(texts.MY_QUESTIONS_TAB, timeout=WAIT)
    code = re.search(r"[2-9A-Z]{3}-[2-9A-Z]{3}", message.inner_text())
    assert code, message.inner_text()
    _open_my_questions(page)
    expect(_card(page, code.group())).to_contain_text(REVIEWED.rstrip("？"), timeout=WAIT)
    found = _serious_violations(page)
    assert not found, "\n".join(found)


def test_the_embedded_chat_gives_the_code_in_the_reply(app: LiveApp, browser: Browser) -> None:
    page = _page(browser, 360, 560)
    page.goto(app.url + "/embed?channel=ticket-check")
    _ask(page, DECLINED)
    shown = page.locator("#chat .ticket-code").last
    expect(shown).to_be_visible(timeout=WAIT)
    assert CODE.match(shown.inner_text().strip())
    expect(page.locator("#chat")).to_contain_text(texts.MY_QUESTIONS_TAB)  # where to read the answer later
