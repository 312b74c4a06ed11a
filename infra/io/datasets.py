"""All file access of the library: read and write datasets.

A dataset on disk is a directory holding ``hanoi_default.gpkg``-style GeoPackage
layers (``admin_units``, ``zones``, ``sites``, ``radios``, an optional
``population`` grid and, for the default data, ``wards_legacy``), a ``targets.csv`` and a ``provenance.json``.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import pandas as pd
import pyogrio

from infra import settings
from infra.dataset import Dataset, Provenance
from infra.i18n import _
from infra.io.vector import check_geopackage

#: Fixed timestamp written into GeoPackages so that two builds give identical files.
_GPKG_DATE = "2025-07-01T00:00:00Z"
_DATE_COLUMNS = {"sites": ("built_on", "removed_on"), "radios": ("on_date", "off_date")}


def write_gpkg_layers(path: Path, layers: dict[str, pd.DataFrame]) -> None:
    """Write frames as layers of a new GeoPackage, byte-for-byte reproducibly.

    Parameters
    ----------
    path
        Target file; replaced if it exists.
    layers
        Layer name → frame (GeoDataFrame, or DataFrame for an attribute-only table).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": _GPKG_DATE})
    try:
        for name, frame in layers.items():
            # no R-tree: the layers are read whole, and the index would add a fifth to the file
            pyogrio.write_dataframe(frame, path, layer=name, driver="GPKG", layer_options={"SPATIAL_INDEX": "NO"})
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": None})


def _read_layer(path: Path, layer: str) -> pd.DataFrame:
    frame = pyogrio.read_dataframe(path, layer=layer)
    for col in _DATE_COLUMNS.get(layer, ()):
        frame[col] = pd.to_datetime(frame[col])
    return frame


def read_targets(path: Path) -> pd.DataFrame:
    """Read a long-format targets CSV with codes kept as text."""
    df = pd.read_csv(path, dtype={"unit_code": str, "layer": str, "metric": str, "source": str}, keep_default_na=False)
    df["target"] = pd.to_numeric(df["target"].replace("", None))
    df["year"] = df["year"].astype(int)
    return df


def write_dataset(ds: Dataset, directory: Path | str, *, extra_layers: dict[str, pd.DataFrame] | None = None,
                  built_with: dict[str, str] | None = None) -> None:
    """Write a dataset to ``directory`` (GeoPackage, targets CSV, provenance JSON).

    Parameters
    ----------
    ds
        The dataset.
    directory
        Created if missing; its files are replaced.
    extra_layers
        Further GeoPackage layers (the default data keeps its legacy wards).
    built_with
        Versions of the libraries that made the files, kept in the provenance.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    layers: dict[str, pd.DataFrame] = {"admin_units": ds.units, "zones": ds.zones, "sites": ds.sites,
                                       "radios": ds.radios}
    if ds.population is not None:
        layers["population"] = ds.population
    layers.update(extra_layers or {})
    write_gpkg_layers(directory / settings.DEFAULT_GPKG.name, layers)
    ds.targets.to_csv(directory / settings.DEFAULT_TARGETS.name, index=False, lineterminator="\n")
    prov = {"frames": {k: asdict(v) for k, v in ds.provenance.items()}, "figures": ds.figures,
            **({"built_with": built_with} if built_with else {})}
    (directory / settings.DEFAULT_PROVENANCE.name).write_text(
        json.dumps(prov, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )


def read_dataset(directory: Path | None = None, *, targets: Path | None = None) -> Dataset:
    """Read a dataset written by :func:`write_dataset`.

    Parameters
    ----------
    directory
        Dataset directory; ``None`` reads ``settings.DEFAULT_GEO_DIR`` (the embedded default).
    targets
        Targets CSV; ``None`` reads ``targets.csv`` in ``directory`` if present, else
        ``settings.DEFAULT_TARGETS``.

    Returns
    -------
    Dataset

    Raises
    ------
    FileNotFoundError
        If the GeoPackage is missing (say how to build it).
    UnreadableFile
        If the file is not a GeoPackage (a GDAL virtual file renamed, say) or holds views.
    """
    directory = settings.DEFAULT_GEO_DIR if directory is None else Path(directory)
    gpkg = directory / settings.DEFAULT_GPKG.name
    if not gpkg.exists():
        raise FileNotFoundError(_("{file} not found — run `telecom-tracker build-default-data` to create it").format(
            file=gpkg))
    check_geopackage(gpkg, str(gpkg))  # a folder given by a user: GDAL opens only a real GeoPackage's tables
    if targets is None:
        local = directory / settings.DEFAULT_TARGETS.name
        targets = local if local.exists() else settings.DEFAULT_TARGETS
    prov_path = directory / settings.DEFAULT_PROVENANCE.name
    prov = json.loads(prov_path.read_text(encoding="utf-8")) if prov_path.exists() else {"frames": {}, "figures": {}}
    radios = _read_layer(gpkg, "radios")
    radios["pilot"] = radios["pilot"].astype(bool)
    return Dataset(
        units=_read_layer(gpkg, "admin_units"),
        sites=_read_layer(gpkg, "sites"),
        radios=radios,
        zones=_read_layer(gpkg, "zones"),
        targets=read_targets(targets),
        provenance={k: Provenance(**v) for k, v in prov["frames"].items()},
        figures=prov.get("figures", {}),
        population=_read_layer(gpkg, "population") if "population" in pyogrio.list_layers(gpkg)[:, 0] else None,
    )
