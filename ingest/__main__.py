"""``python -m ingest PATH... [--prune]``: ingest files and folders into the knowledge base."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ingest.progress import ConsoleProgress
from ingest.service import build_pipeline
from knowledge import texts
from knowledge.errors import AskScienceError
from knowledge.settings import Settings

_LABELS = {
    "ingested": texts.REPORT_INGESTED,
    "unchanged": texts.REPORT_UNCHANGED,
    "failed": texts.REPORT_FAILED,
    "pruned": texts.REPORT_PRUNED,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="askscience ingest", description="Ingest files into the AskScience knowledge base."
    )
    parser.add_argument("paths", nargs="+", type=Path, help="files or folders (searched recursively)")
    parser.add_argument("--prune", action="store_true", help="remove chunks of files under PATH that no longer exist")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    missing = [str(p) for p in args.paths if not p.exists()]
    if missing:
        print(f"路径不存在：{'、'.join(missing)}", file=sys.stderr)
        return 2
    settings = Settings()
    try:
        pipeline = build_pipeline(settings)
        report = pipeline.run(args.paths, prune=args.prune, progress=None if args.quiet else ConsoleProgress())
    except AskScienceError as exc:
        print(f"入库失败：{exc}", file=sys.stderr)
        return 2
    for result in report.results:
        line = f"{_LABELS[result.status]}\t{result.path}"
        if result.status in {"ingested", "unchanged"}:
            line += f"\t{result.chunks} {texts.PROGRESS_CHUNKS}"
        if result.reason:
            line += f"\t{result.reason}"
        print(line)
    print(report.summary_line())
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
