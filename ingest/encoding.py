"""Decode bytes of unknown Chinese encoding: UTF-8 (± BOM), UTF-16, GB18030/GBK, then detection."""

from __future__ import annotations

import codecs

from knowledge import texts
from knowledge.errors import IngestError

_ALLOWED_CONTROLS = {"\n", "\r", "\t", "\f"}


def _looks_like_text(text: str) -> bool:
    if not text:
        return True
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in _ALLOWED_CONTROLS)
    return controls / len(text) < 0.01


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without a BOM shows as NUL bytes in every other position for mostly-ASCII/CJK text."""
    if len(data) < 4 or len(data) % 2:
        return None
    even_nuls = data[0::2].count(0)
    odd_nuls = data[1::2].count(0)
    half = len(data) // 2
    for encoding, nuls in (("utf-16-le", odd_nuls), ("utf-16-be", even_nuls)):
        if nuls > 0.2 * half:
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                return None
    return None


def decode_bytes(data: bytes) -> str:
    """Return the text of ``data``; raise :class:`IngestError` for binary or undecodable input."""
    if data.startswith(codecs.BOM_UTF8):
        candidates = [("utf-8-sig", data)]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = [("utf-16", data)]
    else:
        candidates = []
    for encoding, raw in candidates:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError as exc:
            raise IngestError(texts.INGEST_UNDECODABLE) from exc
    utf16 = _utf16_without_bom(data)
    if utf16 is not None and _looks_like_text(utf16):
        return utf16
    if b"\x00" in data:
        raise IngestError(texts.INGEST_BINARY)
    for encoding in ("utf-8", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            return text
        raise IngestError(texts.INGEST_BINARY)
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None:
        text = str(best)
        if _looks_like_text(text):
            return text
    raise IngestError(texts.INGEST_UNDECODABLE)
