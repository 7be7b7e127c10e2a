"""``askscience privacy``: what the question log keeps about a person, on their request.

    askscience privacy find TEXT        logged questions containing TEXT (id, date, question)
    askscience privacy export ID|CODE   one question (log id, or the citizen's ticket code such as Q7K-3F2)
                                        with its answer, feedback and ticket, as JSON
    askscience privacy delete ID|CODE --yes
                                        delete it, its feedback and its ticket (audited without the text)

Personal data is already replaced by placeholders before a question is logged, and the log is purged
after ``ASKSCI_QUESTION_LOG_DAYS``; this is for a person who asks what is kept, or wants it gone.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys

from knowledge import texts
from knowledge.settings import Settings
from knowledge.stores.database import Database
from knowledge.stores.questions import QuestionLog
from knowledge.stores.tickets import Ticket, Tickets, normalise_code


def _resolve(ref: str, log: QuestionLog, tickets: Tickets) -> tuple[int | None, Ticket | None]:
    """A log id or a ticket code → (log id, ticket); (None, None) when neither exists."""
    if ref.strip().isdigit():
        qid = int(ref)
        found = tickets.for_questions([qid]).get(qid)
        return (qid if log.get(qid) is not None else None), found
    ticket = tickets.get(ref) if normalise_code(ref) else None
    if ticket is None:
        return None, None
    qid = ticket.question_id if ticket.question_id is not None and log.get(ticket.question_id) else None
    return qid, ticket


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="askscience privacy", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("find", help="logged questions containing TEXT").add_argument("text")
    sub.add_parser("export", help="one logged question (log id or ticket code) as JSON").add_argument("id")
    erase = sub.add_parser("delete", help="delete one logged question (log id or ticket code), its feedback "
                           "and its ticket")
    erase.add_argument("id")
    erase.add_argument("--yes", action="store_true", help="really delete (without it nothing happens)")
    args = parser.parse_args(argv)

    settings = Settings()
    db = Database(settings.db_url)
    log, tickets = QuestionLog(db), Tickets(db)
    if args.command == "find":
        found = log.find(args.text)
        for q in found:
            print(f"{q.id}\t{q.asked_at:%Y-%m-%d %H:%M}\t{q.question}")
        print(texts.PRIVACY_FOUND.format(n=len(found)), file=sys.stderr)
        return 0
    qid, ticket = _resolve(args.id, log, tickets)
    if qid is None and ticket is None:
        print(texts.PRIVACY_UNKNOWN.format(id=args.id), file=sys.stderr)
        return 1
    if args.command == "export":
        question = log.get(qid) if qid is not None else None
        record = dataclasses.asdict(question) if question is not None else {}
        if ticket is not None:
            record["ticket"] = dataclasses.asdict(ticket)
        print(json.dumps(record, ensure_ascii=False, indent=1, default=str))
        return 0
    if not args.yes:
        print(texts.PRIVACY_CONFIRM.format(id=args.id), file=sys.stderr)
        return 2
    if qid is not None:
        log.erase(qid)
    if ticket is not None:
        tickets.erase(ticket.code)
    print(texts.PRIVACY_DELETED.format(id=args.id))
    return 0


if __name__ == "__main__":
    sys.exit(main())
