"""The ``python -m infra`` command line."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from infra import settings


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
    from infra.engine import Engine, ModelOptions
    from infra.io import read_dataset
    from infra.population import layers_for
    from infra.report import unit_table, write_table

    ds = read_dataset(args.data)
    fmt = args.format or (args.output.suffix.lstrip(".").lower() if args.output.suffix else "csv")
    notes = list(ds.notices())
    grid = ds.population  # the dataset's own grid, unless --population gives another
    if args.population is not None:
        from infra.import_population import read_population
        from infra.validation import UnreadableFile

        try:
            grid, rep = read_population(args.population)
        except UnreadableFile as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        print(rep.text(limit=20), file=sys.stderr)
        notes.append(f"population: {args.population.name}, {len(grid):,} cells, people spread evenly within each "
                     f"cell and each coverage fragment (≤ {settings.COVERAGE_TILE_M:,.0f} m tiles)")
    eng = Engine(ds.units, ds.sites, ds.radios, ds.zones, layers=layers_for(ds.units, args.layer, grid=grid),
                 options=ModelOptions(model=args.model), population=grid)
    table, _ = unit_table(ds, layer=args.layer, as_of=args.as_of, engine=eng)
    write_table(table, args.output, fmt=fmt, notices=notes)
    for notice in [*notes, *filter(None, [eng.outside_note()])]:
        print(f"note: {notice}", file=sys.stderr)
    print(f"wrote {len(table)} rows ({len(table) - 1} units + city) to {args.output}")
    return 0


def _export_map(args: argparse.Namespace) -> int:
    from infra.coverage_map import MapView
    from infra.engine import ModelOptions
    from infra.export import export_map_html
    from infra.io import read_dataset

    ds = read_dataset(args.data)
    codes = set(ds.layer(args.layer)["unit_code"])
    unknown = [u for u in args.unit or [] if u not in codes]
    if unknown:
        print(f"error: unknown unit code(s) {', '.join(unknown)} in layer {args.layer}", file=sys.stderr)
        return 2
    view = MapView(layer=args.layer, as_of=args.as_of, units=tuple(args.unit or ()), metric=args.metric,
                   technology=args.technology, operator=args.operator, footprints=args.footprints or "")
    path = export_map_html(ds, view, args.output, options=ModelOptions(model=args.model))
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


def _import_options(args: argparse.Namespace) -> dict:
    opts: dict = {"max_bytes": args.max_mb * 1024 * 1024}
    if args.kind in ("sites", "radios", "targets", "population") and args.column:
        opts["columns"] = _mapping(args.column)
    if args.kind == "sites":
        opts["grid"] = args.grid
    if args.kind == "boundaries" and args.layer:
        opts["layer"] = args.layer
    if args.kind == "opencellid":
        opts["group_m"] = args.group_m
    return opts


def _validate(args: argparse.Namespace) -> int:
    from infra.importing import import_file
    from infra.io import read_dataset
    from infra.validation import UnreadableFile

    try:
        base = read_dataset(args.data) if args.kind in ("radios", "sites", "targets") else None
        _, rep = import_file(args.file, args.kind, base=base, **_import_options(args))
    except UnreadableFile as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(rep.text(limit=args.limit))
    return 0 if rep.ok else 1


def _import(args: argparse.Namespace) -> int:
    from infra.importing import import_file, merge_into
    from infra.io import read_dataset, write_dataset
    from infra.validation import UnreadableFile

    target = args.into
    has_data = (target / settings.DEFAULT_GPKG.name).exists()
    try:
        base = read_dataset(target if has_data else args.data)
        frames, rep = import_file(args.file, args.kind, base=base, **_import_options(args))
    except UnreadableFile as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(rep.text(limit=args.limit))
    merged = merge_into(base, frames, source=args.file.name)
    if "targets" in frames and (notice := merged.provenance["targets"].notice("targets")):
        print(notice)  # targets carried to a layer the file did not cover
    merged.validate()
    write_dataset(merged, target)
    merged.targets.to_csv(target / settings.DEFAULT_TARGETS.name, index=False, lineterminator="\n")
    print(f"wrote the dataset to {target} (use --data {target})")
    return 0 if rep.ok else 1


def _add_import_args(p: argparse.ArgumentParser) -> None:
    from infra.importing import KINDS

    p.add_argument("file", type=Path, help="file to read")
    p.add_argument("--kind", choices=KINDS, required=True, help="what the file holds")
    p.add_argument("--column", action="append", metavar="CANONICAL=INPUT",
                   help="explicit column mapping, e.g. --column site_id='Mã BTS' (repeatable)")
    p.add_argument("--grid", default="vn2000_local",
                   help="VN-2000 grid of x/y columns: vn2000_local (EPSG:5897), vn2000_utm48 (EPSG:3405) or an EPSG")
    p.add_argument("--layer", default=None, help="layer name for imported boundaries (default: recognised)")
    p.add_argument("--group-m", type=float, default=30.0, help="OpenCelliD: cells within this distance form a site")
    p.add_argument("--max-mb", type=int, default=200, help="refuse files larger than this (MB)")
    p.add_argument("--limit", type=int, default=200, help="problems printed at most")
    p.add_argument("--data", type=Path, default=None, help="dataset directory (default: the embedded default data)")


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
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (ValueError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
