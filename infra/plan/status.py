"""Plan vs actual: status, gap and the year the trend meets the target.

Pure: a targets frame and an engine metrics series in, a frame out.
"""

from __future__ import annotations

import datetime as dt
import functools
import math

import numpy as np
import pandas as pd

from infra.contract import CITY, PLACEHOLDER, TARGET_METRICS
from infra.engine import select
from infra.plan.crosswalk import CARRIED
from infra.plan.paths import target_path, year_end, years

#: Years of trend used to project when a target is met.
TREND_YEARS = 3
#: The last year a trend is projected to: a target met later reads :data:`NOT_AT_PACE` (no year such as 2085).
TREND_HORIZON = 2035
NOT_AT_PACE = "not at current pace"
#: Engine metrics measured per operator (the others have only ``operator='*'``).
PER_OPERATOR = frozenset({"area_coverage_pct", "covered_area_km2", "pop_coverage_pct", "sites_on_air",
                          "radios_on_air", "two_g_baseline_radios", "two_g_baseline_built",
                          "two_g_baseline_on_air", "two_g_off_pct", "sites_5g_pilot", "sites_5g_commercial"})
#: Relative tolerance under which an actual value counts as reaching its target (float noise of area sums).
_TOLERANCE = 1e-9
#: What a target row holds: the city's own target, the city-wide figure applied to every unit alike, a
#: district target carried to another layer by area, or a target of this unit.
SCOPES = ("city", "city-wide", "carried", "unit")
STATUSES = ("achieved", "on track", "behind", "no data", "no target", "placeholder target")


def _trend_year(history: pd.Series, target: float, as_of: pd.Timestamp) -> tuple[float, str]:
    index = history.index
    recent = (index <= as_of) & (index >= _trend_start(as_of))
    if recent.sum() < 2:
        return math.nan, "too few dates for a trend"
    x = np.array([years(t) for t in index[recent]])
    slope, intercept = np.polyfit(x, history.to_numpy(dtype=float)[recent], 1)
    if slope <= 1e-12:
        return math.nan, NOT_AT_PACE
    year = (target - intercept) / slope
    if year > TREND_HORIZON:
        return math.nan, NOT_AT_PACE
    year = max(math.ceil(year), as_of.year)
    return float(year), str(year)


@functools.lru_cache(maxsize=64)
def _trend_start(as_of: pd.Timestamp) -> pd.Timestamp:
    """The first date of the trend that ends at ``as_of``: :data:`TREND_YEARS` years before it."""
    return as_of - pd.DateOffset(years=TREND_YEARS)


_KEY = ["layer", "unit_code", "metric", "technology", "operator"]


class _Histories:
    """The time series of each key, made when asked for: a target asks for a few of the thousands of keys."""

    def __init__(self, values: pd.Series, positions: dict[tuple, np.ndarray]) -> None:
        self._values = values
        self._positions = positions

    def get(self, key: tuple, default: pd.Series) -> pd.Series:
        at = self._positions.get(key)
        return default if at is None else self._values.iloc[at]


def _histories(series: pd.DataFrame, t: pd.Timestamp, layer: str | None) -> _Histories:
    """Each (layer, unit, metric, technology, operator) time series up to ``t`` that a target is measured by.

    One pass over the series: filtering it once per target took seconds on 126 units.
    """
    s = select(series, layer=layer, metric={m for m, _, _ in TARGET_METRICS.values()})
    s = pd.concat([select(s, metric=m, technology=te) for m, te, _ in sorted(set(TARGET_METRICS.values()))])
    s = s[[*_KEY, "as_of", "value"]].astype({c: object for c in _KEY})
    s["as_of"] = pd.to_datetime(s["as_of"])
    s = s[s["as_of"] <= t].sort_values("as_of", kind="stable")
    values = pd.Series(s["value"].to_numpy(dtype=float), index=pd.DatetimeIndex(s["as_of"]), name="value")
    return _Histories(values, values.groupby([s[c].to_numpy() for c in _KEY], sort=False).indices)


