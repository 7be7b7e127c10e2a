"""The answer webhook: each published answer, with the ticket codes it answers, POSTed as JSON to the
URL an operator set (``ASKSCI_ANSWER_WEBHOOK_URL``) — for platforms that notify their own users.

Delivery runs on a background thread after the publish has committed (a slow receiver never holds up a
reviewer), is tried three times, and every failure is logged with its reason and counted. With
``ASKSCI_ANSWER_WEBHOOK_SECRET`` the body is signed: ``X-AskScience-Signature: sha256=<hex HMAC>``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
import time
from collections import Counter
from typing import Any

import httpx

log = logging.getLogger(__name__)


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class AnswerWebhook:
    def __init__(self, url: str, secret: str = "", attempts: int = 3, timeout: float = 5.0,
                 backoff: float = 1.0) -> None:
        self.url = url.strip()
        self.secret = secret
        self.attempts = attempts
        self.timeout = timeout
        self.backoff = backoff
        self.outcomes: Counter[str] = Counter()  # delivered / failed
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return bool(self.url)

    def send(self, payload: dict[str, Any]) -> threading.Thread | None:
        """Deliver ``payload`` in the background; the thread is returned so a caller (a test) can join it."""
        if not self.enabled:
            return None
        thread = threading.Thread(target=self.deliver, args=(payload,), name="answer-webhook", daemon=True)
        thread.start()
        return thread

    def deliver(self, payload: dict[str, Any]) -> bool:
        body = json.dumps(payload, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "AskScience-webhook"}
        if self.secret:
            headers["X-AskScience-Signature"] = signature(self.secret, body)
        reason = ""
        for attempt in range(self.attempts):
            try:
                response = httpx.post(self.url, content=body, headers=headers, timeout=self.timeout)
                if response.status_code < 300:
                    self._count("delivered")
                    return True
                reason = f"HTTP {response.status_code}"
            except httpx.HTTPError as exc:
                reason = type(exc).__name__
            if attempt + 1 < self.attempts:
                time.sleep(self.backoff * (attempt + 1))
        log.warning("answer webhook failed after %d attempts (%s) for answer %s", self.attempts, reason,
                    payload.get("answer_id"))
        self._count("failed")
        return False

    def _count(self, outcome: str) -> None:
        with self._lock:
            self.outcomes[outcome] += 1
