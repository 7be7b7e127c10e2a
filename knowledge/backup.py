"""Online backup and restore of a data dir, backend-neutral (SQLite or PostgreSQL, embedded Chroma or a server).

A backup is a directory:

    manifest.json          format version, app version, created_at, schema, counts, sha256 of every file
    db/<table>.jsonl       every table of ``knowledge.stores.models``, one JSON object a row, read in ONE
                           transaction (SQLite: a deferred ``BEGIN``, i.e. a WAL snapshot; elsewhere
                           REPEATABLE READ)
    vectors/chunks.jsonl   the Chroma collection: id, document and metadata, one chunk a line
    vectors/embeddings.npy its embeddings (float32), row i belonging to line i of chunks.jsonl
    uploads/...            the curators' uploaded files, copied

The keyword index and caches are derived data and are not kept: a restore rebuilds the keyword index
from the chunks. Chroma's own files are never copied (they cannot be read consistently while the app
writes them); the collection is paged through its API instead. The chunk listing (ids and content
hashes) is taken before and after the whole read; when an ingestion changed it in between, the read
is repeated, so the database and the vectors describe the same moment.

Crash safety: a backup is written under ``DIR/.partial`` and moved up file by file, ``manifest.json``
last, so a directory without a manifest is never mistaken for a backup. A restore writes into a
staging directory beside the target and renames it into place when everything is in; on any failure
the staging directory (and whatever was written to an external database or Chroma server) is removed.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import numpy as np
from sqlalchemy import Column, Integer, Table, create_engine, event, func, inspect, select, text
from sqlalchemy.engine import Connection, Engine, make_url

from knowledge import texts
from knowledge.errors import AskScienceError
from knowledge.index.base import KnowledgeBase
from knowledge.index.embedders import Embedder
from knowledge.index.vector_store import (
    MAX_BATCH,
    ChromaVectorStore,
    collection_name,
    collection_names,
    drop_collection,
    make_client,
    open_existing,
)
from knowledge.settings import Settings
from knowledge.stores.models import Base, CuratedAnswerRow, CuratorRow, QuestionLogRow, create_schema
from knowledge.types import chunk_id

FORMAT = "askscience-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
PARTIAL = ".partial"
DB_DIR = "db"
VECTORS_DIR = "vectors"
CHUNKS_FILE = f"{VECTORS_DIR}/chunks.jsonl"
EMBEDDINGS_FILE = f"{VECTORS_DIR}/embeddings.npy"
UPLOADS_DIR = "uploads"
OUR_ENTRIES = frozenset({MANIFEST, PARTIAL, DB_DIR, VECTORS_DIR, UPLOADS_DIR})
PAGE = 1000  # chunks per Chroma read while paging
ROW_BATCH = 1000  # rows per INSERT while restoring
SNAPSHOT_ATTEMPTS = 3


class BackupError(AskScienceError):
    """A backup or restore was refused or failed; the message (Chinese) says what to do."""


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    rows: dict[str, int]
    chunks: int
    uploads: int
    bytes: int
    seconds: float
    attempts: int

    def text(self) -> str:
        return texts.BACKUP_DONE.format(path=self.path, **_count_fields(self.rows), chunks=self.chunks,
                                        uploads=self.uploads, mb=self.bytes / 2**20, seconds=self.seconds)


@dataclass(frozen=True)
class RestoreSummary:
    data_dir: Path
    rows: dict[str, int]
    chunks: int
    uploads: int
    seconds: float
    created_at: str

    def text(self) -> str:
        return texts.RESTORE_DONE.format(path=self.data_dir, **_count_fields(self.rows), chunks=self.chunks,
                                         uploads=self.uploads, seconds=self.seconds, created_at=self.created_at)


def _count_fields(rows: dict[str, int]) -> dict[str, int]:
    return {"tables": len(rows), "rows": sum(rows.values()), "curated": rows.get(CuratedAnswerRow.__tablename__, 0),
            "questions": rows.get(QuestionLogRow.__tablename__, 0), "accounts": rows.get(CuratorRow.__tablename__, 0)}


# ---- files ------------------------------------------------------------------------------------------

def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    elif path.exists() or path.is_symlink():
        path.unlink(missing_ok=True)


def _app_version() -> str:
    try:
        return version("askscience")
    except PackageNotFoundError:
        return "unknown"


# ---- database ---------------------------------------------------------------------------------------

def _sqlite_snapshot_connect(dbapi_connection: object, _record: object) -> None:
    dbapi_connection.isolation_level = None  # type: ignore[attr-defined]  # we issue BEGIN ourselves
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA query_only=1")  # a backup never writes to the live database
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN")  # deferred: the first read fixes the snapshot every later read sees


@contextmanager
def _snapshot(url: str) -> Iterator[Connection]:
    """A connection inside one read transaction that sees a single moment of the database."""
    engine = create_engine(url)
    try:
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_snapshot_connect)
            event.listen(engine, "begin", _sqlite_begin)
            with engine.connect() as conn, conn.begin():
                yield conn
        else:
            with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn, conn.begin():
                yield conn
    finally:
        engine.dispose()


def _python_type(column: Column) -> type | None:
    try:
        return column.type.python_type
    except NotImplementedError:
        return None


def _encode(value: object, kind: type | None) -> object:
    if value is None:
        return None
    if kind is dt.datetime:
        return value.isoformat()  # type: ignore[attr-defined]
    if kind is bytes:
        return base64.b64encode(bytes(value)).decode("ascii")  # type: ignore[arg-type]
    return value


def _decode(value: object, kind: type | None) -> object:
    if value is None:
        return None
    if kind is dt.datetime:
        return dt.datetime.fromisoformat(str(value))
    if kind is bytes:
        return base64.b64decode(str(value))
    return value


def schema_description() -> dict[str, dict[str, str]]:
    """Every table of the models with its columns and their SQL types (as written to the manifest)."""
    return {t.name: {c.name: str(c.type) for c in t.columns} for t in Base.metadata.sorted_tables}


def _dump_tables(url: str, folder: Path) -> dict[str, int]:
    """Write every model table as JSON lines, all read in one transaction; rows per table."""
    folder.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    with _snapshot(url) as conn:
        present = set(inspect(conn).get_table_names())
        for table in Base.metadata.sorted_tables:
            counts[table.name] = 0
            path = folder / f"{table.name}.jsonl"
            with path.open("w", encoding="utf-8") as fh:
                if table.name in present:
                    counts[table.name] = _dump_table(conn, table, fh)
                fh.flush()
                os.fsync(fh.fileno())
    return counts


def _dump_table(conn: Connection, table: Table, fh) -> int:
    existing = {c["name"] for c in inspect(conn).get_columns(table.name)}
    columns = [c for c in table.columns if c.name in existing]  # an older database may lack a new column
    kinds = {c.name: _python_type(c) for c in columns}
    order = list(table.primary_key.columns) or columns
    result = conn.execution_options(stream_results=True, yield_per=ROW_BATCH).execute(
        select(*columns).order_by(*order))
    n = 0
    for row in result.mappings():
        record = {name: _encode(value, kinds[name]) for name, value in row.items()}
        fh.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
        n += 1
    return n


def _read_jsonl(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def _target_engine(url: str) -> Engine:
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_busy_timeout)
    return engine


def _sqlite_busy_timeout(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _load_tables(url: str, source: Path, manifest: dict, relocate: Callable[[str], str],
                 undo: list[Callable[[], None]]) -> dict[str, int]:
    """Insert every table's rows into an empty database created from the models, in one transaction."""
    engine = _target_engine(url)
    try:
        had_tables = bool(set(inspect(engine).get_table_names()) & set(Base.metadata.tables))
        create_schema(engine)
        if not had_tables:
            undo.append(lambda: _drop_schema(url))
        counts: dict[str, int] = {}
        with engine.begin() as conn:
            for table in Base.metadata.sorted_tables:
                rows = conn.execute(select(func.count()).select_from(table)).scalar_one()
                if rows:
                    raise BackupError(texts.RESTORE_DB_NOT_EMPTY.format(table=table.name, rows=rows))
            for table in Base.metadata.sorted_tables:
                info = manifest["tables"].get(table.name)
                counts[table.name] = _load_table(conn, table, source, info, relocate) if info else 0
            if engine.dialect.name == "postgresql":
                _reset_sequences(conn)
        return counts
    finally:
        engine.dispose()


