"""``askscience privacy``: what the question log keeps about a person, on their request.

    askscience privacy find TEXT        logged questions containing TEXT (id, date, question)
    askscience privacy export ID        one question with its answer and feedback, as JSON
    askscience privacy delete ID --yes  delete it and its feedback (audited without its text)

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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="askscience privacy", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("find", help="logged questions containing TEXT").add_argument("text")
    sub.add_parser("export", help="one logged question as JSON").add_argument("id", type=int)
    erase = sub.add_parser("delete", help="delete one logged question and its feedback")
    erase.add_argument("id", type=int)
    erase.add_argument("--yes", action="store_true", help="really delete (without it nothing happens)")
    args = parser.parse_args(argv)

    settings = Settings()
    log = QuestionLog(Database(settings.db_url))
    if args.command == "find":
        found = log.find(args.text)
        for q in found:
            print(f"{q.id}\t{q.asked_at:%Y-%m-%d %H:%M}\t{q.question}")
        print(texts.PRIVACY_FOUND.format(n=len(found)), file=sys.stderr)
        return 0
    if args.command == "export":
        question = log.get(args.id)
        if question is None:
            print(texts.PRIVACY_UNKNOWN.format(id=args.id), file=sys.stderr)
            return 1
        print(json.dumps(dataclasses.asdict(question), ensure_ascii=False, indent=1, default=str))
        return 0
    if not args.yes:
        print(texts.PRIVACY_CONFIRM.format(id=args.id), file=sys.stderr)
        return 2
    if not log.erase(args.id):
        print(texts.PRIVACY_UNKNOWN.format(id=args.id), file=sys.stderr)
        return 1
    print(texts.PRIVACY_DELETED.format(id=args.id))
    return 0


if __name__ == "__main__":
    sys.exit(main())
