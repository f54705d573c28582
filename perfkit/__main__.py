"""`python -m perfkit`: perfkit from the command line.

    python -m perfkit claims          how many catalog claims are judged, by topic and document
    python -m perfkit claims --list   every claim, one line each

Each command is a subparser with a function of its own (`run`), so that later commands
(`report`, `compare`) slot in beside `claims`.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence


def _claims(args: argparse.Namespace) -> int:
    """`claims`: the coverage report, or with --list every claim on a line of its own."""
    from .engine.claims import coverage_text, load_catalog

    catalog = load_catalog(args.file)
    if args.list:
        print("\n".join(str(claim) for claim in catalog.values()))
    else:
        print(coverage_text(catalog), end="")
    return 0


def parser() -> argparse.ArgumentParser:
    """The argument parser, one subparser per command."""
    main_parser = argparse.ArgumentParser(prog="python -m perfkit",
                                          description="perfkit from the command line.")
    commands = main_parser.add_subparsers(dest="command", metavar="COMMAND")
    claims = commands.add_parser("claims", help="the claim catalog: what is judged, what is not yet",
                                 description="The claim catalog (data/claims.toml): how many claims "
                                             "the notebooks judge, by topic and by document.")
    claims.add_argument("--list", action="store_true", help="print every claim, one line each")
    claims.add_argument("--file", metavar="PATH", default=None,
                        help="another catalog file (default: $PERFKIT_CLAIMS, else data/claims.toml)")
    claims.set_defaults(run=_claims)
    return main_parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit status (2: bad usage, 1: the command failed)."""
    main_parser = parser()
    args = main_parser.parse_args(argv)  # an unknown command: usage on stderr, exit 2
    if args.command is None:
        main_parser.print_usage(sys.stderr)
        print(f"{main_parser.prog}: error: a command is required", file=sys.stderr)
        return 2
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="replace")  # quotes in Russian on a console that cannot show them
    try:
        return args.run(args)
    except BrokenPipeError:
        raise
    except (ValueError, OSError) as error:  # a catalog that breaks a rule, a file that is missing
        print(f"{main_parser.prog} {args.command}: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # `python -m perfkit claims --list | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
