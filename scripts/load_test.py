"""Load test for the JSON API: N concurrent clients POST ``/api/ask`` in a loop for a bounded time.

    python scripts/load_test.py --url http://127.0.0.1:7860 --clients 50 --duration 60 \
        [--url http://127.0.0.1:7861] [--questions FILE] [--distinct] [--warmup 5] [--timeout 30] [--out result.json]

Each client is a thread with its own HTTP connection. It picks a question (from a built-in list of
everyday science questions, a few of which the knowledge base cannot answer, or from FILE, one per
line), posts ``{"question": q, "history": []}``, waits for the JSON and repeats. Several ``--url``
values spread the clients round-robin over them (e.g. two app replicas). Questions are drawn at random,
so they repeat; with ``--distinct`` every question is asked once at most (a shared shuffled pool,
warm-up included), so no cache of any kind can help, and the run ends early when the pool is used up.

The first ``--warmup`` seconds are a warm-up: requests started then are not counted. The measured
window is the ``--duration`` seconds after it; requests still in flight at its end are waited for
(at most ``--timeout``) and counted. An error is a status other than 200, a body that is not a JSON
object with "answer" and "mode", or a request that raised or timed out. Latency percentiles are over
successful requests. The last line is
``load clients=N duration_s=D requests=R errors=E rps=X p50_ms=Y p95_ms=Z``; exit status 1 when any
request failed (or none completed).
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx

DEFAULT_URL = "http://127.0.0.1:7860"
API_PATH = "/api/ask"

# Everyday questions in citizens' words; the last few have no answer in a science knowledge base.
QUESTIONS: tuple[str, ...] = (
    "为什么天空是蓝色的？",
    "隔夜菜还能吃吗？",
    "打雷时能不能打手机？",
    "为啥打雷前会闷热？",
    "彩虹是怎么形成的？",
    "为什么会有四季变化？",
    "月亮为什么有阴晴圆缺？",
    "地震来了应该往哪里躲？",
    "台风和飓风有什么区别？",
    "雾霾天出门要戴什么口罩？",
    "微波炉加热的食物有辐射吗？",
    "发芽的土豆还能吃吗？",
    "酸奶过期一两天还能喝吗？",
    "生鸡蛋比熟鸡蛋更有营养吗？",
    "味精吃多了对身体有害吗？",
    "喝骨头汤能补钙吗？",
    "感冒了需要吃抗生素吗？",
    "发烧时要不要捂汗？",
    "被猫抓伤了要打狂犬疫苗吗？",
    "晚上玩手机会伤眼睛吗？",
    "近视眼能治好吗？",
    "为什么要接种流感疫苗？",
    "高血压的人能喝咖啡吗？",
    "心梗发作时该怎么办？",
    "煤气泄漏了怎么办？",
    "手机充电器一直插着会不会着火？",
    "电动车电池为什么会自燃？",
    "为什么冬天脱毛衣会有静电？",
    "冰箱里的食物能放多久？",
    "为什么海水是咸的？",
    "人为什么会打哈欠？",
    "植物晚上会释放二氧化碳吗？",
    "转基因食品安全吗？",
    "5G 基站有辐射危害吗？",
    "溺水的人应该怎么救？",
    "蚊子为什么喜欢叮某些人？",
    "明天股市会涨吗？",
    "今年的高考作文题目是什么？",
    "哪支球队会赢得下届世界杯？",
    "我家楼下那家饭馆好吃吗？",
)


@dataclass(frozen=True)
class Config:
    urls: tuple[str, ...]
    clients: int
    duration: float
    warmup: float = 0.0
    timeout: float = 30.0
    questions: tuple[str, ...] = QUESTIONS
    seed: int = 0
    distinct: bool = False  # each question at most once over the whole run


class _Pool:
    """The questions of a ``--distinct`` run: each handed out once, in a seeded random order."""

    def __init__(self, questions: Sequence[str], seed: int) -> None:
        self._left = list(dict.fromkeys(questions))
        random.Random(seed).shuffle(self._left)
        self._lock = threading.Lock()

    def take(self) -> str | None:
        with self._lock:
            return self._left.pop() if self._left else None

    @property
    def left(self) -> int:
        with self._lock:
            return len(self._left)


@dataclass(frozen=True)
class Sample:
    """One measured request."""

    url: str
    latency_ms: float
    error: str | None  # None = success, else the error kind
    mode: str | None


@dataclass
class Result:
    clients: int
    duration_s: float
    elapsed_s: float
    samples: list[Sample] = field(default_factory=list)
    warmup_requests: int = 0
    interrupted: bool = False
    exhausted: bool = False  # --distinct: every question was asked before the time was up

    @property
    def requests(self) -> int:
        return len(self.samples)

    @property
    def errors(self) -> int:
        return sum(1 for s in self.samples if s.error is not None)

    @property
    def rps(self) -> float:
        return self.requests / self.elapsed_s if self.elapsed_s > 0 else 0.0

    def latencies(self) -> list[float]:
        return sorted(s.latency_ms for s in self.samples if s.error is None)

    def figures(self) -> dict:
        lat = self.latencies()
        return {
            "clients": self.clients,
            "duration_s": self.duration_s,
            "elapsed_s": round(self.elapsed_s, 3),
            "requests": self.requests,
            "ok": self.requests - self.errors,
            "errors": self.errors,
            "errors_by_kind": dict(Counter(s.error for s in self.samples if s.error is not None).most_common()),
            "rps": round(self.rps, 2),
            "latency_ms": {
                "p50": _round(percentile(lat, 50)),
                "p95": _round(percentile(lat, 95)),
                "p99": _round(percentile(lat, 99)),
                "max": _round(lat[-1] if lat else None),
                "mean": _round(sum(lat) / len(lat) if lat else None),
            },
            "modes": dict(Counter(s.mode for s in self.samples if s.mode is not None).most_common()),
            "per_url": {url: {"requests": n, "errors": sum(1 for s in self.samples if s.url == url and s.error)}
                        for url, n in sorted(Counter(s.url for s in self.samples).items())},
            "warmup_requests": self.warmup_requests,
            "interrupted": self.interrupted,
            "exhausted": self.exhausted,
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def percentile(sorted_values: Sequence[float], pct: float) -> float | None:
    """Linear-interpolated percentile of already sorted values (None when empty)."""
    if not sorted_values:
        return None
    rank = (len(sorted_values) - 1) * pct / 100
    lo, hi = math.floor(rank), math.ceil(rank)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (rank - lo)


def endpoint(url: str) -> str:
    """The ``/api/ask`` URL for a base URL (a URL already ending in /api/ask is kept)."""
    url = url.rstrip("/")
    return url if url.endswith(API_PATH) else url + API_PATH


def ask_once(client: httpx.Client, url: str, question: str) -> tuple[str | None, str | None]:
    """POST one question; return (error kind or None, answer mode or None)."""
    try:
        resp = client.post(url, json={"question": question, "history": []})
    except httpx.TimeoutException:
        return "timeout", None
    except httpx.ConnectError:
        return "connect", None
    except httpx.HTTPError as exc:
        return f"http_error:{type(exc).__name__}", None
    if resp.status_code != 200:
        return f"status_{resp.status_code}", None
    try:
        body = resp.json()
    except ValueError:
        return "bad_json", None
    if not isinstance(body, dict) or "answer" not in body or "mode" not in body:
        return "missing_fields", None
    return None, str(body["mode"])


def _client_loop(index: int, config: Config, measure_from: float, stop_at: float, stop: threading.Event,
                 samples: list[Sample], warmups: list[int], lock: threading.Lock, pool: _Pool | None) -> None:
    url = endpoint(config.urls[index % len(config.urls)])
    rng = random.Random(config.seed * 100_003 + index)
    mine: list[Sample] = []
    warm = 0
    with httpx.Client(timeout=config.timeout) as client:
        while not stop.is_set():
            started = time.monotonic()
            if started >= stop_at:
                break
            question = pool.take() if pool is not None else rng.choice(config.questions)
            if question is None:
                break
            error, mode = ask_once(client, url, question)
            latency_ms = (time.monotonic() - started) * 1000
            if started < measure_from:
                warm += 1
            else:
                mine.append(Sample(url, latency_ms, error, mode))
            if error == "connect":  # do not spin on a refused port
                stop.wait(0.05)
    with lock:
        samples.extend(mine)
        warmups.append(warm)


def run_load(config: Config) -> Result:
    """Run the clients for warm-up + duration seconds and collect the measured requests."""
    if config.clients < 1 or config.duration <= 0 or not config.urls or not config.questions:
        raise ValueError("need clients >= 1, duration > 0, at least one URL and one question")
    samples: list[Sample] = []
    warmups: list[int] = []
    lock = threading.Lock()
    stop = threading.Event()
    start = time.monotonic()
    measure_from = start + max(config.warmup, 0.0)
    stop_at = measure_from + config.duration
    pool = _Pool(config.questions, config.seed) if config.distinct else None
    threads = [
        threading.Thread(target=_client_loop, name=f"load-client-{i}", daemon=True,
                         args=(i, config, measure_from, stop_at, stop, samples, warmups, lock, pool))
        for i in range(config.clients)
    ]
    for t in threads:
        t.start()
    interrupted = False
    try:
        for t in threads:
            while t.is_alive():
                t.join(0.2)
    except KeyboardInterrupt:
        interrupted = True
        stop.set()
        for t in threads:
            t.join(config.timeout + 1)
    elapsed = max(time.monotonic() - measure_from, 1e-9)  # ends early when a --distinct pool runs out
    return Result(config.clients, config.duration, elapsed, samples, sum(warmups), interrupted,
                  exhausted=pool is not None and pool.left == 0)


def report(result: Result) -> str:
    fig = result.figures()
    lat = fig["latency_ms"]

    def ms(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.1f}"

    lines = [
        f"clients: {fig['clients']}   measured: {fig['duration_s']:g} s (elapsed {fig['elapsed_s']:.1f} s)"
        f"   warm-up requests (not counted): {fig['warmup_requests']}",
        f"requests: {fig['requests']}   ok: {fig['ok']}   errors: {fig['errors']}",
    ]
    lines += [f"  error {kind}: {n}" for kind, n in fig["errors_by_kind"].items()]
    lines.append(f"throughput: {fig['rps']:.2f} req/s")
    lines.append(f"latency ms (ok requests): p50 {ms(lat['p50'])}  p95 {ms(lat['p95'])}  p99 {ms(lat['p99'])}"
                 f"  max {ms(lat['max'])}  mean {ms(lat['mean'])}")
    lines.append("modes: " + (", ".join(f"{m}={n}" for m, n in fig["modes"].items()) or "none"))
    if len(fig["per_url"]) > 1:
        lines += [f"  {url}: requests={v['requests']} errors={v['errors']}" for url, v in fig["per_url"].items()]
    if fig["interrupted"]:
        lines.append("interrupted: figures cover the part that ran")
    if fig["exhausted"]:
        lines.append("every question was asked once (--distinct) before the time was up: the run ended early")
    lines.append(
        f"load clients={fig['clients']} duration_s={fig['duration_s']:g} requests={fig['requests']} "
        f"errors={fig['errors']} rps={fig['rps']:.2f} p50_ms={ms(lat['p50'])} p95_ms={ms(lat['p95'])}"
    )
    return "\n".join(lines)


def load_questions(path: Path) -> tuple[str, ...]:
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    return tuple(q for q in (line.strip() for line in lines) if q)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Load test for POST /api/ask (see the module docstring).")
    p.add_argument("--url", action="append", dest="urls", metavar="URL",
                   help=f"app base URL; repeat to spread clients round-robin (default {DEFAULT_URL})")
    p.add_argument("--clients", type=int, default=50, help="concurrent clients (default 50)")
    p.add_argument("--duration", type=float, default=60.0, help="measured seconds (default 60)")
    p.add_argument("--warmup", type=float, default=5.0, help="warm-up seconds before measuring (default 5)")
    p.add_argument("--timeout", type=float, default=30.0, help="per-request timeout in seconds (default 30)")
    p.add_argument("--questions", type=Path, help="UTF-8 file with one question per line")
    p.add_argument("--seed", type=int, default=0, help="seed of the question choice (default 0)")
    p.add_argument("--distinct", action="store_true",
                   help="ask every question at most once (no repeats, so no cache can help)")
    p.add_argument("--out", type=Path, help="write the figures as JSON here")
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.clients < 1 or args.duration <= 0 or args.timeout <= 0 or args.warmup < 0:
        print("error: need --clients >= 1, --duration > 0, --timeout > 0, --warmup >= 0", file=sys.stderr)
        return 2
    questions = QUESTIONS
    if args.questions is not None:
        try:
            questions = load_questions(args.questions)
        except (OSError, UnicodeDecodeError) as exc:
            print(f"error: cannot read {args.questions}: {exc}", file=sys.stderr)
            return 2
        if not questions:
            print(f"error: {args.questions} holds no questions", file=sys.stderr)
            return 2
    config = Config(tuple(args.urls or [DEFAULT_URL]), args.clients, args.duration, args.warmup, args.timeout,
                    questions, args.seed, args.distinct)
    print(f"load test: {config.clients} clients on {', '.join(endpoint(u) for u in config.urls)}; "
          f"{config.warmup:g} s warm-up, {config.duration:g} s measured, {len(questions)} questions"
          + (" (each asked once at most)" if config.distinct else ""), flush=True)
    result = run_load(config)
    print(report(result), flush=True)
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result.figures(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 1 if result.errors > 0 or result.requests == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
