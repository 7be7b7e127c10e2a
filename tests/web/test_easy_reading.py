"""Easy reading (大字模式), read-aloud (朗读), the embed layout and axe-core accessibility checks, in a real
browser against the running app.

axe-core comes from npm (``bash scripts/js-deps.sh``). Set ``ASKSCI_SCREENSHOTS=docs/images`` to refresh
``easy-reading.png`` and ``mobile-375.png``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from knowledge import texts
from knowledge.stores.database import Database
from knowledge.stores.questions import QuestionLog
from tests.conftest import ROOT
from tests.helpers import wait_until
from tests.web.conftest import LiveApp

pytestmark = pytest.mark.integration
AXE = ROOT / "tests" / "web" / "node_modules" / "axe-core" / "axe.min.js"
ANSWER = "#chat .message-content"  # a message's rendered Markdown (the last one is the newest answer)

# Records what the page asks the speech synthesis to do, instead of speaking.
SPEECH_STUB = """
(() => {
  const calls = {spoken: [], cancels: 0, last: null};
  window.__speech = calls;
  const stub = {
    speaking: false, pending: false, paused: false,
    speak(u) { calls.spoken.push({text: u.text, lang: u.lang}); calls.last = u; this.speaking = true; },
    cancel() { calls.cancels += 1; this.speaking = false; },
    pause() {}, resume() {}, getVoices() { return []; },
    addEventListener() {}, removeEventListener() {},
  };
  Object.defineProperty(window, "speechSynthesis", {value: stub, configurable: true});
})();
"""

# Notes whether <html> already had the easy class when the chat first entered the page: a mutation
# observer runs before the browser paints, so true means the first paint was in easy-reading mode.
FIRST_PAINT_PROBE = """
window.__easyWhenChatAppeared = null;
new MutationObserver((_, observer) => {
  if (document.querySelector("#chat")) {
    window.__easyWhenChatAppeared = document.documentElement.classList.contains("easy");
    observer.disconnect();
  }
}).observe(document, {childList: true, subtree: true});
"""


@pytest.fixture
def pages(browser: Browser) -> Iterator[list[Page]]:
    """New pages, each in its own context (its own localStorage), closed after the test."""
    opened: list[Page] = []
    yield opened
    for page in opened:
        page.context.close()


def _page(pages: list[Page], browser: Browser, width: int = 1280, height: int = 900, scheme: str = "light") -> Page:
    page = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme).new_page()
    page.on("dialog", lambda d: pytest.fail(f"a dialog opened: {d.message}"))
    pages.append(page)
    return page


def _shot(page: Page, name: str, tmp_path: Path) -> None:
    folder = Path(os.environ.get("ASKSCI_SCREENSHOTS") or tmp_path)
    folder = folder if folder.is_absolute() else ROOT / folder
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / name), full_page=True)


def _ask_and_wait(page: Page, question: str) -> None:
    """Ask, and wait until the finished answer (its source cards and its 朗读 button) is on the page."""
    before = page.locator("#chat button.read-aloud").count()
    page.fill("#question textarea", question)
    page.click("#ask")
    expect(page.locator("#chat button.read-aloud")).to_have_count(before + 1, timeout=30_000)
    expect(page.locator("#chat details").last).to_be_visible()
    expect(page.locator("#chat button.read-aloud").last).to_have_attribute("aria-label", texts.READ_ALOUD_LABEL)


def _switch_on(page: Page) -> None:
    toggle = page.locator(".easy-toggle")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")


def _is_easy(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.classList.contains('easy')"))


def _answer_type(page: Page) -> dict[str, float]:
    """Computed font size and line height (px) of the newest answer's text paragraph."""
    return page.locator(ANSWER).last.locator(".prose > p").filter(has_text="散射").first.evaluate(
        """p => { const s = getComputedStyle(p);
                  return {size: parseFloat(s.fontSize), line: parseFloat(s.lineHeight)}; }""")


def _chat_to_top(page: Page) -> None:
    """Scroll the chat to its first message once no event is running any more (the chat follows new
    content while one does), and wait until it stays there."""
    idle = "document.querySelectorAll('[data-testid=\"status-tracker\"]:not(.hide)').length === 0"
    page.wait_for_function(idle, timeout=10_000)
    settled = """() => new Promise(done => { const log = document.querySelector("#chat .bubble-wrap");
        log.scrollTo(0, 0); requestAnimationFrame(() => requestAnimationFrame(() => done(log.scrollTop === 0))); })"""
    assert wait_until(lambda: page.evaluate(settled), 5)


def _channels(app: LiveApp, question: str) -> list[str]:
    """The channels the question log recorded for ``question`` (the app's own database, read through the store)."""
    log = QuestionLog(Database(f"sqlite:///{app.data_dir / 'curation.sqlite3'}"))
    return [q.channel for q in log.find(question)]


