"""Curator accounts: scrypt-hashed passwords, expiring login sessions, throttled logins.

Sessions live in the curation database (only a hash of each token is stored), so several app
replicas sharing one database accept the same login. The command line is ``askscience accounts``
(bot/cli/accounts.py).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, func, select

from knowledge import texts
from knowledge.stores.audit import record
from knowledge.stores.database import Database
from knowledge.stores.models import CuratorRow, LoginFailureRow, SessionRow, utcnow
from knowledge.types import Role

USERNAME = re.compile(r"^[A-Za-z0-9_.\-]{2,32}$")
MIN_PASSWORD = 8
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


class AccountError(ValueError):
    """A curator-facing account problem (message in Chinese)."""


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, **_SCRYPT)
    return "scrypt${n}${r}${p}$".format(**_SCRYPT) + "$".join(
        base64.b64encode(x).decode() for x in (salt, digest))


def verify_password(password: str, stored: str) -> bool:
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        actual = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
                                dklen=32)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, base64.b64decode(digest))


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# Accounts made before roles existed (and ``accounts add`` without --role) may do what every account could
# then: everything but drafting as an assigned expert.
DEFAULT_ROLES = frozenset({Role.ADMIN, Role.CURATOR, Role.REVIEWER})
TOPIC = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")


def _roles(row: CuratorRow) -> frozenset[Role]:
    if row.roles is None:
        return DEFAULT_ROLES
    return frozenset(Role(r) for r in json.loads(row.roles) if r in Role.__members__.values())


def parse_roles(names: list[str] | tuple[str, ...]) -> frozenset[Role]:
    """Role names as typed (admin, curator, expert, reviewer); an unknown name is an AccountError."""
    out = set()
    for name in names:
        try:
            out.add(Role(name.strip().lower()))
        except ValueError:
            raise AccountError(texts.ACCOUNT_BAD_ROLE.format(role=name, roles="、".join(Role))) from None
    return frozenset(out)


@dataclass(frozen=True)
class AccountInfo:
    username: str
    display_name: str
    active: bool
    roles: frozenset[Role]
    topics: tuple[str, ...]
    created_at: dt.datetime
    has_token: bool


@dataclass(frozen=True)
class LoginResult:
    token: str | None
    message: str = ""


def public_name(db: Database, username: str, organisation: str) -> str:
    """The name citizens may see for a reviewer: the account's display name or the organisation,
    never a login name. Names that are not accounts (editorial bylines of shipped content) are
    shown as written."""
    if not username:
        return ""
    with db.session() as s:
        row = s.get(CuratorRow, username)
    if row is None:
        return username
    return row.display_name or organisation


class Accounts:
    """Create curators, log them in and out, and resolve a session cookie to a curator name."""

    def __init__(self, db: Database, session_hours: float = 8.0, max_failures: int = 5,
                 lockout_minutes: float = 15.0, max_per_address: int = 20, name_ceiling: int = 100,
                 public_reviewer: str = "AskScience 编辑部") -> None:
        self._db = db
        self.session_ttl = dt.timedelta(hours=session_hours)
        self.max_failures = max_failures
        self.lockout = dt.timedelta(minutes=lockout_minutes)
        self.max_per_address = max_per_address
        self.name_ceiling = name_ceiling
        self.public_reviewer = public_reviewer
        self._dummy_hash = hash_password(secrets.token_urlsafe(16))  # unknown names verify against this

    # ---- management ------------------------------------------------------------------------------
    def add(self, username: str, password: str, display_name: str = "", roles: frozenset[Role] | None = None,
            topics: tuple[str, ...] = (), actor: str = "admin-cli") -> None:
        """A new account; without ``roles`` it gets :data:`DEFAULT_ROLES`."""
        if not USERNAME.match(username):
            raise AccountError(texts.ACCOUNT_BAD_NAME)
        if len(password) < MIN_PASSWORD:
            raise AccountError(texts.ACCOUNT_SHORT_PASSWORD.format(n=MIN_PASSWORD))
        roles = DEFAULT_ROLES if roles is None else roles
        if not roles:
            raise AccountError(texts.ACCOUNT_NO_ROLE)
        topics = self._check_topics(topics)
        with self._db.session() as s, s.begin():
            if s.get(CuratorRow, username) is not None:
                raise AccountError(texts.ACCOUNT_EXISTS.format(name=username))
            s.add(CuratorRow(username=username, password_hash=hash_password(password),
                             display_name=display_name.strip()[:64] or None, roles=json.dumps(sorted(roles)),
                             topics=json.dumps(list(topics))))
            record(s, actor, "account.add", username, f"roles={','.join(sorted(roles))}")

    @staticmethod
    def _check_topics(topics: tuple[str, ...] | list[str]) -> tuple[str, ...]:
        clean = tuple(dict.fromkeys(t.strip().lower() for t in topics if t.strip()))
        bad = [t for t in clean if not TOPIC.match(t)]
        if bad:
            raise AccountError(texts.ACCOUNT_BAD_TOPIC.format(topic=bad[0]))
        return clean

    def _existing(self, s: object, username: str) -> CuratorRow:
        row = s.get(CuratorRow, username)  # type: ignore[attr-defined]
        if row is None:
            raise AccountError(texts.ACCOUNT_MISSING.format(name=username))
        return row

    def set_roles(self, username: str, roles: frozenset[Role], actor: str = "admin-cli") -> None:
        """Replace an account's roles (at least one). Sessions stay: every action re-reads the roles."""
        if not roles:
            raise AccountError(texts.ACCOUNT_NO_ROLE)
        with self._db.session() as s, s.begin():
            row = self._existing(s, username)
            if Role.ADMIN in _roles(row) and Role.ADMIN not in roles and self._admins(s) <= 1:
                raise AccountError(texts.ACCOUNT_LAST_ADMIN)
            before = ",".join(sorted(_roles(row)))
            row.roles = json.dumps(sorted(roles))
            record(s, actor, "account.roles", username, f"{before} → {','.join(sorted(roles))}")

    def _admins(self, s: object) -> int:
        rows = s.scalars(select(CuratorRow).where(CuratorRow.active.is_(True)))  # type: ignore[attr-defined]
        return sum(1 for r in rows if Role.ADMIN in _roles(r))

    def set_topics(self, username: str, topics: tuple[str, ...] | list[str], actor: str = "admin-cli") -> None:
        """The topics (article categories such as health, weather) an expert answers."""
        clean = self._check_topics(topics)
        with self._db.session() as s, s.begin():
            row = self._existing(s, username)
            row.topics = json.dumps(list(clean))
            record(s, actor, "account.topics", username, ",".join(clean))

    def roles_of(self, username: str | None) -> frozenset[Role]:
        """The roles of an active account; none for an unknown or disabled one."""
        if not username:
            return frozenset()
        with self._db.session() as s:
            row = s.get(CuratorRow, username)
            return _roles(row) if row is not None and row.active else frozenset()

    def info(self, username: str) -> AccountInfo | None:
        with self._db.session() as s:
            row = s.get(CuratorRow, username)
            return self._info(row) if row is not None else None

    @staticmethod
    def _info(r: CuratorRow) -> AccountInfo:
        return AccountInfo(r.username, r.display_name or "", r.active, _roles(r), tuple(json.loads(r.topics or "[]")),
                           r.created_at, bool(r.api_token_hash))

    def all(self) -> list[AccountInfo]:
        with self._db.session() as s:
            return [self._info(r) for r in s.scalars(select(CuratorRow).order_by(CuratorRow.username))]

    def experts(self, topic: str = "") -> list[AccountInfo]:
        """Active experts, those who answer ``topic`` first."""
        found = [a for a in self.all() if a.active and Role.EXPERT in a.roles]
        return sorted(found, key=lambda a: (topic not in a.topics if topic else False, a.username))

    def issue_token(self, username: str, actor: str = "admin-cli") -> str:
        """A new API token for the curation JSON API (the old one stops working); shown once, stored hashed."""
        token = "ask_" + secrets.token_urlsafe(32)
        with self._db.session() as s, s.begin():
            row = self._existing(s, username)
            row.api_token_hash = _token_hash(token)
            record(s, actor, "account.token", username)
        return token

    def user_for_api_token(self, token: str | None) -> str | None:
        if not token or len(token) > 200 or not token.startswith("ask_"):
            return None
        with self._db.session() as s:
            row = s.scalars(select(CuratorRow).where(CuratorRow.api_token_hash == _token_hash(token))).first()
            return row.username if row is not None and row.active else None

    def set_password(self, username: str, password: str) -> None:
        if len(password) < MIN_PASSWORD:
            raise AccountError(texts.ACCOUNT_SHORT_PASSWORD.format(n=MIN_PASSWORD))
        with self._db.session() as s, s.begin():
            row = s.get(CuratorRow, username)
            if row is None:
                raise AccountError(texts.ACCOUNT_MISSING.format(name=username))
            row.password_hash = hash_password(password)
            s.execute(delete(SessionRow).where(SessionRow.username == username))
            record(s, "admin-cli", "account.password", username)

    def set_active(self, username: str, active: bool, actor: str = "admin-cli") -> None:
        with self._db.session() as s, s.begin():
            row = s.get(CuratorRow, username)
            if row is None:
                raise AccountError(texts.ACCOUNT_MISSING.format(name=username))
            # the console may not lock every admin out; the server's own command line (admin-cli) may
            last_admin = row.active and Role.ADMIN in _roles(row) and self._admins(s) <= 1
            if actor != "admin-cli" and not active and last_admin:
                raise AccountError(texts.ACCOUNT_LAST_ADMIN_DISABLE)
            row.active = active
            if not active:
                s.execute(delete(SessionRow).where(SessionRow.username == username))
            record(s, actor, "account.enable" if active else "account.disable", username)

    def list(self) -> list[tuple[str, bool, dt.datetime]]:
        with self._db.session() as s:
            return [(r.username, r.active, r.created_at) for r in s.scalars(select(CuratorRow))]

    def is_active(self, username: str | None) -> bool:
        if not username:
            return False
        with self._db.session() as s:
            row = s.get(CuratorRow, username)
            return row is not None and row.active

    # ---- login -------------------------------------------------------------------------------------
    def login(self, username: str, password: str, address: str = "") -> LoginResult:
        """A new session token, or a Chinese message.

        Throttled three ways within the lockout window: ``max_failures`` wrong passwords for one name
        from one address lock that pair (a stranger locks out only themself, not the curator on their
        own network); ``max_per_address`` attempts from one address lock that address (stops spraying
        many names); ``name_ceiling`` wrong passwords for one name from anywhere lock the name (a
        ceiling against a distributed attack). Each attempt is written *before* it is counted and
        checked, in its own committed transaction, so concurrent attempts always see each other (the
        last of any set of attempts that go on to check a password sees all of them): no burst gets
        more than the allowed number of guesses, on SQLite or PostgreSQL, on one replica or many.
        Unknown and disabled names cost the same scrypt work as real ones."""
        username = username.strip()[:64]
        address = (address or "")[:64]
        now = utcnow()
        since = now - self.lockout
        with self._db.session() as s, s.begin():
            attempt = LoginFailureRow(username=username, address=address, at=now)
            s.add(attempt)
            s.flush()
            attempt_id = attempt.id
        with self._db.session() as s:
            def count(*where: object) -> int:
                return s.scalar(select(func.count(LoginFailureRow.id)).where(LoginFailureRow.at >= since, *where)) or 0
            locked = ""
            if count(LoginFailureRow.address == address) > self.max_per_address:
                locked = texts.LOGIN_ADDRESS_LOCKED
            elif (count(LoginFailureRow.username == username, LoginFailureRow.address == address) > self.max_failures
                  or count(LoginFailureRow.username == username) > self.name_ceiling):
                locked = texts.LOGIN_LOCKED
            row = s.get(CuratorRow, username)
            stored = row.password_hash if row is not None and row.active else self._dummy_hash
        if locked:
            with self._db.session() as s, s.begin():  # a refused attempt is not a guess: do not let it
                s.execute(delete(LoginFailureRow).where(LoginFailureRow.id == attempt_id))  # extend anyone's lock
            return LoginResult(None, locked.format(minutes=int(self.lockout.total_seconds() // 60)))
        good = verify_password(password, stored) and stored is not self._dummy_hash
        if not good:
            return LoginResult(None, texts.LOGIN_FAILED)
        with self._db.session() as s, s.begin():
            s.execute(delete(LoginFailureRow).where(LoginFailureRow.username == username,
                                                    LoginFailureRow.address == address))
            s.execute(delete(SessionRow).where(SessionRow.expires_at < now))
            token = secrets.token_urlsafe(32)
            s.add(SessionRow(token_hash=_token_hash(token), username=username, created_at=now,
                             expires_at=now + self.session_ttl))
            record(s, username, "login", username)
        return LoginResult(token)

    def public_name(self, username: str) -> str:
        """The name citizens may see for a reviewer (see :func:`public_name`)."""
        return public_name(self._db, username, self.public_reviewer)

    def user_for(self, token: str | None) -> str | None:
        """The active curator a session token belongs to, or None (unknown, expired or disabled)."""
        if not token or len(token) > 200:
            return None
        with self._db.session() as s:
            row = s.get(SessionRow, _token_hash(token))
            if row is None or row.expires_at <= utcnow():
                return None
            curator = s.get(CuratorRow, row.username)
            return row.username if curator is not None and curator.active else None

    def logout(self, token: str | None) -> None:
        if token:
            with self._db.session() as s, s.begin():
                s.execute(delete(SessionRow).where(SessionRow.token_hash == _token_hash(token)))
