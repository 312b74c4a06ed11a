"""A new dataset from an old one and the frames of an import: the step every submission takes.

Nothing is replaced without the user choosing it. In ``update`` mode (the default)
the rows of the file take the place of the rows with the same key and every other
row stays; in ``replace`` mode the file's rows are all there is (of the layers it
holds, for boundaries). Each :class:`Change` says which rows of the frame the file
replaced, added, kept or dropped, and which keys the file lacks.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

from infra._arrays import isin
from infra.dataset import Dataset, Provenance
from infra.i18n import N_, _, number
from infra.plan.crosswalk import carry_targets

Mode = Literal["update", "replace"]
MODES: tuple[str, ...] = ("update", "replace")
#: Keys listed at most in a change (the counts are always whole).
LISTED = 50
#: Frame → its name in the summaries (msgids).
FRAME_NAMES: dict[str, str] = {"units": N_("units"), "sites": N_("sites"), "radios": N_("radios"),
                               "zones": N_("zones"), "targets": N_("targets"), "population": N_("population")}
#: Layer → its name in the summaries (msgids).
LAYER_NAMES: dict[str, str] = {"district": N_("district"), "commune_2025": N_("2025 communes and wards"),
                               "ward_legacy": N_("wards before 2025")}
_TARGET_KEY = ["layer", "unit_code", "metric", "year"]


@dataclass(frozen=True)
class Change:
    """What an import does to one frame (one layer of the units).

    Attributes
    ----------
    frame, layer
        The frame (``units``, ``sites``…) and, for units, the layer.
    before, after
        Rows before and after.
    replaced, added
        Rows of the file that take the place of rows with the same key, and new ones.
    kept, dropped
        Rows of before that stay (``update``), or go (``replace``).
    missing
        Keys of before that the file lacks (kept in ``update``, dropped in ``replace``), the first :data:`LISTED`.
    """

    frame: str
    layer: str = ""
    before: int = 0
    after: int = 0
    replaced: int = 0
    added: int = 0
    kept: int = 0
    dropped: int = 0
    missing: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line: what the import does to this frame."""
        what = _(FRAME_NAMES[self.frame]) if self.frame in FRAME_NAMES else self.frame
        if self.layer:
            what += f" ({_(LAYER_NAMES[self.layer]) if self.layer in LAYER_NAMES else self.layer})"
        line = _("{what}: {before} rows before, {after} after; {replaced} replaced, {added} added, {kept} kept, "
                 "{dropped} dropped").format(what=what, before=number(self.before), after=number(self.after),
                                             replaced=number(self.replaced), added=number(self.added),
                                             kept=number(self.kept), dropped=number(self.dropped))
        if self.missing:
            more = self.kept + self.dropped - len(self.missing)
            names = ", ".join(self.missing)
            if more > 0:
                names = _("{names} and {n} more").format(names=names, n=number(more))
            line += "; " + _("not in the file: {names}").format(names=names)
        return line


def _keys(frame: pd.DataFrame, cols: list[str]) -> pd.Series:
    return frame[cols].astype(str).agg("|".join, axis=1) if len(cols) > 1 else frame[cols[0]].astype(str)


def _merge(old: pd.DataFrame, new: pd.DataFrame, cols: list[str], mode: str, frame: str,
           layer: str = "") -> tuple[pd.DataFrame, Change]:
    """``new`` over ``old`` by key: in update mode the rows of ``old`` the file lacks stay."""
    old_keys, new_keys = _keys(old, cols), set(_keys(new, cols))
    lacking = ~isin(old_keys, new_keys)
    missing = sorted(old_keys[lacking].unique())[:LISTED]
    replaced = int((~lacking).sum())
    if mode == "replace":
        out, kept, dropped = new, 0, int(lacking.sum())
    else:
        out, kept, dropped = pd.concat([old[lacking], new], ignore_index=True), int(lacking.sum()), 0
    change = Change(frame, layer, len(old), len(out), replaced, len(new) - replaced, kept, dropped, missing)
    return out.reset_index(drop=True), change


def _source(source: str, before: Provenance | None, kept: int) -> str:
    return f"{source} + {before.source}" if kept and before is not None else source


