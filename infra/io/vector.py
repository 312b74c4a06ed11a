"""The one safe way GDAL opens a user's vector file: GeoJSON, GeoPackage, KML, KMZ, zipped Shapefiles.

GDAL only ever opens a file this module wrote itself under a name it chose, after
the content was checked: never a path, URL or virtual file system named inside a
file. VRT and any XML but KML are refused (:mod:`infra.io.sniff`); a KML with a
``NetworkLink`` or a ``/vsi…`` name is refused; a GeoPackage layer must be a plain
table (no view, no virtual table but its R-tree index). GDAL's network access is
switched off for the process as a second guard (:data:`GDAL_LOCKDOWN`).
Archives go through :func:`infra.io.safety.safe_extract`. Every layer of a file
and every vector member of an archive is a *part*: one is read (the first, or the
user's choice) and each other is reported.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import shapely

from infra.i18n import _, number, option
from infra.io.limits import Limits, check_time, refuse
from infra.io.report import ImportReport, UnreadableFile
from infra.io.safety import check_size, safe_extract
from infra.io.sniff import check_format, refusal, sniff

#: GDAL configuration set once for the process: no network, no directory listing on open.
#: Not relied on alone: GDAL never sees a file whose content was not checked first.
GDAL_LOCKDOWN: dict[str, str] = {
    "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".none-allowed",  # /vsicurl/ opens nothing
    "GDAL_HTTP_PROXY": "127.0.0.1:9",  # any HTTP request GDAL would make goes to the discard port
    "GDAL_HTTP_TIMEOUT": "1",
    "GDAL_HTTP_MAX_RETRY": "0",
    "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR",
    "OGR_SQLITE_ALLOW_EXTERNAL_ACCESS": "NO",
    "GDAL_VRT_ENABLE_PYTHON": "NO",
}
pyogrio.set_gdal_config_options(GDAL_LOCKDOWN)

_VECTORS = ("json", "kml", "gpkg", "shp")
_SUFFIX = {"json": ".geojson", "kml": ".kml", "gpkg": ".gpkg", "shp": ".shp"}
_NETWORK = re.compile(rb"<\s*(?:[\w-]+:)?networklink\b|/vsi[a-z0-9_]+/", re.I)


@dataclass(frozen=True)
class Part:
    """One layer of a vector file, or of a vector member of an archive."""

    label: str
    file: Path
    layer: str | int
    features: int  # -1 when not counted before reading
    fmt: str = "json"


def _checked(file: Path, fmt: str, shown: str) -> None:
    """Refuse what GDAL must never open: KML that points elsewhere, GeoPackage views and virtual tables."""
    if fmt == "kml":
        if _NETWORK.search(file.read_bytes()):
            raise UnreadableFile(_("{file}: the KML links to other files or addresses (NetworkLink or /vsi), which "
                                   "are never followed; export the features themselves.").format(file=shown))
    elif fmt == "gpkg":
        try:
            con = sqlite3.connect(f"{file.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
            try:
                rows = con.execute("SELECT type, name, sql FROM sqlite_master").fetchall()
                layers = [r[0] for r in con.execute("SELECT table_name FROM gpkg_contents")]
            finally:
                con.close()
        except sqlite3.Error as exc:
            raise UnreadableFile(_("{file}: is not a readable GeoPackage; save it again from QGIS.").format(
                file=shown)) from exc
        kinds = {name: (typ, sql or "") for typ, name, sql in rows}
        for layer in layers:
            typ, sql = kinds.get(layer, ("missing", ""))
            if typ != "table" or "VIRTUAL" in sql.upper():
                raise UnreadableFile(_("{file}: the layer {layer} is a {type}, not a plain table, and is not read; "
                                       "save it as a table (QGIS: Export).").format(
                    file=shown, layer=repr(layer), type=typ if typ != "table" else _("virtual table")))


def check_geopackage(file: Path, shown: str) -> None:
    """Refuse a dataset folder's GeoPackage that is not one (a VRT renamed ``.gpkg``), or holds views.

    Raises
    ------
    UnreadableFile
        If GDAL would open anything but the plain tables of a GeoPackage.
    """
    fmt = sniff(file)
    if fmt != "gpkg":
        raise UnreadableFile(_("{file}: is not a GeoPackage (its content is {format}); a dataset folder holds the "
                               "GeoPackage `telecom-tracker snapshot` wrote.").format(file=shown, format=fmt))
    _checked(file, "gpkg", shown)


def _parts_of(file: Path, fmt: str, shown: str, label: str | None) -> list[Part]:
    _checked(file, fmt, shown)
    if fmt == "shp":
        missing = _(" or ").join(s for s in (".dbf", ".shx") if not file.with_suffix(s).exists())
        if missing:
            raise UnreadableFile(_("{file}: the Shapefile {label} has no {missing} beside it; zip the .shp, .shx, "
                                   ".dbf and .prj files of one Shapefile together.").format(
                file=shown, label=label, missing=missing))
    if fmt in ("json", "shp"):  # one layer, and GDAL would parse a whole GeoJSON to count it: read once
        return [Part(label or file.stem, file, 0, -1, fmt)]
    try:
        layers = pyogrio.list_layers(file)
    except Exception as exc:  # GDAL refuses the file: one clear message
        raise UnreadableFile(_("{file}: is not a readable {format} file; save it again from QGIS or the tool that "
                               "made it.").format(file=shown, format=fmt.upper())) from exc
    out = []
    for layer, _geom in layers:
        try:
            features = pyogrio.read_info(file, layer=layer)["features"]
        except Exception as exc:
            raise UnreadableFile(_("{file}: the layer {layer} cannot be read; save it again.").format(
                file=shown, layer=repr(layer))) from exc
        text = layer if label is None else (label if len(layers) == 1 else f"{label} / {layer}")
        out.append(Part(text, file, layer, int(features), fmt))
    return out


def parts(path: Path, workdir: Path, kind: str, *, limits: Limits, name: str, rep: ImportReport) -> list[Part]:
    """Every part (layer or member) of a vector file, after every check; archives are unpacked into ``workdir``.

    Raises
    ------
    UnreadableFile
        If the file is of a format the kind does not accept, is unsafe, or holds no vector data.
    """
    check_size(path, limits=limits, name=name)
    fmt = check_format(path, kind, name=name)
    if fmt not in ("zip", *_VECTORS):
        raise refusal(name, fmt, kind)
    if fmt != "zip":
        own = workdir / f"upload{_SUFFIX[fmt]}"
        shutil.copyfile(path, own)  # GDAL opens our copy under our name, never the user's path
        return _parts_of(own, fmt, name, None)
    unpacked = workdir / "unpacked"
    found: list[Part] = []
    for member in safe_extract(path, unpacked, limits=limits, name=name):
        rel = member.relative_to(unpacked.resolve()).as_posix()
        check_time()
        inner = sniff(member)
        if inner in _VECTORS:
            if inner == "shp" and member.suffix.lower() != ".shp":
                continue
            own = member.with_name(f"m{len(found)}_{member.stem[:40]}".replace(" ", "_")).with_suffix(_SUFFIX[inner])
            if inner == "shp":
                for sib in member.parent.glob(f"{member.stem}.*"):
                    if sib.suffix.lower() in (".dbf", ".shx", ".prj", ".cpg"):
                        shutil.copyfile(sib, own.with_suffix(sib.suffix.lower()))
            shutil.copyfile(member, own)
            found.extend(_parts_of(own, inner, name, rel))
        elif inner in ("vrt", "xml", "sqlite", "binary", "text", "zip", "gzip", "xlsx") and member.suffix.lower() \
                not in (".dbf", ".shx", ".prj", ".cpg", ".qix", ".sbn", ".sbx", ".xml", ".qmd", ".txt"):
            rep.add(None, "", rel, _("this member of the archive is not a vector file and was not read"),
                    _("keep only GeoJSON, GeoPackage, KML or Shapefile files in the archive"), severity="warning")
    if not found:
        raise UnreadableFile(_("{file}: the archive holds no GeoJSON, GeoPackage, KML or complete Shapefile (.shp "
                               "with its .shx and .dbf).").format(file=name))
    return found


def read_part(chosen: Part, others: list[Part], *, limits: Limits, name: str,
              rep: ImportReport) -> gpd.GeoDataFrame:
    """Read one part after checking its size against the limits; the parts not chosen are reported.

    Raises
    ------
    UnreadableFile
        If the part is over a limit, has no coordinate reference system, or its coordinates
        cannot be in the system it names.
    """
    for p in others:
        what = (_("the part {part} ({n} features) was not imported") if p.features >= 0
                else _("the part {part} was not imported"))
        rep.add(None, "", p.label, what.format(part=repr(p.label), n=number(p.features)),
                _("import it on its own: choose it with {option}").format(option=option("part", p.label)),
                severity="warning")
    if chosen.fmt != "json":  # counts and fields from the header, before anything is read
        info = pyogrio.read_info(chosen.file, layer=chosen.layer)
        if info["features"] > limits.max_rows:
            raise _too_many(name, chosen, info["features"], limits)
        if len(info["fields"]) > limits.max_columns:
            raise _too_wide(name, chosen, len(info["fields"]), limits)
    try:
        frame = pyogrio.read_dataframe(chosen.file, layer=chosen.layer, use_arrow=False,
                                       max_features=limits.max_rows + 1)
    except Exception as exc:
        raise UnreadableFile(_("{file}: the layer {layer} cannot be read; save it again from QGIS.").format(
            file=name, layer=repr(chosen.label))) from exc
    if len(frame) > limits.max_rows:
        raise _too_many(name, chosen, len(frame), limits)
    if len(frame.columns) - 1 > limits.max_columns:
        raise _too_wide(name, chosen, len(frame.columns) - 1, limits)
    check_time()
    if not isinstance(frame, gpd.GeoDataFrame) or frame.geometry.isna().all():
        raise UnreadableFile(_("{file}: the layer {layer} has no geometries.").format(file=name,
                                                                                      layer=repr(chosen.label)))
    if frame.crs is None:
        raise UnreadableFile(_("{file}: has no coordinate reference system; add a .prj (Shapefile) or save it with "
                               "its CRS (e.g. as GeoJSON in WGS84, EPSG:4326).").format(file=name))
    if frame.crs.is_geographic:
        x0, y0, x1, y1 = frame.total_bounds
        if np.isfinite([x0, y0, x1, y1]).all() and (min(x0, y0) < -180 or max(x1, y1) > 180 or y0 < -90 or y1 > 90):
            raise UnreadableFile(_("{file}: the coordinates (e.g. {x}, {y}) are not degrees, yet the file says {crs} "
                                   "(GeoJSON always does); they look projected (metres). Save the file with its real "
                                   "CRS, or reproject it to WGS84 (EPSG:4326).").format(
                file=name, x=number(x0), y=number(y0), crs=frame.crs.name))
    return frame.reset_index(drop=True)


def _too_many(name: str, part: Part, n: int, limits: Limits) -> UnreadableFile:
    return refuse(name, "max_rows", _("the layer {layer} has more than {limit} features ({n} or more), the "
                                      "limit.").format(layer=repr(part.label), limit=number(limits.max_rows),
                                                       n=number(n)))


def _too_wide(name: str, part: Part, n: int, limits: Limits) -> UnreadableFile:
    return refuse(name, "max_columns", _("the layer {layer} has {n} fields, over the limit of {limit}.").format(
        layer=repr(part.label), n=number(n), limit=number(limits.max_columns)))


def finite(geoms: np.ndarray) -> np.ndarray:
    """Whether each geometry's coordinates are all finite numbers (missing ones count as finite)."""
    coords, index = shapely.get_coordinates(geoms, return_index=True)
    bad = np.zeros(len(geoms), dtype=bool)
    np.logical_or.at(bad, index, ~np.isfinite(coords).all(axis=1))  # GEOS bounds skip an inner NaN: each point
    return ~bad


def choose(found: list[Part], part: str | None, name: str) -> tuple[Part, list[Part]]:
    """The part the user chose (default: the first with features) and the others.

    Raises
    ------
    UnreadableFile
        If ``part`` names no part of the file.
    """
    if part is None:
        chosen = next((p for p in found if p.features != 0), found[0])
    else:
        chosen = next((p for p in found if p.label == part or p.layer == part), None)
        if chosen is None:
            raise UnreadableFile(_("{file}: has no part {part}; its parts are {parts}.").format(
                file=name, part=repr(part), parts=", ".join(repr(p.label) for p in found)))
    return chosen, [p for p in found if p is not chosen]
