"""Evaluation CLI:

    python -m bot.cli.eval --corpus C.jsonl --questions Q.jsonl [--unanswerable U.jsonl]
                       [--index-dir DIR] [--k 5] [--out R.json] [--retrieval hybrid|dense|keyword]

Builds (or reuses) an index of the corpus, asks every question through the answer service and prints
``recall@1=… recall@5=… mrr@10=… answer_hit=… decline_rate=… p50_ms=… p95_ms=…`` as its last line.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import statistics
import sys
import time
from pathlib import Path

from bot.engine.factory import build_service
from bot.engine.service import AnswerService
from bot.engine.types import AskOptions, Mode
from ingest.loaders import LoadedDocument
from ingest.pipeline import PIPELINE_VERSION, IngestPipeline
from knowledge.index.base import KnowledgeBase
from knowledge.index.embedders import build_embedder
from knowledge.normal import fold_key
from knowledge.settings import Settings

_NORM_DROP = re.compile(r"[\s\W_]+", re.UNICODE)


def normalise_answer(text: str) -> str:
    """Width-folded, lower-cased, without whitespace and punctuation (for answer_hit)."""
    return _NORM_DROP.sub("", fold_key(text))


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def index_key(corpus: Path, settings: Settings, embedder_name: str) -> str:
    h = hashlib.sha256(corpus.read_bytes())
    h.update(f"{PIPELINE_VERSION}|{settings.chunk_size}|{settings.chunk_overlap}|{embedder_name}".encode())
    return h.hexdigest()[:16]


def build_index(records: list[dict], kb: KnowledgeBase, settings: Settings) -> None:
    pipeline = IngestPipeline(kb, settings.chunk_size, settings.chunk_overlap, settings.embedding_batch_size)
    docs = [(f"eval:{r['id']}", LoadedDocument(r["text"], r.get("title") or ""), r["text"]) for r in records]
    pipeline.add_documents(docs)


def record_of(chunk_source: str) -> str:
    return chunk_source.removeprefix("eval:")


def rank_of(ranked_records: list[str], gold_ids: list[str], depth: int = 10) -> int | None:
    """0-based rank of the first gold record among the first ``depth`` distinct records, or None."""
    gold = set(gold_ids)
    return next((i for i, rid in enumerate(ranked_records[:depth]) if rid in gold), None)


def answer_hit(text: str, answers: list[str]) -> bool:
    """Does the answer text contain one of the reference answers (normalised)?"""
    got = normalise_answer(text)
    return any(normalise_answer(a) and normalise_answer(a) in got for a in answers)


def summary_line(recall1: float, recall_k: float, mrr: float, hit: float, decline: float | None, p50: float,
                 p95: float, k: int = 5) -> str:
    """The last line every evaluation prints (decline ``None``: no unanswerable set given)."""
    dr = "nan" if decline is None else f"{decline:.3f}"
    return (f"recall@1={recall1:.3f} recall@{k}={recall_k:.3f} mrr@10={mrr:.3f} answer_hit={hit:.3f} "
            f"decline_rate={dr} p50_ms={p50:.1f} p95_ms={p95:.1f}")


def evaluate(service: AnswerService, questions: list[dict], unanswerable: list[dict], k: int) -> dict:
    opts = AskOptions(use_curated=False, log=False)
    r1 = rk = mrr = hit = 0.0
    latencies: list[float] = []
    wrongly_declined = 0
    per_question = []
    for q in questions:
        t0 = time.perf_counter()
        answer = service.ask(q["question"], options=opts)
        latencies.append((time.perf_counter() - t0) * 1000)
        rank = rank_of(list(dict.fromkeys(record_of(s) for s in answer.ranked_sources)), q["gold_ids"])
        r1 += rank == 0
        rk += rank is not None and rank < k
        mrr += 1 / (rank + 1) if rank is not None else 0.0
        ok = answer_hit(answer.text, q["answers"])
        hit += ok
        wrongly_declined += answer.mode == Mode.NO_ANSWER
        per_question.append({"id": q["id"], "rank": rank, "answer_hit": ok, "mode": answer.mode.value,
                             "answer": answer.text})
    declined = 0
    for q in unanswerable:
        t0 = time.perf_counter()
        answer = service.ask(q["question"], options=opts)
        latencies.append((time.perf_counter() - t0) * 1000)
        declined += answer.mode == Mode.NO_ANSWER
    n = len(questions) or 1
    lat = sorted(latencies) or [0.0]
    return {
        "recall@1": r1 / n, f"recall@{k}": rk / n, "mrr@10": mrr / n, "answer_hit": hit / n,
        "decline_rate": declined / len(unanswerable) if unanswerable else float("nan"),
        "wrongly_declined": wrongly_declined / n,
        "p50_ms": statistics.median(lat), "p95_ms": lat[min(len(lat) - 1, int(0.95 * len(lat)))],
        "questions": len(questions), "unanswerable": len(unanswerable), "per_question": per_question,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="askscience eval", description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--questions", type=Path, required=True)
    parser.add_argument("--unanswerable", type=Path)
    parser.add_argument("--index-dir", type=Path, default=Path("data/eval-index"))
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--retrieval", choices=["hybrid", "dense", "keyword"], default="hybrid")
    args = parser.parse_args(argv)

    base = Settings()
    embedder = build_embedder(base)
    key = index_key(args.corpus, base, embedder.name)
    # quality, not abuse, is measured here: no per-question time budget on a busy benchmark machine
    settings = base.model_copy(update={"data_dir": args.index_dir / key, "chroma_host": None,
                                       "curation_db_url": None, "answer_budget_seconds": 3600.0})
    records = read_jsonl(args.corpus)
    questions = read_jsonl(args.questions)
    unanswerable = read_jsonl(args.unanswerable) if args.unanswerable else []
    service = build_service(settings, embedder, with_store=False, retrieval_mode=args.retrieval)
    if service.kb.count() == 0 or not (settings.data_dir / "complete").exists():
        t0 = time.perf_counter()
        build_index(records, service.kb, settings)
        (settings.data_dir / "complete").write_text("ok")
        print(f"index built in {time.perf_counter() - t0:.1f}s ({service.kb.count()} chunks)", file=sys.stderr)
    service.kb.tokenizer.warm_up()
    service.ask("预热", options=AskOptions(use_curated=False, log=False))
    result = evaluate(service, questions, unanswerable, args.k)
    if args.out:
        args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"questions={result['questions']} unanswerable={result['unanswerable']} "
          f"wrongly_declined={result['wrongly_declined']:.3f}")
    print(summary_line(result["recall@1"], result[f"recall@{args.k}"], result["mrr@10"], result["answer_hit"],
                       result["decline_rate"] if unanswerable else None, result["p50_ms"], result["p95_ms"], args.k))
    return 0


if __name__ == "__main__":
    sys.exit(main())
