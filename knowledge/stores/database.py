"""The curation database: one SQLAlchemy engine (SQLite by default; any SQLAlchemy URL such as
PostgreSQL works the same) and its sessions. The stores in this package each own some of its tables;
they share this engine so that a change and its audit entry are written in one transaction."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from knowledge.errors import StoreError
from knowledge.stores.models import create_schema


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    """WAL lets readers run beside the one writer; NORMAL sync is still crash-safe under WAL."""
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


class Database:
    """Opens (and, additively, migrates) the curation database at ``url``."""

    def __init__(self, url: str) -> None:
        self.url = url
        try:
            sqlite = url.startswith("sqlite")
            file_sqlite = sqlite and url.rstrip("/") != "sqlite:" and ":memory:" not in url
            # a file database: every answering thread and every kept answer logs its question, so the pool is as
            # wide as the web server's threads (SQLite itself still lets one writer in at a time)
            pool = {"pool_size": 8, "max_overflow": 40} if file_sqlite else {}
            self.engine: Engine = create_engine(url, future=True, pool_pre_ping=not sqlite, **pool)
            if sqlite:
                event.listen(self.engine, "connect", _sqlite_pragmas)
            create_schema(self.engine)
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot open the curation database: {exc}") from exc
        self._session = sessionmaker(self.engine, expire_on_commit=False)
        # SQLite lets one writer in at a time and makes the others sleep and retry (1, 2, 5 … 100 ms apart), so
        # under load a question's log write could wait a second with the database idle; the writes made for
        # every question queue on this lock instead. Other engines take concurrent writers themselves.
        self._write_lock: contextlib.AbstractContextManager[object] = (
            threading.RLock() if sqlite else contextlib.nullcontext())

    def session(self) -> Session:
        return self._session()

    @contextlib.contextmanager
    def writing(self) -> Iterator[Session]:
        """A session in a transaction for a short write made on every question (the question log, tickets,
        feedback): committed at the end, rolled back on an error. On SQLite these writers take turns."""
        with self._write_lock, self._session() as s, s.begin():
            yield s
