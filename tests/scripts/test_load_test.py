"""The load-test script against tiny stub servers on loopback (a good one and one that fails some requests)."""

from __future__ import annotations

import importlib.util
import json
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "load_test.py"


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("askscience_load_test", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is created
    spec.loader.exec_module(module)
    return module


load_test = _load_script()


class _Stub(ThreadingHTTPServer):
    daemon_threads = True
    fail_every = 0  # 0 = never fail; n = every n-th request answers HTTP 500

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.count = 0
        self.questions: list[str] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Stub

    def log_message(self, format: str, *args: object) -> None:  # keep pytest output clean
        pass

    def _send(self, status: int, body: dict) -> None:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length", "0"))
        payload = json.loads(self.rfile.read(length) or b"{}")
        if self.path != "/api/ask":
            self._send(404, {"error": "not found"})
            return
        with self.server.lock:
            self.server.count += 1
            n = self.server.count
            self.server.questions.append(payload.get("question", ""))
        threading.Event().wait(0.005)  # a little service time
        if self.server.fail_every and n % self.server.fail_every == 0:
            self._send(500, {"error": "boom"})
            return
        if payload.get("history") != [] or not payload.get("question"):
            self._send(400, {"error": "bad request"})
            return
        mode = "no_answer" if "股市" in payload["question"] else "extractive"
        self._send(200, {"answer": "因为……[1]", "mode": mode, "citations": []})


@contextmanager
def stub_server(fail_every: int = 0) -> Iterator[_Stub]:
    server = _Stub()
    server.fail_every = fail_every
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def _last_line(text: str) -> str:
    return text.strip().splitlines()[-1]


def _fields(line: str) -> dict[str, str]:
    assert line.startswith("load ")
    return dict(item.split("=", 1) for item in line.split()[1:])


@pytest.mark.integration
def test_good_server_counts_requests_without_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "result.json"
    with stub_server() as server:
        code = load_test.main(["--url", server.url, "--clients", "4", "--duration", "2", "--warmup", "1.5",
                               "--timeout", "5", "--out", str(out)])
        served = server.count
    printed = capsys.readouterr().out
    fields = _fields(_last_line(printed))
    assert list(fields) == ["clients", "duration_s", "requests", "errors", "rps", "p50_ms", "p95_ms"]
    assert fields["clients"] == "4" and fields["duration_s"] == "2"
    assert int(fields["requests"]) > 0 and fields["errors"] == "0"
    assert float(fields["rps"]) > 0 and float(fields["p50_ms"]) <= float(fields["p95_ms"])
    assert code == 0
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert figures["requests"] == int(fields["requests"]) and figures["errors"] == 0
    assert figures["warmup_requests"] > 0  # warm-up requests happened and were left out of the figures
    assert figures["requests"] + figures["warmup_requests"] == served
    assert sum(figures["modes"].values()) == figures["requests"]
    assert set(figures["latency_ms"]) >= {"p50", "p95", "p99", "max"}


@pytest.mark.integration
def test_failing_server_counts_errors_and_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "result.json"
    with stub_server(fail_every=3) as server:
        code = load_test.main(["--url", server.url, "--clients", "4", "--duration", "2", "--warmup", "0",
                               "--timeout", "5", "--out", str(out)])
    fields = _fields(_last_line(capsys.readouterr().out))
    assert code == 1
    assert int(fields["requests"]) > 0 and int(fields["errors"]) > 0
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert figures["errors_by_kind"].get("status_500") == figures["errors"]
    assert figures["ok"] > 0 and figures["latency_ms"]["p50"] is not None


@pytest.mark.integration
def test_clients_spread_over_several_urls_and_questions_file(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    questions = tmp_path / "q.txt"
    questions.write_text("\ufeff为什么天空是蓝色的？\n\n明天股市会涨吗？\n", encoding="utf-8")
    with stub_server() as a, stub_server() as b:
        code = load_test.main(["--url", a.url, "--url", b.url + "/", "--clients", "4", "--duration", "1",
                               "--warmup", "0", "--questions", str(questions)])
        seen = set(a.questions) | set(b.questions)
        counts = (a.count, b.count)
    capsys.readouterr()
    assert code == 0
    assert all(n > 0 for n in counts)
    assert seen == {"为什么天空是蓝色的？", "明天股市会涨吗？"}


def test_unreachable_server_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    with socket.socket() as s:  # a loopback port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code = load_test.main(["--url", f"http://127.0.0.1:{port}", "--clients", "2", "--duration", "0.3",
                           "--warmup", "0", "--timeout", "1"])
    fields = _fields(_last_line(capsys.readouterr().out))
    assert code == 1 and int(fields["errors"]) > 0 and fields["p50_ms"] == "n/a"


def test_percentile_and_endpoint() -> None:
    assert load_test.percentile([], 50) is None
    assert load_test.percentile([10.0], 95) == 10.0
    assert load_test.percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert load_test.percentile(list(range(101)), 99) == 99
    assert load_test.endpoint("http://h:1/") == "http://h:1/api/ask"
    assert load_test.endpoint("http://h:1/api/ask") == "http://h:1/api/ask"
    assert len(load_test.QUESTIONS) >= 40 and len(set(load_test.QUESTIONS)) == len(load_test.QUESTIONS)


def test_bad_arguments_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert load_test.main(["--clients", "0"]) == 2
    empty = tmp_path / "empty.txt"
    empty.write_text("\n \n", encoding="utf-8")
    assert load_test.main(["--questions", str(empty)]) == 2
    capsys.readouterr()


@pytest.mark.integration
def test_distinct_asks_every_question_once_and_ends_when_they_run_out(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    questions = tmp_path / "q.txt"
    asked = [f"第{i}个问题：为什么天空是蓝色的？" for i in range(40)]
    questions.write_text("\n".join(asked + asked[:5]) + "\n", encoding="utf-8")  # 5 duplicates in the file
    out = tmp_path / "result.json"
    with stub_server() as server:
        code = load_test.main(["--url", server.url, "--clients", "4", "--duration", "60", "--warmup", "0",
                               "--questions", str(questions), "--distinct", "--out", str(out)])
        seen = list(server.questions)
    printed = capsys.readouterr().out
    assert code == 0
    assert sorted(seen) == sorted(asked)  # each once, none repeated, none left out
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert figures["exhausted"] is True and figures["requests"] == 40
    assert "--distinct" in printed
