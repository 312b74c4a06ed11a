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
import shapely

from infra import settings
from infra.i18n import N_, _, interface, listing, number, option, percent
from infra.io.legacy import match_by_location
from infra.io.limits import Limits
from infra.io.names import fold
from infra.io.register import read_hanoi_register
from infra.io.report import ImportReport, UnreadableFile
from infra.io.vector import choose, finite, parts, read_part

_NAME_FIELDS = ("fullName", "name", "NAME_3", "NAME_2", "shapeName", "district", "ward", "commune", "ten", "Ten",
                "name:vi", "name:en", "nameEn")


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
#: Level → its name in messages (msgids).
LEVELS: dict[str, str] = {"district": N_("district"), "commune_2025": N_("2025 commune or ward"),
                          "ward_legacy": N_("ward (before 2025)")}


def _text_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if c != frame.geometry.name and (pd.api.types.is_string_dtype(frame[c])
                                                                      or frame[c].dtype == object)]


def _name_column(frame: pd.DataFrame) -> str | None:
    """A recognised name field, else the text column whose values match the most official names (None if none)."""
    for f in _NAME_FIELDS:
        if f in frame.columns and frame[f].notna().any():
            return f
    best, hits = None, 0
    for c in _text_columns(frame):
        names = frame[c].astype(object).where(frame[c].notna(), "")
        n = max(int(_match(names, lv).notna().sum()) for lv in ("district", "commune_2025"))
        if n > hits:
            best, hits = c, n
    return best if hits * 2 >= len(frame) else None