def _load_table(conn: Connection, table: Table, source: Path, info: dict, relocate: Callable[[str], str]) -> int:
    kinds = {c.name: _python_type(c) for c in table.columns}
    paths = {"source", "stored_path"} if table.name == "documents" else set()
    batch: list[dict] = []
    n = 0
    for record in _read_jsonl(source / info["file"]):
        row = {name: _decode(value, kinds[name]) for name, value in record.items()}
        for name in paths & row.keys():
            row[name] = relocate(row[name]) if row[name] else row[name]
        batch.append(row)
        n += 1
        if len(batch) >= ROW_BATCH:
            conn.execute(table.insert(), batch)
            batch = []
    if batch:
        conn.execute(table.insert(), batch)
    if n != info["rows"]:
        raise BackupError(texts.RESTORE_COUNT_MISMATCH.format(name=info["file"], found=n, expected=info["rows"]))
    return n


def _reset_sequences(conn: Connection) -> None:
    """After inserting explicit ids, move each serial column's sequence past the largest id."""
    quote = conn.dialect.identifier_preparer.quote
    for table in Base.metadata.sorted_tables:
        keys = list(table.primary_key.columns)
        if len(keys) != 1 or not isinstance(keys[0].type, Integer):
            continue
        name, column = quote(table.name), quote(keys[0].name)
        conn.execute(text(f"SELECT setval(pg_get_serial_sequence(:table, :column), COALESCE(MAX({column}), 1), "
                          f"MAX({column}) IS NOT NULL) FROM {name}"), {"table": table.name, "column": keys[0].name})


