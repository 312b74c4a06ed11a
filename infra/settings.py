"""Typed, documented settings: coordinate systems, paths, dates and model defaults.

Functions that need one of these take ``None`` for the argument and read the
setting when called. Tests never mutate these values.
"""

from __future__ import annotations

import datetime as dt
from importlib import resources
from pathlib import Path

#: The application's name: its folder in the user's data and config directories.
APP_NAME: str = "hanoi-telecom-tracker"

#: CRS in which every frame is stored and exchanged (WGS84 lon/lat).
DEFAULT_CRS: str = "EPSG:4326"

#: Metric CRS for areas and distances: WGS 84 / UTM zone 48N, which covers Hanoi
#: (102°E–108°E). Never measure in degrees or Web Mercator (DOMAIN.md).
METRIC_CRS: str = "EPSG:32648"

#: Where the package's own files are: ``infra/_data`` and ``infra/_app`` in an installed wheel
#: (``pyproject.toml`` puts ``data/``, ``app.py`` and ``app_pages/`` there), the repository in a checkout.
_PACKAGE: Path = Path(str(resources.files("infra")))
#: True when running from a source checkout (``data/`` beside ``infra/``), False from an installed wheel.
IN_CHECKOUT: bool = not (_PACKAGE / "_data").is_dir()
#: Root of the repository (in a checkout), or of the installed package's files.
REPO_ROOT: Path = _PACKAGE.parent if IN_CHECKOUT else _PACKAGE
DATA_DIR: Path = REPO_ROOT / "data" if IN_CHECKOUT else _PACKAGE / "_data"
DEFAULT_GEO_DIR: Path = DATA_DIR / "geo"
#: The Streamlit app's entry script (``telecom-tracker app`` runs it).
APP_SCRIPT: Path = REPO_ROOT / "app.py" if IN_CHECKOUT else _PACKAGE / "_app" / "app.py"

#: GeoPackage holding the default admin layers, zones, sites and radios.
DEFAULT_GPKG: Path = DEFAULT_GEO_DIR / "hanoi_default.gpkg"
#: Provenance of the default data (JSON, written by ``build-default-data``).
DEFAULT_PROVENANCE: Path = DEFAULT_GEO_DIR / "provenance.json"
#: Plan targets of the default data, long format, one row per layer × unit × metric × year.
DEFAULT_TARGETS: Path = DEFAULT_GEO_DIR / "targets.csv"
#: Hand-maintained facts behind the targets (editable data, each with its source).
PLAN_FACTS: Path = DATA_DIR / "plan_facts.csv"
#: Legacy wards approximating the plan's restricted zones, with their reasoning.
RESTRICTED_ZONE_WARDS: Path = DATA_DIR / "restricted_zone_wards.csv"

#: Province code of Hanoi in the official register (and in ``vietnamadminunits``).
HANOI_PROVINCE_CODE: str = "01"

#: Resolution (m) of the grid on which the approximate admin polygons are drawn.
TESSELLATION_RESOLUTION_M: float = 100.0
#: Smoothing (m) of the grid's boundaries: standard deviation of the Gaussian along each shared edge.
TESSELLATION_SMOOTH_M: float = 250.0
#: Douglas–Peucker tolerance (m) of the smoothed edges.
TESSELLATION_SIMPLIFY_M: float = 5.0

#: Seed of the synthetic demo inventory.
SYNTHETIC_SEED: int = 20170822  # the date of Decision 5800/QĐ-UBND

#: Key dates of the transition (DOMAIN.md, confidence H unless noted).
PLAN_DECISION_DATE: dt.date = dt.date(2017, 8, 22)
FIRST_5G_CALL_HANOI: dt.date = dt.date(2019, 5, 10)
VIETTEL_5G_TRIAL_END: dt.date = dt.date(2021, 6, 30)
TWO_G_HANDSET_CUTOFF: dt.date = dt.date(2024, 10, 16)
VIETTEL_5G_COMMERCIAL: dt.date = dt.date(2024, 10, 15)
TWO_G_NETWORK_OFF: dt.date = dt.date(2026, 9, 15)

