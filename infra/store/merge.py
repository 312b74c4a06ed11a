"""A new dataset from an old one and the frames of an import (the step every submission takes)."""

from __future__ import annotations

import dataclasses

import pandas as pd

from infra.dataset import Dataset, Provenance
from infra.plan.crosswalk import carry_targets


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
