"""``askscience accounts``: create curator accounts, change passwords, disable and enable them.

    askscience accounts add NAME [--role expert --role reviewer] [--topic health] [--display-name 王老师]
                            [--password-stdin]
    askscience accounts roles NAME --role curator [--role reviewer]   # replaces the roles
    askscience accounts topics NAME health weather                  # what an expert answers
    askscience accounts token NAME                                  # a new API token, printed once
    askscience accounts passwd NAME [--password-stdin]     # ends the account's sessions
    askscience accounts disable NAME | enable NAME | list
"""

from __future__ import annotations

import argparse
import getpass
import sys

from knowledge import texts
from knowledge.settings import Settings
from knowledge.stores.accounts import AccountError, Accounts, parse_roles
from knowledge.stores.database import Database
from knowledge.types import Role


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass(texts.ACCOUNT_PROMPT)
    if first != getpass.getpass(texts.ACCOUNT_PROMPT_AGAIN):
        raise AccountError(texts.ACCOUNT_MISMATCH)
    return first


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="askscience accounts", description="Manage curator accounts.")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("add", "passwd"):
        p = sub.add_parser(name)
        p.add_argument("username")
        p.add_argument("--password-stdin", action="store_true", help="read the password from stdin (scripts)")
        if name == "add":
            p.add_argument("--display-name", default="", help="the name citizens see on answers this curator "
                           "reviewed (default: the organisation, never the login name)")
            p.add_argument("--role", action="append", default=[], choices=list(Role),
                           help="a role (repeat for several); default: admin, curator and reviewer")
            p.add_argument("--topic", action="append", default=[],
                           help="a topic an expert answers (article category, e.g. health; repeatable)")
    roles = sub.add_parser("roles", help="replace an account's roles")
    roles.add_argument("username")
    roles.add_argument("--role", action="append", required=True, choices=list(Role))
    topics = sub.add_parser("topics", help="set the topics an expert answers")
    topics.add_argument("username")
    topics.add_argument("topics", nargs="*")
    sub.add_parser("token", help="issue a new API token for the curation JSON API").add_argument("username")
    for name in ("disable", "enable"):
        sub.add_parser(name).add_argument("username")
    sub.add_parser("list")
    args = parser.parse_args(argv)

    settings = Settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    accounts = Accounts(Database(settings.db_url), settings.session_hours, settings.login_max_failures,
                        settings.login_lockout_minutes, settings.login_max_per_address, settings.login_name_ceiling,
                        settings.public_reviewer)
    try:
        if args.command == "add":
            chosen = parse_roles(args.role) if args.role else None
            accounts.add(args.username, _read_password(args.password_stdin), args.display_name, chosen,
                         tuple(args.topic))
        elif args.command == "roles":
            accounts.set_roles(args.username, parse_roles(args.role))
        elif args.command == "topics":
            accounts.set_topics(args.username, args.topics)
        elif args.command == "token":
            print(accounts.issue_token(args.username))
            return 0
        elif args.command == "passwd":
            accounts.set_password(args.username, _read_password(args.password_stdin))
        elif args.command in ("disable", "enable"):
            accounts.set_active(args.username, args.command == "enable")
        else:
            for a in accounts.all():
                print(f"{a.username}\t{'active' if a.active else 'disabled'}\t{','.join(sorted(a.roles))}\t"
                      f"{','.join(a.topics)}\t{a.created_at:%Y-%m-%d}")
            return 0
    except AccountError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(texts.ACCOUNT_DONE)
    return 0


if __name__ == "__main__":
    sys.exit(main())
