"""Real-browser tests: Debian's chromium driven by Playwright against the running app.

Set ``ASKSCI_SCREENSHOTS=docs/screenshots`` to refresh the README screenshots from these runs.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from knowledge import texts
from tests.conftest import ROOT
from tests.web.conftest import LiveApp

pytestmark = pytest.mark.integration
XSS_IMG = '<img src=x onerror="window.__xss=1">'
XSS_SCRIPT = "<script>window.__xss=2</script>"


def _shot(page: Page, name: str, tmp_path: Path) -> None:
    folder = Path(os.environ.get("ASKSCI_SCREENSHOTS") or tmp_path)
    folder = folder if folder.is_absolute() else ROOT / folder
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / name), full_page=True)


def _page(browser: Browser, width: int = 1280, height: int = 900) -> Page:
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    page.on("dialog", lambda d: pytest.fail(f"a dialog opened: {d.message}"))
    return page


def _ask(page: Page, question: str) -> None:
    page.fill("#question textarea", question)
    page.click("#ask")


def _no_script_ran(page: Page) -> None:
    assert page.evaluate("window.__xss") is None


def _login(page: Page, app: LiveApp) -> None:
    page.goto(app.url + "/curator/")
    expect(page).to_have_url(re.compile(r"/curator/login$"))
    page.fill("#username", app.username)
    page.fill("#password", app.password)
    page.click("#login")
    expect(page.locator("#whoami")).to_contain_text(app.username, timeout=30_000)


def test_citizen_asks_and_sees_a_cited_answer(browser: Browser, live_app: LiveApp, tmp_path: Path) -> None:
    page = _page(browser)
    page.goto(live_app.url + "/")
    expect(page.locator("#chat")).to_contain_text("｜")  # suggested questions by topic on an empty chat
    _ask(page, "为什么天空是蓝色的？")
    card = page.locator("#chat details").last
    expect(card).to_be_visible(timeout=30_000)
    expect(page.locator("#chat")).to_contain_text("【")
    card.locator("summary").click()
    expect(card.locator("mark").first).to_be_visible()
    expect(card).to_contain_text("审核")
    _shot(page, "citizen-desktop.png", tmp_path)


def test_phone_width_page_is_usable(browser: Browser, live_app: LiveApp, tmp_path: Path) -> None:
    page = _page(browser, 375, 812)
    page.goto(live_app.url + "/")
    _ask(page, "地震时在家里应该躲在哪里？")
    expect(page.locator("#chat details").last).to_be_visible(timeout=30_000)
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= 380, f"page is {overflow}px wide on a 375px screen"
    assert page.locator("#ask").bounding_box()["width"] > 40
    _shot(page, "citizen-375px.png", tmp_path)


@pytest.mark.parametrize("width", [1280, 375])
def test_an_emergency_shows_the_red_box_first(browser: Browser, live_app: LiveApp, tmp_path: Path,
                                               width: int) -> None:
    page = _page(browser, width, 900)
    page.goto(live_app.url + "/")
    _ask(page, "孩子掉进池塘刚被捞上来，没有呼吸了，怎么办")
    expect(page.locator("#chat")).to_contain_text(texts.MODE_LABELS["safety"], timeout=30_000)  # final answer
    box = page.locator("#chat .safety-box").last
    expect(box).to_be_visible()
    expect(box).to_contain_text("120")
    expect(box.locator("li").first).to_be_visible()
    order = page.evaluate("""() => {
        const box = [...document.querySelectorAll('#chat .safety-box')].pop();
        const bubble = box.closest('.message') || box.parentElement;
        const text = bubble.innerText;
        return {boxAt: text.indexOf(box.innerText.slice(0, 8)), badgeAt: text.indexOf('【')};
    }""")
    assert order["boxAt"] == 0 and order["badgeAt"] > 0, order  # the box is the first thing in the answer
    color = box.evaluate("e => getComputedStyle(e).backgroundColor")
    assert color == "rgb(185, 28, 28)", color  # the red box, not a footnote
    if width == 375:
        assert page.evaluate("document.documentElement.scrollWidth") <= 380
    box.scroll_into_view_if_needed()
    _shot(page, f"citizen-emergency-{width}px.png", tmp_path)


def test_html_in_questions_is_shown_as_text(browser: Browser, live_app: LiveApp) -> None:
    page = _page(browser)
    page.goto(live_app.url + "/")
    _ask(page, f"{XSS_IMG}{XSS_SCRIPT}大熊猫吃什么？")
    expect(page.locator("#chat")).to_contain_text("onerror", timeout=30_000)
    expect(page.locator("#chat")).to_contain_text("<script>")
    expect(page.locator("#chat details").last).to_be_visible(timeout=30_000)
    assert page.locator("#chat img[src='x']").count() == 0
    _no_script_ran(page)


def test_feedback_and_report_reach_the_review_queue(browser: Browser, live_app: LiveApp) -> None:
    page = _page(browser)
    page.goto(live_app.url + "/")
    _ask(page, "大熊猫为什么爱吃竹子？")
    expect(page.locator("#chat details").last).to_be_visible(timeout=30_000)
    page.get_by_role("button", name=re.compile("dislike", re.I)).last.click()
    expect(page.get_by_text("谢谢你的反馈")).to_be_visible(timeout=10_000)
    page.click("#report")
    page.fill("#report-comment textarea", "答案没说到营养")
    page.click("#report-send")
    expect(page.locator("#report-message")).to_contain_text("已转给科普传播员", timeout=10_000)

    console = _page(browser)
    _login(console, live_app)
    console.get_by_role("tab", name="待审问题").click()
    table = console.locator("#review-table")
    expect(table).to_contain_text("大熊猫为什么爱吃竹子", timeout=30_000)
    expect(table).to_contain_text("答案没说到营养")


def test_curator_uploads_publishes_and_a_citizen_receives_it(browser: Browser, live_app: LiveApp,
                                                              tmp_path: Path) -> None:
    doc = tmp_path / "萤火虫.txt"
    doc.write_text("萤火虫为什么会发光\n\n萤火虫腹部的发光器里有荧光素和荧光素酶，荧光素在酶的催化下与氧气反应，"
                   f"把化学能变成光能。这种光几乎不发热，所以叫冷光。{XSS_IMG}{XSS_SCRIPT}\n", encoding="utf-8")
    bad = tmp_path / "notes.exe"
    bad.write_bytes(b"MZ\x90\x00")
    page = _page(browser)
    _login(page, live_app)
    page.evaluate("""() => { window.__seen = []; new MutationObserver(() => {
        const t = document.body.innerText; if (t.includes('已处理')) window.__seen.push(t.length); })
        .observe(document.body, {subtree: true, childList: true, characterData: true}); }""")
    page.locator("#upload-files input[type=file]").set_input_files([str(doc), str(bad)])
    files = page.locator("#upload-files")
    expect(files.get_by_role("button", name="Remove this file")).to_have_count(2, timeout=30_000)  # both are up
    page.click("#upload-start")
    expect(page.locator("#upload-summary")).to_contain_text("入库完成", timeout=60_000)
    report = page.locator("#upload-report")
    expect(report).to_contain_text("萤火虫.txt")
    expect(report).to_contain_text("已入库")
    expect(report).to_contain_text("不支持的文件类型")
    assert page.evaluate("window.__seen.length") > 0, "the progress bar never showed"

    page.get_by_role("tab", name="审核解答").click()
    question = "萤火虫的光烫手吗？"
    page.fill("#curated-question textarea", question)
    page.fill("#curated-answer textarea", f"不烫手。萤火虫发的是冷光。{XSS_SCRIPT}{XSS_IMG}")
    page.fill("#curated-articles textarea", "萤火虫")
    page.click("#curated-save")
    expect(page.locator("#curated-message")).to_contain_text("已保存为草稿", timeout=30_000)
    page.click("#curated-publish")
    expect(page.locator("#curated-message")).to_contain_text("已发布", timeout=30_000)
    expect(page.locator("#curated-table")).to_contain_text(question)
    _no_script_ran(page)

    citizen = _page(browser)
    citizen.goto(live_app.url + "/")
    _ask(citizen, question)
    chat = citizen.locator("#chat")
    expect(chat).to_contain_text("已审核解答", timeout=30_000)
    expect(chat).to_contain_text("不烫手")
    expect(chat).to_contain_text("<script>")
    expect(citizen.locator("#chat details").last).to_contain_text("萤火虫")

    _ask(citizen, "萤火虫为什么会发光？化学能怎么变成光？")
    expect(chat).to_contain_text("荧光素", timeout=30_000)
    card = citizen.locator("#chat details").last
    card.locator("summary").click()
    expect(card).to_contain_text("onerror")
    assert citizen.locator("#chat img[src='x']").count() == 0
    _no_script_ran(citizen)


def test_dashboard_shows_plots(browser: Browser, live_app: LiveApp, tmp_path: Path) -> None:
    page = _page(browser)
    _login(page, live_app)
    page.get_by_role("tab", name="数据看板").click()
    expect(page.locator("#dash-summary")).to_contain_text("个提问", timeout=30_000)
    expect(page.locator("canvas, svg.marks").first).to_be_visible(timeout=30_000)
    _shot(page, "curator-dashboard.png", tmp_path)


def test_an_answer_links_to_its_page_and_offers_questions_to_ask_next(browser: Browser, live_app: LiveApp) -> None:
    page = _page(browser)
    page.goto(live_app.url + "/")
    _ask(page, "大熊猫属于食肉动物，为什么却几乎只吃竹子？")  # a reviewed question, word for word
    link = page.locator("#chat a", has_text=texts.SHARE_LINK).last
    expect(link).to_be_visible(timeout=30_000)
    href = link.get_attribute("href")  # now: ``.last`` is the newest answer's link once the next one arrives
    offered = page.locator("#did-you-mean")
    expect(offered).to_contain_text(texts.RELATED_QUESTIONS.rstrip("："))
    first = offered.locator("button", has_text=re.compile(r"[\u4e00-\u9fff]")).first
    expect(first).to_be_visible(timeout=30_000)  # the label and the buttons render in separate ticks
    next_question = first.inner_text().strip()
    assert next_question and next_question != "大熊猫属于食肉动物，为什么却几乎只吃竹子？"
    first.click()  # asking the offered question, as a citizen would
    expect(page.locator("#chat")).to_contain_text(next_question, timeout=30_000)
    assert href and "/a/" in href
    shared = browser.new_context().new_page()
    shared.goto(live_app.url + href if href.startswith("/") else href)
    expect(shared.locator("body")).to_contain_text("竹子")
