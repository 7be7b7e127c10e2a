"""CPU and wall time per answer, one question at a time in one process, over citizen-style questions.

    ASKSCI_DATA_DIR=DATA .venv/bin/python scripts/bench_cpu_per_answer.py [--n 150] [--threads 1]

CPU time counts every thread of the process (OpenMP workers of the embedder included), so it shows
what one answer costs a loaded server, which wall time on an idle machine does not.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as the web app runs (bot/web/app.py), before numpy loads


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=150, help="questions to ask (default 150)")
    parser.add_argument("--threads", type=int, default=None, help="ASKSCI_EMBEDDING_THREADS for this run")
    parser.add_argument("--questions", type=Path, default=ROOT / "tests" / "data" / "citizen" / "suite.jsonl")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from bot.engine.factory import build_service
    from bot.engine.types import AskOptions
    from knowledge.settings import Settings

    settings = Settings() if args.threads is None else Settings(embedding_threads=args.threads)
    questions = [json.loads(line)["question"] for line in args.questions.read_text(encoding="utf-8").splitlines()
                 if line.strip()][: args.n]
    service = build_service(settings)
    service.kb.tokenizer.warm_up()
    if service.curated is not None:
        service.curated.refresh()
    service.ask("为什么天空是蓝色的？", options=AskOptions(log=False))
    wall, cpu = time.perf_counter(), time.process_time()
    for question in questions:
        service.ask(question, options=AskOptions(log=False))
    n = len(questions)
    print(f"{n} questions, embedding threads {settings.embedding_threads}: "
          f"wall {(time.perf_counter() - wall) / n * 1000:.1f} ms, CPU {(time.process_time() - cpu) / n * 1000:.1f} ms "
          "per answer")
    return 0


if __name__ == "__main__":
    sys.exit(main())