def apply_import(base: Dataset, frames: dict, *, source: str, mode: Mode = "update") -> tuple[Dataset, list[Change]]:
    """The dataset after an import, and what it changed.

    Parameters
    ----------
    base
        The dataset the import goes into.
    frames
        Canonical frames of the import (``units``, ``sites``, ``radios``, ``targets``, ``population``).
    source
        The file's name, for the provenance.
    mode
        ``update`` (rows with the file's keys replaced, the others kept) or ``replace``.

    Returns
    -------
    dataset : Dataset
    changes : list of Change

    Raises
    ------
    ValueError
        For an unknown mode.
    """
    if mode not in MODES:
        raise ValueError(_("mode must be one of {modes}, got {mode}").format(modes=", ".join(MODES), mode=repr(mode)))
    units, sites, radios, targets, population = base.units, base.sites, base.radios, base.targets, base.population
    prov, changes = dict(base.provenance), []
    if "units" in frames:
        order = list(dict.fromkeys([*units["layer"], *frames["units"]["layer"]]))  # the layers keep their order
        by_layer = {lay: units[units["layer"] == lay] for lay in order}
        for layer, new in frames["units"].groupby("layer", sort=False):
            by_layer[layer], change = _merge(by_layer[layer], new, ["unit_code"], mode, "units", str(layer))
            changes.append(change)
        units = pd.concat([by_layer[lay] for lay in order], ignore_index=True)
        kept = sum(c.kept for c in changes if c.frame == "units")
        others = set(units["layer"]) - set(frames["units"]["layer"])
        before = prov.get("units")
        prov["units"] = Provenance(
            f"{source} + {before.source}" if before is not None and (kept or others) else source,
            "imported boundaries " + ("replace their layer" if mode == "replace" else "replace the units they hold"),
            approximate=bool(before is not None and before.approximate and (kept or others)))
    if "sites" in frames:
        sites, change = _merge(sites, frames["sites"], ["site_id"], mode, "sites")
        changes.append(change)
        before = prov.get("sites")
        prov["sites"] = Provenance(_source(source, before, change.kept), "imported"
                                   + (f"; {change.kept:,} earlier sites kept" if change.kept else ""),
                                   synthetic=bool(before is not None and before.synthetic and change.kept))
        if "radios" not in frames:  # radios of sites that are gone go with them
            radios = radios[isin(radios["site_id"], sites["site_id"])].reset_index(drop=True)
    if "radios" in frames:
        new = frames["radios"]
        old = radios if mode == "update" else radios.iloc[:0]
        on_file_sites = isin(old["site_id"], new["site_id"])
        radios = pd.concat([old[~on_file_sites], new], ignore_index=True)
        changes.append(Change("radios", "", len(base.radios), len(radios), int(on_file_sites.sum()), len(new),
                              int((~on_file_sites).sum()), len(base.radios) - len(old)))
        before = prov.get("radios")
        kept = int((~on_file_sites).sum())
        prov["radios"] = Provenance(_source(source, before, kept), "imported"
                                    + (f"; {kept:,} radios of other sites kept" if kept else ""),
                                    synthetic=bool(before is not None and before.synthetic and kept))
    if "targets" in frames:
        new = frames["targets"]
        merged, change = _merge(targets, new, _TARGET_KEY, mode, "targets")
        # the plan is written per district: the layers the file leaves out get its targets carried by area, in
        # place of what they had for the same metrics
        others = [lay for lay in dict.fromkeys(units["layer"]) if lay not in set(new["layer"])]
        source_rows = merged[merged["layer"].isin(set(new["layer"])) & merged["metric"].isin(set(new["metric"]))]
        with_carried, carried = carry_targets(source_rows, units, to=others)
        stale = merged["layer"].isin({to for _, to in carried}) & merged["metric"].isin(set(new["metric"]))
        targets = pd.concat([merged[~stale], with_carried[~with_carried["layer"].isin(set(new["layer"]))]],
                            ignore_index=True)
        changes.append(dataclasses.replace(change, before=len(base.targets), after=len(targets)))
        method = "imported; 'placeholder' marks targets without a source"
        if carried:
            method += "; " + "; ".join(f"{to} targets carried from {frm} by area-weighted overlay (approximate)"
                                       for frm, to in carried)
        prov["targets"] = Provenance(_source(source, prov.get("targets"), change.kept), method,
                                     approximate=bool(carried))
    if "population" in frames:  # a grid is one whole: it replaces the one before
        population = frames["population"]
        changes.append(Change("population", "", 0 if base.population is None else len(base.population),
                              len(population), added=len(population),
                              dropped=0 if base.population is None else len(base.population)))
        prov["population"] = Provenance(source, "imported; people spread evenly within each cell")
    ds = dataclasses.replace(base, units=units, sites=sites, radios=radios, targets=targets, provenance=prov,
                             population=population)
    return ds, changes


def merge_into(base: Dataset, frames: dict, *, source: str, mode: Mode = "update") -> Dataset:
    """The dataset after an import (:func:`apply_import` without the changes)."""
    return apply_import(base, frames, source=source, mode=mode)[0]
