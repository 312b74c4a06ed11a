"""One entry point for every importer: a file and its kind in, canonical frames and a report out."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Literal

import geopandas as gpd
import shapely

from infra import settings
from infra.dataset import Dataset
from infra.io.boundaries import read_boundaries
from infra.io.inventory import read_opencellid, read_radios, read_sites
from infra.io.population import read_population
from infra.io.report import ImportReport, UnreadableFile
from infra.io.targets import read_targets_file

Kind = Literal["boundaries", "sites", "radios", "opencellid", "targets", "population"]
KINDS: tuple[str, ...] = ("boundaries", "sites", "radios", "opencellid", "targets", "population")


def import_file(path: Path, kind: Kind, *, base: Dataset | None = None, **options) -> tuple[dict, ImportReport]:
    """Run the importer of ``kind`` on ``path``.

    Parameters
    ----------
    path
        The file.
    kind
        One of :data:`KINDS`.
    base
        Dataset the import goes into (radios are checked against its sites).
    **options
        Passed to the importer (``columns``, ``grid``, ``layer``, ``max_bytes``…).

    Returns
    -------
    frames : dict
        Canonical frames by name (``units``, ``sites``, ``radios``, ``targets``, ``population``).
    report : ImportReport

    Raises
    ------
    UnreadableFile
        If the file cannot be read at all.
    ValueError
        For an unknown kind.
    """
    path = Path(path)
    try:
        return _run(path, kind, base, options)
    except (UnreadableFile, ValueError):
        raise
    except Exception as exc:  # a file no importer foresaw: one clear error, never a traceback
        raise UnreadableFile(f"{path.name}: cannot be imported as {kind} ({type(exc).__name__}: {exc})") from exc


def import_upload(name: str, data: bytes, kind: Kind, *, base: Dataset | None = None,
                  **options) -> tuple[dict, ImportReport]:
    """:func:`import_file` on an uploaded file's bytes (kept in a private temporary folder while read).

    Parameters
    ----------
    name
        The file name the user gave (only its last part is kept, and it is never a path).
    data
        The file's content.
    kind, base, **options
        As :func:`import_file`.
    """
    safe = Path(str(name).replace("\\", "/")).name.strip(". ")[-120:] or "upload"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / safe
        path.write_bytes(data)
        return import_file(path, kind, base=base, **options)


def territory(units: gpd.GeoDataFrame, *, slack_m: float = 200.0) -> shapely.Geometry:
    """The area a dataset's units cover (its first layer), with ``slack_m`` along the edge, in EPSG:4326."""
    layer = units[units["layer"] == units["layer"].iloc[0]].to_crs(settings.METRIC_CRS)
    edge = gpd.GeoSeries([shapely.union_all(layer.geometry.to_numpy())], crs=layer.crs).buffer(slack_m, quad_segs=4)
    return edge.to_crs(settings.DEFAULT_CRS).iloc[0]


def _run(path: Path, kind: str, base: Dataset | None, options: dict) -> tuple[dict, ImportReport]:
    if kind == "boundaries":
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
        sites, radios, rep = read_opencellid(path, **options)
        return {"sites": sites, "radios": radios}, rep
    if kind == "targets":
        targets, rep = read_targets_file(path, units=None if base is None else base.units, **options)
        return {"targets": targets}, rep
    if kind == "population":
        grid, rep = read_population(path, **options)
        return {"population": grid}, rep
    raise ValueError(f"unknown kind {kind!r}; use one of {', '.join(KINDS)}")
