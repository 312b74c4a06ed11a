"""``build-default-data``: the embedded default dataset, from registry packages alone."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from importlib import metadata
from pathlib import Path

import pandas as pd
import pyogrio
import pyproj
import shapely

from infra import settings
from infra.dataset import Dataset, Provenance
from infra.defaults.admin import build_admin_layers, build_zones
from infra.defaults.synthetic import build_synthetic_inventory
from infra.defaults.targets import expand_targets
from infra.io.datasets import write_dataset
from infra.io.register import read_hanoi_register

log = logging.getLogger(__name__)
#: Wraps the build's steps (e.g. in a progress bar); gets an iterable, returns an iterator over it.
Progress = Callable[[Iterable], Iterator]
_STEPS = ("register", "boundaries", "zones", "inventory", "targets")


def _zone_units(pieces: pd.DataFrame, zones: pd.DataFrame) -> dict[str, list[str]]:
    wards = {c for codes in zones["ward_codes"] for c in codes.split()}
    hit = pieces[pieces["ward_code"].isin(wards)]
    return {settings.LAYER_DISTRICT: sorted(set(hit["district_code"])),
            settings.LAYER_COMMUNE_2025: sorted(set(hit["unit_code"]))}


def build_default_dataset(*, progress: Progress | None = None) -> tuple[Dataset, dict[str, pd.DataFrame]]:
    """Build the default dataset in memory.

    Parameters
    ----------
    progress
        Wraps the steps (register, boundaries, zones, inventory, targets), e.g. in a progress bar.
        Progress lines and the figures reached go to this module's logger.

    Returns
    -------
    dataset : Dataset
    extra_layers : dict
        ``wards_legacy`` (the legacy wards, before 1 Jul 2025), written beside the
        canonical frames.
    """
    steps = iter((progress or iter)(_STEPS))
    next(steps)
    reg = read_hanoi_register()
    vau = f"vietnamadminunits {reg.version} (MIT)"
    log.info("read %d legacy wards, %d districts, %d units of 2025 from %s", len(reg.legacy),
             reg.legacy["district_code"].nunique(), len(reg.units_2025), vau)
    next(steps)
    admin = build_admin_layers(reg)
    next(steps)
    zone_wards = pd.read_csv(settings.RESTRICTED_ZONE_WARDS, dtype=str)
    zones = build_zones(admin.wards, zone_wards)
    next(steps)
    sites, radios = build_synthetic_inventory(admin.wards, zones)
    next(steps)
    facts = pd.read_csv(settings.PLAN_FACTS, dtype={"source": str})
    targets = expand_targets(facts, admin.units, _zone_units(admin.pieces, zones))
    next(steps, None)  # the bar ends
    shapely_v, gpd_v = metadata.version("shapely"), metadata.version("geopandas")
    method = ("Approximate boundaries, smoothed from a "
              f"{admin.figures['grid_resolution_m']:.0f} m grid: each cell went to the legacy ward at the smallest "
              "bounding-box-normalised distance, wards split between 2025 units by distance to the units' "
              "centroids, per-ward scales fitted to the official 2025 areas; the cells' boundaries were then "
              f"smoothed as one coverage (every shared edge once, {admin.figures['smoothing_m']:.0f} m, "
              f"simplified {admin.figures['simplify_tolerance_m']:.0f} m), so neighbours still tile without gaps "
              f"or overlaps (shapely {shapely_v}, geopandas {gpd_v}). "
              "Codes, names, types and 2025 areas are official; lines are not.")
    provenance = {
        "units": Provenance(vau, method, approximate=True),
        "zones": Provenance(f"{settings.RESTRICTED_ZONE_WARDS.name} + {vau}",
                            "Restricted zones of Decision 5800/QĐ-UBND approximated by the legacy wards that "
                            "contain them", approximate=True),
        "sites": Provenance(f"infra.defaults.synthetic, seed {settings.SYNTHETIC_SEED}",
                            "Invented sites consistent with DOMAIN.md, not a real inventory", synthetic=True),
        "radios": Provenance(f"infra.defaults.synthetic, seed {settings.SYNTHETIC_SEED}",
                             "Invented radios following the 2G→5G timeline of DOMAIN.md", synthetic=True),
        "targets": Provenance(f"{settings.PLAN_FACTS.name}",
                              "Targets cite their source; 'placeholder' marks figures not published"),
    }
    ds = Dataset(admin.units, sites, radios, zones, targets, provenance, admin.figures)
    ds.validate()
    extra = {"wards_legacy": admin.wards}
    return ds, extra


def built_with() -> dict[str, str]:
    """The versions of what shapes the default data's bytes (GEOS, GDAL, PROJ, numpy…), for the provenance.

    Two builds with the same versions give identical files; with others, the same
    frames up to float noise.
    """
    out = {name: metadata.version(name) for name in ("vietnamadminunits", "shapely", "geopandas", "pyogrio",
                                                         "pyproj", "numpy", "pandas", "scipy")}
    return {**out, "GEOS": shapely.geos_version_string, "GDAL": pyogrio.__gdal_version_string__,
            "PROJ": pyproj.proj_version_str}


def build_default_data(out_dir: Path | None = None, *, targets_path: Path | None = None,
                       progress: Progress | None = None) -> Dataset:
    """Build and write the default dataset (GeoPackage, provenance, targets CSV).

    Parameters
    ----------
    out_dir
        Dataset directory; ``None`` writes ``settings.DEFAULT_GEO_DIR``.
    targets_path
        Also write the targets there (the dataset directory always holds them).
    progress
        See :func:`build_default_dataset`.

    Returns
    -------
    Dataset
    """
    out_dir = settings.DEFAULT_GEO_DIR if out_dir is None else Path(out_dir)
    ds, extra = build_default_dataset(progress=progress)
    write_dataset(ds, out_dir, extra_layers=extra, built_with=built_with())
    if targets_path is not None and Path(targets_path) != out_dir / settings.DEFAULT_TARGETS.name:
        Path(targets_path).parent.mkdir(parents=True, exist_ok=True)
        ds.targets.to_csv(targets_path, index=False, lineterminator="\n")
    for k, v in ds.figures.items():
        log.info("  %s: %s", k, v)
    log.info("sites: %d, radios: %d, zones: %d, targets: %d", len(ds.sites), len(ds.radios), len(ds.zones),
             len(ds.targets))
    log.info("wrote %s", out_dir)
    return ds
