"""`python -m perfkit`: perfkit from the command line.

    python -m perfkit claims          how many catalog claims are judged, by topic and document
    python -m perfkit claims --list   every claim, one line each
    python -m perfkit compare A B     what changed between two reports (results.json or their folders)
    python -m perfkit report [NB ...] run the notebooks headless into a folder: index.html, results.json

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


def _compare(args: argparse.Namespace) -> int:
    """`compare`: claims whose verdict changed and values that moved, between two reports."""
    from .report.compare import compare_reports

    comparison = compare_reports(args.a, args.b)
    print(comparison)
    if args.html:
        with open(args.html, "w", encoding="utf-8") as page:
            page.write(comparison.html())
        print(f"\nwrote {args.html}")
    return 0


def _report(args: argparse.Namespace) -> int:
    """`report`: run the notebooks and write the folder; 1 if a notebook failed, 130 on Ctrl-C."""
    from .report.harvest import counts
    from .report.runner import notebook_paths, report

    try:
        paths = notebook_paths(args.notebooks)
    except (ValueError, FileNotFoundError) as error:  # a notebook that does not exist: bad usage
        print(f"python -m perfkit report: {error}", file=sys.stderr)
        return 2
    index = os.path.join(args.out, "index.html")
    try:
        data = report(paths, args.out, budget_scale=args.budget_scale, timeout=args.timeout)
    except KeyboardInterrupt:
        print(f"\ninterrupted: the notebooks done by then are in {index}", file=sys.stderr)
        return 130
    failed = [nb["name"] for nb in data["notebooks"] if nb["status"] == "failed"]
    tally = ", ".join(f"{n} {status}" for status, n in counts(data["claims"]).items() if n)
    print(f"claims: {tally}")
    print(f"notebooks: {len(paths) - len(failed)} passed, {len(failed)} failed{': ' if failed else ''}"
          f"{', '.join(failed)}")
    print(f"wrote {index}")
    return 1 if failed else 0


def _positive(text: str) -> float:
    """An argument that must be a number > 0 (a budget scale, seconds)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number > 0, got {text!r}") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"must be a number > 0, got {text!r}")
    return value


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
    compare = commands.add_parser("compare", help="what changed between two reports",
                                  description="Two reports side by side (results.json files, or the folders "
                                              "`report` wrote them in): both machines, the claims whose verdict "
                                              "changed, the values that moved beyond their 95% intervals, and "
                                              "what one report has and the other has not.")
    compare.add_argument("a", metavar="A", help="the first report: a results.json or its folder")
    compare.add_argument("b", metavar="B", help="the second report")
    compare.add_argument("--html", metavar="OUT", default=None, help="also write the comparison as an HTML page")
    compare.set_defaults(run=_compare)
    report = commands.add_parser("report", help="run the notebooks headless and write a report folder",
                                 description="Execute the notebooks (all, or those named) headless, one "
                                             "kernel each, and write one folder: index.html (every catalog "
                                             "claim with its status and measured interval), results.json, "
                                             "and each executed notebook as HTML. Exit status 1 if a "
                                             "notebook failed.")
    report.add_argument("notebooks", metavar="NOTEBOOK", nargs="*",
                        help='a notebook to run: "01", "01-sets-vs-lists" or a path (default: all)')
    report.add_argument("--budget-scale", metavar="X", type=_positive, default=None,
                        help="PERFKIT_BUDGET_SCALE in the notebooks: 0.5 is quicker, 3 steadier "
                             "(default: $PERFKIT_BUDGET_SCALE, else 1)")
    report.add_argument("--out", metavar="DIR", default="perfkit-report",
                        help="the folder to write: new, empty or a previous report (default: perfkit-report)")
    report.add_argument("--timeout", metavar="S", type=_positive, default=600.0,
                        help="seconds one cell may take before its notebook counts as failed (default: 600)")
    report.set_defaults(run=_report)
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
