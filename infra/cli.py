"""The command line: ``telecom-tracker <command>`` (or ``python -m infra <command>``).

Every command prints what it wrote on standard output and its notes, progress and
errors on standard error; the exit code is 0 when all went well, 1 when rows were
rejected, 2 when a file or an argument cannot be used.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import subprocess
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from tqdm import tqdm

from infra import settings
from infra.defaults.build import build_default_data
from infra.engine import Engine, ModelOptions
from infra.io import KINDS, UnreadableFile, import_file, limits, read_dataset, write_dataset, write_html, write_table
from infra.io.limits import Limits
from infra.io.population import read_population
from infra.plan import series_dates
from infra.store import merge_into
from infra.views import MapView, map_for_export, unit_table

log = logging.getLogger("infra")


def _progress(items: Iterable, *, desc: str, unit: str) -> Iterator:
    """A progress bar on standard error when it is a terminal (nothing in pipes, logs and tests)."""
    return iter(tqdm(items, desc=desc, unit=unit, disable=None, leave=False, file=sys.stderr))


def _build(args: argparse.Namespace) -> int:
    out = args.out
    if out is None and not settings.IN_CHECKOUT:
        print("error: the installed package holds its default data read-only; give --out DIR (and --targets)",
              file=sys.stderr)
        return 2
    build_default_data(out, targets_path=args.targets, progress=lambda steps: _progress(steps, desc="build",
                                                                                          unit="step"))
    return 0


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from exc


def _report(args: argparse.Namespace) -> int:
    ds = read_dataset(args.data)
    fmt = args.format or (args.output.suffix.lstrip(".").lower() if args.output.suffix else "csv")
    notes = list(ds.notices())
    grid = None  # the dataset's own grid, unless --population gives another
    if args.population is not None:
        try:
            grid, rep = read_population(args.population)
        except UnreadableFile as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        print(rep.text(limit=20), file=sys.stderr)
        notes.append(f"population: {args.population.name}, {len(grid):,} cells, people spread evenly within each "
                     f"cell and each coverage fragment (≤ {settings.COVERAGE_TILE_M:,.0f} m tiles)")
    eng = Engine.from_dataset(ds, layer=args.layer, options=ModelOptions(model=args.model), population=grid)
    dates = series_dates(args.as_of)
    series = eng.series(_progress(dates, desc="report", unit="date"))
    table, _ = unit_table(ds, layer=args.layer, as_of=args.as_of, engine=eng, series=series)
    write_table(table, args.output, fmt=fmt, notices=notes)
    for notice in [*notes, *filter(None, [eng.outside_note()])]:
        print(f"note: {notice}", file=sys.stderr)
    print(f"wrote {len(table)} rows ({len(table) - 1} units + city) to {args.output}")
    return 0


def _export_map(args: argparse.Namespace) -> int:
    ds = read_dataset(args.data)
    codes = set(ds.layer(args.layer)["unit_code"])
    unknown = [u for u in args.unit or [] if u not in codes]
    if unknown:
        print(f"error: unknown unit code(s) {', '.join(unknown)} in layer {args.layer}", file=sys.stderr)
        return 2
    view = MapView(layer=args.layer, as_of=args.as_of, units=tuple(args.unit or ()), metric=args.metric,
                   technology=args.technology, operator=args.operator, footprints=args.footprints or "")
    m = map_for_export(ds, view, options=ModelOptions(model=args.model))
    path = write_html(m.get_root().render(), args.output)
    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")
    return 0


def _mapping(items: list[str] | None) -> dict[str, str]:
    out = {}
    for item in items or []:
        canon, sep, col = item.partition("=")
        if not sep:
            raise argparse.ArgumentTypeError(f"--column takes CANONICAL=INPUT, got {item!r}")
        out[canon.strip()] = col.strip()
    return out


def _limits(args: argparse.Namespace) -> Limits:
    """The import limits, with those the command line raises or lowers."""
    mb = 1024 * 1024
    return Limits().but(max_bytes=None if args.max_mb is None else int(args.max_mb * mb),
                        max_unpacked_bytes=None if args.max_unpacked_mb is None else int(args.max_unpacked_mb * mb),
                        max_excel_unpacked_bytes=None if args.max_excel_mb is None else int(args.max_excel_mb * mb),
                        max_rows=args.max_rows, max_columns=args.max_columns, max_seconds=args.max_seconds)


def _import_options(args: argparse.Namespace) -> dict:
    opts: dict = {"limits": _limits(args)}
    if args.column:
        opts["columns"] = _mapping(args.column)
    if args.part is not None:
        opts["part"] = args.part
    if args.kind == "sites":
        opts["grid"] = args.grid
    if args.kind == "boundaries" and args.layer:
        opts["layer"] = args.layer
    if args.kind == "opencellid":
        opts["group_m"] = args.group_m
    return opts


def _validate(args: argparse.Namespace) -> int:
    try:
        base = read_dataset(args.data) if args.kind in ("radios", "sites", "targets") else None
        _, rep = import_file(args.file, args.kind, base=base, **_import_options(args))
    except UnreadableFile as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(rep.text(limit=args.limit))
    return 0 if rep.ok else 1


def _import(args: argparse.Namespace) -> int:
    target = args.into
    has_data = (target / settings.DEFAULT_GPKG.name).exists()
    steps = _progress(["read the dataset", "read and check the file", "merge", "check the dataset", "write"],
                      desc="import", unit="step")
    try:
        next(steps)
        base = read_dataset(target if has_data else args.data)
        next(steps)
        frames, rep = import_file(args.file, args.kind, base=base, **_import_options(args))
    except UnreadableFile as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(rep.text(limit=args.limit))
    next(steps)
    merged = merge_into(base, frames, source=args.file.name)
    if "targets" in frames and (notice := merged.provenance["targets"].notice("targets")):
        print(notice)  # targets carried to a layer the file did not cover
    next(steps)
    merged.validate()
    next(steps)
    write_dataset(merged, target)
    next(steps, None)
    print(f"wrote the dataset to {target} (use --data {target})")
    return 0 if rep.ok else 1


def _app(args: argparse.Namespace) -> int:
    """Start the Streamlit app (the same as ``streamlit run app.py``), passing on Streamlit's own options."""
    cmd = [sys.executable, "-m", "streamlit", "run", str(settings.APP_SCRIPT), "--server.headless", "true",
           "--browser.gatherUsageStats", "false", "--server.port", str(args.port), *args.streamlit_args]
    print(f"starting the app on http://localhost:{args.port} (Ctrl+C stops it)", file=sys.stderr)
    sys.stderr.flush()
    if os.name == "posix":  # become Streamlit: a signal to this process reaches the server itself
        os.execv(sys.executable, cmd)
    try:
        return subprocess.call(cmd)
    except KeyboardInterrupt:
        return 0


