"""The held-aside quarter of every labelled set, fixed by a hash so no run can peek at another split."""

from __future__ import annotations

import hashlib


def is_holdout(key: str) -> bool:
    """One row in four, chosen by the row's text or id: kept aside for the final figures only."""
    return int(hashlib.sha1(key.encode("utf-8")).hexdigest(), 16) % 4 == 0
