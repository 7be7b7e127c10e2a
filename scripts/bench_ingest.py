"""Ingestion benchmark: pipeline vs embedder alone, unchanged re-run of 1,000 small files, peak memory.

    .venv/bin/python scripts/bench_ingest.py [--passages 60] [--files 1000]
Prints figures; asserts nothing (see docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest.loaders import load_file  # noqa: E402
from ingest.pipeline import chunk_document  # noqa: E402
from ingest.service import build_pipeline  # noqa: E402
from knowledge.index.embedders import build_embedder, embed_passages  # noqa: E402
from knowledge.settings import Settings  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared/eval/dev/corpus.jsonl")
    parser.add_argument("--passages", type=int, default=60)
    parser.add_argument("--files", type=int, default=1000)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="askbench-"))
    docs = tmp / "docs"
    docs.mkdir()
    with args.corpus.open(encoding="utf-8") as fh:
        for i, line in zip(range(args.passages), fh, strict=False):
            rec = json.loads(line)
            (docs / f"p{i:04d}.txt").write_text(f"{rec['title']}\n\n{rec['text']}\n", encoding="utf-8")
    settings = Settings(_env_file=None, data_dir=tmp / "data")
    embedder = build_embedder(settings)
    embedder.embed_documents(["预热"])

    texts = []
    for path in sorted(docs.iterdir()):
        doc = load_file(path)
        texts += [c.context_text for c in chunk_document(doc, str(path), "x", settings.chunk_size,
                                                         settings.chunk_overlap)]
    t0 = time.perf_counter()
    embed_passages(embedder, texts, settings.embedding_batch_size)
    t_embed = time.perf_counter() - t0

    pipeline = build_pipeline(settings, embedder=embedder)
    t0 = time.perf_counter()
    report = pipeline.run([docs])
    t_pipe = time.perf_counter() - t0
    print(f"embedder alone : {len(texts)} chunks in {t_embed:.1f}s = {len(texts) / t_embed:.2f} chunks/s")
    n = report.total_chunks
    print(f"whole pipeline : {n} chunks in {t_pipe:.1f}s = {n / t_pipe:.2f} chunks/s")
    print(f"pipeline overhead: {100 * (t_pipe - t_embed) / t_embed:.1f}%")

    small = tmp / "small"
    small.mkdir()
    for i in range(args.files):
        (small / f"s{i:04d}.md").write_text(f"# 小文件{i}\n\n这是第{i}个小文件。它只有两句话。\n", encoding="utf-8")
    env_data = tmp / "data-small"
    cli = [sys.executable, "-m", "ingest", str(small), "--quiet"]
    env = {"ASKSCI_DATA_DIR": str(env_data), "PATH": "/usr/bin:/bin"}
    t0 = time.perf_counter()
    subprocess.run(cli, cwd=ROOT, env=env, check=True, capture_output=True)
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    out = subprocess.run(cli, cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    rerun = time.perf_counter() - t0
    print(f"{args.files} small files: first run {first:.1f}s; unchanged re-run {rerun:.2f}s (whole CLI process)")
    print(f"  last line: {out.stdout.strip().splitlines()[-1]}")
    t0 = time.perf_counter()
    again = build_pipeline(settings.model_copy(update={"data_dir": env_data}), embedder=embedder).run([small])
    warm = time.perf_counter() - t0
    print(f"  unchanged re-run inside a warm process: {warm:.2f}s ({again.count('unchanged')} unchanged)")
    print(f"peak memory (this process): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
