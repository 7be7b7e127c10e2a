"""Channels: the platforms that call the OpenAI-compatible endpoint and embed the citizen chat.

Each channel has one API key and the list of web origins that may frame its ``/embed`` page. The key is
shown once when it is made (``add``, ``rotate``); only its sha256 is stored, with its first characters
as a public prefix that finds the row and names the key in listings. A key is checked by comparing the
hashes in constant time. Every change is audited in its own transaction. The command line is
``askscience channels`` (bot/cli/channels.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge import texts
from knowledge.stores.audit import record
from knowledge.stores.database import Database
from knowledge.stores.models import ChannelRow, utcnow

NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{1,31}$")
KEY_START = "sk-ask-"  # "sk-" because some chat apps refuse keys that do not start so
PREFIX_CHARS = len(KEY_START) + 6
MAX_KEY_CHARS = 200
_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
_DEFAULT_PORTS = {"http": 80, "https": 443}


class ChannelError(ValueError):
    """A channel problem the administrator can act on (message in Chinese)."""


@dataclass(frozen=True)
class Channel:
    name: str
    key_prefix: str
    origins: tuple[str, ...]
    active: bool
    created_at: dt.datetime
    rotated_at: dt.datetime | None


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def normalize_origin(origin: str) -> str:
    """``https://Example.org:443/`` → ``https://example.org``; refuses anything that is not a bare web origin
    (so nothing but a valid CSP source expression ever reaches a header). ``https://*.example.org`` allows the
    subdomains; a Chinese domain name is stored in its ASCII (punycode) form, as browsers send it."""
    raw = origin.strip()
    bad = ChannelError(texts.CHANNEL_BAD_ORIGIN.format(origin=raw[:200]))
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError as exc:
        raise bad from exc
    scheme = parts.scheme.lower()
    if (scheme not in _DEFAULT_PORTS or parts.path not in ("", "/") or parts.query or parts.fragment
            or "@" in parts.netloc or not parts.hostname):
        raise bad
    host = parts.hostname.lower()
    wildcard = host.startswith("*.")
    if wildcard:
        host = host[2:]
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise bad from exc
    labels = host.split(".")
    if len(host) > 253 or not all(_LABEL.match(label) for label in labels) or (wildcard and len(labels) < 2):
        raise bad
    shown_port = f":{port}" if port is not None and port != _DEFAULT_PORTS[scheme] else ""
    return f"{scheme}://{'*.' if wildcard else ''}{host}{shown_port}"


def _new_key() -> str:
    return KEY_START + secrets.token_urlsafe(32)


def _channel(row: ChannelRow) -> Channel:
    return Channel(row.name, row.key_prefix, tuple(json.loads(row.origins or "[]")), row.active, row.created_at,
                   row.rotated_at)


class Channels:
    """Add, list, disable, enable and rotate channels; verify a key; the origins that may frame a channel."""

    def __init__(self, db: Database) -> None:
        self._db = db

    @staticmethod
    def _row(s: Session, name: str) -> ChannelRow:
        row = s.scalar(select(ChannelRow).where(ChannelRow.name == name))
        if row is None:
            raise ChannelError(texts.CHANNEL_MISSING.format(name=name[:64]))
        return row

    def add(self, name: str, origins: list[str] | tuple[str, ...] = (), actor: str = "admin-cli") -> str:
        """Create a channel; returns its key (the only time it is seen)."""
        if not NAME.match(name):
            raise ChannelError(texts.CHANNEL_BAD_NAME)
        allowed = list(dict.fromkeys(normalize_origin(o) for o in origins))
        key = _new_key()
        with self._db.session() as s, s.begin():
            if s.scalar(select(ChannelRow.id).where(ChannelRow.name == name)) is not None:
                raise ChannelError(texts.CHANNEL_EXISTS.format(name=name))
            s.add(ChannelRow(name=name, key_hash=key_hash(key), key_prefix=key[:PREFIX_CHARS],
                             origins=json.dumps(allowed), active=True, created_at=utcnow()))
            record(s, actor, "channel.add", name, json.dumps({"origins": allowed}))
        return key

    def list(self) -> list[Channel]:
        with self._db.session() as s:
            return [_channel(r) for r in s.scalars(select(ChannelRow).order_by(ChannelRow.name))]

    def get(self, name: str) -> Channel | None:
        with self._db.session() as s:
            row = s.scalar(select(ChannelRow).where(ChannelRow.name == name))
            return _channel(row) if row is not None else None

    def _set_active(self, name: str, active: bool, actor: str) -> None:
        with self._db.session() as s, s.begin():
            row = self._row(s, name)
            row.active = active
            record(s, actor, "channel.enable" if active else "channel.disable", name)

    def disable(self, name: str, actor: str = "admin-cli") -> None:
        """The key stops working at once (also mid-answer) and no site may frame the channel's page."""
        self._set_active(name, False, actor)

    def enable(self, name: str, actor: str = "admin-cli") -> None:
        self._set_active(name, True, actor)

    def rotate(self, name: str, actor: str = "admin-cli") -> str:
        """A new key for the channel; the old one stops working at once. Returns the new key."""
        key = _new_key()
        with self._db.session() as s, s.begin():
            row = self._row(s, name)
            row.key_hash = key_hash(key)
            row.key_prefix = key[:PREFIX_CHARS]
            row.rotated_at = utcnow()
            record(s, actor, "channel.rotate", name, json.dumps({"prefix": row.key_prefix}))
        return key

    def verify(self, key: str | None) -> Channel | None:
        """The active channel this key belongs to, or None (unknown, replaced or disabled)."""
        if not key or len(key) > MAX_KEY_CHARS or not key.startswith(KEY_START):
            return None
        wanted = key_hash(key)
        found = None
        with self._db.session() as s:
            for row in s.scalars(select(ChannelRow).where(ChannelRow.key_prefix == key[:PREFIX_CHARS])):
                if hmac.compare_digest(row.key_hash, wanted) and row.active:
                    found = _channel(row)
        return found

    def origins(self, name: str) -> tuple[str, ...]:
        """The origins that may frame the channel's ``/embed`` page: none for an unknown or disabled channel."""
        channel = self.get(name) if NAME.match(name or "") else None
        return channel.origins if channel is not None and channel.active else ()
