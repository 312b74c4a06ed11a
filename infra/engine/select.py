"""The one way to pick rows of the engine's long metrics (``layer``, ``unit_code``, ``as_of``, ``metric``…)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

import numpy as np
import pandas as pd

from infra.engine.asof import as_timestamp

Pick = str | Collection[str] | None


def _mask(column: pd.Series, wanted: Pick) -> np.ndarray:
    if wanted is None:
        return np.ones(len(column), dtype=bool)
    if isinstance(wanted, str):
        return (column == wanted).to_numpy(dtype=bool)
    return column.isin(list(wanted)).to_numpy(dtype=bool)


def select(metrics: pd.DataFrame, *, layer: Pick = None, units: Pick = None, metric: Pick = None,
           technology: Pick = None, operator: Pick = None,
           as_of: dt.date | str | pd.Timestamp | None = None, city: bool = True) -> pd.DataFrame:
    """The rows of ``metrics`` that match every criterion given (``None`` = any).

    Parameters
    ----------
    metrics
        Engine metrics, long format (one date or a series).
    layer, units, metric, technology, operator
        One value, or a collection of accepted values.
    as_of
        Keep the rows of this date only.
    city
        Keep the whole city's rows (``unit_code='*'``); ``False`` drops them.

    Returns
    -------
    pandas.DataFrame
        The matching rows, in their order, with their index.

    Examples
    --------
    >>> m = pd.DataFrame({"layer": "district", "unit_code": ["001", "002", "*"], "as_of": pd.Timestamp("2025-12-31"),
    ...                   "metric": "sites_standing", "technology": "*", "operator": "*", "value": [3.0, 4.0, 7.0]})
    >>> select(m, layer="district", metric="sites_standing", city=False)["value"].tolist()
    [3.0, 4.0]
    >>> select(m, units=["002", "*"], as_of="2025-12-31")["value"].tolist()
    [4.0, 7.0]
    """
    keep = (_mask(metrics["layer"], layer) & _mask(metrics["unit_code"], units) & _mask(metrics["metric"], metric)
            & _mask(metrics["technology"], technology) & _mask(metrics["operator"], operator))
    if not city:
        keep &= (metrics["unit_code"] != "*").to_numpy(dtype=bool)
    if as_of is not None:
        keep &= (pd.to_datetime(metrics["as_of"]) == as_timestamp(as_of)).to_numpy(dtype=bool)
    return metrics[keep]