def _drop_schema(url: str) -> None:
    engine = _target_engine(url)
    try:
        Base.metadata.drop_all(engine)
    finally:
        engine.dispose()


# ---- vectors ----------------------------------------------------------------------------------------

@dataclass
class _Listing:
    """The chunk ids and their content hashes: what changes when a file is ingested, retired or deleted."""

    entries: list[str] = field(default_factory=list)

    def add(self, cid: str, meta: dict | None) -> None:
        meta = meta or {}
        self.entries.append(f"{cid}\x00{meta.get('doc_hash', '')}\x00{meta.get('n_chunks', '')}")

    def hexdigest(self) -> str:
        digest = hashlib.sha256()
        for entry in sorted(self.entries):
            digest.update(entry.encode() + b"\n")
        return digest.hexdigest()

    def __len__(self) -> int:
        return len(self.entries)


def _refuse_other_spaces(client, settings: Settings, name: str, space: str) -> None:
    """No collection for this embedder, but some for others: the backup runs with the wrong settings."""
    prefix = collection_name(settings, _Named(""))  # "askscience-": the rule with an empty embedder name
    others = sorted(n for n in collection_names(client) if n.startswith(prefix))
    if others:
        raise BackupError(texts.BACKUP_OTHER_EMBEDDER.format(space=space, name=name, found="、".join(others)))


@dataclass(frozen=True)
class _Named:
    name: str


def _listing(store: ChromaVectorStore | None) -> _Listing:
    listing = _Listing()
    if store is None:
        return listing
    for ids, _docs, metas, _vectors in store.pages(embeddings=False, size=PAGE):
        for cid, meta in zip(ids, metas, strict=True):
            listing.add(cid, meta)
    return listing


def _dump_vectors(store: ChromaVectorStore | None, folder: Path) -> tuple[_Listing, int]:
    """Page through the collection into chunks.jsonl and embeddings.npy; (what was read, dimension)."""
    folder.mkdir(parents=True, exist_ok=True)
    listing = _Listing()
    dim = 0
    raw = folder / "embeddings.raw"
    with (folder / "chunks.jsonl").open("w", encoding="utf-8") as chunks, raw.open("wb") as vectors:
        for ids, docs, metas, matrix in (store.pages(embeddings=True, size=PAGE) if store is not None else ()):
            if not ids or matrix is None or docs is None:
                continue
            dim = dim or matrix.shape[1]
            vectors.write(matrix.tobytes())
            for cid, doc, meta in zip(ids, docs, metas, strict=True):
                listing.add(cid, meta)
                chunks.write(json.dumps({"id": cid, "document": doc, "metadata": meta}, ensure_ascii=False,
                                        separators=(",", ":")) + "\n")
        for fh in (chunks, vectors):
            fh.flush()
            os.fsync(fh.fileno())
    _raw_to_npy(raw, folder / "embeddings.npy", len(listing), dim)
    return listing, dim


