"""``askscience backup`` and ``askscience restore``: an online snapshot of a data dir, and a new data dir from it.

    askscience backup DIR [--data-dir DATA]             while the app keeps serving
    askscience restore DIR [--data-dir NEW]             NEW (or $ASKSCI_DATA_DIR) must be new or empty

The logic lives in knowledge/backup.py; this module parses arguments, builds the settings once and
prints the summary.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from knowledge.backup import create_backup, restore_backup
from knowledge.errors import AskScienceError
from knowledge.index.embedders import build_embedder
from knowledge.settings import Settings

BACKUP_HELP = ("Write a consistent snapshot of the data dir (curation database, chunks and their embeddings, "
               "uploaded files) into DIR while the app keeps serving. DIR must not exist or be empty.")
RESTORE_HELP = ("Rebuild a NEW, empty data dir (and, when configured, an empty external database or Chroma "
                "collection) from the backup in DIR, then rebuild the keyword index.")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="askscience", description="Back up and restore a data dir.")
    sub = parser.add_subparsers(dest="command", required=True)
    backup = sub.add_parser("backup", help=BACKUP_HELP, description=BACKUP_HELP)
    backup.add_argument("dir", type=Path, help="where to write the backup (a new or empty directory)")
    backup.add_argument("--data-dir", type=Path, default=None,
                        help="the data dir to back up (default: $ASKSCI_DATA_DIR, or ./data)")
    restore = sub.add_parser("restore", help=RESTORE_HELP, description=RESTORE_HELP)
    restore.add_argument("dir", type=Path, help="a directory written by `askscience backup`")
    restore.add_argument("--data-dir", type=Path, default=None,
                         help="the new data dir to create (default: $ASKSCI_DATA_DIR); it must not exist or be "
                              "empty. The embedder settings must be the ones the backup was made with.")
    return parser


def main(argv: list[str] | None = None) -> int:
    """``main(["backup", DIR])`` or ``main(["restore", DIR, "--data-dir", NEW])``; 0 on success, 1 otherwise."""
    args = _parser().parse_args(argv)
    settings = Settings(data_dir=args.data_dir) if args.data_dir is not None else Settings()
    try:
        embedder = build_embedder(settings)
        if args.command == "backup":
            summary = create_backup(settings, embedder, args.dir)
        else:
            summary = restore_backup(settings, embedder, args.dir)
    except AskScienceError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(summary.text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
