"""A console progress display for ingestion: one bar for files, one for embedded chunks."""

from __future__ import annotations

import sys

from tqdm import tqdm

from ingest.pipeline import FileResult, Progress
from knowledge import texts


class ConsoleProgress(Progress):
    """tqdm bars on stderr, so the report on stdout stays machine-readable."""

    def __init__(self) -> None:
        self._files: tqdm | None = None
        self._chunks: tqdm | None = None

    def start(self, total_files: int) -> None:
        self._files = tqdm(total=total_files, desc=texts.PROGRESS_FILES, unit="个", file=sys.stderr, position=0)
        self._chunks = tqdm(desc=texts.PROGRESS_CHUNKS, unit="段", file=sys.stderr, position=1)

    def file_done(self, result: FileResult) -> None:
        if self._files is not None and result.status != "pruned":
            self._files.update(1)

    def chunks_embedded(self, n: int) -> None:
        if self._chunks is not None:
            self._chunks.update(n)

    def close(self) -> None:
        for bar in (self._chunks, self._files):
            if bar is not None:
                bar.close()