def _raw_to_npy(raw: Path, target: Path, rows: int, dim: int) -> None:
    with target.open("wb") as out, raw.open("rb") as src:
        np.lib.format.write_array_header_1_0(out, {"descr": "<f4", "fortran_order": False, "shape": (rows, dim)})
        shutil.copyfileobj(src, out, 1 << 20)
        out.flush()
        os.fsync(out.fileno())
    raw.unlink()


def _load_vectors(settings: Settings, embedder: Embedder, source: Path, manifest: dict,
                  relocate: Callable[[str], str], undo: list[Callable[[], None]]) -> int:
    """Upsert the backed-up chunks, exactly as they were (metadata, embeddings), into the collection
    the settings and the embedder name; uploaded files' sources are moved to the new data dir."""
    info = manifest["vectors"]
    name = collection_name(settings, embedder)
    matrix = np.load(source / EMBEDDINGS_FILE, mmap_mode="r", allow_pickle=False)
    if matrix.shape[0] != info["count"]:
        raise BackupError(texts.RESTORE_COUNT_MISMATCH.format(name=EMBEDDINGS_FILE, found=matrix.shape[0],
                                                              expected=info["count"]))
    client = make_client(settings)
    try:
        existing = open_existing(client, name, embedder)
        if existing is not None and existing.count():
            raise BackupError(texts.RESTORE_COLLECTION_NOT_EMPTY.format(name=name, count=existing.count()))
        if existing is None and settings.chroma_host:
            undo.append(lambda: _delete_collection(settings, name))
        collection = existing or ChromaVectorStore(client, name, embedder)  # created exactly as the app does
        n = 0
        for batch in _batches(_read_jsonl(source / CHUNKS_FILE), MAX_BATCH):
            if n + len(batch) > info["count"]:  # more lines than embeddings: stop before slicing past the end
                n += len(batch)
                break
            batch = [_relocated_chunk(r, relocate) for r in batch]
            collection.put([r["id"] for r in batch], [r["document"] for r in batch], [r["metadata"] for r in batch],
                           np.asarray(matrix[n : n + len(batch)], dtype=np.float32))
            n += len(batch)
        if n != info["count"]:
            lines = sum(1 for _ in _read_jsonl(source / CHUNKS_FILE))
            raise BackupError(texts.RESTORE_COUNT_MISMATCH.format(name=CHUNKS_FILE, found=lines,
                                                                  expected=info["count"]))
        stored = collection.count()
        if stored != n:
            raise BackupError(texts.RESTORE_COUNT_MISMATCH.format(name=name, found=stored, expected=n))
        return n
    finally:
        client.close()


def _batches(items: Iterator[dict], size: int) -> Iterator[list[dict]]:
    batch: list[dict] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _relocated_chunk(record: dict, relocate: Callable[[str], str]) -> dict:
    """A chunk of an uploaded file gets its new path as source, and the id the pipeline would give it there."""
    meta = dict(record.get("metadata") or {})
    old = str(meta.get("source", ""))
    new = relocate(old)
    cid = record["id"]
    if new != old:
        meta["source"] = new
        if record.get("document") is not None and chunk_id(old, record["document"]) == cid:
            cid = chunk_id(new, record["document"])
    return {"id": cid, "document": record.get("document"), "metadata": meta or None}


def _delete_collection(settings: Settings, name: str) -> None:
    client = make_client(settings)
    try:
        drop_collection(client, name)
    finally:
        client.close()


def _relocator(old_root: str, new_root: str) -> Callable[[str], str]:
    """Map a path under the old upload folder to the same path under the new one; others unchanged."""
    def relocate(path: str) -> str:
        if old_root and old_root != new_root and (path == old_root or path.startswith(old_root + os.sep)):
            return new_root + path[len(old_root):]
        return path

    return relocate