def _serious_violations(page: Page) -> list[str]:
    """axe-core's serious and critical findings on the page as it is, one line per element."""
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `bash scripts/js-deps.sh` (scripts/run-tests.sh does)")
    # A colour caught halfway through a CSS transition is not what a citizen reads: wait until none runs.
    page.wait_for_function("document.getAnimations().every(a => !(a instanceof CSSTransition) || a.playState !== 'running')", timeout=10_000)
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("async () => (await axe.run(document)).violations.map(v => ({id: v.id, "
                               "impact: v.impact, nodes: v.nodes.map(n => n.target.join(' ') + ' → ' + "
                               "(n.failureSummary || '').split('\\n').slice(0, 2).join(' '))}))")
    return [f"{v['impact']} {v['id']}: {node}" for v in violations if v["impact"] in ("serious", "critical")
            for node in v["nodes"]]


def test_the_switch_makes_text_big_and_survives_a_reload(browser: Browser, live_app: LiveApp, pages: list[Page],
                                                        tmp_path: Path) -> None:
    page = _page(pages, browser)
    page.add_init_script(FIRST_PAINT_PROBE)
    page.goto(live_app.url + "/")
    expect(page.locator(".easy-toggle")).to_contain_text(texts.EASY_READING_TOGGLE)
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    _ask_and_wait(page, "为什么天空是蓝色的？")
    normal = _answer_type(page)
    assert not _is_easy(page) and normal["size"] < 20, normal  # the default page is left as it was

    _switch_on(page)
    assert _is_easy(page)
    big = _answer_type(page)
    assert big["size"] >= 20 and big["line"] >= 1.5 * big["size"], big
    for target in ("#ask", "#chat button.read-aloud >> nth=-1", ".easy-toggle",
                   "#chat button[aria-label='Like'] >> nth=-1"):
        box = page.locator(target).bounding_box()
        assert box and box["height"] >= 44 and box["width"] >= 44, (target, box)
    _chat_to_top(page)
    _shot(page, "easy-reading.png", tmp_path)

    page.reload()
    expect(page.locator(".easy-toggle")).to_have_attribute("aria-pressed", "true")
    assert _is_easy(page)
    assert page.evaluate("window.__easyWhenChatAppeared") is True  # on from the first paint, no flash

    page.locator(".easy-toggle").click()
    expect(page.locator(".easy-toggle")).to_have_attribute("aria-pressed", "false")
    page.reload()
    expect(page.locator(".easy-toggle")).to_have_attribute("aria-pressed", "false")
    assert not _is_easy(page) and page.evaluate("window.__easyWhenChatAppeared") is False


def test_feedback_thanks_stay_on_the_page_instead_of_a_toast(browser: Browser, live_app: LiveApp,
                                                            pages: list[Page]) -> None:
    page = _page(pages, browser)
    page.goto(live_app.url + "/")
    _switch_on(page)
    _ask_and_wait(page, "大熊猫为什么爱吃竹子？")
    page.locator("#chat button[aria-label='Like']").last.click()
    expect(page.locator("#feedback-message")).to_contain_text(texts.FEEDBACK_THANKS, timeout=10_000)
    assert page.locator(".toast-body").count() == 0


def test_read_aloud_speaks_chinese_without_citation_markers(browser: Browser, live_app: LiveApp,
                                                           pages: list[Page]) -> None:
    page = _page(pages, browser)
    page.add_init_script(SPEECH_STUB)
    page.goto(live_app.url + "/")
    _ask_and_wait(page, "为什么天空是蓝色的？")
    answer = page.locator(ANSWER).last
    expect(answer).to_contain_text("[1]")  # the marker is on screen, so leaving it out below means something
    assert page.evaluate("window.__speech.spoken.length") == 0  # nothing plays by itself

    button = page.locator("#chat button.read-aloud").last
    expect(button).to_have_attribute("aria-label", texts.READ_ALOUD_LABEL)
    button.click()
    page.wait_for_function("window.__speech.spoken.length > 0", timeout=5_000)
    parts = page.evaluate("window.__speech.spoken")  # the answer, sentence by sentence
    assert {p["lang"] for p in parts} == {"zh-CN"}
    spoken = "".join(p["text"] for p in parts)
    assert "瑞利散射" in spoken
    assert "[1]" not in spoken and "[" not in spoken, spoken
    assert "审核：" not in spoken  # the source cards are not read
    assert texts.READ_ALOUD_BUTTON not in spoken  # nor the button's own words
    expect(button).to_have_attribute("aria-label", texts.READ_ALOUD_STOP)
    expect(button).to_have_text(texts.READ_ALOUD_STOP)

    cancels = page.evaluate("window.__speech.cancels")
    button.click()  # a second press stops
    expect(button).to_have_attribute("aria-label", texts.READ_ALOUD_LABEL)
    assert page.evaluate("window.__speech.cancels") > cancels
    assert page.evaluate("window.__speech.spoken.length") == len(parts)  # and starts nothing new

    _ask_and_wait(page, "大熊猫吃什么？")  # a second, streamed answer has its own working button
    second = page.locator("#chat button.read-aloud").last
    second.click()
    page.wait_for_function(f"window.__speech.spoken.length > {len(parts)}", timeout=5_000)
    assert "竹" in page.evaluate(f"window.__speech.spoken.slice({len(parts)}).map(p => p.text).join('')")
    expect(second).to_have_attribute("aria-label", texts.READ_ALOUD_STOP)
    page.evaluate("window.__speech.last.onend()")  # the browser finished reading
    expect(second).to_have_attribute("aria-label", texts.READ_ALOUD_LABEL)


