"""The curation database as one object: its engine and the stores over it. Each store owns its
tables and lives in its own module; they share the engine so a change and its audit entry commit
together."""

from __future__ import annotations

from sqlalchemy.orm import Session

from knowledge.stores.audit import AuditTrail
from knowledge.stores.curated import CuratedAnswers
from knowledge.stores.database import Database
from knowledge.stores.questions import QuestionLog
from knowledge.stores.tickets import Tickets
from knowledge.stores.vector_cache import VectorCache
from knowledge.stores.word_lists import WordLists


class CurationStore:
    """``answers`` (curated answers), ``questions`` (question log and feedback), ``audit`` (the audit
    trail), ``vectors`` (the embedding cache), ``words`` (the sensitive-word list) and ``tickets``
    (citizens' open questions and their assignments), over one :class:`Database`."""

    def __init__(self, url: str) -> None:
        self.db = Database(url)
        self.answers = CuratedAnswers(self.db)
        self.questions = QuestionLog(self.db)
        self.audit = AuditTrail(self.db)
        self.vectors = VectorCache(self.db)
        self.words = WordLists(self.db)
        self.tickets = Tickets(self.db)

    def session(self) -> Session:
        return self.db.session()
