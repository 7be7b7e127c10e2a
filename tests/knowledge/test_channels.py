"""The channel store: keys shown once and kept only as hashes, disable/enable/rotate, origins, audit."""

from __future__ import annotations

import pytest

from knowledge.settings import Settings
from knowledge.stores.audit import AuditTrail
from knowledge.stores.channels import ChannelError, Channels, normalize_origin
from knowledge.stores.database import Database


@pytest.fixture
def db(settings: Settings) -> Database:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return Database(settings.db_url)


@pytest.fixture
def channels(db: Database) -> Channels:
    return Channels(db)


def test_a_new_key_verifies_and_only_its_hash_is_stored(channels: Channels, settings: Settings) -> None:
    key = channels.add("kexie-site", ["https://www.kexie.example.cn/"])
    channel = channels.verify(key)
    assert channel is not None and channel.name == "kexie-site"
    assert channel.origins == ("https://www.kexie.example.cn",)
    assert key.startswith("sk-ask-") and len(key) > 40
    assert key not in (settings.data_dir / "curation.sqlite3").read_bytes().decode("latin-1")
    listed = channels.list()
    assert [c.name for c in listed] == ["kexie-site"] and key.startswith(listed[0].key_prefix)
    assert len(listed[0].key_prefix) < len(key) - 30  # the listing never shows enough of the key to use it


@pytest.mark.parametrize("wrong", ["", "sk-ask-", "not-a-key", "x" * 500])
def test_wrong_keys_do_not_verify(channels: Channels, wrong: str) -> None:
    channels.add("site")
    assert channels.verify(wrong) is None
    assert channels.verify(None) is None


def test_a_key_with_its_prefix_but_another_tail_does_not_verify(channels: Channels) -> None:
    key = channels.add("site")
    tampered = key[:-1] + ("A" if key[-1] != "A" else "B")
    assert channels.verify(tampered) is None


def test_disable_stops_the_key_and_the_framing_enable_restores_both(channels: Channels) -> None:
    key = channels.add("site", ["https://a.example.org"])
    channels.disable("site")
    assert channels.verify(key) is None
    assert channels.origins("site") == ()
    assert channels.list()[0].active is False
    channels.enable("site")
    assert channels.verify(key) is not None
    assert channels.origins("site") == ("https://a.example.org",)


def test_rotate_replaces_the_key_at_once(channels: Channels) -> None:
    old = channels.add("site")
    assert channels.list()[0].rotated_at is None
    new = channels.rotate("site")
    assert new != old
    assert channels.verify(old) is None
    assert channels.verify(new) is not None and channels.verify(new).name == "site"
    assert channels.list()[0].rotated_at is not None


def test_unknown_names_and_duplicates_are_refused_in_chinese(channels: Channels) -> None:
    channels.add("site")
    with pytest.raises(ChannelError, match="已经存在"):
        channels.add("site")
    for act in (channels.disable, channels.enable, channels.rotate):
        with pytest.raises(ChannelError, match="没有名为 other 的渠道"):
            act("other")
    for bad in ("A", "UPPER", "has space", "-dash-first", "x" * 33, "名字"):
        with pytest.raises(ChannelError, match="渠道名称"):
            channels.add(bad)
    assert channels.origins("other") == () and channels.origins("") == ()


@pytest.mark.parametrize(("given", "stored"), [
    ("HTTPS://Example.ORG:443/", "https://example.org"),
    ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
    ("https://*.kexie.example.cn", "https://*.kexie.example.cn"),
    ("https://科协.中国", "https://xn--ykrz90g.xn--fiqs8s"),
])
def test_origins_are_normalized(given: str, stored: str) -> None:
    assert normalize_origin(given) == stored


@pytest.mark.parametrize("bad", [
    "example.org", "ftp://example.org", "https://example.org/page", "https://example.org?x=1",
    "https://user@example.org", "https://example.org; script-src *", "javascript:alert(1)", "https://*",
    "https://exa mple.org", "https://example.org:99999", "'self'", "*",
])
def test_anything_but_a_bare_origin_is_refused(channels: Channels, bad: str) -> None:
    with pytest.raises(ChannelError, match="不是有效的网站地址"):
        channels.add("site", [bad])
    assert channels.list() == []  # nothing half-made


def test_every_change_is_audited(channels: Channels, db: Database) -> None:
    channels.add("site", ["https://a.example.org"])
    channels.disable("site")
    channels.enable("site")
    channels.rotate("site", actor="ops")
    entries = AuditTrail(db).recent()
    assert [(e.action, e.target) for e in reversed(entries)] == [
        ("channel.add", "site"), ("channel.disable", "site"), ("channel.enable", "site"), ("channel.rotate", "site")]
    assert entries[0].actor == "ops" and "https://a.example.org" in entries[-1].detail
