"""Move values between admin layers (e.g. ``district`` ↔ ``commune_2025``) by area-weighted overlay."""

from __future__ import annotations

from typing import Literal

import geopandas as gpd
import pandas as pd

from infra import settings

Kind = Literal["extensive", "intensive"]
#: What the source of a carried target contains (``"Plan X (area-weighted from district)"``).
CARRIED = "(area-weighted from "


def overlay_weights(units: gpd.GeoDataFrame, from_layer: str, to_layer: str) -> pd.DataFrame:
    """Area of every (from unit ∩ to unit) piece, measured in UTM 48N.

    Returns
    -------
    pandas.DataFrame
        ``from_code``, ``to_code``, ``area_km2``, ``share_of_from`` (piece area /
        from-unit area) and ``share_of_to`` (piece area / to-unit area).

    Raises
    ------
    ValueError
        If a layer is missing.
    """
    layers = set(units["layer"])
    for lay in (from_layer, to_layer):
        if lay not in layers:
            raise ValueError(f"crosswalk: unknown layer {lay!r}; the units have {sorted(layers)}")
    m = units.to_crs(settings.METRIC_CRS)
    a = m.loc[m["layer"] == from_layer, ["unit_code", "geometry"]].rename(columns={"unit_code": "from_code"})
    b = m.loc[m["layer"] == to_layer, ["unit_code", "geometry"]].rename(columns={"unit_code": "to_code"})
    pieces = gpd.overlay(a, b, how="intersection", keep_geom_type=True)
    pieces["area_km2"] = pieces.geometry.area / 1e6
    w = pieces.groupby(["from_code", "to_code"], as_index=False)["area_km2"].sum()
    w = w[w["area_km2"] > 1e-6]
    from_area = a.set_index("from_code").geometry.area / 1e6
    to_area = b.set_index("to_code").geometry.area / 1e6
    w["share_of_from"] = w["area_km2"] / w["from_code"].map(from_area)
    w["share_of_to"] = w["area_km2"] / w["to_code"].map(to_area)
    return w.reset_index(drop=True)


def carry_selection(weights: pd.DataFrame, chosen: list[str] | tuple[str, ...], *, forward: bool = True) -> list[str]:
    """The units of the other layer that stand for ``chosen`` units of one layer, by area.

    One rule both ways: each unit of the newer layer (``to_code``: a 2025 ward) belongs to the unit of
    the older one (``from_code``: a district) that holds most of its area. A chosen district stands for
    the wards that belong to it, or, when none does, for the ward holding most of the district; a chosen
    ward stands for the district it belongs to. So a round trip gives back what was chosen.

    Parameters
    ----------
    weights
        :func:`overlay_weights` from the older layer to the newer one.
    chosen
        Unit codes of the layer the selection was made in.
    forward
        ``chosen`` are units of the older layer (``from_code``), else of the newer one (``to_code``).

    Returns
    -------
    list of str
        Unit codes of the other layer, sorted; empty when nothing overlaps.

    Examples
    --------
    >>> w = pd.DataFrame({"from_code": ["A", "A", "B"], "to_code": ["x", "y", "y"],
    ...                   "share_of_from": [0.5, 0.5, 1.0], "share_of_to": [1.0, 0.2, 0.8]})
    >>> carry_selection(w, ["A"])  # x belongs to A; y to B, which holds most of it
    ['x']
    >>> carry_selection(w, ["y"], forward=False)
    ['B']
    """
    if weights.empty or not chosen:
        return []
    belongs = weights.loc[weights.groupby("to_code")["share_of_to"].idxmax()].set_index("to_code")["from_code"]
    if not forward:
        return sorted({str(belongs[c]) for c in chosen if c in belongs.index})
    biggest = weights.loc[weights.groupby("from_code")["share_of_from"].idxmax()].set_index("from_code")["to_code"]
    picked: set[str] = set()
    for code in chosen:
        inside = belongs.index[belongs == code]
        picked |= set(map(str, inside)) if len(inside) else ({str(biggest[code])} if code in biggest.index else set())
    return sorted(picked)


