"""The one series policy: the dates at which the plan's history is read, for the app and the CLI alike.

The baseline (31 Mar 2019, the first quarter end), the year ends, every quarter end
of the :data:`~infra.plan.status.TREND_YEARS` before the as-of date (the dates the
trend is fitted on), the as-of date itself, and, when asked, the year ends after it
(what the inventory's own later dates give, drawn faint in the charts). Status,
gap and trend read only the baseline, the trend years and the as-of date, so they
are those of a series of every quarter end, at about half its cost.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from infra.engine import as_timestamp
from infra.plan.status import TREND_YEARS

#: First date of the series: the baseline of every target path.
SERIES_START = pd.Timestamp("2019-03-31")
#: The last date the charts look ahead to (the plan's horizon).
HORIZON = pd.Timestamp("2030-12-31")


def series_dates(as_of: dt.date | str | pd.Timestamp, *, until: dt.date | str | pd.Timestamp | None = None,
                 start: pd.Timestamp | None = None) -> list[pd.Timestamp]:
    """The dates of the series behind the plan at ``as_of``.

    Parameters
    ----------
    as_of
        The date of the report or view.
    until
        Look ahead to this date (year ends only); ``None`` stops at ``as_of``.
    start
        The baseline, a quarter end; ``None`` reads :data:`SERIES_START`.

    Returns
    -------
    list of pandas.Timestamp
        Sorted, without repeats: ``start``, the year ends, the quarter ends of the
        trend years before ``as_of``, ``as_of``, then the year ends to ``until``.

    Examples
    --------
    >>> [d.date().isoformat() for d in series_dates("2023-08-15", until="2024-12-31")]  # doctest: +NORMALIZE_WHITESPACE
    ['2019-03-31', '2019-12-31', '2020-09-30', '2020-12-31', '2021-03-31', '2021-06-30', '2021-09-30', '2021-12-31',
     '2022-03-31', '2022-06-30', '2022-09-30', '2022-12-31', '2023-03-31', '2023-06-30', '2023-08-15', '2023-12-31',
     '2024-12-31']
    """
    t = as_timestamp(as_of)
    first = start or SERIES_START
    trend_from = t - pd.DateOffset(years=TREND_YEARS)
    past = [d for d in pd.date_range(first, t, freq="QE")
            if d < t and (d == first or d.is_year_end or d >= trend_from)]
    ahead = [] if until is None else [d for d in pd.date_range(t, as_timestamp(until), freq="YE") if d > t]
    return [*past, t, *ahead]
