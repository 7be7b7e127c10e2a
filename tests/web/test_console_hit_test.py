"""The console's 命中测试 tab through gradio_client on a real app (hash embedder, a small starter set):
the answer as the citizen page renders it with its trace, the regression check, and its dashboard line."""

from __future__ import annotations

import re

import httpx
import pytest
import yaml
from gradio_client import Client

from knowledge import texts
from tests.conftest import ROOT
from tests.web.conftest import LiveApp, login_cookies

pytestmark = pytest.mark.integration
H = texts.HitTest


def _console(app: LiveApp) -> Client:
    cookies = login_cookies(app)
    return Client(app.url + "/curator/", verbose=False,
                  headers={"Cookie": f"asksci_session={cookies.get('asksci_session')}"})


def _panda_question() -> tuple[str, str]:
    items = yaml.safe_load((ROOT / "knowledge" / "qa" / "biology.yaml").read_text(encoding="utf-8"))
    item = next(i for i in items if "biology-giant-panda" in (i.get("articles") or []))
    return item["question"], item["answer"]


def _rows(table: dict) -> list[list]:
    """A table's rows (an empty Dataframe comes back as one row of blanks)."""
    return [row for row in table["data"] if any(cell not in (None, "") for cell in row)]


def _logged(app: LiveApp) -> int:
    client = _console(app)
    summary = client.predict(api_name="/dashboard")[0]
    return int(re.search(r"共收到 (\d+) 个提问", summary).group(1))


def test_the_hit_test_shows_the_citizens_answer_and_why(live_app: LiveApp) -> None:
    client = _console(live_app)
    before = _logged(live_app)
    question, answer_text = _panda_question()
    shown, earlier, result, triage, curated, candidates, passages, gate = client.predict(
        question, "", api_name="/hit_test")
    assert shown.startswith(f"**【{texts.MODE_LABELS['curated']}】**")
    assert answer_text[:8] in shown and earlier == ""
    assert "解答 #" in result and H.COMPOSERS["curated"] in result
    assert H.LEVELS["none"] in triage and H.SENSITIVE_NONE in triage
    assert "判定方式" in curated
    assert candidates["data"][0][1] == question and candidates["data"][0][-1] == H.CANDIDATE_ANSWERED
    assert _rows(passages) == []  # nothing is retrieved for a reviewed answer
    assert gate == H.GATE_SKIPPED

    shown, _, result, triage, _, _, passages, gate = client.predict("孩子把一颗纽扣电池吞下去了", "",
                                                                    api_name="/hit_test")
    assert 'class="safety-box safety-emergency"' in shown and "120" in shown
    assert H.LEVELS["emergency"] in triage and "纽扣电池" in triage
    assert H.GATE_NOT_CONSULTED in gate

    shown, earlier, result, *_ = client.predict("那它一天要吃多久？", "大熊猫吃什么？", api_name="/hit_test")
    assert earlier.startswith("**【") and "大熊猫" in result  # the follow-up was read with the earlier turn
    assert _logged(live_app) == before  # hit tests are never logged


def test_the_regression_check_runs_and_the_dashboard_shows_it(live_app: LiveApp) -> None:
    client = _console(live_app)
    summary, failures = client.predict(api_name="/regression")
    found = re.search(r"共 (\d+) 条问法，(\d+) 条仍命中自己的解答，(\d+) 条未命中", summary)
    assert found, summary
    cases, passed, failed = (int(x) for x in found.groups())
    assert cases > 10 and passed + failed == cases
    assert len(_rows(failures)) == failed
    dashboard = client.predict(api_name="/dashboard")[0]
    assert f"{cases} 条中 {failed} 条未命中" in dashboard and "上次回归检查：" in dashboard


def test_a_visitor_cannot_run_the_hit_test(live_app: LiveApp) -> None:
    for cookies in (None, {"asksci_session": "forged-token"}):
        r = httpx.post(live_app.url + "/curator/gradio_api/call/hit_test", json={"data": ["大熊猫吃什么？", ""]},
                       cookies=cookies, timeout=30)
        assert r.status_code == 401
