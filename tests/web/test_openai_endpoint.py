"""The OpenAI-compatible endpoint and the embeddable widget, as a platform meets them.

Real app subprocesses (tests/web/conftest.py ``start_app``), channels made with ``askscience channels``,
the official ``openai`` client, and Debian's chromium for the widget. ``extractive_app`` trusts
127.0.0.1 as its proxy, so each test speaks for its own client address with ``X-Forwarded-For`` (only a
label: all traffic stays on loopback); ``llm_app`` answers through a scripted LLM stub, so a stream can
be caught in the middle.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import anyio
import httpx
import openai
import pytest
from playwright.sync_api import Browser, Frame, Page, expect

from bot.engine.triage import Level, TriageResult
from bot.engine.types import Answer, Citation, Mode
from bot.web.openai_api import ApiError, _Relay, content_of, parse_chat
from bot.web.widget import framed_headers
from knowledge import texts
from tests.bot.openai_stub import Behaviour, OpenAIStub
from tests.conftest import ROOT
from tests.web.conftest import LiveApp, start_app, stop_app

LIMIT = 20  # questions a minute, per address and per channel, in extractive_app
SKY = "为什么天空是蓝色的？"
ERROR_FIELDS = {"message", "type", "param", "code"}


# ---- helpers ---------------------------------------------------------------------------------------------------
def channels_cli(app: LiveApp, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ASKSCI_DATA_DIR": str(app.data_dir), "ASKSCI_EMBEDDER": "hash"}
    return subprocess.run([sys.executable, "-m", "bot.cli", "channels", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, check=False, timeout=120)


def add_channel(app: LiveApp, name: str, *origins: str) -> str:
    done = channels_cli(app, "add", name, *[a for o in origins for a in ("--origin", o)])
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]  # the key, shown once, on the last line


def client(app: LiveApp, key: str, address: str = "") -> openai.OpenAI:
    headers = {"X-Forwarded-For": address} if address else {}
    return openai.OpenAI(base_url=app.url + "/v1", api_key=key, default_headers=headers, max_retries=0, timeout=60)


def post(app: LiveApp, key: str | None, body: object, address: str, raw: bytes | None = None) -> httpx.Response:
    headers = {"X-Forwarded-For": address}
    if key is not None:
        headers["Authorization"] = f"Bearer {key}"
    if raw is not None:
        return httpx.post(app.url + "/v1/chat/completions", content=raw, headers=headers, timeout=60)
    return httpx.post(app.url + "/v1/chat/completions", json=body, headers=headers, timeout=60)


def ask(question: str = SKY, **extra: object) -> dict[str, object]:
    return {"model": "askscience", "messages": [{"role": "user", "content": question}], **extra}


def error_of(response: httpx.Response) -> dict[str, object]:
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == ERROR_FIELDS, body
    return body["error"]


# ---- apps ------------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def extractive_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApp]:
    proc, app = start_app(tmp_path_factory.mktemp("openai"), {
        "ASKSCI_TRUSTED_PROXIES": "127.0.0.1", "ASKSCI_RATE_QUESTIONS_PER_MINUTE": str(LIMIT),
        "ASKSCI_RATE_CHANNEL_PER_MINUTE": str(LIMIT)})
    yield app
    stop_app(proc)


@pytest.fixture(scope="module")
def main_key(extractive_app: LiveApp) -> str:
    return add_channel(extractive_app, "main")


@pytest.fixture(scope="module")
def stub() -> Iterator[OpenAIStub]:
    with OpenAIStub(model="stub") as server:
        yield server


@pytest.fixture(scope="module")
def llm_app(tmp_path_factory: pytest.TempPathFactory, stub: OpenAIStub) -> Iterator[LiveApp]:
    # one answering slot: a stream that kept its slot would make the next question wait, then fail busy
    proc, app = start_app(tmp_path_factory.mktemp("openai-llm"), {
        "ASKSCI_LLM_BASE_URL": stub.base_url, "ASKSCI_LLM_MODEL": "stub", "ASKSCI_LLM_API_KEY": "sk-stub",
        "ASKSCI_LLM_TIMEOUT": "15", "ASKSCI_ANSWER_BUDGET_SECONDS": "30",
        "ASKSCI_MAX_CONCURRENT_ANSWERS": "1", "ASKSCI_BUSY_WAIT_SECONDS": "3"})
    yield app
    stop_app(proc)


# ---- request parsing (fast) -------------------------------------------------------------------------------------
def test_earlier_turns_become_history_pairs_and_system_messages_are_ignored() -> None:
    chat = parse_chat({"messages": [
        {"role": "system", "content": "You are helpful."},
        {"role": "user", "content": "大熊猫吃什么？"},
        {"role": "assistant", "content": f"主要吃竹子。[1]\n\n{texts.OPENAI_SOURCES}\n[1] 大熊猫"},
        {"role": "developer", "content": "ignored"},
        {"role": "user", "content": [{"type": "text", "text": "它们"}, {"type": "text", "text": "住在哪里？"}]},
    ]})
    assert chat.question == "它们\n住在哪里？"
    assert chat.history == [("大熊猫吃什么？", "主要吃竹子。[1]")]  # our own sources list is not history
    assert chat.stream is False


def test_a_question_without_its_answer_still_counts_as_a_turn() -> None:
    chat = parse_chat({"messages": [{"role": "user", "content": "一"}, {"role": "user", "content": "二"},
                                    {"role": "assistant", "content": None}, {"role": "user", "content": "三"}]})
    assert chat.history == [("一", ""), ("二", "")] and chat.question == "三"


def test_fifty_turns_pass_and_fifty_one_are_refused() -> None:
    turns = [{"role": "user" if i % 2 == 0 else "assistant", "content": f"第{i}条"} for i in range(49)]
    assert parse_chat({"messages": turns}).question == "第48条"
    with pytest.raises(ApiError) as caught:
        parse_chat({"messages": [*turns, {"role": "assistant", "content": "x"}, {"role": "user", "content": "y"}]})
    assert caught.value.status == 400 and "最多 50 条" in caught.value.message and "51" in caught.value.message


# ---- the stream relay (fast: a scripted answer stream, no server) ------------------------------------------------
def _relay_events(items: list[object], valid: bool = True) -> list[dict[str, object] | str]:
    stream = iter(items)
    relay = _Relay(stream, next(stream), lambda: valid, "", 0, False)

    async def collect() -> list[bytes]:
        return [event async for event in relay.events()]

    out: list[dict[str, object] | str] = []
    for event in anyio.run(collect):
        data = event.decode().removeprefix("data: ").strip()
        out.append(data if data == "[DONE]" else json.loads(data))
    return out


def _content(events: list[dict[str, object] | str]) -> str:
    return "".join(e["choices"][0]["delta"].get("content") or "" for e in events
                   if isinstance(e, dict) and e.get("choices"))


def _answer(text: str, triage: TriageResult | None = None) -> Answer:
    cited = Citation(1, "天空为什么是蓝的", "physics-blue-sky", "蓝光更容易被散射。", 0.9, "c1")
    return Answer(text, Mode.EXTRACTIVE, [cited], triage=triage or TriageResult())


def test_the_streamed_text_only_grows_and_ends_with_the_sources() -> None:
    answer = _answer("蓝光更容易被散射。[1]")
    events = _relay_events(["蓝光更容易", "蓝光更容易被散射。[1]", answer])
    assert _content(events) == content_of(answer)
    assert events[-1] == "[DONE]" and events[-2]["citations"][0]["title"] == "天空为什么是蓝的"


def test_a_replaced_answer_is_corrected_in_the_open() -> None:
    answer = _answer("引用的资料说：蓝光更容易被散射。[1]")  # the LLM failed after its first words
    events = _relay_events(["大模型写了一半", answer])
    text = _content(events)
    assert text.startswith("大模型写了一半") and text.endswith(content_of(answer))
    assert texts.OPENAI_STREAM_REVISED in text


def test_a_personal_medical_answer_is_held_until_it_is_final() -> None:
    triage = TriageResult(level=Level.PERSONAL_MEDICAL)
    answer = _answer(texts.PERSONAL_MEDICAL_WITHHELD, triage)  # the streamed text named a dose: withheld
    events = _relay_events([triage, "每次吃两片", answer])
    assert "两片" not in _content(events)
    assert _content(events) == content_of(answer)


def test_a_revoked_key_ends_the_stream_with_an_error_and_no_answer() -> None:
    events = _relay_events(["蓝光", _answer("蓝光更容易被散射。[1]")], valid=False)
    assert events[-1]["error"]["code"] == "invalid_api_key" and "[DONE]" not in events
    assert not any(isinstance(e, dict) and e.get("citations") for e in events)


# ---- the openai client ------------------------------------------------------------------------------------------
@pytest.mark.integration
def test_the_openai_client_gets_a_cited_answer(extractive_app: LiveApp, main_key: str) -> None:
    done = client(extractive_app, main_key, "198.51.100.1").chat.completions.create(
        model="askscience", messages=[{"role": "system", "content": "Answer in English."},
                                      {"role": "user", "content": SKY}])
    content = done.choices[0].message.content
    assert done.model == "askscience" and done.choices[0].finish_reason == "stop"
    assert "散射" in content
    assert f"\n\n{texts.OPENAI_SOURCES}\n[1] " in content  # numbered sources close the text
    citations = done.model_extra["citations"]
    assert citations and set(citations[0]) == {"number", "title", "source", "snippet"}
    assert citations[0]["number"] == 1 and citations[0]["title"] in content and citations[0]["snippet"]
    assert done.model_extra["mode"] in ("extractive", "curated")
    assert done.model_extra["safety"]["level"] == "none"
    assert done.model_extra["ticket"] is None
    assert done.usage.completion_tokens == len(content)


@pytest.mark.integration
def test_the_openai_client_streams_the_same_answer(extractive_app: LiveApp, main_key: str) -> None:
    api = client(extractive_app, main_key, "198.51.100.2")
    whole = api.chat.completions.create(model="askscience", messages=[{"role": "user", "content": SKY}])
    chunks = list(api.chat.completions.create(model="askscience", messages=[{"role": "user", "content": SKY}],
                                              stream=True, stream_options={"include_usage": True}))
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == whole.choices[0].message.content
    finals = [c for c in chunks if c.choices and c.choices[0].finish_reason == "stop"]
    assert len(finals) == 1 and finals[0].model_extra["citations"] == whole.model_extra["citations"]
    assert finals[0].model_extra["safety"] == whole.model_extra["safety"]
    assert chunks[-1].usage is not None and chunks[-1].usage.completion_tokens == len(text)


@pytest.mark.integration
def test_an_emergency_streams_the_safety_message_first(extractive_app: LiveApp, main_key: str) -> None:
    stream = client(extractive_app, main_key, "198.51.100.3").chat.completions.create(
        model="askscience", messages=[{"role": "user", "content": "我爸突然倒地不省人事，没有呼吸了怎么办"}],
        stream=True)
    chunks = list(stream)
    first_text = next(c.choices[0].delta.content for c in chunks if c.choices and c.choices[0].delta.content)
    final = next(c for c in chunks if c.choices and c.choices[0].finish_reason == "stop")
    assert final.model_extra["safety"]["level"] == "emergency"
    assert final.model_extra["safety"]["call"] in first_text  # the number to call comes before anything else


@pytest.mark.integration
def test_a_follow_up_uses_the_earlier_turns(extractive_app: LiveApp, main_key: str) -> None:
    done = client(extractive_app, main_key, "198.51.100.4").chat.completions.create(model="askscience", messages=[
        {"role": "user", "content": "大熊猫吃什么？"},
        {"role": "assistant", "content": "大熊猫主要吃竹子。"},
        {"role": "user", "content": "它们主要生活在哪里？"}])
    assert "熊猫" in done.choices[0].message.content


@pytest.mark.integration
def test_models_list_and_retrieve(extractive_app: LiveApp, main_key: str) -> None:
    api = client(extractive_app, main_key)
    assert [m.id for m in api.models.list()] == ["askscience"]
    assert api.models.retrieve("askscience").owned_by == "askscience"
    with pytest.raises(openai.NotFoundError):
        api.models.retrieve("gpt-4o")


@pytest.mark.integration
def test_another_model_name_is_refused_with_a_clear_error(extractive_app: LiveApp, main_key: str) -> None:
    with pytest.raises(openai.NotFoundError) as caught:
        client(extractive_app, main_key, "198.51.100.5").chat.completions.create(
            model="gpt-4o", messages=[{"role": "user", "content": SKY}])
    assert caught.value.code == "model_not_found" and caught.value.param == "model"
    assert "gpt-4o" in caught.value.message and "askscience" in caught.value.message


@pytest.mark.integration
def test_huge_max_tokens_is_accepted_and_ignored(extractive_app: LiveApp, main_key: str) -> None:
    plain = post(extractive_app, main_key, ask(), "198.51.100.6")
    huge = post(extractive_app, main_key, ask(max_tokens=10**9, max_completion_tokens=10**12), "198.51.100.6")
    assert plain.status_code == huge.status_code == 200
    assert huge.json()["choices"][0]["message"]["content"] == plain.json()["choices"][0]["message"]["content"]


# ---- 401 and 400 ------------------------------------------------------------------------------------------------
@pytest.mark.integration
def test_a_missing_wrong_or_disabled_key_gets_the_401_object(extractive_app: LiveApp) -> None:
    key = add_channel(extractive_app, "soon-off")
    missing = post(extractive_app, None, ask(), "198.51.100.10")
    wrong = post(extractive_app, key[:-2] + "zz", ask(), "198.51.100.10")
    assert missing.status_code == wrong.status_code == 401
    assert error_of(missing) == {"message": texts.OPENAI_NO_KEY, "type": "invalid_request_error", "param": None,
                                 "code": "invalid_api_key"}
    assert error_of(wrong)["message"] == texts.OPENAI_BAD_KEY
    assert httpx.get(extractive_app.url + "/v1/models").status_code == 401
    assert post(extractive_app, key, ask(), "198.51.100.10").status_code == 200
    assert channels_cli(extractive_app, "disable", "soon-off").returncode == 0
    disabled = post(extractive_app, key, ask(), "198.51.100.10")
    assert disabled.status_code == 401 and error_of(disabled)["code"] == "invalid_api_key"
    with pytest.raises(openai.AuthenticationError) as caught:
        client(extractive_app, key).models.list()
    assert caught.value.code == "invalid_api_key"


def _turns(count: int) -> list[dict[str, str]]:
    return [{"role": "user" if i % 2 == 0 else "assistant", "content": f"第{i}条"} for i in range(count - 1)] + [
        {"role": "user", "content": SKY}]


BAD_INPUT = {
    "empty messages": (ask() | {"messages": []}, "messages", texts.OPENAI_MESSAGES_MISSING),
    "no messages": ({"model": "askscience"}, "messages", texts.OPENAI_MESSAGES_MISSING),
    "only system": (ask() | {"messages": [{"role": "system", "content": "hi"}]}, "messages",
                    texts.OPENAI_ONLY_SYSTEM),
    "51 turns": (ask() | {"messages": _turns(51)}, "messages",
                 texts.OPENAI_TOO_MANY_TURNS.format(limit=50, count=51)),
    "an image": (ask() | {"messages": [{"role": "user", "content": [
        {"type": "text", "text": "这是什么？"}, {"type": "image_url", "image_url": {"url": "data:image/png;base64,AA"}}]}]},
        "messages[0].content", texts.OPENAI_NOT_TEXT.format(index=0, kind="image_url")),
    "a tool turn": (ask() | {"messages": [{"role": "user", "content": SKY},
                                          {"role": "tool", "content": "42", "tool_call_id": "x"}]},
                    "messages[1].role", texts.OPENAI_BAD_ROLE.format(index=1, role="tool")),
    "an assistant last": (ask() | {"messages": [{"role": "user", "content": SKY},
                                                {"role": "assistant", "content": "好"}]},
                          "messages", texts.OPENAI_LAST_NOT_USER),
    "stream with n=2": (ask(stream=True, n=2), "n", texts.OPENAI_N_STREAM),
    "n=2": (ask(n=2), "n", texts.OPENAI_N_ONLY_ONE),
    "negative max_tokens": (ask(max_tokens=-5), "max_tokens", texts.OPENAI_BAD_INT.format(param="max_tokens")),
    "stream not a bool": (ask(stream="yes"), "stream", texts.OPENAI_BAD_BOOL.format(param="stream")),
    "too long a question": (ask("问" * 600), "messages", None),
    "no model": ({"messages": [{"role": "user", "content": SKY}]}, "model", texts.OPENAI_MODEL_MISSING),
}


@pytest.fixture(scope="module")
def bad_input_key(extractive_app: LiveApp) -> str:
    return add_channel(extractive_app, "bad-input")


@pytest.mark.integration
@pytest.mark.parametrize("case", list(BAD_INPUT))
def test_bad_input_gets_an_openai_400(extractive_app: LiveApp, bad_input_key: str, case: str) -> None:
    body, param, message = BAD_INPUT[case]
    r = post(extractive_app, bad_input_key, body, f"192.0.2.{list(BAD_INPUT).index(case) + 1}")
    assert r.status_code == 400, r.text
    error = error_of(r)
    assert error["type"] == "invalid_request_error" and error["param"] == param
    if message is not None:
        assert error["message"] == message
    else:
        assert "500" in error["message"]  # the service's own question limit, in its words


@pytest.mark.integration
def test_a_body_that_is_not_json_or_too_large_gets_an_openai_error(extractive_app: LiveApp, main_key: str) -> None:
    broken = post(extractive_app, main_key, None, "198.51.100.20", raw=b'{"model": "askscience", "messages": [')
    assert broken.status_code == 400 and error_of(broken)["message"] == texts.OPENAI_NOT_JSON
    huge = post(extractive_app, main_key, None, "198.51.100.20", raw=b" " * (300 * 1024))
    assert huge.status_code == 413 and error_of(huge)["message"] == texts.REQUEST_TOO_LARGE


@pytest.mark.integration
def test_the_openai_client_raises_a_readable_bad_request(extractive_app: LiveApp, main_key: str) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        client(extractive_app, main_key, "198.51.100.21").chat.completions.create(
            model="askscience", messages=[{"role": "user", "content": SKY}], stream=True, n=2)
    assert caught.value.body["message"] == texts.OPENAI_N_STREAM and caught.value.param == "n"


# ---- rate limits ------------------------------------------------------------------------------------------------
@pytest.mark.integration
def test_one_channel_key_is_limited_whatever_the_address(extractive_app: LiveApp) -> None:
    busy, other = add_channel(extractive_app, "busy"), add_channel(extractive_app, "quiet")
    cheap = ask(model="not-this-one")  # counted, then refused: a quick request
    statuses = [post(extractive_app, busy, cheap, f"203.0.113.{1 + i % 2}").status_code for i in range(LIMIT)]
    assert statuses == [404] * LIMIT  # each of the two addresses used only half of its own budget
    limited = post(extractive_app, busy, ask(), "203.0.113.3")
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
    error = error_of(limited)
    assert error["code"] == "rate_limit_exceeded" and error["message"].startswith("这个渠道的提问太频繁了")
    with pytest.raises(openai.RateLimitError):
        client(extractive_app, busy, "203.0.113.4").chat.completions.create(
            model="askscience", messages=[{"role": "user", "content": SKY}])
    assert post(extractive_app, other, ask(), "203.0.113.1").status_code == 200  # another channel is served


@pytest.mark.integration
def test_one_address_is_limited_whatever_the_key(extractive_app: LiveApp) -> None:
    first, second = add_channel(extractive_app, "addr-a"), add_channel(extractive_app, "addr-b")
    cheap = ask(model="not-this-one")
    statuses = [post(extractive_app, (first, second)[i % 2], cheap, "203.0.113.50").status_code for i in range(LIMIT)]
    assert statuses == [404] * LIMIT
    limited = post(extractive_app, first, ask(), "203.0.113.50")
    assert limited.status_code == 429 and error_of(limited)["message"].startswith("提问太频繁了")
    assert post(extractive_app, first, ask(), "203.0.113.51").status_code == 200


# ---- the command line -------------------------------------------------------------------------------------------
@pytest.mark.integration
def test_the_cli_lists_rotates_and_explains_itself_in_chinese(extractive_app: LiveApp) -> None:
    key = add_channel(extractive_app, "rotating", "https://www.kexie.example.cn")
    listed = channels_cli(extractive_app, "list")
    assert listed.returncode == 0 and texts.CHANNEL_LIST_HEADER in listed.stdout
    line = next(x for x in listed.stdout.splitlines() if x.startswith("rotating\t"))
    assert "https://www.kexie.example.cn" in line and texts.CHANNEL_ACTIVE in line
    assert key not in listed.stdout and key[:10] in line
    rotated = channels_cli(extractive_app, "rotate", "rotating")
    assert rotated.returncode == 0 and "旧密钥立即失效" in rotated.stdout
    new = rotated.stdout.strip().splitlines()[-1]
    assert post(extractive_app, key, ask(), "198.51.100.30").status_code == 401
    assert post(extractive_app, new, ask(), "198.51.100.30").status_code == 200
    for args in (["--help"], ["add", "--help"], ["rotate", "--help"]):
        shown = channels_cli(extractive_app, *args)
        assert shown.returncode == 0 and "渠道" in shown.stdout
    refused = channels_cli(extractive_app, "add", "bad-origin", "--origin", "https://x.example.org/page")
    assert refused.returncode == 1 and "不是有效的网站地址" in refused.stderr
    missing = channels_cli(extractive_app, "disable", "nobody")
    assert missing.returncode == 1 and "没有名为 nobody 的渠道" in missing.stderr
    main_help = subprocess.run([sys.executable, "-m", "bot.cli", "--help"], cwd=ROOT, capture_output=True, text=True,
                               check=False)
    assert "channels" in main_help.stdout


# ---- a stream caught in the middle (LLM stub) ---------------------------------------------------------------------
def _question_for_the_llm(app: LiveApp, key: str) -> str:
    question = "请详细讲讲阳光、空气分子和天空颜色之间有什么关系"
    done = client(app, key).chat.completions.create(model="askscience",
                                                    messages=[{"role": "user", "content": question}])
    assert done.model_extra["mode"] == "llm", done  # the stub writes this answer: it can be held mid-stream
    return question


@pytest.mark.integration
def test_a_client_that_disconnects_mid_stream_frees_its_slot(llm_app: LiveApp, stub: OpenAIStub) -> None:
    key = add_channel(llm_app, "leaver")
    question = _question_for_the_llm(llm_app, key)
    stub.enqueue(Behaviour.trickle(0.1))  # the LLM keeps writing until its reader goes away
    seen = ""
    with httpx.stream("POST", llm_app.url + "/v1/chat/completions", json=ask(question, stream=True),
                      headers={"Authorization": f"Bearer {key}"}, timeout=60) as stream:
        for line in stream.iter_lines():
            if line.startswith("data: {"):
                seen += json.loads(line[6:])["choices"][0]["delta"].get("content") or ""
            if "慢" in seen:
                break  # leave in the middle of the answer: the connection closes
    assert "慢" in seen
    # one answering slot: served only if the abandoned stream gave it back (else 503 after 3 s)
    after = post(llm_app, key, ask(question), "")
    assert after.status_code == 200, after.text
    assert after.json()["mode"] == "llm"


@pytest.mark.integration
def test_a_key_revoked_mid_stream_ends_the_stream_with_an_error(llm_app: LiveApp, stub: OpenAIStub) -> None:
    key, spare = add_channel(llm_app, "revoked"), add_channel(llm_app, "spare")
    question = _question_for_the_llm(llm_app, key)
    stub.enqueue(Behaviour.trickle(0.1))
    stream = client(llm_app, key).chat.completions.create(
        model="askscience", messages=[{"role": "user", "content": question}], stream=True)
    chunks = iter(stream)
    text = ""
    while "慢" not in text:
        chunk = next(chunks)
        text += (chunk.choices[0].delta.content or "") if chunk.choices else ""
    assert channels_cli(llm_app, "disable", "revoked").returncode == 0
    with pytest.raises(openai.APIError) as caught:
        for chunk in chunks:
            assert not (chunk.choices and chunk.choices[0].finish_reason), "the answer ended normally"
    assert caught.value.message == texts.OPENAI_KEY_REVOKED
    assert caught.value.body["code"] == "invalid_api_key"
    assert post(llm_app, spare, ask(question), "").status_code == 200  # and its slot was given back


# ---- framing and the widget -------------------------------------------------------------------------------------
def test_framed_headers_replace_only_the_framing_rules() -> None:
    guard = [(b"content-security-policy", b"default-src 'self'; frame-ancestors 'self'; object-src 'none'"),
             (b"x-frame-options", b"SAMEORIGIN"), (b"x-content-type-options", b"nosniff")]
    allowed = dict(framed_headers(guard, ("https://a.example.org", "https://*.b.example.org")))
    assert allowed[b"content-security-policy"] == (
        b"default-src 'self'; frame-ancestors https://a.example.org https://*.b.example.org; object-src 'none'")
    assert b"x-frame-options" not in allowed and allowed[b"x-content-type-options"] == b"nosniff"
    nobody = dict(framed_headers(guard, ()))
    assert b"frame-ancestors 'none'" in nobody[b"content-security-policy"]
    assert nobody[b"x-frame-options"] == b"DENY"
    assert dict(framed_headers([], ()))[b"content-security-policy"] == b"frame-ancestors 'none'"


class _HostPage(BaseHTTPRequestHandler):
    html = b""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(self.html)))
        self.end_headers()
        self.wfile.write(self.html)

    def log_message(self, format: str, *args: object) -> None:
        pass


def _serve_host_page(html: str) -> tuple[ThreadingHTTPServer, str]:
    handler = type("Page", (_HostPage,), {"html": html.encode()})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture(scope="module")
def host_pages(extractive_app: LiveApp) -> Iterator[tuple[str, str]]:
    """Two sites of a platform on other loopback ports, both with the one-line script; only the first is
    an allowed origin of the channel ``county``."""
    page = ('<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>县科协</title></head>'
            '<body><h1>县科学技术协会</h1><p>欢迎来到科普之窗。</p>'
            f'<script src="{extractive_app.url}/widget.js" data-channel="county" async></script></body></html>')
    allowed, allowed_url = _serve_host_page(page)
    other, other_url = _serve_host_page(page)
    add_channel(extractive_app, "county", allowed_url)
    yield allowed_url, other_url
    for server in (allowed, other):
        server.shutdown()
        server.server_close()


def _open_widget(browser: Browser, site: str, app: LiveApp) -> Page:
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(site + "/")
    bubble = page.locator("#askscience-bubble")
    expect(bubble).to_have_text(texts.WIDGET_BUTTON)
    expect(page.locator("#askscience-frame")).to_have_count(0)  # nothing loads before the citizen asks
    bubble.click()
    frame_element = page.locator("#askscience-frame")
    expect(frame_element).to_be_visible()
    assert frame_element.get_attribute("src") == f"{app.url}/embed?channel=county"
    expect(bubble).to_have_attribute("aria-expanded", "true")
    return page


def _frame_at(page: Page, prefix: str, seconds: float = 60) -> Frame | None:
    """The page's frame whose address starts with ``prefix``, once it has navigated there. Frames are read
    afresh each round (Chromium may swap a frame for its error page), and ``wait_for_timeout`` lets the
    sync Playwright client take in navigation events, which a plain sleep would not."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for frame in page.frames:
            if frame.url.startswith(prefix):
                return frame
        page.wait_for_timeout(100)
    return None


