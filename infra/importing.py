"""One entry point for every importer, and writing imported frames into a dataset directory."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Literal

import geopandas as gpd
import pandas as pd
import shapely

from infra import settings
from infra.dataset import Dataset, Provenance
from infra.import_boundaries import read_boundaries
from infra.import_inventory import read_opencellid, read_radios, read_sites
from infra.import_population import read_population
from infra.import_targets import read_targets_file
from infra.validation import ImportReport, UnreadableFile

Kind = Literal["boundaries", "sites", "radios", "opencellid", "targets", "population"]
KINDS: tuple[str, ...] = ("boundaries", "sites", "radios", "opencellid", "targets", "population")


def import_file(path: Path, kind: Kind, *, base: Dataset | None = None, **options) -> tuple[dict, ImportReport]:
    """Run the importer of ``kind`` on ``path``.

    Parameters
    ----------
    path
        The file.
    kind
        One of :data:`KINDS`.
    base
        Dataset the import goes into (radios are checked against its sites).
    **options
        Passed to the importer (``columns``, ``grid``, ``layer``, ``max_bytes``…).

    Returns
    -------
    frames : dict
        Canonical frames by name (``units``, ``sites``, ``radios``, ``targets``, ``population``).
    report : ImportReport

    Raises
    ------
    UnreadableFile
        If the file cannot be read at all.
    ValueError
        For an unknown kind.
    """
    path = Path(path)
    try:
        return _run(path, kind, base, options)
    except (UnreadableFile, ValueError):
        raise
    except Exception as exc:  # a file no importer foresaw: one clear error, never a traceback
        raise UnreadableFile(f"{path.name}: cannot be imported as {kind} ({type(exc).__name__}: {exc})") from exc


def _run(path: Path, kind: str, base: Dataset | None, options: dict) -> tuple[dict, ImportReport]:
    if kind == "boundaries":
        units, rep = read_boundaries(path, **options)
        return {"units": units}, rep
    if kind == "sites":
        if base is not None and "territory" not in options:
            units = base.layer(base.layers[0]).to_crs(settings.METRIC_CRS)  # 200 m of slack along the edge
            edge = gpd.GeoSeries([shapely.union_all(units.geometry.to_numpy())], crs=units.crs).buffer(200)
            options = {**options, "territory": edge.to_crs(4326).iloc[0]}
        sites, rep = read_sites(path, **options)
        return {"sites": sites}, rep
    if kind == "radios":
        ids = set(base.sites["site_id"]) if base is not None else None
        radios, rep = read_radios(path, site_ids=ids, **options)
        return {"radios": radios}, rep
    if kind == "opencellid":
        sites, radios, rep = read_opencellid(path, **options)
        return {"sites": sites, "radios": radios}, rep
    if kind == "targets":
        targets, rep = read_targets_file(path, units=None if base is None else base.units, **options)
        return {"targets": targets}, rep
    if kind == "population":
        grid, rep = read_population(path, **options)
        return {"population": grid}, rep
    raise ValueError(f"unknown kind {kind!r}; use one of {', '.join(KINDS)}")


def merge_into(base: Dataset, frames: dict, *, source: str) -> Dataset:
    """The dataset with the imported frames in place of its own.

    Imported boundaries replace the units of their layer (other layers stay);
    imported sites without radios keep only the radios of sites still present;
    the provenance of each replaced frame names the file.
    """
    units, sites, radios, targets = base.units, base.sites, base.radios, base.targets
    prov = dict(base.provenance)
    if "units" in frames:
        new = frames["units"]
        units = pd.concat([units[~units["layer"].isin(set(new["layer"]))], new], ignore_index=True)
        prov["units"] = Provenance(f"{source} + {prov['units'].source}" if "units" in prov else source,
                                   "imported boundaries replace their layer",
                                   approximate=bool(set(units["layer"]) - set(new["layer"])))
    if "sites" in frames:
        sites = frames["sites"]
        radios = frames.get("radios", radios[radios["site_id"].isin(set(sites["site_id"]))])
        prov["sites"] = Provenance(source, "imported")
        prov["radios"] = Provenance(source, "imported") if "radios" in frames else prov.get("radios",
                                                                                              Provenance(source))
    elif "radios" in frames:
        radios = frames["radios"]
        prov["radios"] = Provenance(source, "imported")
    if "targets" in frames:
        targets, carried = carry_targets(frames["targets"], units)
        method = "imported; 'placeholder' marks targets without a source"
        if carried:
            method += "; " + "; ".join(f"{to} targets carried from {frm} by area-weighted overlay (approximate)"
                                       for frm, to in carried)
        prov["targets"] = Provenance(source, method, approximate=bool(carried))
    population = base.population
    if "population" in frames:
        population = frames["population"]
        prov["population"] = Provenance(source, "imported; people spread evenly within each cell")
    return dataclasses.replace(base, units=units, sites=sites, radios=radios, targets=targets, provenance=prov,
                               population=population)


def carry_targets(targets: pd.DataFrame, units: gpd.GeoDataFrame) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    """Targets for every layer of ``units``: a layer without any is given another layer's, by area.

    The plan is written per old district, so a targets file usually covers only
    ``district``; its targets are then carried to ``commune_2025`` (and any other
    layer without targets) as area-weighted means (:func:`infra.crosswalk.targets_to_layer`).
    District targets are carried first, else those of the first layer that has per-unit targets.

    Returns
    -------
    targets : pandas.DataFrame
        The targets with the carried rows appended.
    carried : list of (from_layer, to_layer)
        What was carried, for the provenance.
    """
    from infra.crosswalk import overlay_weights, targets_to_layer

    have = list(dict.fromkeys(targets.loc[targets["unit_code"] != "*", "layer"]))  # layers with per-unit targets
    frm = "district" if "district" in have else next(iter(have), None)
    if frm is None or frm not in set(units["layer"]):
        return targets, []
    out, carried = [targets], []
    for to in dict.fromkeys(units["layer"]):
        if to in set(targets["layer"]):
            continue
        weights = overlay_weights(units, frm, to)
        out.append(targets_to_layer(targets[targets["layer"] == frm], weights, to_layer=to))
        carried.append((frm, to))
    return pd.concat(out, ignore_index=True), carried
