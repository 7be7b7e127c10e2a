"""Soak test: the real app on loopback for a bounded time under mixed traffic, then integrity checks.

    .venv/bin/python scripts/soak.py --minutes 30 [--clients 6] [--embedder default|hash] [--json OUT]

Traffic, all at once:
- citizens asking everyday questions through ``POST /api/ask`` (closed loop, a short pause between
  questions), with 👍/👎 now and then;
- a curator who, every ``--curator-every`` seconds, uploads a new article and writes and publishes a
  reviewed answer through the console's API (logged in with a real session cookie);
- an OpenAI-compatible LLM endpoint on loopback that fails every ``--llm-fail-every``-th call
  (HTTP 500) and answers otherwise, so answers fall back to quotes now and then;
- ``askscience backup`` in the middle, while all of the above goes on.

Every ``--sample`` seconds the app's resident memory is read from /proc. At the end:
- every article the curator uploaded is in the document list and is cited for its own question;
- every reviewed answer the curator published reaches a citizen asking its question;
- the backup restores into a new data dir, a second app starts on it, and everything that existed
  before the backup began is there: the same documents, chunks, reviewed answers and accounts, and
  identical answers to a fixed set of questions.

Prints a report (and writes it as JSON with ``--json``); exits 1 when an error or a failed check was
seen, or memory grew past ``--max-growth-mb`` between the first and the last sampling window.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
QUESTIONS = ["为什么天空是蓝色的？", "打雷的时候能不能在大树下躲雨？", "喝醋能软化血管吗？", "地震来了在家里该躲哪里？",
             "大熊猫为什么爱吃竹子", "隔夜菜还能吃吗", "手机辐射会致癌吗", "发烧了要不要捂汗",
             "被蜜蜂蛰了怎么办", "转基因食品安全吗", "微波炉加热的饭有辐射吗", "高血压要注意什么",
             "孩子老是看手机对眼睛有啥影响", "电动车电池怎么充电才安全", "台风来之前要准备什么", "酸雨是怎么形成的"]
FIXED = ["为什么天空是蓝色的？", "喝醋能软化血管吗？", "地震来了在家里该躲哪里？", "隔夜菜还能吃吗",
         "手机辐射会致癌吗", "被蜜蜂蛰了怎么办", "台风来之前要准备什么", "酸雨是怎么形成的"]
ACCOUNT = ("soak", "soak-test-password-1")
# every uploaded article gets its own pair of words, so that retrieval can tell them apart
MINERALS = ["萤石", "孔雀石", "绿松石", "黑曜石", "玛瑙", "云母", "方解石", "重晶石", "黄铁矿", "赤铁矿",
            "磁铁矿", "滑石", "蛇纹石", "叶蜡石", "硅藻土", "辉锑矿", "石榴石", "电气石", "天河石", "紫水晶"]
MOUNTAINS = ["黄山", "泰山", "峨眉山", "华山", "庐山", "衡山", "嵩山", "武夷山", "雁荡山", "长白山",
             "梵净山", "武当山", "普陀山", "九华山", "天柱山", "太行山"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# ---- a flaky OpenAI-compatible endpoint ------------------------------------------------------------
class FlakyLLM:
    """``POST /v1/chat/completions``: HTTP 500 on every ``fail_every``-th call, else a short streamed
    answer that cites source 1."""

    def __init__(self, fail_every: int) -> None:
        self.calls = 0
        self.failures = 0
        self._lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args: object) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                with owner._lock:
                    owner.calls += 1
                    fail = fail_every > 0 and owner.calls % fail_every == 0
                    owner.failures += fail
                if fail:
                    self.send_response(500)
                    self.send_header("Content-Type", "application/json")
                    self.end_headers()
                    self.wfile.write(b'{"error": {"message": "soak: planned failure"}}')
                    return
                text = "根据资料，这个问题的要点在第一条来源里[1]。"
                if not body.get("stream"):
                    reply = {"id": "soak", "object": "chat.completion", "model": body.get("model"),
                             "choices": [{"index": 0, "finish_reason": "stop",
                                          "message": {"role": "assistant", "content": text}}]}
                    data = json.dumps(reply, ensure_ascii=False).encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                for i in range(0, len(text), 6):
                    chunk = {"id": "soak", "object": "chat.completion.chunk", "model": body.get("model"),
                             "choices": [{"index": 0, "delta": {"content": text[i:i + 6]}, "finish_reason": None}]}
                    self.wfile.write(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode())
                end = {"id": "soak", "object": "chat.completion.chunk", "model": body.get("model"),
                       "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
                self.wfile.write(f"data: {json.dumps(end)}\n\ndata: [DONE]\n\n".encode())

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()


# ---- the app under test ----------------------------------------------------------------------------
@dataclass
class App:
    proc: subprocess.Popen
    url: str
    env: dict[str, str]
    log: Path

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0


def base_env(data: Path, embedder: str, llm: FlakyLLM | None) -> dict[str, str]:
    env = {"MALLOC_ARENA_MAX": "2",  # as scripts/run-app.sh and docs/deployment.md run the app
           **os.environ, "ASKSCI_DATA_DIR": str(data), "ASKSCI_EMBEDDER": embedder, "PYTHONUNBUFFERED": "1",
           "ASKSCI_RATE_QUESTIONS_PER_MINUTE": "100000", "ASKSCI_RATE_FEEDBACK_PER_MINUTE": "100000",
           "GRADIO_ANALYTICS_ENABLED": "False", "ANONYMIZED_TELEMETRY": "False",
           "ASKSCI_SELF_APPROVAL": "1"}  # the soak's one curator publishes what it writes
    if embedder == "hash":  # the hash embedder's cosines are low: open the no-answer gate
        env.update({"ASKSCI_EVIDENCE_THRESHOLD": "0.05", "ASKSCI_EVIDENCE_KEYWORD_WEIGHT": "0"})
    if llm is not None:
        env.update({"ASKSCI_LLM_BASE_URL": llm.base_url, "ASKSCI_LLM_MODEL": "soak-model",
                    "ASKSCI_LLM_API_KEY": "soak-key", "ASKSCI_LLM_MAX_RETRIES": "0", "ASKSCI_LLM_TIMEOUT": "10"})
    return env


def askscience(env: dict[str, str], *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([PY, "-m", "bot.cli", *args], env=env, cwd=ROOT, input=stdin, text=True,
                          capture_output=True, check=False)


def start_app(env: dict[str, str], log: Path) -> App:
    port = free_port()
    env = {**env, "GRADIO_SERVER_NAME": "127.0.0.1", "GRADIO_SERVER_PORT": str(port)}
    proc = subprocess.Popen([PY, str(ROOT / "app.py")], env=env, cwd=ROOT, stdout=log.open("w"),
                            stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the app exited early:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(url + "/", timeout=2).status_code == 200:
                return App(proc, url, env, log)
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    proc.kill()
    raise RuntimeError(f"the app did not start:\n{log.read_text()[-3000:]}")


# ---- traffic --------------------------------------------------------------------------------------
@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    modes: dict[str, int] = field(default_factory=dict)
    busy: int = 0  # 503 with Retry-After: the app said "busy" (slots taken or the answer budget spent)
    curator_actions: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def error(self, kind: str) -> None:
        with self.lock:
            self.errors[kind] = self.errors.get(kind, 0) + 1


def citizen(app: App, stats: Stats, stop: threading.Event, seed: int) -> None:
    rng = random.Random(seed)
    with httpx.Client(timeout=60) as client:
        while not stop.is_set():
            question = rng.choice(QUESTIONS)
            t0 = time.perf_counter()
            try:
                r = client.post(app.url + "/api/ask", json={"question": question})
            except httpx.HTTPError as exc:
                stats.error(f"citizen {type(exc).__name__}")
                continue
            elapsed = time.perf_counter() - t0
            with stats.lock:
                stats.latencies.append(elapsed)
            if r.status_code == 503 and r.headers.get("Retry-After"):
                with stats.lock:
                    stats.busy += 1  # reported and bounded, not an error: the designed answer to overload
                stop.wait(float(r.headers["Retry-After"]))
                continue
            if r.status_code != 200:
                stats.error(f"citizen HTTP {r.status_code}")
                continue
            mode = r.json().get("mode", "?")
            with stats.lock:
                stats.modes[mode] = stats.modes.get(mode, 0) + 1
            stop.wait(rng.uniform(0.05, 0.3))


def console(app: App, cookie: str):
    from gradio_client import Client

    return Client(app.url + "/curator/", verbose=False, headers={"Cookie": f"asksci_session={cookie}"})


def login(app: App) -> str:
    r = httpx.post(app.url + "/curator/login", data={"username": ACCOUNT[0], "password": ACCOUNT[1]})
    if r.status_code != 303 or "asksci_session" not in r.cookies:
        raise RuntimeError(f"curator login failed: HTTP {r.status_code}")
    return str(r.cookies["asksci_session"])


@dataclass
class Made:
    """What the curator made, with when it was done (to compare with the backup's start)."""

    articles: list[tuple[float, str, str]] = field(default_factory=list)  # (done at, title, question)
    answers: list[tuple[float, str, str]] = field(default_factory=list)  # (done at, question, answer)


def curator(app: App, stats: Stats, made: Made, stop: threading.Event, every: float, work: Path) -> None:
    from gradio_client import handle_file

    client = console(app, login(app))
    n = 0
    while not stop.wait(every):
        n += 1
        try:
            mineral, mountain = MINERALS[n % len(MINERALS)], MOUNTAINS[(n // len(MINERALS)) % len(MOUNTAINS)]
            title = f"{mountain}的{mineral}（浸泡测试{n:03d}）"
            doc = work / f"soak-{n:03d}.md"
            doc.write_text(f"---\ntitle: {title}\ntopic: 身边的物理\n---\n# {title}\n\n"
                           f"这是浸泡测试写入的第{n}篇文章。{mountain}一带出产的{mineral}在紫外灯下会发出荧光，"
                           f"当地人把{mountain}{mineral}叫作“夜明石”。\n", encoding="utf-8")
            summary, _ = client.predict([handle_file(str(doc))], api_name="/upload")
            if "成功 1 个" not in summary:
                stats.error("curator upload not ingested")
                continue
            made.articles.append((time.time(), title, f"{title}说{mountain}的{mineral}在紫外灯下会发光吗？"))
            question = f"浸泡测试第{n}号问题是什么意思？"
            answer = f"这是浸泡测试第{n}号审核解答：它只用于检查发布流程。"
            saved = client.predict("", question, "", answer, "", "", "", "全部", api_name="/save")
            message, *_ = client.predict(saved[1], "", "全部", api_name="/publish")
            if "已发布" not in message:
                stats.error("curator publish failed")
                continue
            made.answers.append((time.time(), question, answer))
            with stats.lock:
                stats.curator_actions += 1
        except Exception as exc:  # a soak records every failure and goes on
            stats.error(f"curator {type(exc).__name__}: {str(exc)[:80]}")


# ---- checks ---------------------------------------------------------------------------------------
def ask(app: App, question: str, patience: float = 120.0) -> dict:
    """One check question. A 503 (every answering slot taken, or the answer budget spent on a machine shared
    with other jobs) is the app saying "busy", not a wrong answer: wait as it asks and try again."""
    deadline = time.monotonic() + patience
    while True:
        r = httpx.post(app.url + "/api/ask", json={"question": question}, timeout=60)
        if r.status_code != 503 or time.monotonic() > deadline:
            r.raise_for_status()
            return r.json()
        time.sleep(float(r.headers.get("Retry-After") or 2))


def stable(answer: dict) -> tuple:
    """What must be identical between two apps over the same data. Whether the flaky LLM wrote an
    answer or it fell back to a quote varies by design, so both count as "composed"."""
    mode = "composed" if answer["mode"] in ("llm", "extractive") else answer["mode"]
    return mode, answer["answer"] if mode == "curated" else "", bool(answer["citations"])


def documents(app: App, cookie: str) -> set[str]:
    result = console(app, cookie).predict("", api_name="/list_docs")
    table = result[0] if isinstance(result, tuple) else result  # the state output is not returned
    rows = table["data"] if isinstance(table, dict) else table
    return {row[1] for row in rows}


def integrity(live: App, restored: App, made: Made, backup_started: float) -> dict[str, object]:
    checks: dict[str, object] = {}
    cookie = login(live)
    titles = documents(live, cookie)
    checks["uploaded articles listed"] = all(t in titles for _, t, _ in made.articles)
    uncited = []
    for _, title, question in made.articles:
        got = ask(live, question)
        if not any(c["title"] == title for c in got["citations"]):
            uncited.append(f"{question} → {got['mode']} {[c['title'] for c in got['citations']]}")
    checks["uploaded articles cited for their question"] = not uncited
    if uncited:
        print("not cited:", *uncited, sep="\n  ", flush=True)
    checks["published answers reach citizens"] = all(ask(live, q)["answer"].startswith(a) or a in ask(live, q)["answer"]
                                                     for _, q, a in made.answers)
    before = [(t, q) for at, t, q in made.articles if at < backup_started]
    answers_before = [(q, a) for at, q, a in made.answers if at < backup_started]
    restored_titles = documents(restored, login(restored))
    checks["restored: articles from before the backup"] = all(t in restored_titles for t, _ in before)
    checks["restored: reviewed answers from before the backup"] = all(a in ask(restored, q)["answer"]
                                                                     for q, a in answers_before)
    same = [stable(ask(live, q)) == stable(ask(restored, q)) for q in FIXED]
    checks["restored: same answers to the fixed questions"] = all(same)
    checks["restored: curator account works"] = bool(login(restored))
    return checks


# ---- the run --------------------------------------------------------------------------------------
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=30.0, help="how long traffic runs (default 30)")
    parser.add_argument("--clients", type=int, default=6, help="citizens asking at once (default 6)")
    parser.add_argument("--embedder", choices=["default", "hash"], default="default")
    parser.add_argument("--curator-every", type=float, default=30.0, help="seconds between curator rounds")
    parser.add_argument("--llm-fail-every", type=int, default=5, help="every N-th LLM call fails (0 = never)")
    parser.add_argument("--sample", type=float, default=10.0, help="seconds between memory samples")
    parser.add_argument("--max-growth-mb", type=float, default=150.0,
                        help="allowed growth of resident memory from the first to the last fifth of the run")
    parser.add_argument("--work", type=Path, default=None, help="working directory (default: a new temp dir)")
    parser.add_argument("--json", type=Path, default=None, help="also write the report as JSON here")
    args = parser.parse_args()
    duration = args.minutes * 60

    work = args.work or Path(tempfile.mkdtemp(prefix="askscience-soak-"))
    work.mkdir(parents=True, exist_ok=True)
    llm = FlakyLLM(args.llm_fail_every)
    env = base_env(work / "data", args.embedder, llm)
    t0 = time.monotonic()
    built = askscience(env, "starter")
    if built.returncode != 0:
        print(built.stdout, built.stderr, file=sys.stderr)
        return 1
    askscience(env, "accounts", "add", ACCOUNT[0], "--password-stdin", stdin=ACCOUNT[1] + "\n")
    app = start_app(env, work / "app.log")
    print(f"app up after {time.monotonic() - t0:.0f} s; traffic for {args.minutes:g} min", flush=True)

    stats, made, stop = Stats(), Made(), threading.Event()
    memory: list[tuple[float, float]] = []
    threads = [threading.Thread(target=citizen, args=(app, stats, stop, i), daemon=True) for i in range(args.clients)]
    threads.append(threading.Thread(target=curator, args=(app, stats, made, stop, args.curator_every, work),
                                    daemon=True))
    start = time.monotonic()
    for t in threads:
        t.start()
    backup_dir = work / "backup"
    backup: dict[str, object] = {}
    samples = (work / "memory.tsv").open("w", encoding="utf-8")  # kept as they come: a crash loses none
    while (elapsed := time.monotonic() - start) < duration:
        memory.append((elapsed, app.rss_mb()))
        samples.write(f"{elapsed:.0f}\t{memory[-1][1]:.1f}\n")
        samples.flush()
        if not backup and elapsed >= duration / 2:
            backup["started"] = time.time()
            t_b = time.monotonic()
            for _ in range(3):  # an operator reruns a backup that the curator's writes kept from settling
                done = askscience(env, "backup", str(backup_dir))
                if done.returncode == 0 or "没能得到一致的快照" not in done.stdout + done.stderr:
                    break
                time.sleep(2)
            backup.update(ok=done.returncode == 0, seconds=round(time.monotonic() - t_b, 1),
                          output=(done.stdout + done.stderr).strip()[-600:])
            if done.returncode != 0:
                stats.error("backup failed")
            continue
        time.sleep(min(args.sample, max(0.0, duration - elapsed)))
    stop.set()
    for t in threads:
        t.join(timeout=120)
    memory.append((time.monotonic() - start, app.rss_mb()))

    checks: dict[str, object] = {}
    restored = None
    try:
        if backup.get("ok"):
            renv = base_env(work / "restored", args.embedder, None)
            renv.update({k: v for k, v in env.items() if k.startswith("ASKSCI_LLM")})
            done = askscience(renv, "restore", str(backup_dir))
            checks["restore ran"] = done.returncode == 0
            if done.returncode == 0:
                restored = start_app(renv, work / "restored.log")
                checks.update(integrity(app, restored, made, float(backup["started"])))
        else:
            checks["backup ran"] = False
    except Exception as exc:  # a check that crashes is a failed check; the figures are still reported
        checks[f"checks completed ({type(exc).__name__}: {str(exc)[:120]})"] = False
    finally:
        samples.close()
        if restored is not None:
            restored.stop()
        app.stop()
        llm.close()

    lat = sorted(stats.latencies)
    fifth = max(1, len(memory) // 5)
    first = statistics.mean(m for _, m in memory[:fifth])
    last = statistics.mean(m for _, m in memory[-fifth:])
    report = {
        "minutes": args.minutes, "clients": args.clients, "embedder": args.embedder,
        "requests": len(lat), "errors": stats.errors, "busy": stats.busy, "modes": stats.modes,
        "p50_ms": round(lat[len(lat) // 2] * 1000) if lat else None,
        "p95_ms": round(lat[int(len(lat) * 0.95)] * 1000) if lat else None,
        "p99_ms": round(lat[int(len(lat) * 0.99)] * 1000) if lat else None,
        "curator_rounds": stats.curator_actions, "llm_calls": llm.calls, "llm_planned_failures": llm.failures,
        "backup": {k: v for k, v in backup.items() if k != "started"},
        "memory_mb": {"first_fifth": round(first), "last_fifth": round(last), "peak": round(max(m for _, m in memory)),
                      "growth": round(last - first), "bound": args.max_growth_mb,
                      "samples": [(round(t), round(m)) for t, m in memory]},
        "checks": checks,
    }
    ok = not stats.errors and all(checks.values()) and bool(checks) and last - first <= args.max_growth_mb
    report["passed"] = ok
    print(json.dumps({k: v for k, v in report.items() if k != "memory_mb"}, ensure_ascii=False, indent=1))
    print(f"memory MB: first fifth {first:.0f}, last fifth {last:.0f}, peak {report['memory_mb']['peak']}, "
          f"growth {last - first:+.0f} (bound {args.max_growth_mb:g})")
    print("PASSED" if ok else "FAILED")
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    if args.work is None and ok:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
