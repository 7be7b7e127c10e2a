"""Baseline (d): the plain LangChain tutorial pipeline on the dev set, for docs/benchmarks.md.

RecursiveCharacterTextSplitter (default separators, the tutorial's chunk_size=1000 / overlap=200),
langchain-chroma with the same bundled embedder we use, top-k similarity search. It has no
composer and no no-answer path, so its "answer" is the first 200 characters of the top chunk (what
a user of that pipeline sees before any LLM) and it never declines.

    python scripts/baseline_langchain.py --corpus C.jsonl --questions Q.jsonl [--unanswerable U.jsonl]
                                         [--index-dir DIR] [--k 5]

Prints the same last line as ``python -m bot.cli.eval``.
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import sys
import time
from pathlib import Path

from langchain_chroma import Chroma
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_text_splitters import RecursiveCharacterTextSplitter

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.cli.eval import answer_hit, rank_of, read_jsonl, summary_line
from knowledge.index.embedders import E5Embedder

CHUNK_SIZE, CHUNK_OVERLAP = 1000, 200


class E5Embeddings(Embeddings):
    """LangChain's embeddings interface over the same embedder the project ships."""

    def __init__(self) -> None:
        self._model = E5Embedder()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._model.embed_documents(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self._model.embed_query(text).tolist()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--questions", type=Path, required=True)
    parser.add_argument("--unanswerable", type=Path)
    parser.add_argument("--index-dir", type=Path, default=Path("data/langchain-baseline"))
    parser.add_argument("--k", type=int, default=5)
    args = parser.parse_args(argv)

    key = hashlib.sha256(args.corpus.read_bytes() + f"{CHUNK_SIZE}/{CHUNK_OVERLAP}".encode()).hexdigest()[:16]
    folder = args.index_dir / key
    store = Chroma("baseline", embedding_function=E5Embeddings(), persist_directory=str(folder))
    if not (folder / "complete").exists():
        splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP)
        docs = [Document(r["text"], metadata={"record": r["id"]}) for r in read_jsonl(args.corpus)]
        chunks = splitter.split_documents(docs)
        t0 = time.perf_counter()
        for i in range(0, len(chunks), 64):
            store.add_documents(chunks[i:i + 64])
        (folder / "complete").write_text("ok")
        print(f"index built in {time.perf_counter() - t0:.1f}s ({len(chunks)} chunks)", file=sys.stderr)

    questions = read_jsonl(args.questions)
    r1 = rk = mrr = hit = 0.0
    latencies = []
    for q in questions:
        t0 = time.perf_counter()
        found = store.similarity_search(q["question"], k=10)
        answer = found[0].page_content[:200] if found else ""
        latencies.append((time.perf_counter() - t0) * 1000)
        rank = rank_of(list(dict.fromkeys(d.metadata["record"] for d in found)), q["gold_ids"])
        r1 += rank == 0
        rk += rank is not None and rank < args.k
        mrr += 1 / (rank + 1) if rank is not None else 0.0
        hit += answer_hit(answer, q["answers"])
    n = len(questions) or 1
    lat = sorted(latencies)
    decline = 0.0 if args.unanswerable else None  # the tutorial pipeline always answers
    print(summary_line(r1 / n, rk / n, mrr / n, hit / n, decline, statistics.median(lat),
                       lat[min(len(lat) - 1, int(0.95 * len(lat)))], args.k))
    return 0


if __name__ == "__main__":
    sys.exit(main())
