"""The :class:`Dataset` bundle: canonical frames plus where each came from."""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

from infra import contract


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
        """A one-line warning for views, or ``None`` when there is nothing to say."""
        if self.synthetic:
            return f"{frame}: SYNTHETIC — {self.source}. {self.method}".strip()
        if self.approximate:
            return f"{frame}: APPROXIMATE — {self.source}. {self.method}".strip()
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
        """Every approximation or synthetic-data warning views must show."""
        return [n for k, p in self.provenance.items() if (n := p.notice(k))]