# ---- uploads ----------------------------------------------------------------------------------------

def _copy_tree(src: Path, dst: Path) -> int:
    """Copy every regular file under src (not the upload service's ``.name.part`` temporaries)."""
    dst.mkdir(parents=True, exist_ok=True)
    n = 0
    if not src.is_dir():
        return n
    for path in _files_under(src):
        if path.name.startswith(".") and path.name.endswith(".part"):
            continue
        target = dst / path.relative_to(src)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
        n += 1
    return n


def _restore_uploads(source: Path, files: dict[str, dict], dst: Path) -> int:
    """Copy back the uploaded files the manifest lists (and verified), nothing else found in the folder."""
    dst.mkdir(parents=True, exist_ok=True)
    n = 0
    for name in sorted(files):
        if name.startswith(UPLOADS_DIR + "/"):
            target = dst / name[len(UPLOADS_DIR) + 1 :]
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / name, target)
            n += 1
    return n


# ---- backup -----------------------------------------------------------------------------------------

def _prepare_backup_dir(target: Path) -> Path:
    """Refuse to touch an existing backup or foreign files; clear what a crashed run left; the partial dir."""
    if (target / MANIFEST).exists():
        raise BackupError(texts.BACKUP_TARGET_EXISTS.format(path=target))
    if target.exists():
        if not target.is_dir():
            raise BackupError(texts.BACKUP_TARGET_NOT_EMPTY.format(path=target))
        entries = {p.name for p in target.iterdir()}
        if entries - OUR_ENTRIES:
            raise BackupError(texts.BACKUP_TARGET_NOT_EMPTY.format(path=target))
        for name in entries:  # no manifest: the leftovers of an interrupted backup
            _remove(target / name)
    partial = target / PARTIAL
    partial.mkdir(parents=True)
    return partial


def _publish_backup(partial: Path, target: Path) -> None:
    """Move the finished parts up, the manifest last: only then does the directory look like a backup."""
    for entry in sorted(partial.iterdir()):
        if entry.name != MANIFEST:
            os.replace(entry, target / entry.name)
    _fsync(target)
    os.replace(partial / MANIFEST, target / MANIFEST)
    partial.rmdir()
    _fsync(target)


def _check_source(settings: Settings) -> None:
    if settings.curation_db_url is None and not (settings.data_dir / "curation.sqlite3").is_file():
        raise BackupError(texts.BACKUP_NO_DATA.format(path=settings.data_dir.resolve()))


def create_backup(settings: Settings, embedder: Embedder, target: Path,
                  attempts: int = SNAPSHOT_ATTEMPTS) -> BackupSummary:
    """Write a consistent snapshot of the data dir the settings describe into ``target`` (which must
    not exist, or be empty) while the app keeps serving. Only ``embedder.name`` is used: it names the
    collection (see :func:`collection_name`)."""
    started = time.monotonic()
    target = target.expanduser().resolve()
    _check_source(settings)
    partial = _prepare_backup_dir(target)
    try:
        name = collection_name(settings, embedder)
        client = make_client(settings)
        try:
            collection = open_existing(client, name, embedder)
            if collection is None:
                _refuse_other_spaces(client, settings, name, embedder.name)
            used = 0
            while used < attempts:
                used += 1
                for part in (DB_DIR, VECTORS_DIR, UPLOADS_DIR):
                    _remove(partial / part)
                before = _listing(collection)
                exported, dim = _dump_vectors(collection, partial / VECTORS_DIR)
                rows = _dump_tables(settings.db_url, partial / DB_DIR)
                uploads = _copy_tree(settings.upload_dir, partial / UPLOADS_DIR)
                after = _listing(collection)
                if before.hexdigest() == exported.hexdigest() == after.hexdigest():
                    break
            else:
                raise BackupError(texts.BACKUP_UNSTABLE.format(attempts=attempts))
        finally:
            client.close()
        files = {str(p.relative_to(partial)): {"sha256": _sha256(p), "bytes": p.stat().st_size}
                 for p in _files_under(partial)}
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "app_version": _app_version(),
            "created_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "source": {"data_dir": str(settings.data_dir.resolve()), "upload_dir": str(settings.upload_dir.resolve()),
                       "database": make_url(settings.db_url).get_backend_name(),
                       "chroma": "server" if settings.chroma_host else "embedded"},
            "schema": schema_description(),
            "tables": {t: {"file": f"{DB_DIR}/{t}.jsonl", "rows": n} for t, n in rows.items()},
            "vectors": {"collection": name, "space": embedder.name, "dim": dim, "count": len(exported),
                        "listing_sha256": exported.hexdigest(), "chunks_file": CHUNKS_FILE,
                        "embeddings_file": EMBEDDINGS_FILE},
            "uploads": uploads,
            "files": files,
        }
        with (partial / MANIFEST).open("w", encoding="utf-8") as fh:
            json.dump(manifest, fh, ensure_ascii=False, indent=1)
            fh.flush()
            os.fsync(fh.fileno())
        _publish_backup(partial, target)
    except BaseException as exc:
        for entry in OUR_ENTRIES:
            _remove(target / entry)
        if isinstance(exc, BackupError) or not isinstance(exc, Exception):
            raise  # a refusal says what to do itself; an interrupt stays an interrupt
        raise BackupError(texts.BACKUP_FAILED.format(detail=exc)) from exc
    total = sum(f["bytes"] for f in files.values())
    return BackupSummary(target, rows, len(exported), uploads, total, time.monotonic() - started, used)


