"""Import admin boundaries (GeoJSON, GeoPackage, zipped Shapefile, KML/KMZ) in any CRS, matched to official codes.

Recognised schemas: GADM (``NAME_1``/``NAME_2``/``NAME_3``), geoBoundaries
(``shapeName`` or a renamed name field), OpenStreetMap (``admin_level``, ``name``,
``name:en``), the official 2025 map (``code``, ``name``, ``fullName``, ``areaKm2``).
Names are matched through ``vietnamadminunits`` tolerating accents or their
absence, missing spaces, type prefixes, Unicode forms and old/new tone placement.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

from infra import settings
from infra.io.legacy import match_by_location
from infra.io.names import fold
from infra.io.register import read_hanoi_register
from infra.io.report import ImportReport, UnreadableFile
from infra.io.safety import check_size, safe_extract

_NAME_FIELDS = ("fullName", "name", "NAME_3", "NAME_2", "shapeName", "district", "ward", "commune", "ten", "Ten",
                "name:vi", "name:en", "nameEn")
_VECTOR_SUFFIXES = (".geojson", ".json", ".gpkg", ".shp", ".kml")


def _open(path: Path, workdir: Path) -> gpd.GeoDataFrame:
    suffix = path.suffix.lower()
    target = path
    if suffix in (".zip", ".kmz"):
        files = safe_extract(path, workdir)
        vectors = [f for f in files if f.suffix.lower() in _VECTOR_SUFFIXES]
        if not vectors:
            raise UnreadableFile(f"{path.name}: the archive holds no GeoJSON, GeoPackage, Shapefile or KML")
        target = vectors[0]
    try:
        frame = pyogrio.read_dataframe(target)
    except Exception as exc:
        raise UnreadableFile(f"{path.name}: not a readable vector file ({type(exc).__name__}: {exc})") from exc
    if not isinstance(frame, gpd.GeoDataFrame) or frame.geometry.isna().all():
        raise UnreadableFile(f"{path.name}: has no geometries — boundaries must be GeoJSON, GeoPackage, zipped "
                             "Shapefile, KML or KMZ")
    if frame.crs is None:
        raise UnreadableFile(f"{path.name}: no coordinate reference system — add a .prj (Shapefile) or a 'crs' "
                             "member, or save it as GeoJSON in WGS84")
    return frame


def _candidates(level: str) -> pd.DataFrame:
    reg = read_hanoi_register()
    if level == "ward_legacy":
        w = reg.legacy
        return pd.DataFrame({"code": w["ward_code"], "name": w["ward_name"], "type": w["ward_type"],
                             "district": w["district_name"]})
    if level == "district":
        d = reg.legacy.drop_duplicates("district_code")
        return pd.DataFrame({"code": d["district_code"], "name": d["district_name"], "type": d["district_type"]})
    u = reg.units_2025
    return pd.DataFrame({"code": u["unit_code"], "name": u["name"], "type": u["unit_type"]})


def _match(names: pd.Series, level: str, districts: pd.Series | None = None) -> pd.Series:
    """Official code per name (NaN when unmatched or ambiguous); legacy wards may use their district's name."""
    cand = _candidates(level)
    if level == "ward_legacy" and districts is not None:
        in_district = {(fold(d), fold(n)): c for c, n, d in cand[["code", "name", "district"]].itertuples(index=False)}
        by_pair = pd.Series([in_district.get((fold(d or ""), fold(n or ""))) for d, n in zip(districts, names,
                                                                                           strict=True)],
                            index=names.index)
        return by_pair.fillna(_match(names, level)).where(lambda s: s.notna(), None)
    triples = cand[["code", "name", "type"]].itertuples(index=False)
    with_type = {fold(f"{t} {n}", strip_prefix=False): c for c, n, t in triples}
    bare = cand.assign(key=cand["name"].map(fold)).groupby("key")["code"].agg(list)
    unique = {k: v[0] for k, v in bare.items() if len(v) == 1}

    def one(name: str) -> str | None:
        if not isinstance(name, str) or not name.strip():
            return None
        return with_type.get(fold(name, strip_prefix=False)) or unique.get(fold(name))

    return names.map(one)