# --- Imports -------------------------------------------------------------------
#: Dates an import accepts (built, removed, on air, off air, OpenCelliD ``created``); a date outside is
#: a typing error (9999-12-31 is not read as "never": leave the cell empty).
IMPORT_DATES: tuple[dt.date, dt.date] = (dt.date(1900, 1, 1), dt.date(2100, 12, 31))
#: Years a plan target may name.
TARGET_YEARS: tuple[int, int] = (2000, 2100)
#: Most people one row of a population grid may hold (Hanoi had 8.05 million in 2019).
MAX_PEOPLE_PER_ROW: float = 10_000_000.0

#: Canonical admin layer names.
LAYER_DISTRICT: str = "district"
LAYER_COMMUNE_2025: str = "commune_2025"

#: Mast classes of the contract; A2* are bulky (DOMAIN.md).
MAST_CLASSES: tuple[str, ...] = ("A1a", "A1b", "A2a", "A2b", "pole", "indoor", "unknown")
BULKY_MAST_CLASSES: tuple[str, ...] = ("A2a", "A2b")

#: Radio technologies of the contract.
TECHNOLOGIES: tuple[str, ...] = ("2G", "3G", "4G", "5G")

#: MCC 452 network codes → operator (DOMAIN.md). 03 and 06 are withdrawn.
OPERATORS_BY_MNC: dict[str, str] = {
    "01": "MobiFone",
    "02": "VinaPhone",
    "04": "Viettel",
    "05": "Vietnamobile",
    "07": "Gmobile",
}
OPERATORS: tuple[str, ...] = tuple(OPERATORS_BY_MNC.values())

#: Admin unit types of the contract.
UNIT_TYPES: tuple[str, ...] = ("quận", "huyện", "thị xã", "phường", "xã", "thị trấn")

# --- Coverage model defaults -------------------------------------------------
#: Fixed radius per technology (m): the Collins Bartholomew model on OpenCelliD,
#: a rural, optimistic model (DOMAIN.md).
FIXED_RADII_M: dict[str, float] = {"2G": 12_000.0, "3G": 4_000.0, "4G": 4_000.0, "5G": 500.0}

#: Maximum allowed path loss (dB) per technology for the ``pathloss`` model. The
#: peer figures of DOMAIN.md are quoted at 130–140 dB; 135 dB is their middle.
MAX_PATH_LOSS_DB: dict[str, float] = {"2G": 135.0, "3G": 135.0, "4G": 135.0, "5G": 135.0}
#: Base-station and mobile antenna heights (m) of the path-loss model. A site's own
#: ``height_m`` is not used: masts on buildings report the mast, not the antenna height.
BS_HEIGHT_M: float = 30.0
UE_HEIGHT_M: float = 1.5
#: Band assumed when a radio has no ``band_mhz`` (MHz).
DEFAULT_BAND_MHZ: dict[str, float] = {"2G": 900.0, "3G": 2100.0, "4G": 1800.0, "5G": 3500.0}
#: Hata models are used up to this distance (km); ranges are capped there.
MAX_RANGE_M: float = 20_000.0
#: Clutter class per admin unit type: dense urban for inner-city districts and
#: wards, suburban for towns, rural for rural districts and communes.
CLUTTER_BY_UNIT_TYPE: dict[str, str] = {
    "quận": "urban", "phường": "urban", "thị xã": "suburban", "thị trấn": "suburban", "huyện": "rural", "xã": "rural",
}
#: Clutter assumed for a site outside every clutter polygon.
DEFAULT_CLUTTER: str = "rural"

# --- Engine --------------------------------------------------------------------
#: Segments per quarter circle of a footprint disc (GEOS/shapely buffer default: a 64-gon).
FOOTPRINT_QUAD_SEGS: int = 16
#: Grid (m) the pieces of two disagreeing layers are snapped to, and the smallest piece kept (m²).
PRECISION_M: float = 0.001
SLIVER_M2: float = 1.0
#: Layers that leave more than this share of the territory outside one another (or overlap within one layer)
#: get a notice in every view.
LAYERS_DISAGREE_SHARE: float = 0.001
#: Size (m) of the square tiles the coverage engine works on.
COVERAGE_TILE_M: float = 2_000.0
#: Default baseline of the 2G switch-off share (DESIGN.md / issue 3).
TWO_G_BASELINE: dt.date = dt.date(2024, 1, 1)
