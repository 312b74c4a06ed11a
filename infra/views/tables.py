"""Per-unit report tables: one row per unit plus the city, with key metrics, targets, gaps and status.

The table keeps machine column names (``area_coverage_pct_4G``, ``shared_site_pct:status``) and
machine values for statuses; :func:`headers`, :func:`for_people` and :func:`styled` give what people
read (translated in the current language). Texts the table itself holds (the crosswalk column, the
source of a target) are in the language current when it is built: a cache of it is keyed by language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import partial

import geopandas as gpd
import numpy as np
import pandas as pd

from infra.contract import ALL, CITY, PLACEHOLDER, TARGET_METRICS
from infra.dataset import Dataset
from infra.engine import Engine, ModelOptions, as_timestamp, select
from infra.i18n import N_, _, date_text, number, percent
from infra.plan import aggregate
from infra.plan.series import series_dates
from infra.plan.status import NOT_AT_PACE, PER_OPERATOR, plan_vs_actual
from infra.views.labels import column_label, status_label, target_label, unit_type_label
from infra.views.map_parts import layer_overlay

#: Metrics shown as columns: (metric, technology); operator is "*" (and each chosen operator, :data:`PER_OPERATOR`).
KEY_METRICS: tuple[tuple[str, str], ...] = (
    ("area_km2", "*"), ("population", "*"),
    ("area_coverage_pct", "2G"), ("area_coverage_pct", "3G"), ("area_coverage_pct", "4G"), ("area_coverage_pct", "5G"),
    ("pop_coverage_pct", "4G"), ("pop_coverage_pct", "5G"),
    ("sites_standing", "*"), ("sites_on_air", "*"), ("radios_on_air", "2G"), ("radios_on_air", "3G"),
    ("radios_on_air", "4G"), ("radios_on_air", "5G"), ("two_g_off_pct", "2G"), ("sites_5g_pilot", "5G"),
    ("sites_5g_commercial", "5G"), ("shared_site_pct", "*"), ("bulky_masts_in_zones", "*"),
    ("bulky_masts_converted_pct", "*"), ("new_sites_since_2017", "*"),
)
#: Key metrics whose change between two dates the table shows when a comparison date is chosen.
COMPARE_METRICS: tuple[tuple[str, str], ...] = (
    ("area_coverage_pct", "4G"), ("area_coverage_pct", "5G"), ("pop_coverage_pct", "5G"), ("sites_standing", "*"),
    ("radios_on_air", "2G"), ("two_g_off_pct", "2G"), ("sites_5g_commercial", "5G"), ("shared_site_pct", "*"),
)
#: Parts of a target in the table (``<target metric>:<part>``).
TARGET_COLUMNS = ("next_target", "next_year", "path", "gap", "status", "trend", "scope", "source")
#: Suffix of the column of a value at the comparison date (``sites_standing@then``) and of its change.
THEN, CHANGE = "@then", "@change"
#: The crosswalk columns: on the 2025 layer its former districts, on the district layer its 2025 units.
CROSSWALK = {"commune_2025": ("district", "former_districts"), "district": ("commune_2025", "units_2025")}
SCOPES: dict[str, str] = {"city": N_("the city's target"), "city-wide": N_("city-wide target, the same for every unit"),
                          "carried": N_("carried from the former districts (area-weighted mean of their targets)"),
                          "unit": N_("this unit's own target")}
PLACEHOLDER_SOURCE = N_("placeholder: no official figure yet; fill it in data/plan_facts.csv, or import a targets "
                        "file in the Data view")
CARRIED_SOURCE = N_("{source}; carried from the former districts by area")
TRENDS: dict[str, str] = {NOT_AT_PACE: N_("not at current pace"), "achieved": N_("achieved"),
                          "too few dates for a trend": N_("too few dates for a trend"), "no data": N_("no data")}


def column_name(metric: str, tech: str, operator: str = ALL) -> str:
    """Column of a key metric, e.g. ``area_coverage_pct_4G``, ``sites_standing`` or ``area_coverage_pct_4G_Viettel``."""
    name = metric if tech == ALL else f"{metric}_{tech}"
    return name if operator == ALL else f"{name}_{operator}"


def _wanted(tech: str, technologies: Sequence[str]) -> bool:
    return tech == ALL or not technologies or tech in technologies


def crosswalk_texts(ds: Dataset, layer: str, *, threshold: float = 0.01) -> pd.Series | None:
    """Per unit of ``layer``, the units of the other layer it overlaps, with area shares ("Ba Đình 62 %, …").

    On ``commune_2025``: its former districts, each with the share of the commune's area it held; on
    ``district``: its 2025 communes and wards, each with the share of the district's area in it. Shares below
    ``threshold`` (slivers of approximate boundaries) are left out. ``None`` when the dataset lacks the
    other layer.
    """
    if layer not in CROSSWALK or CROSSWALK[layer][0] not in ds.layers:
        return None
    other = CROSSWALK[layer][0]
    w = layer_overlay(ds, other, layer)  # from the other layer to this one
    names = ds.layer(other).set_index("unit_code")["name"]
    # each unit of this layer (to_code) is split among the other's (from_code): the share of its own area in each
    w = w[w["share_of_to"] >= threshold].assign(order=lambda d: -d["share_of_to"].round(6))
    w = w.sort_values(["to_code", "order", "from_code"])  # largest share first; ties in code order
    return w.groupby("to_code").apply(lambda g: ", ".join(f"{names.get(c, c)} {percent(100 * s, 0)}" for c, s in
                                                          zip(g["from_code"], g["share_of_to"], strict=True)),
                                      include_groups=False)


def source_text(source: object) -> str:
    """The source of a target for people: placeholders say where to fill them, carried targets say so."""
    if not isinstance(source, str) or not source:
        return ""
    if source == PLACEHOLDER:
        return _(PLACEHOLDER_SOURCE)
    if "(area-weighted from " in source:
        plain = source.split(" (area-weighted from ")[0]
        return _(CARRIED_SOURCE).format(source=_(PLACEHOLDER_SOURCE) if plain == PLACEHOLDER else plain)
    return source


def unit_table(ds: Dataset, *, layer: str, as_of: dt.date | str | pd.Timestamp,
               options: ModelOptions | None = None, engine: Engine | None = None,
               series: pd.DataFrame | None = None, operators: Sequence[str] = (),
               technologies: Sequence[str] = (), then: pd.DataFrame | None = None,
               crosswalk: bool = True) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """One row per unit of ``layer`` plus the city: key metrics, targets, gaps and status.

    Parameters
    ----------
    ds
        The dataset.
    layer
        Admin layer.
    as_of
        Date of the report.
    options
        Coverage model (ignored when ``engine`` is given).
    engine
        A prepared engine covering ``layer`` (to reuse its caches).
    series
        Engine metrics for :func:`series_dates`; computed when ``None``.
    operators
        Add each of these operators' own figures (coverage, radios, 2G switch-off) beside all operators'.
    technologies
        Keep only the columns of these technologies (and those of no technology); empty: all.
    then
        Engine metrics at a comparison date: adds, for :data:`COMPARE_METRICS`, the value then
        (``<column>@then``) and the change to ``as_of`` (``<column>@change``).
    crosswalk
        Add the crosswalk column (:func:`crosswalk_texts`).

    Returns
    -------
    table : geopandas.GeoDataFrame
        Wide table in EPSG:4326 (the city row has no geometry).
    plan : pandas.DataFrame
        The long plan-vs-actual rows behind the target columns.
    """
    eng = engine or Engine.from_dataset(ds, layer=layer, options=options)
    t = as_timestamp(as_of)
    series = series if series is not None else eng.series(series_dates(t))
    ops = [o for o in operators if o != ALL]
    now = select(series, layer=layer, as_of=t, operator=[ALL, *ops])
    units = ds.layer(layer)
    base = pd.DataFrame({"unit_code": [*units["unit_code"], CITY], "name": [*units["name"], _("Whole city")],
                         "unit_type": [*map(unit_type_label, units["unit_type"]), ""]})
    base.insert(3, "as_of", t.date().isoformat())
    if crosswalk and (texts := crosswalk_texts(ds, layer)) is not None:
        base[CROSSWALK[layer][1]] = base["unit_code"].map(texts).fillna("")
    wide = now.pivot_table(index="unit_code", columns=["metric", "technology", "operator"], values="value",
                           aggfunc="first")
    then_wide = None if then is None else select(then, layer=layer, operator=[ALL, *ops]).pivot_table(
        index="unit_code", columns=["metric", "technology", "operator"], values="value", aggfunc="first")
    for metric, tech in KEY_METRICS:
        if not _wanted(tech, technologies):
            continue
        for op in [ALL, *(ops if metric in PER_OPERATOR else [])]:
            if (metric, tech, op) not in wide.columns:
                continue
            col = column_name(metric, tech, op)
            base[col] = base["unit_code"].map(wide[(metric, tech, op)])
            if then_wide is not None and (metric, tech) in COMPARE_METRICS:
                was = base["unit_code"].map(then_wide[(metric, tech, op)]) if (metric, tech, op) in then_wide \
                    else np.nan
                base[col + THEN] = was
                base[col + CHANGE] = base[col] - was
    plan = plan_vs_actual(ds.targets, series, as_of=t, layer=layer)
    for tmetric, (_metric, tech, _op) in TARGET_METRICS.items():
        p = plan[plan["target_metric"] == tmetric].set_index("unit_code")
        if p.empty or not _wanted(tech, technologies):
            continue
        for col in TARGET_COLUMNS:
            values = p["source"].map(source_text) if col == "source" else p[col]
            base[f"{tmetric}:{col}"] = base["unit_code"].map(values)
    geom = units.set_index("unit_code").geometry.reindex(base["unit_code"]).to_numpy()
    return gpd.GeoDataFrame(base, geometry=geom, crs=units.crs), plan


def header(column: str, *, compare: dt.date | None = None) -> str:
    """The header people read of a table column (:func:`~infra.views.labels.column_label`, comparison columns)."""
    if column.endswith(THEN):
        label = column_label(column[: -len(THEN)])
        return f"{label} — {date_text(compare)}" if compare else _("{label} (then)").format(label=label)
    if column.endswith(CHANGE):
        return _("{label}: change").format(label=column_label(column[: -len(CHANGE)]))
    if column.endswith(":scope"):
        return _("{target}: what the target covers").format(target=target_label(column[: -len(":scope")]))
    return column_label(column)


def headers(table: pd.DataFrame, *, compare: dt.date | None = None) -> dict[str, str]:
    """Machine column name → header, for every column of ``table`` but the geometry (each header once)."""
    out: dict[str, str] = {}
    for c in table.columns:
        if c != "geometry":
            h = header(c, compare=compare)
            out[c] = h if h not in out.values() else f"{h} ({len(out)})"
    return out


def trend_text(value: object) -> str:
    """The trend of a target in words: a year, or "not at current pace"… in the current language."""
    if not isinstance(value, str) or not value:
        return ""
    return _(TRENDS[value]) if value in TRENDS else value


def status_text(value: object) -> str:
    """A plan status in words (:func:`~infra.views.labels.status_label`, and "no data")."""
    return _(TRENDS["no data"]) if value == "no data" else status_label(value)


def scope_text(value: object) -> str:
    """What a target covers (:data:`SCOPES`) in words; empty for none."""
    return _(SCOPES[value]) if isinstance(value, str) and value in SCOPES else ""


#: Columns whose values are words to translate: suffix → the function that gives them.
_WORDS = {":status": status_text, ":trend": trend_text, ":scope": scope_text}


def for_people(table: pd.DataFrame) -> pd.DataFrame:
    """The table with statuses, trends and scopes in words (columns keep their machine names)."""
    out = pd.DataFrame(table.drop(columns="geometry", errors="ignore")).copy()
    for col in out.columns:
        said = next((f for suffix, f in _WORDS.items() if col.endswith(suffix)), None)
        if said is not None:
            out[col] = out[col].map(said)
        elif col.endswith(":next_year"):
            out[col] = out[col].astype("Int64")
    return out


def decimals(column: str) -> int:
    """Decimals a value of ``column`` is shown and exported with: shares 1, km² 2, counts and people 0."""
    base = column.split("@")[0]
    if base.endswith(":next_year"):
        return 0
    if "_pct" in base:  # shares, and the targets, paths and gaps of shares
        return 1
    return 2 if base.startswith(("area_km2", "covered_area_km2")) else 0


def rounded(table: pd.DataFrame) -> pd.DataFrame:
    """Every number rounded for people (:func:`decimals`): 99.9 %, not 99.99999999999852."""
    out = pd.DataFrame(table).copy()
    for col in out.columns:
        if col != "geometry" and pd.api.types.is_float_dtype(out[col]):
            out[col] = out[col].round(decimals(col))
    return out


def cell_text(value: object, *, places: int, blank: bool, year: bool = False) -> str:
    """A number of a table cell in the current language.

    A year is written as it is (2030); a missing value is blank (``blank``: no target) or "not applicable"
    (a share of nothing).
    """
    if value is None or value != value:
        return "" if blank else _("not applicable")
    return str(int(value)) if year else number(float(value), places)


#: Background of each status in the Units table.
STATUS_COLOURS: dict[str, str] = {"achieved": "#c7e9c0", "on track": "#fff3b0", "behind": "#fcbba1",
                                  "placeholder target": "#e0e0e0"}


def styled(table: pd.DataFrame, *, compare: dt.date | None = None) -> pd.io.formats.style.Styler:
    """A unit table for the screen, with the headers people read (:func:`headers`).

    Statuses are coloured and in words, numbers in the current language (:func:`decimals`).
    """
    plain = pd.DataFrame(table.drop(columns="geometry", errors="ignore"))
    names = headers(plain, compare=compare)
    shown = plain.rename(columns=names)
    status_cols = [names[col] for col in plain.columns if col.endswith(":status")]
    style = shown.style.map(lambda v: f"background-color: {STATUS_COLOURS.get(v, '')}", subset=status_cols)
    for col in plain.columns:
        said = next((f for suffix, f in _WORDS.items() if col.endswith(suffix)), None)
        if said is not None:
            style = style.format(said, subset=[names[col]])
        elif pd.api.types.is_numeric_dtype(plain[col]):
            style = style.format(partial(cell_text, places=decimals(col), blank=":" in col,
                                         year=col.endswith(":next_year")), subset=[names[col]])
        else:  # a text cell with nothing in it is blank, never "None"
            style = style.format(na_rep="", subset=[names[col]])
    return style


def headline(now: pd.DataFrame, layer: str, units: Sequence[str], *, operators: Sequence[str] = (),
             technologies: Sequence[str] = ()) -> list[tuple[str, float | None, str]]:
    """The headline figures of a selection: (label, value, kind) with kind ``count`` or ``pct``.

    Sites standing, area coverage of the chosen technologies (4G and 5G when none is chosen), the 2G
    switch-off share (when 2G is shown) and shared sites; coverage and 2G switch-off once for all
    operators, then for each chosen operator (their label names the operator).
    """
    ops = [o for o in operators if o != ALL]
    coverage = list(technologies) or ["4G", "5G"]
    out: list[tuple[str, float | None, str]] = [(_("Sites standing"),
                                                 aggregate(now, layer, units, "sites_standing"), "count")]

    def each(metric: str, tech: str, label: str) -> None:
        for op in [ALL, *ops]:
            name = label if op == ALL else f"{label} · {op}"
            out.append((name, aggregate(now, layer, units, metric, tech, op), "pct"))

    for te in coverage:
        each("area_coverage_pct", te, _("{tech} area coverage").format(tech=te))
    if not technologies or "2G" in technologies:
        each("two_g_off_pct", "2G", _("2G switched off"))
    out.append((_("Shared sites"), aggregate(now, layer, units, "shared_site_pct"), "pct"))
    return out

