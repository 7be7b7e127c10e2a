"""The communicator loop in the curator console, on a real app with four-eyes review (self-approval off).

A citizen asks what the knowledge base cannot answer and gets a ticket code; the curator (alice) assigns the
group to the expert erin; erin drafts and submits, and cannot publish; the reviewer rita publishes; the
citizen's code now shows the answer, and a second citizen asking a paraphrase gets the reviewed answer. The
accounts tab and who sees which tab are checked through the console's Gradio API on the same app.

The app runs with the production evidence threshold (0.9): under the hash embedder nothing but near-verbatim
text passes it, so an off-topic question is declined as it would be in production. The hash embedder's cosine
between two wordings of one question is about 0.7 (a real model's is far higher), so the curated threshold is
set to 0.7 for a paraphrase to reach the reviewed answer; the sky and panda questions stay below 0.25.

Set ``ASKSCI_SCREENSHOTS=docs/screenshots`` to refresh docs/screenshots/timeliness.png from this run.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from gradio_client import Client
from playwright.sync_api import Browser, Page, expect

from knowledge import texts
from tests.conftest import ROOT
from tests.web.conftest import LiveApp, start_app, stop_app

pytestmark = pytest.mark.integration
L = texts.Loop
PASSWORD = "correct-horse-battery"
QUESTION = "冬天脱毛衣时为什么会有噼啪的静电声？"
PHRASING = "为什么冬天脱毛衣会噼里啪啦地响"
PARAPHRASE = "为什么冬天脱毛衣的时候会噼里啪啦响？"
ANSWER = ("冬天空气干燥，毛衣和里面的衣服摩擦时，电子从一种材料转移到另一种材料上，"
          "衣服就带上了静电。脱衣服时电荷突然放电，击穿空气，发出噼啪声，暗处还能看到小火花。")
CODE = re.compile(r"[2-9A-Z]{3}-[2-9A-Z]{3}")


@pytest.fixture(scope="module")
def loop_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApp]:
    base = tmp_path_factory.mktemp("loop")
    env = {**os.environ, "ASKSCI_DATA_DIR": str(base / "data")}
    for name, role in (("erin", "expert"), ("rita", "reviewer")):
        subprocess.run([sys.executable, "-m", "bot.cli", "accounts", "add", name, "--role", role,
                        "--display-name", "王老师" if name == "erin" else "", "--password-stdin"],
                       input=PASSWORD + "\n", text=True, env=env, cwd=ROOT, check=True, capture_output=True)
    proc, app = start_app(base, {"ASKSCI_SELF_APPROVAL": "0", "ASKSCI_EVIDENCE_THRESHOLD": "0.9",
                                 "ASKSCI_CURATED_THRESHOLD": "0.7"})
    yield app
    stop_app(proc)


def _page(browser: Browser) -> Page:
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.on("dialog", lambda d: pytest.fail(f"a dialog opened: {d.message}"))
    return page


def _login(page: Page, app: LiveApp, name: str, password: str = PASSWORD) -> None:
    page.goto(app.url + "/curator/")
    page.fill("#username", name)
    page.fill("#password", password)
    page.click("#login")
    expect(page.locator("#whoami")).to_contain_text(name, timeout=30_000)


def _tab_names(page: Page) -> list[str]:
    return [t.strip() for t in page.get_by_role("tab").all_inner_texts()]


def _console(app: LiveApp, name: str, password: str = PASSWORD) -> Client:
    r = httpx.post(app.url + "/curator/login", data={"username": name, "password": password})
    assert r.status_code == 303, r.text
    return Client(app.url + "/curator/", verbose=False,
                  headers={"Cookie": f"asksci_session={r.cookies.get('asksci_session')}"})


def _ask(page: Page, question: str) -> None:
    page.fill("#question textarea", question)
    page.click("#ask")


def _ticket(app: LiveApp, code: str) -> dict:
    r = httpx.get(f"{app.url}/api/tickets/{code}", timeout=30)
    assert r.status_code == 200, r.text
    return r.json()


def test_the_whole_loop_from_a_citizens_question_to_the_reviewed_answer(browser: Browser, loop_app: LiveApp,
                                                                       tmp_path: Path) -> None:
    app = loop_app
    citizen = _page(browser)
    citizen.goto(app.url + "/")
    _ask(citizen, QUESTION)
    chat = citizen.locator("#chat")
    expect(chat).to_contain_text("您的提问编号", timeout=60_000)
    code = CODE.search(chat.inner_text().split("您的提问编号")[-1]).group(0)
    assert _ticket(app, code)["status"] == "received"

    # the curator assigns the group to erin, the only expert (suggested first)
    alice = _page(browser)
    _login(alice, app, app.username, app.password)
    alice.get_by_role("tab", name=L.TAB_ASSIGN).click()
    queue = alice.locator("#assign-queue")
    expect(queue).to_contain_text(code, timeout=30_000)
    queue.get_by_text(QUESTION).filter(visible=True).first.click()
    expect(alice.locator("#assign-picked textarea")).to_have_value(QUESTION, timeout=30_000)
    expect(alice.locator("#assign-expert input")).to_have_value("erin")
    alice.click("#assign-button")
    expect(alice.locator("#assign-message")).to_contain_text("已分派给 erin", timeout=30_000)
    expect(alice.locator("#assign-open")).to_contain_text(QUESTION)
    assert _ticket(app, code)["status_label"] == texts.TICKET_STATUS["in_progress"]

    # erin sees only her tasks and the hit test, drafts an expert opinion and submits it
    erin = _page(browser)
    _login(erin, app, "erin")
    expect(erin.get_by_role("tab")).to_have_count(2, timeout=30_000)
    assert _tab_names(erin) == [L.TAB_TASKS, texts.HitTest.TAB]
    tasks = erin.locator("#tasks-table")
    expect(tasks).to_contain_text(QUESTION, timeout=30_000)
    tasks.get_by_text(QUESTION).filter(visible=True).first.click()
    expect(erin.locator("#tasks-context")).to_contain_text(L.TASK_QUESTIONS.lstrip("# "), timeout=60_000)
    expect(erin.locator("#tasks-question textarea")).to_have_value(QUESTION)
    erin.fill("#tasks-phrasings textarea", PHRASING)
    erin.fill("#tasks-answer textarea", ANSWER)
    erin.locator("#tasks-opinion input[type=checkbox]").check()
    erin.click("#tasks-submit")
    expect(erin.locator("#tasks-message")).to_contain_text("已提交审核", timeout=30_000)
    expect(tasks).to_contain_text(texts.STATUS_LABELS["submitted"])
    answer_id = erin.locator("#tasks-answer-id textarea").input_value()
    assert answer_id.isdigit()

    # erin cannot publish, not even through the console's API
    with pytest.raises(Exception, match="不能做这项操作"):
        _console(app, "erin").predict(answer_id, api_name="/publish_answer")
    assert _ticket(app, code)["status"] == "in_progress"

    # rita reads it with its author and ticket, and publishes it
    rita = _page(browser)
    _login(rita, app, "rita")
    rita.get_by_role("tab", name=L.TAB_INBOX).click()
    inbox = rita.locator("#inbox-table")
    expect(inbox).to_contain_text(QUESTION, timeout=30_000)
    inbox.get_by_text(QUESTION).filter(visible=True).first.click()
    view = rita.locator("#inbox-view")
    expect(view).to_contain_text("erin", timeout=30_000)
    expect(view).to_contain_text(code)
    expect(view).to_contain_text(texts.EXPERT_OPINION.format(name="王老师"))
    rita.click("#inbox-publish")
    expect(rita.locator("#inbox-message")).to_contain_text("已发布", timeout=30_000)

    # the first citizen's code shows the answer; a second citizen asking a paraphrase gets it too
    shown = _ticket(app, code)
    assert shown["status_label"] == texts.TICKET_STATUS["answered"] and ANSWER[:20] in shown["answer"]
    assert any("王老师" in c["title"] for c in shown["citations"])
    second = _page(browser)
    second.goto(app.url + "/")
    _ask(second, PARAPHRASE)
    chat2 = second.locator("#chat")
    expect(chat2).to_contain_text(texts.MODE_LABELS["curated"], timeout=60_000)
    expect(chat2).to_contain_text(ANSWER[:20])

    # the curator's timeliness tab counts the answered ticket
    alice.get_by_role("tab", name=L.TAB_TIMELINESS).click()
    alice.get_by_role("button", name=texts.Console.REFRESH).locator("visible=true").click()
    expect(alice.locator("#timeliness-summary")).to_contain_text("已解答 1 个", timeout=30_000)
    expect(alice.locator("#timeliness-table")).to_contain_text("erin")
    expect(alice.locator("#timeliness-topics canvas, #timeliness-topics svg.marks").first).to_be_visible(
        timeout=30_000)
    folder = os.environ.get("ASKSCI_SCREENSHOTS")
    target = (ROOT / folder if folder and not Path(folder).is_absolute() else Path(folder or tmp_path))
    target.mkdir(parents=True, exist_ok=True)
    alice.screenshot(path=str(target / "timeliness.png"), full_page=True)


def test_tabs_follow_roles_and_the_server_refuses_the_rest(browser: Browser, loop_app: LiveApp) -> None:
    rita = _page(browser)
    _login(rita, loop_app, "rita")
    expect(rita.get_by_role("tab", name=L.TAB_INBOX)).to_be_visible(timeout=30_000)
    names = _tab_names(rita)
    assert L.TAB_ASSIGN not in names and L.TAB_ACCOUNTS not in names and texts.Console.TAB_UPLOAD not in names
    with pytest.raises(Exception, match="不能做这项操作"):
        _console(loop_app, "rita").predict("1", api_name="/cancel_assignment")  # hidden is not the only line
    with pytest.raises(Exception, match="不能做这项操作"):
        _console(loop_app, "erin").predict(api_name="/accounts")
    summary, table = _console(loop_app, "rita").predict(api_name="/overdue_reviews")
    assert summary == L.FRESHNESS_NONE and _table(table) == []  # no answer here has a review-by date
    with pytest.raises(Exception, match="不能做这项操作"):
        _console(loop_app, "erin").predict(api_name="/overdue_reviews")


def _table(value: dict) -> list[list]:
    return [row for row in value["data"] if any(cell not in (None, "") for cell in row)]


def test_the_admin_manages_accounts_and_every_change_is_audited(loop_app: LiveApp) -> None:
    admin = _console(loop_app, loop_app.username, loop_app.password)
    message, issued, table = admin.predict("ed", "李医生", "long-enough-pw", ["expert"], ["health"],
                                           api_name="/account_add")
    assert message == L.ADDED.format(name="ed") and issued == ""
    row = next(r for r in _table(table) if r[0] == "ed")
    assert row[1:5] == ["李医生", texts.ROLE_LABELS["expert"], texts.TOPIC_LABELS["health"], L.ACCOUNT_ON]
    with pytest.raises(Exception, match=re.escape(texts.ACCOUNT_EXISTS.format(name="ed"))):
        admin.predict("ed", "", "long-enough-pw", ["expert"], [], api_name="/account_add")

    _, _, table = admin.predict("ed", ["expert", "reviewer"], ["health", "weather"], api_name="/account_roles")
    row = next(r for r in _table(table) if r[0] == "ed")
    assert texts.ROLE_LABELS["reviewer"] in row[2] and texts.TOPIC_LABELS["weather"] in row[3]

    message, token, table = admin.predict("ed", api_name="/account_token")
    assert token.startswith("ask_") and next(r for r in _table(table) if r[0] == "ed")[6] == L.TOKEN_SET
    _console(loop_app, "ed", "long-enough-pw")  # ed can log in
    admin.predict("ed", api_name="/account_disable")
    r = httpx.post(loop_app.url + "/curator/login", data={"username": "ed", "password": "long-enough-pw"})
    assert r.status_code != 303  # a disabled account cannot sign in
    admin.predict("ed", api_name="/account_enable")
    _console(loop_app, "ed", "long-enough-pw")  # enabled again

    audit = _table(admin.predict(api_name="/audit"))
    done = {(r[1], r[2], r[3]) for r in audit}
    for action in ("account.add", "account.roles", "account.topics", "account.token", "account.disable",
                   "account.enable"):
        assert (loop_app.username, action, "ed") in done, action


def test_a_reviewer_returns_with_a_comment_and_nobody_publishes_their_own(loop_app: LiveApp) -> None:
    erin = _console(loop_app, "erin")
    saved = erin.predict("", "天空为什么是蓝的？", "", "阳光里的蓝光更容易被空气分子散射。", "physics-blue-sky-red-sunset",
                         "", "", texts.Console.STATUS_ALL, api_name="/save")
    answer_id = saved[1]
    assert saved[0] == texts.CURATED_SAVED.format(id=answer_id)
    erin.predict(answer_id, "", texts.Console.STATUS_ALL, api_name="/submit_curated")

    rita = _console(loop_app, "rita")
    message, *_ = rita.predict(answer_id, "", api_name="/return_answer")
    assert message == f"⚠️ {texts.WORKFLOW_NEEDS_COMMENT}"  # a return needs a reason
    message, *_ = rita.predict(answer_id, "请说明为什么不是紫色", api_name="/return_answer")
    assert message == L.RETURNED.format(id=answer_id, author="erin")
    listed = _table(rita.predict("天空为什么是蓝的", texts.STATUS_LABELS["returned"], api_name="/list_curated"))
    assert [str(r[0]) for r in listed] == [answer_id]

    alice = _console(loop_app, loop_app.username, loop_app.password)  # curator and reviewer at once
    own = alice.predict("", "彩虹为什么是弯的？", "", "因为水滴把阳光按固定角度折射回来。", "physics-blue-sky-red-sunset",
                        "", "", texts.Console.STATUS_ALL, api_name="/save")[1]
    alice.predict(own, "", texts.Console.STATUS_ALL, api_name="/submit_curated")
    message, *_ = alice.predict(own, api_name="/publish_answer")
    assert message == f"⚠️ {texts.WORKFLOW_FOUR_EYES}"  # four-eyes: the author cannot publish it
    message, *_ = rita.predict(own, api_name="/publish_answer")
    assert message == L.PUBLISHED.format(id=own)