def _add_import_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", type=Path, help="file to read")
    p.add_argument("--kind", choices=KINDS, required=True, help="what the file holds")
    p.add_argument("--column", action="append", metavar="CANONICAL=INPUT",
                   help="explicit column mapping, e.g. --column site_id='Mã BTS', or --column name=TEN for the "
                        "unit names of boundaries (repeatable)")
    p.add_argument("--grid", default="vn2000_local",
                   help="VN-2000 grid of x/y columns: vn2000_local (EPSG:5897), vn2000_utm48 (EPSG:3405) or an EPSG")
    p.add_argument("--layer", default=None, help="layer name for imported boundaries (default: recognised)")
    p.add_argument("--group-m", type=float, default=30.0, help="OpenCelliD: cells within this distance form a site")
    p.add_argument("--part", default=None, metavar="NAME",
                   help="sheet of a workbook, layer of a GeoPackage or KML, or member of a zip to import "
                        "(default: the first; the report lists the others)")
    p.add_argument("--max-mb", type=float, default=None,
                   help=f"refuse files larger than this (MB; default {limits.MAX_UPLOAD_BYTES // 2**20})")
    p.add_argument("--max-unpacked-mb", type=float, default=None,
                   help=f"refuse archives, gzip and Excel files unpacking to more (MB; default "
                        f"{limits.MAX_UNPACKED_BYTES // 2**20})")
    p.add_argument("--max-excel-mb", type=float, default=None,
                   help=f"refuse Excel workbooks unpacking to more (MB; default "
                        f"{limits.MAX_EXCEL_UNPACKED_BYTES // 2**20}; CSV reads ten times faster)")
    p.add_argument("--max-rows", type=int, default=None,
                   help=f"refuse files with more rows or features (default {limits.MAX_ROWS:,})")
    p.add_argument("--max-columns", type=int, default=None,
                   help=f"refuse files with more columns or fields (default {limits.MAX_COLUMNS})")
    p.add_argument("--max-seconds", type=float, default=None,
                   help=f"stop an import running longer (default {limits.MAX_SECONDS:.0f} s)")
    p.add_argument("--limit", type=int, default=200, help="problems printed at most")
    p.add_argument("--data", type=Path, default=None, help="dataset directory (default: the embedded default data)")