@pytest.mark.integration
def test_embed_may_be_framed_only_by_the_channels_origins(extractive_app: LiveApp,
                                                          host_pages: tuple[str, str]) -> None:
    allowed, other = host_pages
    policy = httpx.get(extractive_app.url + "/embed?channel=county").headers
    assert f"frame-ancestors {allowed};" in policy["content-security-policy"]
    assert other not in policy["content-security-policy"] and "x-frame-options" not in policy
    for unknown in ("/embed?channel=nobody", "/embed", "/embed/?channel=county%27%3B"):
        headers = httpx.get(extractive_app.url + unknown).headers
        assert "frame-ancestors 'none'" in headers["content-security-policy"] and headers["x-frame-options"] == "DENY"
    start = httpx.get(extractive_app.url + "/").headers  # everything else keeps today's no-framing headers
    assert "frame-ancestors 'self'" in start["content-security-policy"] and start["x-frame-options"] == "SAMEORIGIN"
    add_channel(extractive_app, "paused", allowed)
    assert allowed in httpx.get(extractive_app.url + "/embed?channel=paused").headers["content-security-policy"]
    assert channels_cli(extractive_app, "disable", "paused").returncode == 0
    paused = httpx.get(extractive_app.url + "/embed?channel=paused").headers
    assert "frame-ancestors 'none'" in paused["content-security-policy"] and paused["x-frame-options"] == "DENY"


