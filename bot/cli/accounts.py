"""``askscience accounts``: create curator accounts, change passwords, disable and enable them.

    askscience accounts add NAME [--display-name 王老师] [--password-stdin]
    askscience accounts passwd NAME [--password-stdin]     # ends the account's sessions
    askscience accounts disable NAME | enable NAME | list
"""

from __future__ import annotations

import argparse
import getpass
import sys

from knowledge import texts
from knowledge.settings import Settings
from knowledge.stores.accounts import AccountError, Accounts
from knowledge.stores.database import Database


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
            accounts.add(args.username, _read_password(args.password_stdin), args.display_name)
        elif args.command == "passwd":
            accounts.set_password(args.username, _read_password(args.password_stdin))
        elif args.command in ("disable", "enable"):
            accounts.set_active(args.username, args.command == "enable")
        else:
            for name, active, created in accounts.list():
                print(f"{name}\t{'active' if active else 'disabled'}\t{created:%Y-%m-%d}")
            return 0
    except AccountError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(texts.ACCOUNT_DONE)
    return 0


if __name__ == "__main__":
    sys.exit(main())
