"""The one "as of" rule: something counts at ``t`` when ``on <= t < off``; an empty date means always / still.

Every part of the tracker that asks what stands or is on air at a date asks it
here: the engine's radios and sites, the map's markers and its switched-off layer.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd


def as_timestamp(value: dt.date | str | pd.Timestamp) -> pd.Timestamp:
    """A date as a midnight :class:`pandas.Timestamp` (``"2025-12-31"``, a date, a timestamp).

    Examples
    --------
    >>> as_timestamp("2025-12-31 17:30")
    Timestamp('2025-12-31 00:00:00')
    """
    return pd.Timestamp(value).normalize()


def _datetimes(values) -> np.ndarray:
    return np.asarray(pd.to_datetime(np.asarray(values)), dtype="datetime64[ns]")


def started(on, t: dt.date | str | pd.Timestamp) -> np.ndarray:
    """``on <= t``, an empty ``on`` meaning "always"."""
    on = _datetimes(on)
    return np.isnat(on) | (on <= np.datetime64(as_timestamp(t).to_datetime64()))


def ended(off, t: dt.date | str | pd.Timestamp) -> np.ndarray:
    """``off <= t``: switched off or removed by ``t`` (an empty ``off`` never ends)."""
    off = _datetimes(off)
    return ~np.isnat(off) & (off <= np.datetime64(as_timestamp(t).to_datetime64()))


def active(on, off, t: dt.date | str | pd.Timestamp) -> np.ndarray:
    """``on <= t < off`` element-wise: on air (or standing) at ``t``.

    Parameters
    ----------
    on, off
        Start and end dates (arrays, Series or lists; NaT or None where empty).
    t
        The date asked.

    Returns
    -------
    numpy.ndarray of bool

    Examples
    --------
    >>> on = pd.to_datetime(["2020-01-01", None, "2020-01-01"])
    >>> off = pd.to_datetime(["2024-10-16", None, None])
    >>> active(on, off, "2024-10-16").tolist()  # switched off that day, always on, still on
    [False, True, True]
    """
    return started(on, t) & ~ended(off, t)