_LEVELS = ("district", "commune_2025", "ward_legacy")


def _name_column(frame: pd.DataFrame) -> str:
    for f in _NAME_FIELDS:
        if f in frame.columns and frame[f].notna().any():
            return f
    text = [c for c in frame.columns if c != "geometry" and frame[c].dtype == object]
    if not text:
        raise UnreadableFile("no name column — add a 'name' column with the unit names")
    return text[0]


def read_boundaries(path: Path, *, layer: str | None = None, name_column: str | None = None,
                    max_bytes: int | None = None) -> tuple[gpd.GeoDataFrame, ImportReport]:
    """Import a boundary file as canonical admin units.

    Parameters
    ----------
    path
        GeoJSON, GeoPackage, zipped Shapefile, KML or KMZ.
    layer
        Layer name to give the units; ``None`` uses ``district``, ``commune_2025`` or
        ``ward_legacy`` (the wards before 1 Jul 2025, e.g. GADM ``NAME_3`` with its
        ``NAME_2`` district), whichever the names match best.
    name_column
        Column holding the unit names; ``None`` recognises the schema.
    max_bytes
        Upload size limit.

    Returns
    -------
    units : geopandas.GeoDataFrame
        Canonical admin units (EPSG:4326). Unmatched units are kept with a code
        ``X<row>`` and listed in the report.
    report : ImportReport

    Raises
    ------
    UnreadableFile
        If the file cannot be read, has no CRS, or no polygons.
    """
    check_size(path, limit=max_bytes)
    with tempfile.TemporaryDirectory() as tmp:
        raw = _open(path, Path(tmp))
    rep = ImportReport(path.name, "boundaries", read=len(raw))
    polygonal = raw.geom_type.isin(["Polygon", "MultiPolygon"])
    for i in raw.index[~polygonal & raw.geometry.notna()]:
        rep.add(i + 1, "geometry", raw.geom_type[i], "not a polygon", "keep only the unit polygons")
    for i in raw.index[raw.geometry.isna() | raw.geometry.is_empty]:
        rep.add(i + 1, "geometry", "", "missing geometry", "draw the unit or drop the row")
    if not polygonal.any():
        raise UnreadableFile(f"{path.name}: no polygons")
    geoms = raw.geometry.to_crs(settings.DEFAULT_CRS)
    invalid = polygonal & ~geoms.is_valid
    for i in raw.index[invalid]:
        rep.add(i + 1, "geometry", shapely.is_valid_reason(geoms[i]), "invalid geometry (repaired)",
                "repaired with make_valid; check the source", severity="repaired")
    geoms[invalid] = geoms[invalid].make_valid().map(
        lambda g: shapely.union_all([p for p in shapely.get_parts(g) if p.geom_type in ("Polygon", "MultiPolygon")]))
    col = name_column or _name_column(raw)
    if col not in raw.columns:
        raise UnreadableFile(f"{path.name}: no column {col!r}; columns are {list(raw.columns)}")
    names = raw[col].astype("string").fillna("")
    if "code" in raw.columns and "areaKm2" in raw.columns:  # the official 2025 map carries its codes
        level, codes = "commune_2025", raw["code"].astype("string").where(lambda c: c.isin(_candidates(
            "commune_2025")["code"]))
    else:
        parent = raw["NAME_2"].astype("string") if col == "NAME_3" and "NAME_2" in raw.columns else None
        by_level = {lv: _match(names, lv, parent if lv == "ward_legacy" else None) for lv in _LEVELS}
        level = max(by_level, key=lambda lv: by_level[lv].notna().sum())
        codes = by_level[level]
    merged: set[int] = set()
    if level == "ward_legacy" and (codes.isna() & polygonal).any():
        codes, merged = _locate_wards(codes, names, parent, geoms, polygonal, col, rep)
    for i in raw.index[codes.isna() & polygonal]:
        rep.add(i + 1, col, names[i], f"no official {level} unit of this name (kept with code X{i + 1})",
                "check the spelling or set the code by hand", severity="warning")
    cand = _candidates(level).set_index("code")
    geoms = _merge_located(codes, merged, geoms, names, col, rep)
    dup = codes.notna() & codes.duplicated(keep=False) & ~raw.index.isin(merged)
    for i in raw.index[dup]:
        rep.add(i + 1, col, names[i], f"several features match official unit {codes[i]} (kept apart)",
                "merge the parts into one feature", severity="warning")
    metric_area = gpd.GeoSeries(geoms, crs=settings.DEFAULT_CRS).to_crs(settings.METRIC_CRS).area / 1e6
    code = codes.where(codes.notna() & ~dup, [f"X{i + 1}" for i in raw.index])
    units = gpd.GeoDataFrame({
        "layer": layer or level, "unit_code": code,
        "name": [cand["name"].get(c, n) for c, n in zip(code, names, strict=True)],
        "unit_type": [cand["type"].get(c) for c in code],
        "area_km2": metric_area.round(3).to_numpy(),
    }, geometry=geoms.to_numpy(), crs=settings.DEFAULT_CRS)
    keep = polygonal & ~units.index.isin([r - 1 for r in rep.rejected_rows()])
    keep &= ~(units.index.isin(merged) & units["unit_code"].duplicated(keep="first"))  # merged into the first
    return units[keep.to_numpy()].reset_index(drop=True), rep


