"""Plan vs actual: target paths, status, gap and the year the trend meets the target.

Pure: a targets frame and an engine metrics series in, a frame out.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd

from infra.targets import PLACEHOLDER

#: Target metric → the engine metric (metric, technology, operator) it is measured by.
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
#: Years of trend used to project when a target is met.
TREND_YEARS = 3
NOT_AT_PACE = "not at current pace"
#: Relative tolerance under which an actual value counts as reaching its target (float noise of area sums).
_TOLERANCE = 1e-9
STATUSES = ("achieved", "on track", "behind", "no data", "no target", "placeholder target")


def _year_end(year: int) -> pd.Timestamp:
    return pd.Timestamp(year=int(year), month=12, day=31)


def _years(t: pd.Timestamp) -> float:
    return t.year + (t.day_of_year - 1) / (366 if t.is_leap_year else 365)


def target_path(baseline: tuple[pd.Timestamp, float], milestones: list[tuple[int, float]],
                when: pd.Timestamp) -> float:
    """Target value at ``when`` on the straight lines between baseline and milestones (31 Dec of each year).

    Examples
    --------
    >>> round(target_path((pd.Timestamp("2020-12-31"), 0.0), [(2030, 100.0)], pd.Timestamp("2025-12-31")), 3)
    50.0
    """
    points = [baseline] + [(_year_end(y), v) for y, v in sorted(milestones) if _year_end(y) > baseline[0]]
    x = np.array([_years(p[0]) for p in points])
    y = np.array([p[1] for p in points], dtype=float)
    return float(np.interp(_years(when), x, y))


def _trend_year(history: pd.Series, target: float, as_of: pd.Timestamp) -> tuple[float, str]:
    recent = history[(history.index <= as_of) & (history.index >= as_of - pd.DateOffset(years=TREND_YEARS))]
    if len(recent) < 2:
        return math.nan, "too few dates for a trend"
    x = np.array([_years(t) for t in recent.index])
    slope, intercept = np.polyfit(x, recent.to_numpy(dtype=float), 1)
    if slope <= 1e-12:
        return math.nan, NOT_AT_PACE
    year = (target - intercept) / slope
    if year > 2100:
        return math.nan, NOT_AT_PACE
    year = max(math.ceil(year), as_of.year)
    return float(year), str(year)


_KEY = ["layer", "unit_code", "metric", "technology", "operator"]


def _histories(series: pd.DataFrame, t: pd.Timestamp, layer: str | None) -> dict[tuple, pd.Series]:
    """Each (layer, unit, metric, technology, operator) time series up to ``t`` that a target is measured by.

    One pass over the series: filtering it once per target took seconds on 126 units.
    """
    s = series[series["metric"].isin({m for m, _, _ in TARGET_METRICS.values()})]
    if layer is not None:
        s = s[s["layer"] == layer]
    measured = np.zeros(len(s), dtype=bool)
    for metric, tech, op in set(TARGET_METRICS.values()):
        measured |= ((s["metric"] == metric) & (s["technology"] == tech) & (s["operator"] == op)).to_numpy(bool)
    s = s.loc[measured, [*_KEY, "as_of", "value"]].astype({c: object for c in _KEY})
    s["as_of"] = pd.to_datetime(s["as_of"])
    s = s[s["as_of"] <= t].sort_values("as_of", kind="stable")
    values = pd.Series(s["value"].to_numpy(dtype=float), index=pd.DatetimeIndex(s["as_of"]), name="value")
    return dict(list(values.groupby([s[c].to_numpy() for c in _KEY], sort=False)))


def plan_vs_actual(targets: pd.DataFrame, series: pd.DataFrame, *, as_of: dt.date | str | pd.Timestamp,
                   layer: str | None = None) -> pd.DataFrame:
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

    Returns
    -------
    pandas.DataFrame
        One row per layer × unit × target metric: ``actual``, ``baseline``,
        ``path`` (target path value at ``as_of``), ``next_year``, ``next_target``,
        ``gap`` (``next_target − actual``), ``status`` (one of :data:`STATUSES`),
        ``status_vs_placeholder`` (the status a placeholder target would give),
        ``trend_year`` and ``trend`` (year the recent trend meets ``next_target``, or
        "not at current pace"), ``source``.
    """
    t = pd.Timestamp(as_of).normalize()
    tg = targets if layer is None else targets[targets["layer"] == layer]
    tg = tg[tg["metric"].isin(TARGET_METRICS) & tg["target"].notna()]
    histories = _histories(series, t, layer)
    empty = pd.Series([], index=pd.DatetimeIndex([]), dtype=float)
    rows = []
    for (lay, code, tmetric), g in tg.groupby(["layer", "unit_code", "metric"], sort=True):
        metric, tech, op = TARGET_METRICS[tmetric]
        hist = histories.get((lay, code, metric, tech, op), empty)
        milestones = sorted(zip(g["year"].astype(int), g["target"].astype(float), g["source"], strict=True))
        upcoming = [m for m in milestones if _year_end(m[0]) >= t] or milestones[-1:]
        next_year, next_target, next_source = upcoming[0]
        row = {"layer": lay, "unit_code": code, "target_metric": tmetric, "metric": metric, "technology": tech,
               "operator": op, "as_of": t, "next_year": next_year, "next_target": next_target, "source": next_source,
               "final_year": milestones[-1][0], "final_target": milestones[-1][1]}
        if hist.empty or t not in hist.index:
            rows.append({**row, "status": "no data", "status_vs_placeholder": "no data", "trend": "no data"})
            continue
        actual = float(hist.loc[t])
        baseline = (hist.index[0], float(hist.iloc[0]))
        path = target_path(baseline, [(y, v) for y, v, _ in milestones], t)
        if actual >= next_target - _TOLERANCE * max(1.0, abs(next_target)):  # 99.99999999999995 % is 100 %
            actual = max(actual, next_target)
            status, trend_year, trend = "achieved", float(t.year), "achieved"
        else:
            status = "on track" if actual >= path - 1e-9 else "behind"
            trend_year, trend = _trend_year(hist, next_target, t)
        rows.append({**row, "actual": actual, "baseline_date": baseline[0], "baseline": baseline[1], "path": path,
                     "gap": next_target - actual, "status_vs_placeholder": status,
                     "status": "placeholder target" if next_source == PLACEHOLDER else status,
                     "trend_year": trend_year, "trend": trend})
    cols = ["layer", "unit_code", "target_metric", "metric", "technology", "operator", "as_of", "actual",
            "baseline_date", "baseline", "path", "next_year", "next_target", "gap", "status",
            "status_vs_placeholder", "trend_year", "trend", "final_year", "final_target", "source"]
    return pd.DataFrame(rows).reindex(columns=cols)


