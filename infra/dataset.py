"""The :class:`Dataset` bundle: canonical frames plus where each came from."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import TypeVar

import geopandas as gpd
import pandas as pd

from infra import contract
from infra.i18n import N_, _

T = TypeVar("T")

#: What each frame is, in a notice (msgids).
FRAME_WORDS: dict[str, str] = {"units": N_("The boundaries"), "zones": N_("The restricted zones"),
                               "sites": N_("The sites"), "radios": N_("The radios"), "targets": N_("The targets"),
                               "population": N_("The population grid")}


@dataclass(frozen=True)
class Provenance:
    """Where one frame came from.

    Attributes
    ----------
    source
        Human-readable origin (package and version, file name…).
    method
        How the frame was derived.
    approximate
        Geometry or values are approximations, not official data.
    synthetic
        Values are invented (demo data).
    """

    source: str
    method: str = ""
    approximate: bool = False
    synthetic: bool = False

    def notice(self, frame: str) -> str | None:
        """What views must say of this frame, in plain words and the current language; ``None`` when nothing.

        The source and method stay in :attr:`source` and :attr:`method` (the footer's "Sources", the exports).

        Examples
        --------
        >>> Provenance("x", synthetic=True).notice("sites")
        "The sites are invented for this demonstration; they are not the operators' real sites."
        """
        if self.synthetic:
            if frame in ("sites", "radios"):
                return (_("The sites are invented for this demonstration; they are not the operators' real sites.")
                        if frame == "sites" else
                        _("The radios are invented for this demonstration; they are not the operators' real radios."))
            return _("{what} are invented for this demonstration; they are not real data.").format(
                what=_(FRAME_WORDS[frame]) if frame in FRAME_WORDS else frame)
        if self.approximate:
            if frame == "units":
                return _("The boundaries are approximate, drawn from {source}: the codes, names and 2025 areas of "
                         "the units are official, their lines are not.").format(source=self.source)
            if frame == "zones":
                return _("The restricted zones are approximate: each is drawn as the wards that contain it.")
            if frame == "targets":
                return _("Some targets are approximate: they were carried from another layer by the share of area.")
            return _("{what} are approximate ({source}).").format(
                what=_(FRAME_WORDS[frame]) if frame in FRAME_WORDS else frame, source=self.source)
        return None


@dataclass(frozen=True)
class Dataset:
    """Canonical frames (DESIGN.md) with their provenance.

    Attributes
    ----------
    units
        Admin units of every layer, EPSG:4326.
    sites
        Passive infrastructure sites (points), EPSG:4326.
    radios
        Active equipment on the sites.
    zones
        Polygons the plan treats specially (restricted zones).
    targets
        The plan, long format.
    provenance
        One :class:`Provenance` per frame name (``units``, ``sites``, ``radios``,
        ``zones``, ``targets``).
    figures
        Optional figures recorded when the data was built.
    population
        Optional population grid (cells or cell centres with ``population``),
        EPSG:4326; ``None`` when unknown (the default data has none).
    """

    units: gpd.GeoDataFrame
    sites: gpd.GeoDataFrame
    radios: pd.DataFrame
    zones: gpd.GeoDataFrame
    targets: pd.DataFrame
    provenance: dict[str, Provenance] = field(default_factory=dict)
    figures: dict[str, float] = field(default_factory=dict)
    population: gpd.GeoDataFrame | None = None
    _memo: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def memo(self, key: Hashable, make: Callable[[], T]) -> T:
        """``make()``, computed once per dataset and ``key``: the frames never change, nor what is derived from them.

        For values derived from the frames alone (e.g. the overlay of two layers). Callers must not modify what
        is returned.
        """
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    def validate(self) -> None:
        """Validate every frame against the contract.

        Raises
        ------
        ContractError
            At the first frame that breaks the contract, listing all its problems.
        """
        contract.validate_admin_units(self.units)
        contract.validate_sites(self.sites)
        contract.validate_radios(self.radios, sites=self.sites)
        contract.validate_zones(self.zones)
        contract.validate_targets(self.targets)
        if self.population is not None:
            contract.validate_population(self.population)

    @property
    def layers(self) -> list[str]:
        """Admin layers present, in order of first appearance."""
        return list(dict.fromkeys(self.units["layer"]))

    def layer(self, name: str) -> gpd.GeoDataFrame:
        """Units of one layer (a copy with a fresh index).

        Raises
        ------
        ValueError
            If the layer does not exist.
        """
        if name not in self.layers:
            raise ValueError(f"unknown layer {name!r}; the dataset has {', '.join(self.layers)}")
        return self.units[self.units["layer"] == name].reset_index(drop=True)

    def notices(self) -> list[str]:
        """Every approximation or synthetic-data warning views must show, in plain words (sites and radios in one)."""
        prov = self.provenance
        both = all(k in prov and prov[k].synthetic for k in ("sites", "radios"))
        out = []
        for k, p in prov.items():
            if both and k == "sites":
                continue
            if both and k == "radios":
                out.append(_("The sites and radios are invented for this demonstration; they are not the "
                             "operators' real sites."))
            elif n := p.notice(k):
                out.append(n)
        return out
