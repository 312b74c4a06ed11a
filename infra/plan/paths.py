"""Target paths: straight lines from a baseline through the plan's milestones (31 Dec of each year).

Pure: values and frames in, values and frames out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def year_end(year: int) -> pd.Timestamp:
    """31 December of ``year``, the date a milestone of the plan falls on."""
    return pd.Timestamp(year=int(year), month=12, day=31)


def years(t: pd.Timestamp) -> float:
    """A date as a decimal year (1 Jan = ``.0``), the x of paths and trends."""
    return t.year + (t.day_of_year - 1) / (366 if t.is_leap_year else 365)


def target_path(baseline: tuple[pd.Timestamp, float], milestones: list[tuple[int, float]],
                when: pd.Timestamp) -> float:
    """Target value at ``when`` on the straight lines between baseline and milestones (31 Dec of each year).

    Examples
    --------
    >>> round(target_path((pd.Timestamp("2020-12-31"), 0.0), [(2030, 100.0)], pd.Timestamp("2025-12-31")), 3)
    50.0
    """
    points = [baseline] + [(year_end(y), v) for y, v in sorted(milestones) if year_end(y) > baseline[0]]
    x = np.array([years(p[0]) for p in points])
    y = np.array([p[1] for p in points], dtype=float)
    return float(np.interp(years(when), x, y))


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
        rows += [(*key, year_end(y), float(v), "milestone") for y, v in later
                 if year_end(y) > pd.Timestamp(r.baseline_date)]
    return pd.DataFrame(rows, columns=cols)