def path_points(plan: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """The corners of each target path, for drawing it: the baseline, then each later milestone.

    Parameters
    ----------
    plan
        Rows of :func:`plan_vs_actual` (those without a baseline, "no data", are skipped).
    targets
        Canonical targets (the milestones).

    Returns
    -------
    pandas.DataFrame
        ``layer``, ``unit_code``, ``target_metric``, ``date``, ``value``, ``kind``
        (``baseline`` or ``milestone``), in date order per path.

    Examples
    --------
    >>> plan = pd.DataFrame({"layer": ["district"], "unit_code": ["001"], "target_metric": ["shared_site_pct"],
    ...                      "baseline_date": [pd.Timestamp("2019-12-31")], "baseline": [10.0]})
    >>> tg = pd.DataFrame({"layer": "district", "unit_code": "001", "metric": "shared_site_pct",
    ...                    "year": [2020, 2030], "target": [30.0, 50.0]})
    >>> path_points(plan, tg)[["date", "value", "kind"]].to_numpy().tolist()
    [[Timestamp('2019-12-31 00:00:00'), 10.0, 'baseline'], [Timestamp('2020-12-31 00:00:00'), 30.0, 'milestone'], \
[Timestamp('2030-12-31 00:00:00'), 50.0, 'milestone']]
    """
    cols = ["layer", "unit_code", "target_metric", "date", "value", "kind"]
    tg = targets[targets["target"].notna()]
    milestones = {key: list(zip(g["year"], g["target"], strict=True))
                  for key, g in tg.groupby(["layer", "unit_code", "metric"], sort=False)}
    rows = []
    for r in plan.dropna(subset=["baseline"]).itertuples(index=False):
        key = (r.layer, r.unit_code, r.target_metric)
        rows.append((*key, pd.Timestamp(r.baseline_date), float(r.baseline), "baseline"))
        later = sorted(milestones.get(key, []))
        rows += [(*key, _year_end(y), float(v), "milestone") for y, v in later
                 if _year_end(y) > pd.Timestamp(r.baseline_date)]
    return pd.DataFrame(rows, columns=cols)
