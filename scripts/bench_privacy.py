"""Time :func:`knowledge.privacy.redact` per question over a few thousand realistic messages.

    python scripts/bench_privacy.py [--messages 4000] [--seed 7]

The messages are built from the shipped reviewed questions, their paraphrases and answers (knowledge/qa/*.yaml):
a question, sometimes with a story around it, and in about half of them one to three pieces of personal data
(phones written in several ways, ID and bank-card numbers, e-mail, addresses, names) put in at random places.
Prints the mean, p50, p99 and maximum time per message for all messages and for those of 400-500 characters.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from knowledge.privacy import redact  # noqa: E402

PERSONAL = (
    "我电话 138 1234 5678", "手机号+86 139-8765-4321", "打１３９１２３４５６７８找我", "座机0571-8888 6666",
    "身份证号 330106198505061234", "卡号6222 0212 3456 7890 123", "邮箱 zhang.san@163.com",
    "住在杭州市西湖区文三路398号3幢2单元501室", "我家在阳光花园小区5栋1203", "我们是李家村五组的",
    "我妈王秀英，今年68岁", "我叫陈小明，", "联系电话 8888 6666", "老身份证330106850506123",
)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def load_texts() -> tuple[list[str], list[str]]:
    questions: list[str] = []
    stories: list[str] = []
    for path in sorted((ROOT / "knowledge" / "qa").glob("*.yaml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            questions.append(item["question"])
            questions.extend(item.get("paraphrases") or [])
            stories.append(item["answer"])
    return questions, stories


def build_messages(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    questions, stories = load_texts()
    messages = []
    for index in range(count):
        parts = [rng.choice(questions)]
        target = 500 if index % 4 == 0 else rng.randint(15, 300)
        while sum(map(len, parts)) < target:
            parts.insert(rng.randrange(len(parts) + 1), rng.choice(stories))
        if rng.random() < 0.5:
            for _ in range(rng.randint(1, 3)):
                parts.insert(rng.randrange(len(parts) + 1), rng.choice(PERSONAL) + "，")
        text = "".join(parts)
        messages.append(text[:500])
    return messages


def summary(label: str, times_us: list[float]) -> str:
    return (f"{label}: {len(times_us)} messages, mean {statistics.fmean(times_us):.1f} µs, "
            f"p50 {pct(times_us, 0.50):.1f} µs, p99 {pct(times_us, 0.99):.1f} µs, max {max(times_us):.1f} µs")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    messages = build_messages(args.messages, args.seed)
    for text in messages[:200]:  # warm up
        redact(text)
    times_us: list[float] = []
    long_us: list[float] = []
    found = 0
    for text in messages:
        started = time.perf_counter_ns()
        result = redact(text)
        elapsed = (time.perf_counter_ns() - started) / 1000
        times_us.append(elapsed)
        if len(text) >= 400:
            long_us.append(elapsed)
        found += bool(result.kinds)
    print(summary("all", times_us))
    if long_us:
        print(summary("400-500 characters", long_us))
    print(f"mean length {statistics.fmean(map(len, messages)):.0f} characters; personal data found in {found}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
