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


def load_starter(starter_dir: Path, pipeline: IngestPipeline, store: CurationStore,
                 progress: Progress | None = None) -> IngestReport:
    """Ingest the articles (pruning removed ones) and publish the shipped Q&A."""
    report = pipeline.run([articles_dir(starter_dir)], prune=True, progress=progress)
    store.upsert_starter(read_qa(starter_dir))
    return report


def main(argv: list[str] | None = None) -> int:
    import argparse

    from ingest.progress import ConsoleProgress
    from ingest.service import build_pipeline
    from knowledge.settings import Settings

    argparse.ArgumentParser(prog="askscience starter", description="Reload the shipped starter articles and "
                            "reviewed Q&A into the knowledge base.").parse_args(argv)
    settings = Settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    report = load_starter(settings.starter_dir, build_pipeline(settings), CurationStore(settings.db_url),
                          ConsoleProgress())
    print(report.summary_line())
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
