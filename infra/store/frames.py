"""How a frame is kept in a store: its column kinds, its content hash, and the frame restored from a table.

Both backends keep each version of a frame as one table of plain columns (text,
numbers, booleans, timestamps) and, for spatial frames, one geometry column in
EPSG:4326. The schema recorded beside it restores the pandas types on the way
back, so a frame read from a store equals the frame that was written.
"""

from __future__ import annotations

import hashlib

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from infra import settings

#: The frames of a dataset, in the order they are written; ``population`` is optional.
FRAMES: tuple[str, ...] = ("units", "zones", "sites", "radios", "targets", "population")
#: Frames with a geometry column.
SPATIAL: frozenset[str] = frozenset({"units", "zones", "sites", "population"})
Schema = list[tuple[str, str]]


def kind_of(series: pd.Series) -> str:
    """The kind a column is kept as: ``bool``, ``int``, ``float``, ``date`` or ``text``."""
    if pd.api.types.is_bool_dtype(series):
        return "bool"
    if pd.api.types.is_integer_dtype(series):
        return "int"
    if pd.api.types.is_float_dtype(series):
        return "float"
    if pd.api.types.is_datetime64_any_dtype(series):
        return "date"
    return "text"


def schema(frame: pd.DataFrame) -> Schema:
    """``(column, kind)`` of every column but the geometry, in order."""
    geom = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else None
    return [(str(c), kind_of(frame[c])) for c in frame.columns if c != geom]


def content_hash(frame: pd.DataFrame) -> str:
    """A SHA-256 of a frame's columns, kinds, values and geometry: equal frames, equal hashes.

    Examples
    --------
    >>> a = pd.DataFrame({"x": [1.0, 2.0]})
    >>> content_hash(a) == content_hash(a.copy()) != content_hash(a.assign(x=[1.0, 3.0]))
    True
    """
    h = hashlib.sha256()
    h.update(repr(schema(frame)).encode())
    h.update(str(len(frame)).encode())
    for col, kind in schema(frame):  # the values as the store keeps them: a frame read back hashes the same
        h.update(pd.util.hash_pandas_object(_canonical(frame[col], kind), index=False).to_numpy().tobytes())
    if isinstance(frame, gpd.GeoDataFrame):
        h.update(str(frame.crs).encode())
        for wkb in shapely.to_wkb(frame.geometry.to_numpy(), byte_order=1):
            h.update(b"" if wkb is None else wkb)
    return h.hexdigest()


def _canonical(values: pd.Series, kind: str) -> pd.Series:
    """A column in the one representation of its kind (text as object, dates in ms), for hashing."""
    if kind == "date":
        return pd.to_datetime(values).astype("datetime64[ms]")
    if kind == "text":
        return values.astype(object).where(values.notna(), None)
    return values


def restore(frame: pd.DataFrame, kinds: Schema, *, spatial: bool) -> pd.DataFrame:
    """A frame read from a store table, with the kinds of its schema and its columns in order."""
    out = {}
    for col, kind in kinds:
        values = frame[col] if col in frame else pd.Series([None] * len(frame), index=frame.index)
        if kind == "date":  # one resolution whatever the backend gives (dates are days)
            values = pd.to_datetime(values).astype("datetime64[ms]")
        elif kind == "bool":
            values = values.fillna(False).astype(bool)
        elif kind == "int":
            values = pd.to_numeric(values).astype("int64")
        elif kind == "float":
            values = pd.to_numeric(values).astype("float64")
        elif not pd.api.types.is_string_dtype(values):
            values = values.astype("str")
        out[col] = values.reset_index(drop=True)
    plain = pd.DataFrame(out, columns=[c for c, _ in kinds])
    if not spatial:
        return plain
    geom = frame.geometry.to_numpy() if isinstance(frame, gpd.GeoDataFrame) else np.array([], dtype=object)
    return gpd.GeoDataFrame(plain, geometry=geom, crs=settings.DEFAULT_CRS)