def crosswalk(values: pd.Series, weights: pd.DataFrame, *, kind: Kind) -> pd.Series:
    """Carry per-unit values from one layer to another.

    Parameters
    ----------
    values
        Values indexed by the from-layer ``unit_code``.
    weights
        :func:`overlay_weights`.
    kind
        ``extensive`` for amounts (counts, km²): split by the share of the
        from-unit in each piece and summed; ``intensive`` for rates (%, targets):
        the area-weighted mean over the to-unit.

    Returns
    -------
    pandas.Series
        Values indexed by the to-layer ``unit_code``; to-units not reached by any
        valued from-unit are absent.

    Examples
    --------
    >>> w = pd.DataFrame({"from_code": ["A", "A", "B"], "to_code": ["x", "y", "y"], "area_km2": [1.0, 1.0, 2.0],
    ...                   "share_of_from": [0.5, 0.5, 1.0], "share_of_to": [1.0, 1 / 3, 2 / 3]})
    >>> crosswalk(pd.Series({"A": 10.0, "B": 4.0}), w, kind="extensive").to_dict()
    {'x': 5.0, 'y': 9.0}
    >>> crosswalk(pd.Series({"A": 90.0, "B": 60.0}), w, kind="intensive").round(6).to_dict()
    {'x': 90.0, 'y': 70.0}
    """
    w = weights[weights["from_code"].isin(values.dropna().index)].copy()
    w["v"] = w["from_code"].map(values)
    if kind == "extensive":
        out = (w["v"] * w["share_of_from"]).groupby(w["to_code"]).sum()
    elif kind == "intensive":
        num = (w["v"] * w["area_km2"]).groupby(w["to_code"]).sum()
        out = num / w.groupby("to_code")["area_km2"].sum()
    else:
        raise ValueError(f"crosswalk: kind must be 'extensive' or 'intensive', got {kind!r}")
    out.index.name = "unit_code"
    return out


def targets_to_layer(targets: pd.DataFrame, weights: pd.DataFrame, *, to_layer: str) -> pd.DataFrame:
    """Report the from-layer's per-unit targets on another layer (rates: area-weighted mean).

    City rows (``unit_code='*'``) are copied as they are. The source of a carried
    target says it was carried (``"… (area-weighted from district)"``).

    Returns
    -------
    pandas.DataFrame
        Canonical targets for ``to_layer``.
    """
    from_layer = targets["layer"].iloc[0] if len(targets) else ""
    rows = [targets[targets["unit_code"] == "*"].assign(layer=to_layer)]
    per_unit = targets[targets["unit_code"] != "*"]
    for (metric, year), g in per_unit.groupby(["metric", "year"]):
        carried = crosswalk(g.set_index("unit_code")["target"], weights, kind="intensive")
        sources = "; ".join(sorted(set(g["source"])))
        rows.append(pd.DataFrame({"layer": to_layer, "unit_code": carried.index, "metric": metric, "year": year,
                                  "target": carried.to_numpy().round(6),  # 30, not 29.999999999999996
                                  "source": f"{sources} (area-weighted from {from_layer})"}))
    out = pd.concat(rows, ignore_index=True)
    out["source"] = out["source"].str.replace(r"^placeholder \(.*\)$", "placeholder", regex=True)
    return out[["layer", "unit_code", "metric", "year", "target", "source"]]


def carry_targets(targets: pd.DataFrame, units: gpd.GeoDataFrame, *,
                  to: list[str] | None = None) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    """Targets for other layers of ``units``, carried from one layer's by area.

    The plan is written per old district, so a targets file usually covers only
    ``district``; its targets are then carried to ``commune_2025`` (and any other
    layer) as area-weighted means (:func:`targets_to_layer`); their source says so
    (it contains :data:`CARRIED`). District targets are carried first, else those of
    the first layer that has per-unit targets.

    Parameters
    ----------
    targets
        Canonical targets.
    units
        The dataset's units (its layers, and the geometry of the overlay).
    to
        Carry to these layers; ``None`` means every layer of ``units`` without any target in ``targets``.

    Returns
    -------
    targets : pandas.DataFrame
        The targets with the carried rows appended.
    carried : list of (from_layer, to_layer)
        What was carried, for the provenance.
    """
    have = list(dict.fromkeys(targets.loc[targets["unit_code"] != "*", "layer"]))  # layers with per-unit targets
    frm = "district" if "district" in have else next(iter(have), None)
    if frm is None or frm not in set(units["layer"]):
        return targets, []
    layers = [lay for lay in dict.fromkeys(units["layer"]) if lay not in set(targets["layer"])] if to is None else to
    out, carried = [targets], []
    for lay in layers:
        if lay == frm:
            continue
        weights = overlay_weights(units, frm, lay)
        out.append(targets_to_layer(targets[targets["layer"] == frm], weights, to_layer=lay))
        carried.append((frm, lay))
    return pd.concat(out, ignore_index=True), carried
