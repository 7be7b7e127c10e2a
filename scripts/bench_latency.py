"""Answer latency at a given knowledge-base size, and the query-embedding time alone (the floor).

    python scripts/bench_latency.py --corpus C.jsonl --questions Q.jsonl --index-dir DIR [--chunks 5000]

Starts from the dev index that ``python -m bot.cli.eval`` built in ``--index-dir`` (same key), copies it,
and grows the copy to ``--chunks`` chunks with re-filed duplicates of real chunks (their stored
vectors plus a little noise, under new ids and sources), so that Chroma's HNSW index and the BM25
matrix have the target size. Then it asks every question through the answer service (extractive,
curated answers off, no logging) and prints p50/p95 of the whole answer and of the query embedding.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.cli.eval import index_key, read_jsonl
from bot.engine.factory import build_service
from bot.engine.types import AskOptions
from knowledge.index.embedders import build_embedder
from knowledge.settings import Settings
from knowledge.types import Chunk


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--questions", type=Path, required=True)
    parser.add_argument("--index-dir", type=Path, required=True)
    parser.add_argument("--chunks", type=int, default=5000)
    args = parser.parse_args(argv)

    base = Settings()
    embedder = build_embedder(base)
    source_dir = args.index_dir / index_key(args.corpus, base, embedder.name)
    if not (source_dir / "complete").exists():
        print(f"no complete dev index in {source_dir}: run python -m bot.cli.eval first", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="askscience-latency-"))
    try:
        shutil.copytree(source_dir, work / "index")
        settings = base.model_copy(update={"data_dir": work / "index", "chroma_host": None, "curation_db_url": None})
        service = build_service(settings, embedder, with_store=False)
        kb = service.kb
        ids = sorted(kb.vectors.all_metadata())
        rng = np.random.default_rng(0)
        copy = 0
        while kb.count() < args.chunks:
            batch_ids = ids[: min(len(ids), args.chunks - kb.count())]
            originals = kb.vectors.get(batch_ids)
            stored = kb.vectors._call(lambda c: c.get, ids=[o.id for o in originals], include=["embeddings"])
            vectors = {i: np.asarray(v) for i, v in zip(stored["ids"], stored["embeddings"], strict=True)}
            copy += 1
            clones = [Chunk(f"{o.id}-copy{copy}", o.text, f"{o.source}#copy{copy}", o.title, o.heading, o.position,
                            o.doc_hash, o.n_chunks, o.extra) for o in originals]
            noisy = np.stack([vectors[o.id] + rng.normal(0, 0.01, vectors[o.id].shape) for o in originals])
            noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
            kb.write(clones, noisy.astype(np.float32))
        kb.sync_keywords()
        print(f"knowledge base: {kb.count()} chunks", file=sys.stderr)

        questions = [q["question"] for q in read_jsonl(args.questions)]
        options = AskOptions(use_curated=False, log=False)
        service.ask("预热", options=options)
        embed_ms, total_ms = [], []
        for q in questions:
            t0 = time.perf_counter()
            embedder.embed_query(q)
            embed_ms.append((time.perf_counter() - t0) * 1000)
        for q in questions:
            t0 = time.perf_counter()
            service.ask(q, options=options)
            total_ms.append((time.perf_counter() - t0) * 1000)
        print(f"questions={len(questions)} chunks={kb.count()} "
              f"embed_p50_ms={statistics.median(embed_ms):.1f} embed_p95_ms={pct(embed_ms, 0.95):.1f} "
              f"p50_ms={statistics.median(total_ms):.1f} p95_ms={pct(total_ms, 0.95):.1f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
