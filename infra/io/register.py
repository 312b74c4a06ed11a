"""Read Hanoi's units and the legacy→2025 crosswalk from ``vietnamadminunits``.

Only the package's shipped tables are read (its SQLite register and its
converter JSON); nothing is fetched.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import metadata, resources

import pandas as pd

from infra import settings
from infra._errors import BuildError

_TYPE = {"Quận": "quận", "Huyện": "huyện", "Thị xã": "thị xã", "Phường": "phường", "Xã": "xã", "Thị trấn": "thị trấn"}


@dataclass(frozen=True)
class HanoiRegister:
    """Hanoi's units as the package ships them.

    Attributes
    ----------
    legacy
        One row per legacy ward (before 1 Jul 2025): ``ward_code``, ``ward_name``,
        ``ward_type``, ``district_code``, ``district_name``, ``district_type``,
        ``lon``, ``lat`` (centroid) and ``west``, ``south``, ``east``, ``north`` (bbox).
    units_2025
        One row per 2025 unit: ``unit_code``, ``name``, ``unit_type``, ``lon``,
        ``lat``, ``area_km2`` (official).
    crosswalk
        One row per (legacy ward, 2025 unit) piece: ``ward_code``, ``unit_code``,
        ``divided`` (the legacy ward went to several 2025 units).
    version
        Version of ``vietnamadminunits`` read.
    """

    legacy: pd.DataFrame
    units_2025: pd.DataFrame
    crosswalk: pd.DataFrame
    version: str


def _bounds(text: str) -> tuple[float, float, float, float]:
    a, b = text.split("–")
    lat1, lon1 = (float(v) for v in a.split(","))
    lat2, lon2 = (float(v) for v in b.split(","))
    return min(lon1, lon2), min(lat1, lat2), max(lon1, lon2), max(lat1, lat2)


def _short_type(full: str) -> str:
    return _TYPE.get(full, full.lower())


@functools.cache
def read_hanoi_register(province_code: str | None = None) -> HanoiRegister:
    """Read Hanoi's legacy wards, 2025 units and crosswalk from the package (once per process).

    The frames are shared by every caller: read them, never change them in place.

    Parameters
    ----------
    province_code
        Official province code; ``None`` reads ``settings.HANOI_PROVINCE_CODE``.

    Returns
    -------
    HanoiRegister

    Raises
    ------
    BuildError
        If the package's tables do not have what the build needs.
    """
    # imported here, the one lazy import of the library: the package's parser takes 1.1 s to import, and only
    # boundary imports and the default-data build read the register (no layer contract is at stake)
    from vietnamadminunits.database import query

    code = province_code or settings.HANOI_PROVINCE_CODE
    if not code.isdigit():
        raise BuildError(f"province code must be digits, got {code!r}")
    legacy_raw = pd.DataFrame(query(f"SELECT * FROM admin_units_legacy WHERE provinceCode = '{code}'"))
    new_raw = pd.DataFrame(query(f"SELECT * FROM admin_units WHERE provinceCode = '{code}'"))
    if legacy_raw.empty or new_raw.empty:
        raise BuildError(f"vietnamadminunits has no units for province {code}")
    bounds = pd.DataFrame([_bounds(s) for s in legacy_raw["wardBounds"]], columns=["west", "south", "east", "north"])
    legacy = pd.DataFrame(
        {
            "ward_code": legacy_raw["wardCode"],
            "ward_name": legacy_raw["wardShort"],
            "ward_type": legacy_raw["wardType"].map(_short_type),
            "district_code": legacy_raw["districtCode"],
            "district_name": legacy_raw["districtShort"],
            "district_type": legacy_raw["districtType"].map(_short_type),
            "lon": legacy_raw["wardLon"].astype(float),
            "lat": legacy_raw["wardLat"].astype(float),
        }
    ).join(bounds)
    legacy["key"] = legacy_raw["provinceKey"] + "_" + legacy_raw["districtKey"] + "_" + legacy_raw["wardKey"]
    units = pd.DataFrame(
        {
            "unit_code": new_raw["wardCode"],
            "name": new_raw["wardShort"],
            "unit_type": new_raw["wardType"].map(_short_type),
            "lon": new_raw["wardLon"].astype(float),
            "lat": new_raw["wardLat"].astype(float),
            "area_km2": new_raw["wardAreaKm2"].astype(float),
            "key": new_raw["wardKey"],
        }
    )
    province_key = legacy_raw["provinceKey"].iloc[0]
    crosswalk = _crosswalk(legacy, units, province_key)
    legacy = legacy.sort_values("ward_code").reset_index(drop=True)
    units = units.sort_values("unit_code").reset_index(drop=True)
    return HanoiRegister(legacy, units, crosswalk, metadata.version("vietnamadminunits"))


def _crosswalk(legacy: pd.DataFrame, units: pd.DataFrame, province_key: str) -> pd.DataFrame:
    path = resources.files("vietnamadminunits") / "data" / "converter_2025.json"
    conv = json.loads(path.read_text(encoding="utf-8"))
    whole = conv["DICT_PROVINCE_WARD_NO_DIVIDED"].get(province_key, {})
    divided = conv["DICT_PROVINCE_WARD_DIVIDED"].get(province_key, {})
    code_of_new = dict(zip(units["key"], units["unit_code"], strict=True))
    new_of_legacy = {old: new for new, olds in whole.items() for old in olds}
    rows: list[tuple[str, str, bool]] = []
    missing: list[str] = []
    for ward_code, key in zip(legacy["ward_code"], legacy["key"], strict=True):
        if key in new_of_legacy:
            rows.append((ward_code, code_of_new[new_of_legacy[key]], False))
        elif key in divided:
            rows += [(ward_code, code_of_new[p["newWardKey"]], True) for p in divided[key]]
        else:
            missing.append(key)
    if missing:
        raise BuildError(f"{len(missing)} legacy wards have no 2025 unit in the crosswalk, e.g. {missing[0]}")
    out = pd.DataFrame(rows, columns=["ward_code", "unit_code", "divided"])
    return out.sort_values(["ward_code", "unit_code"]).reset_index(drop=True)