# ---- restore ----------------------------------------------------------------------------------------

def verify_backup(source: Path) -> dict:
    """The manifest of a complete, untouched backup; a BackupError for anything else."""
    source = source.expanduser().resolve()
    path = source / MANIFEST
    if not path.is_file():
        missing = texts.RESTORE_INCOMPLETE if (source / PARTIAL).exists() else texts.RESTORE_NOT_A_BACKUP
        raise BackupError(missing.format(path=source))
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        if manifest.get("format") != FORMAT:
            raise ValueError(f"format is {manifest.get('format')!r}")
        found = int(manifest["format_version"])
        files = dict(manifest["files"])
        absent = [key for key in ("tables", "vectors", "source", "schema", "created_at") if key not in manifest]
        if absent:
            raise KeyError(", ".join(absent))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BackupError(texts.RESTORE_BAD_MANIFEST.format(detail=exc)) from exc
    if found > FORMAT_VERSION:
        raise BackupError(texts.RESTORE_NEWER_FORMAT.format(found=found, supported=FORMAT_VERSION))
    needed = {info["file"] for info in manifest["tables"].values()} | {CHUNKS_FILE, EMBEDDINGS_FILE}
    missing = sorted(needed - files.keys())
    if missing:
        raise BackupError(texts.RESTORE_MISSING_FILE.format(name=missing[0]))
    for name, info in sorted(files.items()):
        file = source / name
        if not file.resolve().is_relative_to(source):
            raise BackupError(texts.RESTORE_BAD_MANIFEST.format(detail=name))
        if not file.is_file():
            raise BackupError(texts.RESTORE_MISSING_FILE.format(name=name))
        if file.stat().st_size != info.get("bytes") or _sha256(file) != info.get("sha256"):
            raise BackupError(texts.RESTORE_TAMPERED.format(name=name))
    return manifest


def _check_compatible(manifest: dict, embedder: Embedder) -> None:
    space = manifest["vectors"]["space"]
    if manifest["vectors"]["count"] and space != embedder.name:
        raise BackupError(texts.RESTORE_EMBEDDER_MISMATCH.format(backup=space, current=embedder.name))
    known = schema_description()
    for table, columns in manifest["schema"].items():
        unknown = sorted(set(columns) - set(known.get(table, {})))
        if unknown or (table not in known and manifest["tables"].get(table, {}).get("rows")):
            raise BackupError(texts.RESTORE_SCHEMA_MISMATCH.format(table=table, columns=", ".join(unknown) or table))