def read_boundaries(path: Path, *, layer: str | None = None, name_column: str | None = None,
                    part: str | None = None, limits: Limits | None = None,
                    name: str | None = None) -> tuple[gpd.GeoDataFrame, ImportReport]:
    """Import a boundary file as canonical admin units.

    Parameters
    ----------
    path
        GeoJSON, GeoPackage, zipped Shapefile, KML or KMZ (told by content, see :mod:`infra.io.vector`).
    layer
        Layer name to give the units; ``None`` uses ``district``, ``commune_2025`` or
        ``ward_legacy`` (the wards before 1 Jul 2025, e.g. GADM ``NAME_3`` with its
        ``NAME_2`` district), whichever the names match best.
    name_column
        Column holding the unit names; ``None`` recognises the schema, or the column whose
        values match official names; with none, units get codes ``X<row>`` and the report says so.
    part
        Layer of the file or member of the archive to import (default: the first); the others are reported.
    limits
        Size, count and time limits (default :class:`~infra.io.limits.Limits`).
    name
        The file name to report (default: the path's).

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
    limits = limits or Limits()
    shown = name or path.name
    rep = ImportReport(shown, "boundaries")
    with tempfile.TemporaryDirectory() as tmp:
        found = parts(path, Path(tmp), "boundaries", limits=limits, name=shown, rep=rep)
        chosen, others = choose(found, part, shown)
        raw = read_part(chosen, others, limits=limits, name=shown, rep=rep)
    rep.read, rep.parts, rep.part = len(raw), tuple(p.label for p in found), chosen.label
    rep.columns = tuple(c for c in raw.columns if c != raw.geometry.name)
    geoms = _geometries(raw, rep)
    usable = ~shapely.is_missing(geoms.to_numpy())
    if not usable.any():
        raise UnreadableFile(_("{file}: has no usable polygons (every feature is reported below: {problems}).").format(
            file=shown, problems="; ".join(p.what for p in rep.problems[:3])))
    if name_column is not None and name_column not in raw.columns:
        raise UnreadableFile(_("{file}: has no column {column}; its columns are {columns}.").format(
            file=shown, column=listing([name_column]), columns=listing(rep.columns)))
    col = name_column or _name_column(raw)
    if col is None:
        rep.add(None, "", "", _("no column of unit names was recognised, so every unit got a code X<row>"),
                _("choose the column holding the names with {option}, among {columns}").format(
                    option=option("name_column", "name=COLUMN" if interface() == "cli" else ""),
                    columns=listing(rep.columns)), severity="warning")
        names = pd.Series([""] * len(raw), index=raw.index, dtype=object)
    else:
        names = raw[col].astype(object).where(raw[col].notna(), "").map(str)
        for i in raw.index[names.str.len() > limits.max_field_chars]:
            rep.add(i + 1, col, names[i][:60] + "…",
                    _("the name holds {n} characters, over the limit of {limit}").format(
                        n=number(len(names[i])), limit=number(limits.max_field_chars)), _("shorten the name"))
            usable[i] = False
    codes, level = _codes(raw, names, col)
    merged: set[int] = set()
    if level == "ward_legacy" and (codes.isna() & usable).any():
        parent = raw["NAME_2"].astype(object) if col == "NAME_3" and "NAME_2" in raw.columns else None
        codes, merged = _locate_wards(codes, names, parent, geoms, pd.Series(usable, index=raw.index), col, rep)
    if col is not None:
        for i in raw.index[codes.isna() & usable]:
            rep.add(i + 1, col, names[i], _("no official {level} of this name (kept with code {code})").format(
                level=_(LEVELS.get(level, level)), code=f"X{i + 1}"), _("check the spelling or set the code by hand"),
                severity="warning")
    cand = _candidates(level).set_index("code")
    geoms = _merge_located(codes, merged, geoms, names, col, rep)
    dup = codes.notna() & codes.duplicated(keep=False) & ~raw.index.isin(merged)
    for i in raw.index[dup]:
        rep.add(i + 1, col, names[i], _("several features match official unit {code} (kept apart)").format(
            code=codes[i]), _("merge the parts into one feature"), severity="warning")
    code = pd.Series([c if isinstance(c, str) and not d else f"X{i + 1}" for i, c, d in zip(raw.index, codes, dup,
                                                                                          strict=True)],
                     index=raw.index, dtype=object)
    metric_area = gpd.GeoSeries(geoms, crs=settings.DEFAULT_CRS).to_crs(settings.METRIC_CRS).area / 1e6
    units = gpd.GeoDataFrame({
        "layer": layer or level, "unit_code": code,
        "name": [cand["name"].get(c, n or c) for c, n in zip(code, names, strict=True)],
        "unit_type": pd.Series([cand["type"].get(c) for c in code], index=raw.index, dtype=object),
        "area_km2": metric_area.round(3).to_numpy(),
    }, geometry=geoms.to_numpy(), crs=settings.DEFAULT_CRS)
    keep = usable & ~units.index.isin([r - 1 for r in rep.rejected_rows()])
    # rows merged with another (wards the register merged) live on in the first of them
    keep &= ~(units.index.isin(merged) & units["unit_code"].duplicated(keep="first").to_numpy())
    return units[keep].reset_index(drop=True), rep


def _geometries(raw: gpd.GeoDataFrame, rep: ImportReport) -> gpd.GeoSeries:
    """Polygons in EPSG:4326, invalid ones repaired; ``None`` for each row rejected (and reported)."""
    geom = raw.geometry
    missing = geom.isna() | geom.is_empty
    polygonal = geom.geom_type.isin(["Polygon", "MultiPolygon"]) & ~missing
    for i in raw.index[missing]:
        rep.add(i + 1, "geometry", "", _("missing geometry"), _("draw the unit or drop the row"))
    for i in raw.index[~polygonal & ~missing]:
        rep.add(i + 1, "geometry", raw.geom_type[i], _("not a polygon"), _("keep only the unit polygons"))
    geoms = geom.where(polygonal, None).to_crs(settings.DEFAULT_CRS)
    coords_ok = pd.Series(finite(geoms.to_numpy()), index=raw.index)
    for i in raw.index[polygonal & ~coords_ok]:
        rep.add(i + 1, "geometry", "", _("the polygon has coordinates that are not finite numbers (inf or NaN), or "
                                         "cannot be placed on the Earth"),
                _("check the coordinates and the CRS of the file"))
    geoms = geoms.where(coords_ok, None)
    invalid = ~shapely.is_missing(geoms.to_numpy()) & ~geoms.is_valid.to_numpy()
    for i in raw.index[invalid]:
        rep.add(i + 1, "geometry", shapely.is_valid_reason(geoms[i]), _("invalid geometry (repaired)"),
                _("repaired with make_valid; check the source"), severity="repaired")
    geoms[invalid] = geoms[invalid].make_valid().map(
        lambda g: shapely.union_all([p for p in shapely.get_parts(g) if p.geom_type in ("Polygon", "MultiPolygon")]))
    area = gpd.GeoSeries(geoms, crs=settings.DEFAULT_CRS).to_crs(settings.METRIC_CRS).area
    flat = ~shapely.is_missing(geoms.to_numpy()) & ~(area > 0).to_numpy()
    for i in raw.index[flat]:
        rep.add(i + 1, "geometry", "", _("the polygon has no area (degenerate: its points lie on a line or a point)"),
                _("draw the unit's outline, or drop the row"))
    return geoms.where(~flat, None)


def _codes(raw: gpd.GeoDataFrame, names: pd.Series, col: str | None) -> tuple[pd.Series, str]:
    """Official codes per feature (NaN when unmatched) and the level the names match best."""
    if "code" in raw.columns and "areaKm2" in raw.columns:  # the official 2025 map carries its codes
        given = raw["code"].astype(object).where(raw["code"].notna(), None)
        known = set(_candidates("commune_2025")["code"])
        return pd.Series([c if c in known else None for c in given], index=raw.index, dtype=object), "commune_2025"
    if col is None:
        return pd.Series([None] * len(raw), index=raw.index, dtype=object), "district"
    parent = raw["NAME_2"].astype(object) if col == "NAME_3" and "NAME_2" in raw.columns else None
    by_level = {lv: _match(names, lv, parent if lv == "ward_legacy" else None).astype(object) for lv in _LEVELS}
    level = max(by_level, key=lambda lv: by_level[lv].notna().sum())
    return by_level[level], level


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
        if parent is not None and pd.notna(districts[i]):
            what = _("no ward of this name in the register in district {district} (merged since?): matched by "
                     "location to {code} {name}, which holds {share} of its area")
        else:
            what = _("no ward of this name in the register (merged since?): matched by location to {code} {name}, "
                     "which holds {share} of its area")
        rep.add(i + 1, col, names[i], what.format(district=parent[i] if parent is not None else "", code=hit["code"],
                                                  name=hit["name"], share=percent(100 * hit["share"], 0)),
                _("check that this is the ward it became"), severity="repaired")
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
            rep.add(i + 1, col, names[i], _("merged with row {row} into unit {code}, as the register merged "
                                            "them").format(row=first + 1, code=code),
                    _("nothing to do, unless the match by location is wrong"), severity="repaired")
    return geoms