def plan_vs_actual(targets: pd.DataFrame, series: pd.DataFrame, *, as_of: dt.date | str | pd.Timestamp,
                   layer: str | None = None, operators: tuple[str, ...] | list[str] = ()) -> pd.DataFrame:
    """Compare the actual metrics with the plan's targets at ``as_of``.

    Parameters
    ----------
    targets
        Canonical targets (``layer``, ``unit_code``, ``metric``, ``year``, ``target``, ``source``).
    series
        Engine metrics for several dates up to ``as_of`` (at least ``as_of``); the
        first date is the baseline of the target path.
    as_of
        Date of the comparison.
    layer
        Restrict to one layer.
    operators
        Also compare each of these operators' own figure with the (all-operator) target, for the
        metrics measured per operator (:data:`PER_OPERATOR`); empty: all operators together only.

    Returns
    -------
    pandas.DataFrame
        One row per layer × unit × target metric (× operator: ``*`` first, then each of ``operators``
        the metric is measured for): ``actual``, ``baseline``,
        ``path`` (target path value at ``as_of``), ``next_year``, ``next_target``,
        ``gap`` (``next_target − actual``), ``status`` (one of :data:`STATUSES`),
        ``status_vs_placeholder`` (the status a placeholder target would give),
        ``trend_year`` and ``trend`` (year the recent trend meets ``next_target``, or
        "not at current pace", also when it meets it after :data:`TREND_HORIZON`), ``source``,
        ``placeholder`` (the next target is a placeholder: no official figure), ``scope`` (one of
        :data:`SCOPES`: ``city-wide`` when every unit of the layer has the city's figure).
    """
    t = pd.Timestamp(as_of).normalize()
    tg = targets if layer is None else targets[targets["layer"] == layer]
    tg = tg[tg["metric"].isin(TARGET_METRICS) & tg["target"].notna() & tg["layer"].notna() & tg["unit_code"].notna()]
    histories = _histories(series, t, layer)
    empty = pd.Series([], index=pd.DatetimeIndex([]), dtype=float)
    city = tg[tg["unit_code"] == CITY].groupby(["layer", "metric", "year"])["target"].first().to_dict()
    alike = (tg[tg["unit_code"] != CITY].groupby(["layer", "metric", "year"])["target"].nunique() == 1).to_dict()

    def scope(lay: str, code: str, tmetric: str, year: int, target: float, source: str) -> str:
        key = (lay, tmetric, year)
        if code == CITY:
            return "city"
        if alike.get(key, False) and key in city and abs(city[key] - target) < 1e-9:
            return "city-wide"
        return "carried" if CARRIED in str(source) else "unit"

    milestones: dict[tuple, list[tuple[int, float, object]]] = {}  # each unit's targets, as plain values
    for lay, code, tmetric, year, target, source in zip(tg["layer"], tg["unit_code"], tg["metric"],
                                                         tg["year"].astype(int).tolist(),
                                                         tg["target"].astype(float).tolist(), tg["source"],
                                                         strict=True):
        milestones.setdefault((lay, code, tmetric), []).append((year, target, source))
    rows = []
    for (lay, code, tmetric), m in sorted(milestones.items(), key=lambda kv: kv[0]):
        metric, tech, all_ops = TARGET_METRICS[tmetric]
        ops = [all_ops, *([o for o in operators if o != all_ops] if metric in PER_OPERATOR else [])]
        got = [_row(lay, code, tmetric, m, histories.get((lay, code, metric, tech, op), empty), t, op) for op in ops]
        rows += [{**r, "scope": scope(lay, code, tmetric, r["next_year"], r["next_target"], r["source"])} for r in got]
    cols = ["layer", "unit_code", "target_metric", "metric", "technology", "operator", "as_of", "actual",
            "baseline_date", "baseline", "path", "next_year", "next_target", "gap", "status",
            "status_vs_placeholder", "trend_year", "trend", "final_year", "final_target", "source", "placeholder",
            "scope"]
    return pd.DataFrame(rows).reindex(columns=cols)


def _row(lay: str, code: str, tmetric: str, targets: list[tuple[int, float, object]], hist: pd.Series,
         t: pd.Timestamp, op: str) -> dict:
    """The plan row of one unit, target metric and operator (``targets``: its (year, target, source) rows)."""
    metric, tech, _ = TARGET_METRICS[tmetric]
    milestones = sorted(targets)
    upcoming = [m for m in milestones if year_end(m[0]) >= t] or milestones[-1:]
    next_year, next_target, next_source = upcoming[0]
    row = {"layer": lay, "unit_code": code, "target_metric": tmetric, "metric": metric, "technology": tech,
           "operator": op, "as_of": t, "next_year": next_year, "next_target": next_target, "source": next_source,
           "final_year": milestones[-1][0], "final_target": milestones[-1][1],
           "placeholder": next_source == PLACEHOLDER}
    if hist.empty or t not in hist.index:
        return {**row, "status": "no data", "status_vs_placeholder": "no data", "trend": "no data"}
    actual = float(hist.loc[t])
    baseline = (hist.index[0], float(hist.iloc[0]))
    path = target_path(baseline, [(y, v) for y, v, _ in milestones], t)
    if actual >= next_target - _TOLERANCE * max(1.0, abs(next_target)):  # 99.99999999999995 % is 100 %
        actual = max(actual, next_target)
        status, trend_year, trend = "achieved", float(t.year), "achieved"
    else:
        status = "on track" if actual >= path - 1e-9 else "behind"
        trend_year, trend = _trend_year(hist, next_target, t)
    return {**row, "actual": actual, "baseline_date": baseline[0], "baseline": baseline[1], "path": path,
            "gap": next_target - actual, "status_vs_placeholder": status,
            "status": "placeholder target" if next_source == PLACEHOLDER else status,
            "trend_year": trend_year, "trend": trend}


