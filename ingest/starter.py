"""The shipped starter content: articles (Markdown), curated Q&A (YAML) and the glossary.

``python -m ingest.starter`` (re)loads everything; unchanged articles are not re-embedded.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

from ingest.pipeline import IngestPipeline, IngestReport, Progress
from knowledge.stores.curation import CurationStore


def articles_dir(starter_dir: Path) -> Path:
    return starter_dir / "articles"


def read_qa(starter_dir: Path) -> list[dict]:
    """Every curated Q&A item shipped in ``qa/*.yaml``."""
    items: list[dict] = []
    for path in sorted((starter_dir / "qa").glob("*.yaml")):
        items.extend(yaml.safe_load(path.read_text(encoding="utf-8")) or [])
    return items


def starter_texts(starter_dir: Path, chunk_size: int, chunk_overlap: int) -> dict[tuple[str, str], None]:
    """Every (kind, text) the starter content has embedded: each chunk's context text exactly as the
    pipeline cuts it, each reviewed question and paraphrase (query side), each reviewed answer."""
    from ingest.loaders import load_file
    from ingest.pipeline import chunk_document, discover
    from knowledge.index.vector_pack import PASSAGE, QUERY

    wanted: dict[tuple[str, str], None] = {}
    for path in discover([articles_dir(starter_dir)]):
        for chunk in chunk_document(load_file(path), str(path), "", chunk_size, chunk_overlap):
            wanted[(PASSAGE, chunk.context_text)] = None
    for item in read_qa(starter_dir):
        for phrasing in (item["question"], *item.get("paraphrases", [])):
            wanted[(QUERY, phrasing)] = None
        wanted[(PASSAGE, item["answer"])] = None
    return wanted


def pack_vectors(starter_dir: Path, embedder: object, chunk_size: int, chunk_overlap: int,
                 batch_size: int = 32) -> tuple[Path, int]:
    """Write the starter content's vectors beside it (``starter_vectors.npz``); (path, count)."""
    from knowledge.index.embedders import embed_passages
    from knowledge.index.vector_pack import PACK_NAME, PASSAGE, QUERY, VectorPack, embedder_id

    wanted = list(starter_texts(starter_dir, chunk_size, chunk_overlap))
    passages = [text for kind, text in wanted if kind == PASSAGE]
    queries = [text for kind, text in wanted if kind == QUERY]
    vectors = dict(zip([(PASSAGE, t) for t in passages], embed_passages(embedder, passages, batch_size), strict=True))
    if queries:
        vectors.update(zip([(QUERY, t) for t in queries], embedder.embed_queries(queries), strict=True))  # type: ignore[attr-defined]
    path = starter_dir / PACK_NAME
    VectorPack.write(path, embedder_id(embedder), vectors)
    return path, len(vectors)


def load_starter(starter_dir: Path, pipeline: IngestPipeline, store: CurationStore,
                 progress: Progress | None = None) -> IngestReport:
    """Ingest the articles (pruning removed ones) and publish the shipped Q&A."""
    report = pipeline.run([articles_dir(starter_dir)], prune=True, progress=progress)
    store.answers.upsert_starter(read_qa(starter_dir))
    return report


def main(argv: list[str] | None = None) -> int:
    import argparse

    from ingest.progress import ConsoleProgress
    from ingest.service import build_pipeline
    from knowledge.settings import Settings

    parser = argparse.ArgumentParser(prog="askscience starter", description="Reload the shipped starter articles "
                                     "and reviewed Q&A into the knowledge base.")
    parser.add_argument("--pack-vectors", action="store_true",
                        help="instead, (re)write knowledge/starter_vectors.npz: the starter content embedded by the "
                             "configured embedder, so a first start need not embed it (run after editing content)")
    args = parser.parse_args(argv)
    settings = Settings()
    if args.pack_vectors:
        from knowledge.index.embedders import build_embedder

        path, count = pack_vectors(settings.starter_dir, build_embedder(settings), settings.chunk_size,
                                   settings.chunk_overlap, settings.embedding_batch_size)
        print(f"wrote {path} ({count} vectors)")
        return 0
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    report = load_starter(settings.starter_dir, build_pipeline(settings), CurationStore(settings.db_url),
                          ConsoleProgress())
    print(report.summary_line())
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
