"""Per-client rate limits and the client address they are keyed on.

A sliding one-minute window per (bucket, address), kept in this process: every replica limits on
its own, so N replicas behind a balancer allow up to N times the rate, which still stops one client
from flooding the service. Behind a reverse proxy the address comes from ``X-Forwarded-For`` only
when the connection comes from a configured trusted proxy; otherwise that header is ignored.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

WINDOW_SECONDS = 60.0
_MAX_KEYS = 100_000  # addresses remembered per bucket before the stalest are forgotten


def client_address(peer: str | None, headers: Mapping[str, str] | Iterable[tuple[str, str]],
                   trusted: frozenset[str]) -> str:
    """The address a request comes from: the peer, or the right-most untrusted ``X-Forwarded-For``
    hop when the peer is a trusted proxy."""
    peer = peer or "unknown"
    if peer not in trusted:
        return peer
    items = headers.items() if isinstance(headers, Mapping) else headers
    forwarded = ",".join(v for k, v in items if k.lower() == "x-forwarded-for")
    hops = [h.strip() for h in forwarded.split(",") if h.strip()]
    for hop in reversed(hops):
        if hop not in trusted:
            return hop[:64]
    return peer


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int = 0  # whole seconds until the next request would be allowed


class RateLimiter:
    """``check(bucket, address)`` counts one request and says whether it is within the bucket's limit."""

    def __init__(self, limits: Mapping[str, int], clock: Callable[[], float] = time.monotonic) -> None:
        self._limits = dict(limits)
        self._clock = clock
        self._hits: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def check(self, bucket: str, address: str) -> Verdict:
        limit = self._limits[bucket]
        now = self._clock()
        with self._lock:
            hits = self._hits.setdefault((bucket, address), deque())
            while hits and hits[0] <= now - WINDOW_SECONDS:
                hits.popleft()
            if len(hits) >= limit:
                return Verdict(False, max(1, math.ceil(hits[0] + WINDOW_SECONDS - now)))
            hits.append(now)
            if len(self._hits) > _MAX_KEYS:
                self._forget(now)
            return Verdict(True)

    def _forget(self, now: float) -> None:
        stale = [k for k, v in self._hits.items() if not v or v[-1] <= now - WINDOW_SECONDS]
        for key in stale:
            del self._hits[key]