def _locate_wards(codes: pd.Series, names: pd.Series, parent: pd.Series | None, geoms: gpd.GeoSeries,
                  polygonal: pd.Series, col: str, rep: ImportReport) -> tuple[pd.Series, set[int]]:
    """Legacy wards whose name the register lacks, matched by location (:mod:`infra.io.legacy`).

    Returns the codes, and the rows that share a code with another row (to be merged into one unit).
    """
    codes = codes.copy()
    lost = codes.isna() & polygonal
    districts = _match(parent, "district") if parent is not None else None
    found = match_by_location(gpd.GeoSeries(geoms[lost], crs=settings.DEFAULT_CRS),
                              None if districts is None else districts[lost])
    for i, hit in found[found["code"].notna()].iterrows():
        codes[i] = hit["code"]
        within = f" in district {parent[i]}" if parent is not None and pd.notna(districts[i]) else ""
        rep.add(i + 1, col, names[i], f"no ward of this name in the register{within} (merged since?): matched by "
                f"location to {hit['code']} {hit['name']}, which holds {hit['share']:.0%} of its area",
                "check that this is the ward it became", severity="repaired")
    shared = codes.notna() & codes.duplicated(keep=False)
    located = set(found.index[found["code"].notna()])
    groups = {c for c in codes[shared] if any(i in located for i in codes.index[codes == c])}
    return codes, {int(i) for i in codes.index[codes.isin(groups)]}


def _merge_located(codes: pd.Series, merged: set[int], geoms: gpd.GeoSeries, names: pd.Series, col: str,
                   rep: ImportReport) -> gpd.GeoSeries:
    """Wards the register merged, merged here too: the first row of each code gets the union of their polygons."""
    if not merged:
        return geoms
    geoms = geoms.copy()
    for code, rows in pd.Series(sorted(merged)).groupby(codes[sorted(merged)].to_numpy()):
        first, *others = rows.tolist()
        geoms[first] = shapely.union_all(geoms[rows.tolist()].to_numpy())
        for i in others:
            rep.add(i + 1, col, names[i], f"merged with row {first + 1} into unit {code}, as the register merged "
                    "them", "nothing to do, unless the match by location is wrong", severity="repaired")
    return geoms
