"""The column contract between modules and one validator per canonical frame.

Each validator collects every problem it finds (missing columns, wrong types,
values outside the allowed set, missing or wrong CRS, invalid or empty
geometries, duplicate ids) and raises a single :class:`ContractError` that lists
them all, each naming the frame, the column and the rows concerned.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import geopandas as gpd
import pandas as pd
import shapely

from infra import settings
from infra._arrays import isin
from infra._errors import ContractError, Problem
from infra.i18n import N_, _

Kind = Literal["text", "number", "date", "bool"]
#: Kind of value → its name in messages (msgids).
KINDS: dict[str, str] = {"text": N_("text"), "number": N_("number"), "date": N_("date"), "bool": N_("true/false")}


@dataclass(frozen=True)
class Column:
    """One column of a canonical frame.

    Parameters
    ----------
    name
        Column name.
    kind
        Logical type the values must have.
    required
        Whether the column must be present.
    nullable
        Whether empty values are allowed.
    allowed
        If given, the only values allowed (empty values aside).
    """

    name: str
    kind: Kind
    required: bool = True
    nullable: bool = False
    allowed: tuple[str, ...] | None = None


ADMIN_UNITS: tuple[Column, ...] = (
    Column("layer", "text"),
    Column("unit_code", "text"),
    Column("name", "text"),
    Column("unit_type", "text", allowed=settings.UNIT_TYPES, nullable=True),
    Column("area_km2", "number"),
    Column("population", "number", required=False, nullable=True),
)
SITES: tuple[Column, ...] = (
    Column("site_id", "text"),
    Column("name", "text", nullable=True),
    Column("owner", "text", nullable=True),
    Column("mast_class", "text", allowed=settings.MAST_CLASSES),
    Column("height_m", "number", nullable=True),
    Column("built_on", "date", nullable=True),
    Column("removed_on", "date", nullable=True),
)
RADIOS: tuple[Column, ...] = (
    Column("site_id", "text"),
    Column("operator", "text", allowed=settings.OPERATORS),
    Column("technology", "text", allowed=settings.TECHNOLOGIES),
    Column("band_mhz", "number", nullable=True),
    Column("on_date", "date", nullable=True),
    Column("off_date", "date", nullable=True),
    Column("pilot", "bool"),
    Column("azimuth_deg", "number", nullable=True),
    Column("beamwidth_deg", "number", nullable=True),
    Column("range_m", "number", nullable=True),
)
ZONES: tuple[Column, ...] = (
    Column("zone_id", "text"),
    Column("name", "text"),
    Column("kind", "text"),
)
TARGETS: tuple[Column, ...] = (
    Column("layer", "text"),
    Column("unit_code", "text"),
    Column("metric", "text"),
    Column("year", "number"),
    Column("target", "number", nullable=True),
    Column("source", "text"),
)
POPULATION: tuple[Column, ...] = (
    Column("population", "number"),
)

#: ``unit_code`` of the whole city's rows (metrics, targets, tables), and ``technology`` / ``operator`` of "all".
CITY: str = "*"
ALL: str = "*"
#: Target metric (the ``metric`` of a targets row) → the engine metric (metric, technology, operator)
#: that measures it. A target whose metric is not here is kept but gets no status.
TARGET_METRICS: dict[str, tuple[str, str, str]] = {
    "area_coverage_4g_pct": ("area_coverage_pct", "4G", "*"),
    "pop_coverage_4g_pct": ("pop_coverage_pct", "4G", "*"),
    "pop_coverage_5g_pct": ("pop_coverage_pct", "5G", "*"),
    "two_g_radios_off_pct": ("two_g_off_pct", "2G", "*"),
    "shared_site_pct": ("shared_site_pct", "*", "*"),
    "bulky_masts_converted_pct": ("bulky_masts_converted_pct", "*", "*"),
    "sites_4g": ("sites_on_air", "4G", "*"),
    "new_masts_since_2017": ("new_sites_since_2017", "*", "*"),
}
#: ``source`` of a target the plan names but whose official figure is not published.
PLACEHOLDER: str = "placeholder"

_MAX_ROWS_LISTED = 10


def _rows(mask: pd.Series) -> str:
    """Describe the (positional) rows where ``mask`` holds, at most a few of them."""
    idx = [int(i) for i in mask.to_numpy().nonzero()[0]]
    shown = ", ".join(str(i) for i in idx[:_MAX_ROWS_LISTED])
    if len(idx) == 1:
        return _("row {row}").format(row=shown)
    if len(idx) > _MAX_ROWS_LISTED:
        return _("rows {rows} and {n} more").format(rows=shown, n=len(idx) - _MAX_ROWS_LISTED)
    return _("rows {rows}").format(rows=shown)


def _is_empty(values: pd.Series) -> pd.Series:
    empty = values.isna()
    if values.dtype == object or pd.api.types.is_string_dtype(values):
        empty |= values.astype(str).str.strip().eq("") & values.notna()
    return empty


def _each(values: pd.Series, test) -> pd.Series:
    """``test`` of each value as a boolean series (``Series.map`` keeps the dtype of an empty series)."""
    return pd.Series([bool(test(v)) for v in values], index=values.index, dtype=bool)


def _check_kind(frame: str, col: Column, values: pd.Series) -> list[Problem]:
    present = ~_is_empty(values)
    if col.kind == "text":
        if pd.api.types.is_string_dtype(values) and values.dtype != object:
            return []  # a string dtype holds text (or missing values) only
        bad = present & ~_each(values, lambda v: isinstance(v, str))
        fix = _("store the values as text (e.g. codes as '001', not 1)")
    elif col.kind == "number":
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            return []
        bad = present & pd.to_numeric(values, errors="coerce").isna()
        fix = _("use plain numbers")
    elif col.kind == "date":
        if pd.api.types.is_datetime64_any_dtype(values):
            return []
        bad = present & pd.to_datetime(values, errors="coerce", format="ISO8601").isna()
        fix = _("use ISO dates (YYYY-MM-DD)")
    else:
        if pd.api.types.is_bool_dtype(values):
            return []
        bad = present & ~_each(values, lambda v: isinstance(v, bool) or str(v) in ("True", "False"))
        fix = _("use true/false")
    if not bad.any():
        return []
    sample = values[bad].iloc[0]
    sample = sample.item() if hasattr(sample, "item") else sample
    return [Problem(frame, col.name, _rows(bad), _("{kind} expected, got {value}").format(kind=_(KINDS[col.kind]),
                                                                        value=repr(sample)), fix)]


def _check_columns(frame: str, df: pd.DataFrame, spec: tuple[Column, ...]) -> list[Problem]:
    problems: list[Problem] = []
    for col in spec:
        if col.name not in df.columns:
            if col.required:
                problems.append(
                    Problem(frame, col.name, "", _("required column is missing"),
                            _("add a '{column}' column").format(column=col.name))
                )
            continue
        values = df[col.name]
        empty = _is_empty(values)
        if not col.nullable and empty.any():
            problems.append(
                Problem(frame, col.name, _rows(empty), _("empty value"),
                        _("give every row a '{column}'").format(column=col.name))
            )
        problems += _check_kind(frame, col, values)
        if col.allowed is not None:
            bad = ~empty & ~values.astype(str).isin(col.allowed)
            if bad.any():
                problems.append(
                    Problem(
                        frame, col.name, _rows(bad),
                        _("unknown value {value}").format(value=repr(str(values[bad].iloc[0]))),
                        _("use one of {values}").format(values=", ".join(col.allowed)),
                    )
                )
    return problems


def _check_unique(frame: str, df: pd.DataFrame, keys: list[str]) -> list[Problem]:
    if not keys or not all(k in df.columns for k in keys):
        return []
    dup = df.duplicated(subset=keys, keep=False)
    if not dup.any():
        return []
    first = df.loc[dup, keys].iloc[0].tolist()
    return [Problem(frame, "+".join(keys), _rows(dup), _("duplicate id {id}").format(id=first),
                    _("make ids unique"))]


def _check_geometry(frame: str, gdf: gpd.GeoDataFrame, types: tuple[str, ...]) -> list[Problem]:
    problems: list[Problem] = []
    if gdf.crs is None:
        problems.append(Problem(frame, "geometry", "", _("no CRS"),
                                _("set the CRS (e.g. gdf.set_crs(4326))")))
    elif gdf.crs != settings.DEFAULT_CRS:
        problems.append(
            Problem(frame, "geometry", "", _("CRS is {crs}, not EPSG:4326").format(crs=gdf.crs.to_string()),
                    _("call .to_crs(4326)"))
        )
    geoms = gdf.geometry.array
    missing = pd.Series(shapely.is_missing(geoms) | shapely.is_empty(geoms), index=gdf.index)
    if missing.any():
        problems.append(
            Problem(frame, "geometry", _rows(missing), _("missing or empty geometry"),
                    _("drop or fix these rows"))
        )
    invalid = pd.Series(~shapely.is_valid(geoms), index=gdf.index) & ~missing
    if invalid.any():
        reason = shapely.is_valid_reason(geoms[invalid.to_numpy()][0])
        problems.append(
            Problem(frame, "geometry", _rows(invalid), _("invalid geometry ({reason})").format(reason=reason),
                    _("repair with shapely.make_valid"))
        )
    wrong = pd.Series(~gdf.geom_type.isin(types), index=gdf.index) & ~missing
    if wrong.any():
        problems.append(
            Problem(frame, "geometry", _rows(wrong),
                    _("geometry type {type}").format(type=gdf.geom_type[wrong].iloc[0]),
                    _("use {types}").format(types=_(" or ").join(types)))
        )
    return problems


def _raise(frame: str, problems: list[Problem]) -> None:
    if problems:
        raise ContractError(frame, problems)


def _validate_geo(
    frame: str, df: object, spec: tuple[Column, ...], keys: list[str], types: tuple[str, ...]
) -> None:
    if not isinstance(df, gpd.GeoDataFrame):
        _raise(frame, [Problem(frame, "geometry", "", _("not a GeoDataFrame"),
                                _("pass a geopandas.GeoDataFrame"))])
    problems = _check_columns(frame, df, spec) + _check_unique(frame, df, keys)
    _raise(frame, problems + _check_geometry(frame, df, types))


def _validate_table(frame: str, df: object, spec: tuple[Column, ...], keys: list[str]) -> None:
    if not isinstance(df, pd.DataFrame):
        _raise(frame, [Problem(frame, "", "", _("not a DataFrame"), _("pass a pandas.DataFrame"))])
    _raise(frame, _check_columns(frame, df, spec) + _check_unique(frame, df, keys))


def validate_admin_units(units: gpd.GeoDataFrame, *, frame: str = "admin units") -> None:
    """Check an admin-units frame against the contract.

    Parameters
    ----------
    units
        Polygons with ``layer``, ``unit_code``, ``name``, ``unit_type``, ``area_km2``.
    frame
        Name used in error messages (e.g. the file the frame came from).

    Raises
    ------
    ContractError
        Listing every problem found.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> units = gpd.GeoDataFrame({"layer": ["district"], "unit_code": ["001"],
    ...     "name": ["Ba Đình"], "unit_type": ["quận"], "area_km2": [9.2]},
    ...     geometry=[shapely.box(105.8, 21.0, 105.85, 21.05)], crs=4326)
    >>> validate_admin_units(units)
    """
    _validate_geo(frame, units, ADMIN_UNITS, ["layer", "unit_code"], ("Polygon", "MultiPolygon"))


def validate_sites(sites: gpd.GeoDataFrame, *, frame: str = "sites") -> None:
    """Check a sites frame (points) against the contract; see :func:`validate_admin_units`."""
    _validate_geo(frame, sites, SITES, ["site_id"], ("Point",))
    removed_early = pd.to_datetime(sites["removed_on"]) < pd.to_datetime(sites["built_on"])
    if removed_early.any():
        _raise(frame, [Problem(frame, "removed_on", _rows(removed_early), _("removed before built"),
                                       _("check the dates"))])


def validate_zones(zones: gpd.GeoDataFrame, *, frame: str = "zones") -> None:
    """Check a zones frame (polygons) against the contract; see :func:`validate_admin_units`."""
    _validate_geo(frame, zones, ZONES, ["zone_id"], ("Polygon", "MultiPolygon"))


def validate_population(grid: gpd.GeoDataFrame, *, frame: str = "population") -> None:
    """Check a population grid (cells or cell centres, people ≥ 0); see :func:`validate_admin_units`."""
    _validate_geo(frame, grid, POPULATION, [], ("Point", "Polygon", "MultiPolygon"))
    negative = pd.to_numeric(grid["population"], errors="coerce") < 0
    if negative.any():
        _raise(frame, [Problem(frame, "population", _rows(negative), _("negative population"),
                                       _("use 0 or more"))])


def validate_radios(radios: pd.DataFrame, *, sites: pd.DataFrame | None = None, frame: str = "radios") -> None:
    """Check a radios frame against the contract.

    Parameters
    ----------
    radios
        One row per operator × technology on a site (or per cell).
    sites
        If given, every ``site_id`` of ``radios`` must exist in it.
    frame
        Name used in error messages.

    Raises
    ------
    ContractError
        Listing every problem found.
    """
    _validate_table(frame, radios, RADIOS, [])
    problems: list[Problem] = []
    off_early = pd.to_datetime(radios["off_date"]) < pd.to_datetime(radios["on_date"])
    if off_early.any():
        problems.append(Problem(frame, "off_date", _rows(off_early), _("off date before on date"),
                                     _("check the dates")))
    if sites is not None:
        orphan = ~isin(radios["site_id"], sites["site_id"])
        if orphan.any():
            problems.append(
                Problem(frame, "site_id", _rows(orphan), _("unknown site {site}").format(
                            site=repr(radios.loc[orphan, "site_id"].iloc[0])),
                        _("add the site to the sites frame or fix the id"))
            )
    _raise(frame, problems)


def validate_targets(targets: pd.DataFrame, *, frame: str = "targets") -> None:
    """Check a plan-targets frame (long format) against the contract."""
    _validate_table(frame, targets, TARGETS, ["layer", "unit_code", "metric", "year"])
