"""The ingestion pipeline: discover files, skip unchanged ones, chunk, embed, write, prune.

Crash safety: every file's chunks are upserted in one call under content-hash ids and only then
are its older chunks deleted; a file counts as unchanged only when all of its chunks for the
current content hash are stored. A run interrupted at any point is therefore repaired by the next.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ingest.cleaner import clean_text
from ingest.loaders import SUPPORTED_SUFFIXES, LoadedDocument, load_file
from ingest.splitter import split_text
from knowledge import texts
from knowledge.errors import AskScienceError, IngestError
from knowledge.index.base import KnowledgeBase, SourceState
from knowledge.index.embedders import embed_passages
from knowledge.types import Chunk, chunk_id

PIPELINE_VERSION = "1"


@dataclass
class FileResult:
    """Outcome for one file: status is ingested / unchanged / failed / pruned / held (the screen
    found something a curator must look at first; nothing was written)."""

    path: str
    status: str
    chunks: int = 0
    reason: str = ""
    title: str = ""  # the document's title (ingested or unchanged files)
    content_hash: str = ""  # the pipeline's hash of the file's bytes (see IngestPipeline.content_hash)


@dataclass
class IngestReport:
    results: list[FileResult] = field(default_factory=list)
    total_chunks: int = 0

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def failed(self) -> bool:
        return self.count("failed") > 0

    def summary_line(self) -> str:
        return (
            f"ingested={self.count('ingested')} unchanged={self.count('unchanged')} "
            f"failed={self.count('failed')} chunks={self.total_chunks}"
        )


class Progress:
    """Callbacks the pipeline reports to (a console bar, a web progress bar, or nothing)."""

    def start(self, total_files: int) -> None: ...
    def file_done(self, result: FileResult) -> None: ...
    def chunks_embedded(self, n: int) -> None: ...
    def close(self) -> None: ...


def discover(paths: Iterable[Path]) -> list[Path]:
    """Files named directly, plus supported files found recursively in folders (hidden ones skipped)."""
    found: dict[Path, None] = {}
    for path in paths:
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith(".") and Path(name).suffix.lower() in SUPPORTED_SUFFIXES:
                        found[Path(root, name).resolve()] = None
        else:
            found[path.resolve()] = None
    return list(found)


def chunk_document(doc: LoadedDocument, source: str, doc_hash: str, chunk_size: int, overlap: int) -> list[Chunk]:
    """Clean and split a loaded document into chunks with deterministic ids (duplicates dropped)."""
    cleaned = clean_text(doc.text)
    pieces = split_text(cleaned, chunk_size, overlap)
    if not pieces:
        raise IngestError(texts.INGEST_NO_TEXT_AFTER_CLEAN)
    extra = {k: v for k, v in doc.metadata.items() if k not in {"title", "source"} and v}
    if doc.metadata.get("source"):
        extra["origin"] = doc.metadata["source"]
    extra["article_id"] = Path(source).stem
    unique: dict[str, tuple[str, str]] = {}
    for piece in pieces:
        unique.setdefault(chunk_id(source, piece.text), (piece.text, piece.heading))
    return [
        Chunk(cid, text, source, doc.title, heading, pos, doc_hash, len(unique), extra)
        for pos, (cid, (text, heading)) in enumerate(unique.items())
    ]


@dataclass
class _Pending:
    source: str
    chunks: list[Chunk]
    title: str = ""
    content_hash: str = ""


@dataclass
class _Item:
    """One thing to ingest: its source key, how to read its bytes, how to load them into a document."""

    source: str
    read: Callable[[], bytes]  # may raise OSError
    load: Callable[[bytes], LoadedDocument]  # may raise IngestError
    content_hash: str = ""  # computed by the caller already (uploads): not hashed again
    screen: Callable[[str], str] | None = None  # the document's text → why it is held ("" = go ahead)


class IngestPipeline:
    """Load → clean → split → embed → upsert for a set of files, against one knowledge base."""

    def __init__(
        self, kb: KnowledgeBase, chunk_size: int = 360, chunk_overlap: int = 80, batch_size: int = 32
    ) -> None:
        self.kb = kb
        self.chunk_size = chunk_size
        self.chunk_overlap = chunk_overlap
        self.batch_size = batch_size

    def content_hash(self, data: bytes) -> str:
        """The one hash of a file's content: decides "unchanged" here and "duplicate" for uploads."""
        shape = f"{PIPELINE_VERSION}|{self.chunk_size}|{self.chunk_overlap}".encode()
        return hashlib.sha256(shape + b"\x00" + data).hexdigest()[:24]

    def run(self, paths: Sequence[Path], prune: bool = False, progress: Progress | None = None) -> IngestReport:
        """Ingest files and folders; with ``prune``, drop chunks of files under ``paths`` that are gone."""
        files = discover(paths)
        items = [_Item(str(p), p.read_bytes, lambda data, p=p: load_file(p, data)) for p in files]
        present = {str(p) for p in files}

        def after(states: dict[str, SourceState], report: IngestReport, progress: Progress) -> None:
            if prune:
                self._prune(paths, present, states, report, progress)

        return self._ingest(items, progress or Progress(), after)

    def ingest_files(self, files: Sequence[tuple[Path, bytes, str]], progress: Progress | None = None,
                     screen: Callable[[str], str] | None = None) -> IngestReport:
        """Ingest files already read and hashed by the caller: (path, bytes, content_hash). Nothing is
        read or hashed a second time; each result carries the document's title and hash. ``screen``
        reads each new or changed document's text; when it gives a reason the file is held, not written."""
        items = [_Item(str(path.resolve()), lambda d=data: d, lambda d, p=path: load_file(p, d), digest, screen)
                 for path, data, digest in files]
        return self._ingest(items, progress or Progress())

    def add_documents(self, docs: Sequence[tuple[str, LoadedDocument, str]], progress: Progress | None = None
                      ) -> IngestReport:
        """Ingest already-loaded documents given as (source, document, content used for the hash)."""
        items = [_Item(source, lambda c=content: c.encode(), lambda _data, d=doc: d) for source, doc, content in docs]
        return self._ingest(items, progress or Progress())

    def _ingest(self, items: list[_Item], progress: Progress,
                after: Callable[[dict[str, SourceState], IngestReport, Progress], None] | None = None) -> IngestReport:
        progress.start(len(items))
        report = IngestReport()
        states = self.kb.sources()
        pending: list[_Pending] = []
        pending_chunks = 0
        try:
            for item in items:
                state = states.get(item.source, SourceState())
                try:
                    data = item.read()
                except OSError as exc:
                    reason = texts.INGEST_UNREADABLE.format(detail=exc.strerror or exc)
                    self._record(report, progress, FileResult(item.source, "failed", reason=reason))
                    continue
                doc_hash = item.content_hash or self.content_hash(data)
                if state.complete(doc_hash):
                    self.kb.delete(sorted(state.ids_except(doc_hash)))  # left over from an interrupted run
                    self._record(report, progress, FileResult(item.source, "unchanged", len(state.hashes[doc_hash]),
                                                              title=state.titles.get(doc_hash, ""),
                                                              content_hash=doc_hash))
                    continue
                try:
                    doc = item.load(data)
                    held = item.screen(f"{doc.title}\n{doc.text}") if item.screen is not None else ""
                    if held:
                        self._record(report, progress, FileResult(item.source, "held", reason=held, title=doc.title,
                                                                  content_hash=doc_hash))
                        continue
                    chunks = chunk_document(doc, item.source, doc_hash, self.chunk_size, self.chunk_overlap)
                except IngestError as exc:
                    self._record(report, progress, FileResult(item.source, "failed", reason=str(exc)))
                    continue
                pending.append(_Pending(item.source, chunks, doc.title, doc_hash))
                pending_chunks += len(chunks)
                if pending_chunks >= self.batch_size * 4:
                    self._flush(pending, states, report, progress)
                    pending, pending_chunks = [], 0
            self._flush(pending, states, report, progress)
            if after is not None:
                after(states, report, progress)
        finally:
            self.kb.sync_keywords()
            progress.close()
        report.total_chunks = self.kb.count()
        return report

    @staticmethod
    def _record(report: IngestReport, progress: Progress, result: FileResult) -> None:
        report.results.append(result)
        progress.file_done(result)

    def _flush(self, pending: list[_Pending], states: dict[str, SourceState], report: IngestReport,
               progress: Progress) -> None:
        if not pending:
            return
        all_chunks = [c for p in pending for c in p.chunks]
        try:
            self.kb.check_space(all_chunks)
            vectors = embed_passages(
                self.kb.embedder, [c.context_text for c in all_chunks], self.batch_size, progress.chunks_embedded
            )
        except AskScienceError as exc:
            for p in pending:
                self._record(report, progress, FileResult(p.source, "failed",
                                                          reason=texts.INGEST_STORE_FAILED.format(detail=exc)))
            return
        written = False
        if len(pending) > 1:
            try:  # one write for the whole batch: each store call has a fixed cost (~0.2 s in Chroma)
                self.kb.write(all_chunks, vectors)
                written = True
            except AskScienceError:
                pass  # written file by file below, so one bad file fails alone
        start = 0
        for p in pending:
            source = p.source
            n = len(p.chunks)
            try:
                if not written:
                    self.kb.write(p.chunks, vectors[start : start + n])
                stale = states.get(source, SourceState()).all_ids - {c.id for c in p.chunks}
                self.kb.delete(sorted(stale))
                self._record(report, progress, FileResult(source, "ingested", n, title=p.title,
                                                          content_hash=p.content_hash))
            except AskScienceError as exc:
                self._record(report, progress, FileResult(source, "failed",
                                                          reason=texts.INGEST_STORE_FAILED.format(detail=exc)))
            start += n

    def _prune(self, roots: Sequence[Path], present: set[str], states: dict[str, SourceState],
               report: IngestReport, progress: Progress) -> None:
        prefixes = [str(r.resolve()) for r in roots]
        for source, state in states.items():
            under = any(source == p or source.startswith(p.rstrip(os.sep) + os.sep) for p in prefixes)
            if under and source not in present:
                self.kb.delete(sorted(state.all_ids))
                self._record(report, progress, FileResult(source, "pruned", len(state.all_ids)))
