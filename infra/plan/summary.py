"""One figure for a selection of units, from the engine's per-unit metrics.

Counts add up; a percentage is recomputed from its parts (covered area over area,
2G radios switched off over the baseline radios built by the date, shared sites over sites on air), never
averaged. With no selection, or every unit selected, the figure is the city's.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from infra.contract import ALL, CITY
from infra.engine import select


def _parts(metric: str, technology: str, operator: str) -> tuple[tuple, tuple, bool] | None:
    """(numerator, denominator, numerator is the complement) of a percentage metric, or None."""
    if metric == "area_coverage_pct":
        return ("covered_area_km2", technology, operator), ("area_km2", ALL, ALL), False
    if metric == "two_g_off_pct":
        return ("two_g_baseline_on_air", technology, operator), ("two_g_baseline_built", technology, operator), True
    if metric == "shared_site_pct":
        return ("shared_sites", ALL, ALL), ("sites_on_air", ALL, ALL), False
    return None


def aggregate(metrics: pd.DataFrame, layer: str, units: Iterable[str], metric: str, technology: str = ALL,
              operator: str = ALL) -> float | None:
    """The value of a metric over the selected units of a layer at one date.

    Parameters
    ----------
    metrics
        Engine metrics of one date (long format).
    layer, units
        The layer and the selected unit codes; empty means the whole city.
    metric, technology, operator
        What to give.

    Returns
    -------
    float or None
        None when the metric is absent (e.g. population coverage without
        population), or is a share this module cannot rebuild from its parts.

    Examples
    --------
    >>> m = pd.DataFrame({"layer": "d", "unit_code": ["1", "2", "3"] * 2, "technology": ["4G"] * 3 + ["*"] * 3,
    ...                   "operator": "*", "metric": ["covered_area_km2"] * 3 + ["area_km2"] * 3,
    ...                   "value": [1.0, 1.0, 0.0, 2.0, 8.0, 5.0]})
    >>> aggregate(m, "d", ["1", "2"], "area_coverage_pct", "4G")  # (1 + 1) / (2 + 8): not the mean of 50 and 12.5
    20.0
    """
    m = select(metrics, layer=layer)
    codes = sorted(set(units))
    everyone = not codes or set(codes) >= set(select(m, city=False)["unit_code"])

    def total(name: str, tech: str, op: str) -> float | None:
        rows = select(m, metric=name, technology=tech, operator=op, units=CITY if everyone else codes)
        return None if rows.empty else float(rows["value"].sum())

    if everyone or not metric.endswith("_pct"):
        return total(metric, technology, operator)
    parts = _parts(metric, technology, operator)
    if parts is None:
        return None
    (num, den, complement) = parts
    n, d = total(*num), total(*den)
    if n is None or not d:
        return None
    return 100.0 * ((d - n) if complement else n) / d