def parser() -> argparse.ArgumentParser:
    """The argument parser of every command."""
    top = argparse.ArgumentParser(prog="telecom-tracker", description="Telecom Infrastructure Transition Tracker")
    top.add_argument("-q", "--quiet", action="store_true", help="print only warnings and errors")
    sub = top.add_subparsers(dest="command", required=True)
    a = sub.add_parser("app", help="start the Streamlit app on the embedded default data",
                       description="Start the Streamlit app. Any other option is passed on to `streamlit run` "
                                   "(e.g. --server.address 0.0.0.0 for a department's intranet).")
    a.add_argument("--port", type=int, default=8501, help="port to serve on (default 8501)")
    a.set_defaults(func=_app)
    b = sub.add_parser("build-default-data", help="build the embedded default dataset from registry packages")
    b.add_argument("--out", type=Path, default=None, help="output directory (default: data/geo)")
    b.add_argument("--targets", type=Path, default=None, help="targets CSV to write (default: targets.csv in --out)")
    b.set_defaults(func=_build)
    r = sub.add_parser("report", help="per-unit metrics, targets and status at a date")
    r.add_argument("--layer", default="district", help="admin layer (district, commune_2025, …)")
    r.add_argument("--as-of", type=_date, default=dt.date.today(), help="date YYYY-MM-DD (default: today)")
    r.add_argument("--model", choices=["fixed", "pathloss"], default="fixed", help="coverage model")
    r.add_argument("--format", choices=["csv", "xlsx", "gpkg"], default=None, help="default: from the file suffix")
    r.add_argument("--data", type=Path, default=None, help="dataset directory (default: the embedded default data)")
    r.add_argument("--population", type=Path, default=None,
                   help="population grid: cells or points with a population column (vector file, or CSV with "
                        "lat/lon) for population coverage")
    r.add_argument("-o", "--output", type=Path, required=True, help="file to write")
    r.set_defaults(func=_report)
    e = sub.add_parser("export-map", help="the coverage map as a standalone HTML file")
    e.add_argument("--layer", default="district", help="admin layer")
    e.add_argument("--unit", action="append", help="unit code to show (repeatable; all when omitted)")
    e.add_argument("--as-of", type=_date, default=dt.date.today(), help="date YYYY-MM-DD (default: today)")
    e.add_argument("--metric", default="area_coverage_pct", help="choropleth metric (engine name)")
    e.add_argument("--technology", default="4G", help="technology of the metric (or *)")
    e.add_argument("--operator", default="*", help="operator of the metric (or *)")
    e.add_argument("--footprints", default=None, help="draw the footprints of this technology")
    e.add_argument("--model", choices=["fixed", "pathloss"], default="fixed", help="coverage model")
    e.add_argument("--data", type=Path, default=None, help="dataset directory (default: the embedded default data)")
    e.add_argument("-o", "--output", type=Path, required=True, help="HTML file to write")
    e.set_defaults(func=_export_map)
    v = sub.add_parser("validate", help="check a file and print its validation report (exit 0/1/2)")
    _add_import_args(v)
    v.set_defaults(func=_validate)
    i = sub.add_parser("import", help="import a file into a dataset directory")
    _add_import_args(i)
    i.add_argument("--into", type=Path, required=True, help="dataset directory to create or update")
    i.set_defaults(func=_import)
    return top


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the process exit code."""
    top = parser()
    args, extra = top.parse_known_args(argv)
    if extra and args.command != "app":
        top.error(f"unrecognized arguments: {' '.join(extra)}")
    args.streamlit_args = extra
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.WARNING if args.quiet else logging.INFO)
    try:
        return args.func(args)
    except (ValueError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        log.removeHandler(handler)