@pytest.mark.integration
def test_the_widget_opens_the_chat_on_an_allowed_site(browser: Browser, extractive_app: LiveApp,
                                                      host_pages: tuple[str, str], tmp_path: Path) -> None:
    page = _open_widget(browser, host_pages[0], extractive_app)
    frame = _frame_at(page, f"{extractive_app.url}/embed")
    assert frame is not None, [f.url for f in page.frames]
    assert frame.evaluate("location.origin") == extractive_app.url  # the page really loaded in the frame
    assert "channel=county" in frame.url
    expect(frame.locator("textarea").first).to_be_visible(timeout=60_000)  # the chat, ready for a question
    page.screenshot(path=str(tmp_path / "widget-allowed.png"))
    page.keyboard.press("Escape")  # closes again
    expect(page.locator("#askscience-panel")).to_be_hidden()
    expect(page.locator("#askscience-bubble")).to_have_attribute("aria-label", texts.WIDGET_OPEN)


@pytest.mark.integration
def test_chromium_refuses_to_frame_the_chat_on_another_site(browser: Browser, extractive_app: LiveApp,
                                                            host_pages: tuple[str, str], tmp_path: Path) -> None:
    page = _open_widget(browser, host_pages[1], extractive_app)
    assert _frame_at(page, "chrome-error://") is not None, [f.url for f in page.frames]
    assert not any(f.url.startswith(extractive_app.url) for f in page.frames)  # the chat never loaded
    page.screenshot(path=str(tmp_path / "widget-refused.png"))


@pytest.mark.integration
def test_the_widget_script_is_served_to_other_sites(extractive_app: LiveApp) -> None:
    r = httpx.get(extractive_app.url + "/widget.js")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/javascript")
    assert r.headers["cross-origin-resource-policy"] == "cross-origin"
    assert "data-channel" in r.text and "/embed?channel=" in r.text
    assert json.dumps(texts.WIDGET_BUTTON) in r.text  # the citizen's words, ASCII-escaped
