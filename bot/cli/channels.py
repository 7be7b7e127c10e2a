"""``askscience channels``: the platforms that call the OpenAI-compatible endpoint and embed the chat.

    askscience channels add NAME [--origin https://www.example.org ...]   # prints the key, once
    askscience channels list
    askscience channels disable NAME | enable NAME
    askscience channels rotate NAME                                        # prints the new key, once
"""

from __future__ import annotations

import argparse
import sys

from knowledge import texts
from knowledge.settings import Settings
from knowledge.stores.channels import Channel, ChannelError, Channels
from knowledge.stores.database import Database


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="askscience channels", description=texts.CHANNEL_CLI_DESCRIPTION)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add = sub.add_parser("add", help=texts.CHANNEL_CLI_ADD, description=texts.CHANNEL_CLI_ADD)
    add.add_argument("name", metavar="NAME", help=texts.CHANNEL_CLI_NAME)
    add.add_argument("--origin", action="append", default=[], metavar="URL", help=texts.CHANNEL_CLI_ORIGIN)
    sub.add_parser("list", help=texts.CHANNEL_CLI_LIST, description=texts.CHANNEL_CLI_LIST)
    for name, help_text in (("disable", texts.CHANNEL_CLI_DISABLE), ("enable", texts.CHANNEL_CLI_ENABLE),
                            ("rotate", texts.CHANNEL_CLI_ROTATE)):
        sub.add_parser(name, help=help_text, description=help_text).add_argument(
            "name", metavar="NAME", help=texts.CHANNEL_CLI_NAME)
    return parser


def _line(c: Channel) -> str:
    state = texts.CHANNEL_ACTIVE if c.active else texts.CHANNEL_INACTIVE
    origins = " ".join(c.origins) or texts.CHANNEL_NO_ORIGINS
    rotated = f"{c.rotated_at:%Y-%m-%d %H:%M}" if c.rotated_at else texts.CHANNEL_NEVER
    return f"{c.name}\t{state}\t{c.key_prefix}…\t{origins}\t{c.created_at:%Y-%m-%d %H:%M}\t{rotated}"


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    settings = Settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    channels = Channels(Database(settings.db_url))
    try:
        if args.command == "add":
            print(texts.CHANNEL_ADDED.format(name=args.name, key=channels.add(args.name, args.origin)))
        elif args.command == "rotate":
            print(texts.CHANNEL_ROTATED.format(name=args.name, key=channels.rotate(args.name)))
        elif args.command == "disable":
            channels.disable(args.name)
            print(texts.CHANNEL_DISABLED.format(name=args.name))
        elif args.command == "enable":
            channels.enable(args.name)
            print(texts.CHANNEL_ENABLED.format(name=args.name))
        else:
            listed = channels.list()
            print("\n".join([texts.CHANNEL_LIST_HEADER, *map(_line, listed)]) if listed else texts.CHANNEL_LIST_EMPTY)
    except ChannelError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