@dataclass
class _Staging:
    """Where a restore is assembled before it appears at the target in one rename."""

    target: Path
    path: Path
    inside: bool  # the target is a mount point: stage inside it and move the entries up

    @classmethod
    def for_target(cls, target: Path) -> _Staging:
        if target.exists() and os.path.ismount(target):
            return cls(target, target / ".restore-partial", True)
        return cls(target, target.parent / f".{target.name}.restore-partial", False)

    def begin(self) -> None:
        _remove(self.path)  # left by an interrupted restore
        self.path.mkdir(parents=True)

    def publish(self) -> None:
        if self.inside:
            for entry in self.path.iterdir():
                os.replace(entry, self.target / entry.name)
            self.path.rmdir()
        else:
            os.replace(self.path, self.target)  # onto a missing or empty directory, atomically
        _fsync(self.target.parent if not self.inside else self.target)

    def discard(self, published: bool, existed: bool) -> None:
        _remove(self.path)
        if published:
            if existed:
                for entry in self.target.iterdir():
                    _remove(entry)
            else:
                _remove(self.target)


def _check_target_dir(target: Path) -> bool:
    """Whether the (empty) target exists; a BackupError when it holds anything."""
    if not target.exists():
        return False
    if not target.is_dir() or any(p.name != ".restore-partial" for p in target.iterdir()):
        raise BackupError(texts.RESTORE_TARGET_NOT_EMPTY.format(path=target))
    return True


def _check_target_stores(settings: Settings, embedder: Embedder) -> None:
    """Before anything is written: an external database and a Chroma server collection must be empty."""
    if settings.curation_db_url is not None:
        engine = _target_engine(settings.curation_db_url)
        try:
            with engine.connect() as conn:
                present = set(inspect(conn).get_table_names())
                for table in Base.metadata.sorted_tables:
                    if table.name in present:
                        rows = conn.execute(select(func.count()).select_from(table)).scalar_one()
                        if rows:
                            raise BackupError(texts.RESTORE_DB_NOT_EMPTY.format(table=table.name, rows=rows))
        finally:
            engine.dispose()
    if settings.chroma_host:
        name = collection_name(settings, embedder)
        client = make_client(settings)
        try:
            existing = open_existing(client, name, embedder)
            count = existing.count() if existing is not None else 0
        finally:
            client.close()
        if count:
            raise BackupError(texts.RESTORE_COLLECTION_NOT_EMPTY.format(name=name, count=count))


def restore_backup(settings: Settings, embedder: Embedder, source: Path) -> RestoreSummary:
    """Rebuild the EMPTY data dir the settings describe (and its external database or Chroma server
    collection, when configured) from the backup in ``source``; then rebuild the keyword index.
    On failure nothing is left behind at the target."""
    started = time.monotonic()
    manifest = verify_backup(source)
    source = source.expanduser().resolve()
    _check_compatible(manifest, embedder)
    target = settings.data_dir.expanduser().resolve()
    existed = _check_target_dir(target)
    final = settings.model_copy(update={"data_dir": target})
    _check_target_stores(final, embedder)
    staging = _Staging.for_target(target)
    staged = settings.model_copy(update={"data_dir": staging.path})
    relocate = _relocator(manifest["source"].get("upload_dir", ""), str(final.upload_dir))
    undo: list[Callable[[], None]] = []
    published = False
    try:
        staging.begin()
        rows = _load_tables(staged.db_url, source, manifest, relocate, undo)
        chunks = _load_vectors(staged, embedder, source, manifest, relocate, undo)
        uploads = _restore_uploads(source, manifest["files"], staged.upload_dir)
        staging.publish()
        published = True
        kb = KnowledgeBase.open(final, embedder)  # opening syncs the keyword index with the chunks
        if len(kb.keywords) != chunks:
            raise BackupError(texts.RESTORE_COUNT_MISMATCH.format(name="index", found=len(kb.keywords),
                                                                  expected=chunks))
    except BaseException as exc:
        for action in reversed(undo):
            with suppress(Exception):  # best effort: the original failure is the one to report
                action()
        staging.discard(published, existed)
        if isinstance(exc, BackupError) or not isinstance(exc, Exception):
            raise  # a refusal says what to do itself; an interrupt stays an interrupt
        raise BackupError(texts.RESTORE_FAILED.format(detail=exc)) from exc
    return RestoreSummary(target, rows, chunks, uploads, time.monotonic() - started, manifest["created_at"])
