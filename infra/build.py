"""``build-default-data``: the embedded default dataset, from registry packages alone."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

import pandas as pd

from infra import settings
from infra._vau import read_hanoi_register
from infra.admin_build import build_admin_layers, build_zones
from infra.dataset import Dataset, Provenance
from infra.io import write_dataset
from infra.synthetic import build_synthetic_inventory
from infra.targets import expand_targets


def _zone_units(pieces: pd.DataFrame, zones: pd.DataFrame) -> dict[str, list[str]]:
    wards = {c for codes in zones["ward_codes"] for c in codes.split()}
    hit = pieces[pieces["ward_code"].isin(wards)]
    return {settings.LAYER_DISTRICT: sorted(set(hit["district_code"])),
            settings.LAYER_COMMUNE_2025: sorted(set(hit["unit_code"]))}


def build_default_dataset(*, log=print) -> tuple[Dataset, dict[str, pd.DataFrame]]:
    """Build the default dataset in memory.

    Parameters
    ----------
    log
        Called with progress lines and the figures reached.

    Returns
    -------
    dataset : Dataset
    extra_layers : dict
        ``wards_legacy`` (the legacy wards, before 1 Jul 2025), written beside the
        canonical frames.
    """
    reg = read_hanoi_register()
    vau = f"vietnamadminunits {reg.version} (MIT)"
    log(f"read {len(reg.legacy)} legacy wards, {reg.legacy['district_code'].nunique()} districts, "
        f"{len(reg.units_2025)} units of 2025 from {vau}")
    admin = build_admin_layers(reg)
    zone_wards = pd.read_csv(settings.RESTRICTED_ZONE_WARDS, dtype=str)
    zones = build_zones(admin.wards, zone_wards)
    sites, radios = build_synthetic_inventory(admin.wards, zones)
    facts = pd.read_csv(settings.PLAN_FACTS, dtype={"source": str})
    targets = expand_targets(facts, admin.units, _zone_units(admin.pieces, zones))
    shapely_v, gpd_v = metadata.version("shapely"), metadata.version("geopandas")
    method = (f"Grid {admin.figures['grid_resolution_m']:.0f} m: each cell to the legacy ward at the smallest "
              "bounding-box-normalised distance, wards split between 2025 units by distance to the units' "
              "centroids; per-ward scales fitted to the official 2025 areas; coverage-simplified "
              f"{admin.figures['simplify_tolerance_m']:.0f} m (shapely {shapely_v}, geopandas {gpd_v}). "
              "Codes, names, types and 2025 areas are official; lines are not.")
    provenance = {
        "units": Provenance(vau, method, approximate=True),
        "zones": Provenance(f"{settings.RESTRICTED_ZONE_WARDS.name} + {vau}",
                            "Restricted zones of Decision 5800/QĐ-UBND approximated by the legacy wards that "
                            "contain them", approximate=True),
        "sites": Provenance(f"infra.synthetic, seed {settings.SYNTHETIC_SEED}",
                            "Invented sites consistent with DOMAIN.md, not a real inventory", synthetic=True),
        "radios": Provenance(f"infra.synthetic, seed {settings.SYNTHETIC_SEED}",
                             "Invented radios following the 2G→5G timeline of DOMAIN.md", synthetic=True),
        "targets": Provenance(f"{settings.PLAN_FACTS.name}",
                              "Targets cite their source; 'placeholder' marks figures not published"),
    }
    ds = Dataset(admin.units, sites, radios, zones, targets, provenance, admin.figures)
    ds.validate()
    extra = {"wards_legacy": admin.wards}
    return ds, extra


def build_default_data(out_dir: Path | None = None, *, targets_path: Path | None = None, log=print) -> Dataset:
    """Build and write the default dataset (GeoPackage, provenance, targets CSV)."""
    out_dir = settings.DEFAULT_GEO_DIR if out_dir is None else Path(out_dir)
    targets_path = settings.DEFAULT_TARGETS if targets_path is None else Path(targets_path)
    ds, extra = build_default_dataset(log=log)
    write_dataset(ds, out_dir, extra_layers=extra)
    targets_path.parent.mkdir(parents=True, exist_ok=True)
    ds.targets.to_csv(targets_path, index=False, lineterminator="\n")
    for k, v in ds.figures.items():
        log(f"  {k}: {v}")
    log(f"sites: {len(ds.sites)}, radios: {len(ds.radios)}, zones: {len(ds.zones)}, targets: {len(ds.targets)}")
    log(f"wrote {out_dir / settings.DEFAULT_GPKG.name} and {targets_path}")
    return ds