def test_a_browser_without_a_voice_says_so_on_the_button(browser: Browser, live_app: LiveApp,
                                                        pages: list[Page]) -> None:
    page = _page(pages, browser)
    page.add_init_script(SPEECH_STUB.replace("this.speaking = true;",
                                             "setTimeout(() => u.onerror({error: 'synthesis-failed'}), 0);"))
    page.goto(live_app.url + "/")
    _ask_and_wait(page, "地震时在家里应该躲在哪里？")
    button = page.locator("#chat button.read-aloud").last
    button.click()
    expect(button).to_have_text(texts.READ_ALOUD_UNSUPPORTED)
    expect(button).to_be_disabled()


def test_embed_is_compact_answers_and_logs_its_channel(browser: Browser, live_app: LiveApp, pages: list[Page]) -> None:
    page = _page(pages, browser, 360, 560)
    page.goto(live_app.url + "/embed?channel=easy-check")
    expect(page.locator("#question textarea")).to_be_visible()
    intro = texts.PAGE_INTRO.splitlines()[-1]
    assert page.get_by_text(intro).count() == 0 and page.get_by_text("科普传播员入口").count() == 0
    question = "大熊猫为什么爱吃竹子？"
    _ask_and_wait(page, question)
    for target in ("#question textarea", "#ask"):  # the box stays in the 360×560 frame, no scrolling
        box = page.locator(target).bounding_box()
        assert box and box["y"] + box["height"] <= 560 and box["x"] + box["width"] <= 360, (target, box)
    assert page.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]") == [360, 560]
    assert wait_until(lambda: "embed:easy-check" in _channels(live_app, question), 10), _channels(live_app, question)


def test_the_citizen_page_logs_poster_and_page(browser: Browser, live_app: LiveApp, pages: list[Page]) -> None:
    poster, plain = "海报上说的：天空为什么是蓝色的？", "请问天空为什么是蓝色的呢？"
    page = _page(pages, browser)
    page.goto(live_app.url + "/?src=poster")
    _ask_and_wait(page, poster)
    page = _page(pages, browser)
    page.goto(live_app.url + "/")
    _ask_and_wait(page, plain)
    assert wait_until(lambda: _channels(live_app, poster) == ["poster"], 10), _channels(live_app, poster)
    assert wait_until(lambda: _channels(live_app, plain) == ["page"], 10), _channels(live_app, plain)


@pytest.mark.parametrize(("path", "width", "easy", "scheme"), [
    ("/", 1280, False, "light"), ("/", 1280, True, "light"), ("/", 375, False, "light"), ("/", 375, True, "light"),
    ("/embed?channel=axe-check", 360, False, "light"), ("/embed?channel=axe-check", 360, True, "light"),
    ("/", 1280, False, "dark"), ("/", 1280, True, "dark"),  # a phone set to dark mode gets Gradio's dark theme
])
def test_axe_finds_nothing_serious(browser: Browser, live_app: LiveApp, pages: list[Page], tmp_path: Path,
                                   path: str, width: int, easy: bool, scheme: str) -> None:
    page = _page(pages, browser, width, 560 if width == 360 else 900, scheme)
    page.goto(live_app.url + path)
    if easy:
        _switch_on(page)
    _ask_and_wait(page, "为什么天空是蓝色的？")  # an answer with its badge, button and source card on screen
    assert _is_easy(page) is easy
    if width == 375:
        assert page.evaluate("document.documentElement.scrollWidth") <= 380  # no sideways scrolling
    if width == 375 and easy:
        _chat_to_top(page)
        _shot(page, "mobile-375.png", tmp_path)
    page.locator("#chat details summary").last.click()  # the open source card is checked too
    found = _serious_violations(page)
    assert not found, "\n".join(found)
