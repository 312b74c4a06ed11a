"""One entry point for every importer: a file and its kind in, canonical frames and a report out.

Every import runs under the limits of :mod:`infra.io.limits` (sizes, counts, wall
time) and through the one safe path of its kind: content sniffing and an
allow-list of formats (:mod:`infra.io.sniff`), archives checked before anything is
read (:mod:`infra.io.safety`), GDAL only on checked files (:mod:`infra.io.vector`).
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Literal

import geopandas as gpd
import shapely

from infra import settings
from infra.dataset import Dataset
from infra.i18n import _
from infra.io.boundaries import read_boundaries
from infra.io.inventory import read_radios, read_sites
from infra.io.limits import Limits, deadline
from infra.io.opencellid import read_opencellid
from infra.io.population import read_population
from infra.io.report import ImportReport, UnreadableFile, kind_label
from infra.io.targets import read_targets_file

Kind = Literal["boundaries", "sites", "radios", "opencellid", "targets", "population"]
KINDS: tuple[str, ...] = ("boundaries", "sites", "radios", "opencellid", "targets", "population")
#: Longest file name kept for reports (characters); longer names are cut in the middle.
MAX_NAME_CHARS: int = 120
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def display_name(name: str) -> str:
    r"""The last part of a user's file name, without control or direction characters, at most 120 characters.

    Examples
    --------
    >>> display_name("C:\\Users\\an\\trạm.csv")
    'trạm.csv'
    >>> display_name("..")
    'upload'
    """
    last = _CONTROL.sub("", str(name)).replace("\\", "/").rsplit("/", 1)[-1].strip()
    if last in ("", ".", ".."):
        return "upload"
    if len(last) > MAX_NAME_CHARS:
        half = (MAX_NAME_CHARS - 1) // 2
        last = f"{last[:half]}…{last[-half:]}"
    return last


def import_file(path: Path, kind: Kind, *, base: Dataset | None = None, limits: Limits | None = None,
                name: str | None = None, **options) -> tuple[dict, ImportReport]:
    """Run the importer of ``kind`` on ``path``, within ``limits`` (wall time included).

    Parameters
    ----------
    path
        The file.
    kind
        One of :data:`KINDS`.
    base
        Dataset the import goes into (radios are checked against its sites, targets against its units).
    limits
        Size, count and time limits (default :class:`~infra.io.limits.Limits`).
    name
        The file name to report (default: the path's).
    **options
        Passed to the importer (``columns``, ``grid``, ``layer``, ``part``, ``group_m``…).

    Returns
    -------
    frames : dict
        Canonical frames by name (``units``, ``sites``, ``radios``, ``targets``, ``population``).
    report : ImportReport

    Raises
    ------
    UnreadableFile
        If the file cannot be read at all, or is over a limit.
    ValueError
        For an unknown kind.
    """
    if kind not in KINDS:
        raise ValueError(_("unknown kind {kind}; use one of {kinds}").format(kind=repr(kind), kinds=", ".join(KINDS)))
    path = Path(path)
    limits = limits or Limits()
    shown = display_name(name or path.name)
    try:
        with deadline(limits.max_seconds, shown):
            return _run(path, kind, base, {**options, "limits": limits, "name": shown})
    except UnreadableFile:
        raise
    except Exception as exc:  # a file no importer foresaw: one clear error, never a traceback or its text
        raise UnreadableFile(_("{file}: cannot be imported as {kind}: its content is not what such a file holds "
                               "({error}). Check it opens in Excel or QGIS, and save it again.").format(
            file=shown, kind=kind_label(kind), error=type(exc).__name__)) from exc


def import_upload(name: str, data: bytes, kind: Kind, *, base: Dataset | None = None,
                  **options) -> tuple[dict, ImportReport]:
    """:func:`import_file` on an uploaded file's bytes (kept in a private temporary folder while read).

    Parameters
    ----------
    name
        The file name the user gave: reported as :func:`display_name` makes it, never used as a path.
    data
        The file's content.
    kind, base, **options
        As :func:`import_file`.
    """
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "upload"  # what the file is comes from its content, not its name
        path.write_bytes(data)
        return import_file(path, kind, base=base, name=display_name(name), **options)


def territory(units: gpd.GeoDataFrame, *, slack_m: float = 200.0) -> shapely.Geometry:
    """The area a dataset's units cover (its first layer), with ``slack_m`` along the edge, in EPSG:4326."""
    layer = units[units["layer"] == units["layer"].iloc[0]].to_crs(settings.METRIC_CRS)
    edge = gpd.GeoSeries([shapely.union_all(layer.geometry.to_numpy())], crs=layer.crs).buffer(slack_m, quad_segs=4)
    return edge.to_crs(settings.DEFAULT_CRS).iloc[0]


def _run(path: Path, kind: str, base: Dataset | None, options: dict) -> tuple[dict, ImportReport]:
    if kind == "boundaries":
        columns = options.pop("columns", None) or {}
        if "name" in columns:
            options["name_column"] = columns["name"]
        units, rep = read_boundaries(path, **options)
        return {"units": units}, rep
    if kind == "sites":
        if base is not None and "territory" not in options:
            options = {**options, "territory": territory(base.units)}
        sites, rep = read_sites(path, **options)
        return {"sites": sites}, rep
    if kind == "radios":
        ids = set(base.sites["site_id"]) if base is not None else None
        radios, rep = read_radios(path, site_ids=ids, **options)
        return {"radios": radios}, rep
    if kind == "opencellid":
        options.pop("part", None)
        sites, radios, rep = read_opencellid(path, **options)
        return {"sites": sites, "radios": radios}, rep
    if kind == "targets":
        targets, rep = read_targets_file(path, units=None if base is None else base.units, **options)
        return {"targets": targets}, rep
    grid, rep = read_population(path, **options)
    return {"population": grid}, rep
