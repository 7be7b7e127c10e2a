"""``askscience``: the one command line of the project.

    askscience serve                     run the web app (citizen page, JSON API, curator console)
    askscience ingest PATH... [--prune]  load files into the knowledge base
    askscience starter                   (re)load the shipped starter articles and reviewed Q&A
    askscience accounts add|passwd|disable|enable|list ...
    askscience eval --corpus C --questions Q [...]   retrieval and answers on a labelled set
    askscience eval --safety DIR [--all]             the safety triage on labelled sets
    askscience eval --suite DIR [--split ...]        answers on a citizen suite (key facts, length)
    askscience eval --curated-match DIR [--split ...]  reviewed answers for unseen phrasings, near-misses
    askscience eval --curated            every published reviewed answer still reached by its phrasings
    askscience selfcheck [...]           every reviewed question must find its articles
    askscience backup DIR | restore DIR  an online snapshot of the data dir; a new data dir from one
    askscience privacy find|export|delete ...  what the question log keeps about a person
    askscience channels add|list|disable|enable|rotate ...  platform API keys and embedding sites

Each subcommand has its own ``--help``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable


def _serve(argv: list[str]) -> int:
    from bot.web.app import main

    return main(argv)


def _ingest(argv: list[str]) -> int:
    from ingest.__main__ import main

    return main(argv)


def _starter(argv: list[str]) -> int:
    from ingest.starter import main

    return main(argv)


def _accounts(argv: list[str]) -> int:
    from bot.cli.accounts import main

    return main(argv)


def _eval(argv: list[str]) -> int:
    if "--safety" in argv:
        from bot.cli.safety_eval import main as safety_main

        rest = list(argv)
        where = rest.index("--safety")
        rest.pop(where)
        return safety_main(rest, prog="askscience eval --safety")
    if "--curated-match" in argv:
        from bot.cli.curated_eval import main as curated_main

        rest = list(argv)
        rest.pop(rest.index("--curated-match"))
        return curated_main(rest)
    if "--suite" in argv:
        from bot.cli.suite_eval import main as suite_main

        rest = list(argv)
        rest.pop(rest.index("--suite"))
        return suite_main(rest)
    if "--curated" in argv:
        from bot.cli.curated_regression import main as regression_main

        rest = list(argv)
        rest.pop(rest.index("--curated"))
        return regression_main(rest)
    from bot.cli.eval import main

    return main(argv)


def _selfcheck(argv: list[str]) -> int:
    from bot.cli.selfcheck import main

    return main(argv)


def _backup(argv: list[str]) -> int:
    from bot.cli.backup import main

    return main(["backup", *argv])


def _restore(argv: list[str]) -> int:
    from bot.cli.backup import main

    return main(["restore", *argv])


def _privacy(argv: list[str]) -> int:
    from bot.cli.privacy import main

    return main(argv)


def _channels(argv: list[str]) -> int:
    from bot.cli.channels import main

    return main(argv)


COMMANDS: dict[str, tuple[Callable[[list[str]], int], str]] = {
    "serve": (_serve, "run the web app (citizen page, JSON API, curator console)"),
    "ingest": (_ingest, "load files (txt, md, html, pdf, docx) into the knowledge base"),
    "starter": (_starter, "reload the shipped starter articles and reviewed Q&A"),
    "accounts": (_accounts, "manage curator accounts (add, passwd, disable, enable, list)"),
    "eval": (_eval, "evaluate answers on a labelled set, or the safety triage with --safety DIR"),
    "selfcheck": (_selfcheck, "check that every reviewed question finds the articles it cites"),
    "backup": (_backup, "write a consistent snapshot of the data dir while the app serves"),
    "restore": (_restore, "rebuild a new, empty data dir from a backup"),
    "privacy": (_privacy, "find, export or delete what the question log keeps about a person"),
    "channels": (_channels, "manage platform channels: API keys and the sites that may embed the chat"),
}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="askscience", description="AskScience（向科学要答案）",
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="Run `askscience COMMAND --help` for a command's options.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, (_, help_text) in COMMANDS.items():
        sub.add_parser(name, help=help_text, add_help=False)
    if not argv or argv[0] not in COMMANDS:
        parser.parse_args(argv)  # prints help or the usage error and exits
        return 2
    return COMMANDS[argv[0]][0](argv[1:]) or 0


if __name__ == "__main__":
    sys.exit(main())
