"""Metrics per admin unit at an as-of date, and over a series of dates.

Pure: frames in, frames out (no file access, no streamlit). Everything is asked
"as of" a date: a radio counts when ``on_date <= as_of < off_date`` and its site
stands (``built_on <= as_of < removed_on``); empty dates mean "always" / "still".

The metrics (long format, DESIGN.md; ``*`` = all):

=========================== ============ ========== ==========================================
metric                      technology   operator   meaning
=========================== ============ ========== ==========================================
area_km2                    ``*``        ``*``      unit area (UTM 48N)
area_coverage_pct           each         each, *    % of the unit's area inside a footprint
covered_area_km2            each         each, *    that area in km²
population                  ``*``        ``*``      people, when known (see below)
pop_coverage_pct            each         each, *    % of them inside a footprint, when known
sites_standing              ``*``        ``*``      passive sites standing
sites_mast_<class>          ``*``        ``*``      of which of mast class <class>
sites_on_air                each, *      each, *    sites with an active radio
radios_on_air               each, *      each, *    active radios
two_g_baseline_radios       2G           each, *    2G radios active at the baseline date
two_g_baseline_built        2G           each, *    of which built by the date (on air at or before it)
two_g_baseline_on_air       2G           each, *    of which still on air
two_g_off_pct               2G           each, *    % of those built by the date switched off since;
                                                    absent before any of them is built
sites_5g_pilot              5G           each, *    sites with an active 5G pilot radio
sites_5g_commercial         5G           each, *    sites with an active commercial 5G radio
shared_sites                ``*``        ``*``      sites with ≥ 2 operators on air
shared_site_pct             ``*``        ``*``      % of sites on air that are shared
bulky_masts_in_zones        ``*``        ``*``      A2* masts standing in restricted zones
bulky_masts_converted_pct   ``*``        ``*``      % of the zone's bulky masts standing at the
                                                    plan date (22 Aug 2017) removed since
new_sites_since_2017        ``*``        ``*``      standing sites built since 1 Jan 2017
=========================== ============ ========== ==========================================

Every unit of the layer gets a row per metric (zeros where nothing is there),
plus the whole city as ``unit_code='*'``. A metric that cannot be computed
(population coverage without population, shares of nothing) is absent, not 0.

Population comes from a population grid when one is given, else from the finest
layer whose every unit has a ``population``, spread evenly over each cell or unit
(:mod:`infra.engine.population`); every layer then gets population coverage, measured
per coverage fragment.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from infra import i18n, settings
from infra.contract import ALL, CITY
from infra.dataset import Dataset
from infra.engine.asof import active, as_timestamp
from infra.engine.coverage import Fragments, covered_area, covered_area_of_union, tile_hits
from infra.engine.footprints import footprint_rings, is_aimed
from infra.engine.layers import PreparedLayers, prepare_layers
from infra.engine.lookup import positions
from infra.engine.model import Model, radio_ranges
from infra.engine.population import Population, from_grid, from_units, layers_for

_PLAN_DATE = pd.Timestamp(settings.PLAN_DECISION_DATE)
_NEW_SITES_FROM = pd.Timestamp("2017-01-01")
#: How many dates' metrics an engine keeps (about 2.4 MB each on the default data): more than a series has.
MEMO_DATES = 40


@dataclass(frozen=True)
class ModelOptions:
    """Coverage model and its parameters.

    Attributes
    ----------
    model
        ``fixed`` (radii per technology) or ``pathloss``.
    fixed_radii_m
        Overrides of ``settings.FIXED_RADII_M``.
    max_loss_db
        Overrides of ``settings.MAX_PATH_LOSS_DB``.
    """

    model: Model = "fixed"
    fixed_radii_m: tuple[tuple[str, float], ...] = ()
    max_loss_db: tuple[tuple[str, float], ...] = ()


class Engine:
    """Prepared metrics computation for one dataset, one coverage model and some layers.

    Preparation (projection, layer refinement, site assignment, ranges,
    footprints, tiles) happens once; :meth:`metrics` and :meth:`series` then
    answer for any date, reusing per-tile coverage that did not change.

    Parameters
    ----------
    units
        Canonical admin units (EPSG:4326) of one or several layers.
    sites, radios, zones
        Canonical frames.
    layers
        Layers to report on; ``None`` means every layer in ``units``.
    options
        Coverage model; ``None`` means the fixed model.
    clutter
        Polygons with a ``clutter`` column (urban/suburban/rural) for the
        path-loss model; ``None`` derives it from the unit types of the finest
        layer given (``settings.CLUTTER_BY_UNIT_TYPE``).
    baseline_2g
        Date of the 2G baseline; ``None`` reads ``settings.TWO_G_BASELINE``.
    prepared
        Layers already prepared by :func:`prepare_layers` (``units`` and
        ``layers`` are then not used for the geometry).
    population
        A population grid: cells (polygons) or cell centres (points) with a
        ``population`` column, any CRS. ``None`` uses the units' own
        ``population`` where a layer has one for every unit.
    """

    def __init__(self, units: gpd.GeoDataFrame, sites: gpd.GeoDataFrame, radios: pd.DataFrame,
                 zones: gpd.GeoDataFrame | None = None, *, layers: Iterable[str] | None = None,
                 options: ModelOptions | None = None, clutter: gpd.GeoDataFrame | None = None,
                 baseline_2g: dt.date | None = None,
                 prepared: PreparedLayers | None = None, population: gpd.GeoDataFrame | None = None) -> None:
        prep = prepared or prepare_layers(units, layers)
        self.layers = prep.layers
        self.options = options or ModelOptions()
        self.baseline_2g = as_timestamp(baseline_2g or settings.TWO_G_BASELINE)
        self.units = prep.units
        self.pieces = prep.pieces
        self.repairs = prep.repairs
        self.frag: Fragments = prep.frag
        self.population: Population | None = (from_grid(self.frag, population) if population is not None
                                               else from_units(self.frag, self.pieces, self.units))
        if self.population is not None:  # people per piece, and per m² of each fragment: fixed for every date
            people = self.population.per_fragment
            self._piece_people = np.bincount(self.frag.poly_of, weights=people, minlength=self.frag.n_polygons)
            self._density = np.divide(people, self.frag.area, out=np.zeros(len(people)), where=self.frag.area > 0)
        self._prepare_sites(sites, zones)
        self._prepare_radios(radios, clutter)
        self._caches: dict[tuple[str, str], dict] = {}
        self._base_on: np.ndarray | None = None
        # the metrics of the dates asked lately: a series at another as-of date shares most of its dates
        self._dates: OrderedDict[pd.Timestamp, pd.DataFrame] = OrderedDict()
        self._lock = threading.Lock()  # the tile caches hold one date's state: one date at a time

    @classmethod
    def from_dataset(cls, ds: Dataset, *, layer: str | None = None, options: ModelOptions | None = None,
                     population: gpd.GeoDataFrame | None = None,
                     prepared: PreparedLayers | None = None) -> Engine:
        """The engine of a dataset: the one way the app, the CLI, the tables and the exports build one.

        Parameters
        ----------
        ds
            The dataset.
        layer
            Report on this layer only (and on the layer whose unit totals give the
            population, :func:`~infra.engine.population.layers_for`); ``None`` means every layer.
        options
            Coverage model; ``None`` means the fixed model.
        population
            A population grid in place of the dataset's own (``ds.population``).
        prepared
            Layers already prepared by :func:`~infra.engine.layers.prepare_layers` (the app keeps them
            across coverage models); ``layer`` is then not used.

        Returns
        -------
        Engine
        """
        grid = ds.population if population is None else population
        layers = None if layer is None or prepared is not None else layers_for(ds.units, layer, grid=grid)
        return cls(ds.units, ds.sites, ds.radios, ds.zones, layers=layers, options=options, prepared=prepared,
                   population=grid)

    # --- preparation -------------------------------------------------------
    def _prepare_sites(self, sites: gpd.GeoDataFrame, zones: gpd.GeoDataFrame | None) -> None:
        pts = sites.to_crs(settings.METRIC_CRS).reset_index(drop=True)
        # points in a tree, polygons as queries: shapely prepares the query geometries, so each polygon is
        # prepared once. A site on the edge between two pieces goes to the first of them, never to none.
        points = shapely.STRtree(pts.geometry.to_numpy())
        hit_piece, hit_pt = points.query(self.pieces.geometry.to_numpy(), predicate="intersects")
        first = np.full(len(pts), np.iinfo(np.int64).max)
        np.minimum.at(first, hit_pt, hit_piece)
        self.site_piece = np.where(first == np.iinfo(np.int64).max, -1, first)
        in_zone = np.zeros(len(pts), bool)
        if zones is not None and len(zones):  # a mast on a zone's edge counts as in it
            zone_geoms = zones.to_crs(settings.METRIC_CRS).geometry.to_numpy()
            in_zone[points.query(zone_geoms, predicate="intersects")[1]] = True
        self.sites = pd.DataFrame({
            "site_id": pts["site_id"].astype(str).to_numpy(),
            "mast_class": pts["mast_class"].astype(str).to_numpy(),
            "built_on": pd.to_datetime(pts["built_on"]).to_numpy(),
            "removed_on": pd.to_datetime(pts["removed_on"]).to_numpy(),
            "in_zone": in_zone,
            "piece": self.site_piece,
        })
        self.site_xy = np.c_[pts.geometry.x.to_numpy(), pts.geometry.y.to_numpy()]
        self.site_built = self.sites["built_on"].to_numpy()
        self.site_removed = self.sites["removed_on"].to_numpy()
        mast = positions(pts["mast_class"], settings.MAST_CLASSES)  # integer codes: cheaper than string tests
        self.site_mast = {c: mast == k for k, c in enumerate(settings.MAST_CLASSES)}
        self.site_bulky_zone = np.isin(mast, [settings.MAST_CLASSES.index(c) for c in settings.BULKY_MAST_CLASSES]) \
            & in_zone
        #: Sites outside every unit of the layers: they count in no unit and not in the city (callers report them).
        self.outside_sites: list[str] = self.sites.loc[self.site_piece < 0, "site_id"].tolist()
        self.outside = len(self.outside_sites)

    def _clutter_of_sites(self, clutter: gpd.GeoDataFrame | None) -> pd.Series:
        if clutter is None:
            finest = max(self.layers, key=lambda lay: len(self.units[lay]))
            poly = self.units[finest][["unit_type", "geometry"]].copy()
            poly["clutter"] = poly["unit_type"].map(settings.CLUTTER_BY_UNIT_TYPE).fillna(settings.DEFAULT_CLUTTER)
        else:
            poly = clutter.to_crs(settings.METRIC_CRS)[["clutter", "geometry"]]
        pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(self.site_xy[:, 0], self.site_xy[:, 1]),
                               crs=settings.METRIC_CRS)
        j = gpd.sjoin(pts, poly, how="left", predicate="within")
        return j[~j.index.duplicated()]["clutter"].reindex(pts.index).fillna(settings.DEFAULT_CLUTTER)

    def _prepare_radios(self, radios: pd.DataFrame, clutter: gpd.GeoDataFrame | None) -> None:
        r = radios.reset_index(drop=True)
        site_idx = positions(r["site_id"].astype(str), self.sites["site_id"])
        if (site_idx < 0).any():
            raise ValueError(f"radios: {int((site_idx < 0).sum())} radios refer to unknown sites "
                             f"(e.g. {r.loc[site_idx < 0, 'site_id'].iloc[0]!r}); validate the radios first")
        clut = self._clutter_of_sites(clutter).to_numpy()[site_idx] if self.options.model == "pathloss" else None
        rng = radio_ranges(r, None if clut is None else pd.Series(clut, index=r.index), model=self.options.model,
                           fixed_radii_m=dict(self.options.fixed_radii_m), max_loss_db=dict(self.options.max_loss_db))
        az = pd.to_numeric(r["azimuth_deg"], errors="coerce").to_numpy(dtype=float)
        bw = pd.to_numeric(r["beamwidth_deg"], errors="coerce").to_numpy(dtype=float)
        self.radios = pd.DataFrame({
            "site": site_idx, "operator": r["operator"].to_numpy(), "technology": r["technology"].to_numpy(),
            "pilot": r["pilot"].astype(bool).to_numpy(),
            "on_date": pd.to_datetime(r["on_date"]).to_numpy(), "off_date": pd.to_datetime(r["off_date"]).to_numpy(),
            "range_m": rng.to_numpy(),
        })
        # integer codes: comparing codes is far cheaper than comparing strings
        t_code = positions(r["technology"], settings.TECHNOLOGIES)
        o_code = positions(r["operator"], settings.OPERATORS)
        is_op = [o_code == k for k in range(len(settings.OPERATORS))]
        groups = [(ALL, ALL, np.ones(len(r), bool))] + [(ALL, o, m) for o, m in
                                                         zip(settings.OPERATORS, is_op, strict=True)]
        for k, te in enumerate(settings.TECHNOLOGIES):
            is_te = t_code == k
            groups += [(te, ALL, is_te)] + [(te, o, is_te & m) for o, m in zip(settings.OPERATORS, is_op, strict=True)]
        self.radio_groups = groups
        self._mask = {(te, o): sel for te, o, sel in self.radio_groups}
        self.radio_tech = t_code
        self.radio_on = self.radios["on_date"].to_numpy()
        self.radio_off = self.radios["off_date"].to_numpy()
        self.radio_site = site_idx
        self.radio_pilot = self.radios["pilot"].to_numpy()
        self.radio_op_code = pd.factorize(r["operator"])[0].astype(np.int64)
        self.radio_xy = self.site_xy[site_idx]
        self.radio_omni = ~is_aimed(az, bw)
        radius = self.radios["range_m"].to_numpy()

        def draw(idx: np.ndarray) -> np.ndarray | list[np.ndarray]:
            return footprint_rings(self.radio_xy[idx], radius[idx], az[idx], bw[idx])

        self.radio_fp = draw  # drawn on demand: only tiles on a coverage edge need footprints
        self.hits = {(te, o): tile_hits(self.frag, draw, xy=self.radio_xy, radius=radius, omni=self.radio_omni,
                                        among=np.flatnonzero(sel))
                     for te, o, sel in self.radio_groups if te != ALL and o != ALL and sel.any()}

    def outside_note(self) -> str | None:
        """What lies outside every unit (sites, people of the grid), for the app and the CLI; None when nothing."""
        said = []
        if self.outside:
            shown = ", ".join(self.outside_sites[:5]) + (", …" if self.outside > 5 else "")
            said.append(i18n.gettext(
                "{n} site(s) lie outside every unit of the boundaries ({sites}): they count in no unit and not in the "
                "city figures. Import boundaries that cover them, or check their coordinates.").format(
                n=i18n.number(self.outside), sites=shown))
        if self.population is not None and self.population.outside >= 0.5:
            said.append(i18n.gettext(
                "{n} people of the grid lie outside every unit: they count in no unit and not in the city "
                "figures.").format(n=i18n.number(self.population.outside)))
        return " ".join(said) or None

    # --- one date ----------------------------------------------------------
    def _state(self, t: pd.Timestamp) -> tuple[np.ndarray, np.ndarray]:
        standing = active(self.site_built, self.site_removed, t)
        on = active(self.radio_on, self.radio_off, t) & standing[self.radio_site]
        return standing, on

    def _coverage(self, on: np.ndarray) -> dict[tuple[str, str], tuple[np.ndarray, np.ndarray | None]]:
        """Covered area, and covered population when known, per piece for each (technology, operator | all)."""
        per_op = [(te, o) for te, o, _ in self.radio_groups
                  if te != ALL and o != ALL and (on & self._mask[(te, o)]).any()]

        # one thread: Clipper2 (pyclipr) holds the GIL, and two threads measured no faster
        out = {key: covered_area(self.frag, self.radio_fp, active=on & self._mask[key], hits=self.hits[key],
                                 cache=self._caches.setdefault(key, {})) for key in per_op}
        for k, te in enumerate(settings.TECHNOLOGIES):
            if (on & (self.radio_tech == k)).any():  # all operators: the union of their tile unions
                parts = [self._caches[(te, o)] for (t2, o) in per_op if t2 == te]
                out[(te, ALL)] = covered_area_of_union(self.frag, parts, cache=self._caches.setdefault((te, ALL), {}))
        nothing = np.zeros(self.frag.n_polygons)  # no radio on air: 0 % covered, a row like any other

        def covered_people(key: tuple[str, str]) -> np.ndarray | None:
            if self.population is None:
                return None
            if key not in out:
                return nothing
            per_frag = np.minimum(self._density * self._caches[key]["covered"],  # the fragments of this date
                                  self.population.per_fragment)
            return np.bincount(self.frag.poly_of, weights=per_frag, minlength=self.frag.n_polygons)

        return {(te, o): (out.get((te, o), nothing), covered_people((te, o)))
                for te in settings.TECHNOLOGIES for o in (ALL, *settings.OPERATORS)}

    def metrics(self, as_of: dt.date | str | pd.Timestamp) -> pd.DataFrame:
        """Every metric for every unit of every layer (and the city) at ``as_of``.

        The metrics of the last :data:`MEMO_DATES` dates are kept, so asking again costs a copy.
        Safe to call from several threads: one date is computed at a time.

        Returns
        -------
        pandas.DataFrame
            Long metrics: ``layer``, ``unit_code``, ``as_of``, ``metric``,
            ``technology``, ``operator``, ``value``.
        """
        return self._metrics(as_timestamp(as_of)).copy()

    def precompute(self, dates: Iterable[dt.date | str | pd.Timestamp]) -> None:
        """Compute and keep the metrics of ``dates`` (one at a time), for a later :meth:`series` of them."""
        for d in dates:
            self._metrics(as_timestamp(d))

    def missing(self, dates: Iterable[dt.date | str | pd.Timestamp]) -> list[pd.Timestamp]:
        """The ``dates`` whose metrics are not kept (a :meth:`series` of none missing is quick)."""
        return [t for t in map(as_timestamp, dates) if t not in self._dates]

    def _metrics(self, t: pd.Timestamp) -> pd.DataFrame:
        with self._lock:
            if (kept := self._dates.get(t)) is not None:
                self._dates.move_to_end(t)
                return kept
            standing, on = self._state(t)
            cov = self._coverage(on)
            if self._base_on is None:
                self._base_on = self._state(self.baseline_2g)[1]
            state = _date_state(self, standing, on, self._base_on, t)
            frame = pd.concat([self._layer_metrics(lay, t, state, cov) for lay in self.layers], ignore_index=True)
            self._dates[t] = frame
            while len(self._dates) > MEMO_DATES:
                self._dates.popitem(last=False)
            return frame

    def series(self, dates: Iterable[dt.date | str | pd.Timestamp]) -> pd.DataFrame:
        """:meth:`metrics` for each date, reusing the coverage of unchanged tiles and the dates already asked."""
        return pd.concat([self._metrics(as_timestamp(d)) for d in dates], ignore_index=True)

    # --- assembly ----------------------------------------------------------
    def _layer_metrics(self, lay: str, t: pd.Timestamp, state: list,
                       cov: dict[tuple[str, str], np.ndarray]) -> pd.DataFrame:
        units = self.units[lay]
        n = len(units)
        piece_unit = self.pieces[f"u_{lay}"].to_numpy()
        site_unit = np.where(self.site_piece >= 0, piece_unit[np.maximum(self.site_piece, 0)], -1)
        out = _Rows(units["unit_code"].astype(str).to_numpy())
        area = _sum_by(piece_unit, self.frag.poly_area, n)
        out.add("area_km2", ALL, ALL, area / 1e6, area.sum() / 1e6)
        if self.population is not None:
            pop = _sum_by(piece_unit, self._piece_people, n)
            out.add("population", ALL, ALL, pop, pop.sum())
        for (tech, op), (per_piece, people_piece) in cov.items():
            c = np.minimum(_sum_by(piece_unit, per_piece, n), area)  # never above the unit's area (float sums)
            pct = np.clip(np.divide(100 * c, area, out=np.full(n, np.nan), where=area > 0), 0.0, 100.0)
            out.add("covered_area_km2", tech, op, c / 1e6, c.sum() / 1e6)
            out.add("area_coverage_pct", tech, op, pct,  # a unit of no area: not applicable
                    min(100.0, 100 * c.sum() / area.sum()) if area.sum() > 0 else np.nan)
            if people_piece is not None:  # units without people have no population coverage (absent)
                p = np.minimum(_sum_by(piece_unit, people_piece, n), pop)
                out.add("pop_coverage_pct", tech, op,
                        np.clip(np.divide(100 * p, pop, out=np.full(n, np.nan), where=pop > 0), 0.0, 100.0),
                        min(100.0, 100 * p.sum() / pop.sum()) if pop.sum() > 0 else np.nan)
        _counts(out, self, site_unit, state)
        frame = out.frame()
        frame.insert(0, "layer", lay)
        frame.insert(2, "as_of", t)
        return frame


class _Rows:
    """Collects per-unit arrays (plus the city value) into long rows, built into one frame at the end."""

    def __init__(self, codes: np.ndarray) -> None:
        self.codes = np.asarray(codes, dtype=object)
        self.keys: list[tuple[str, str, str]] = []
        self.values: list[np.ndarray] = []

    def add(self, metric: str, tech: str, op: str, per_unit: np.ndarray, city: float) -> None:
        self.keys.append((metric, tech, op))
        self.values.append(np.append(np.asarray(per_unit, dtype=float), city))

    def frame(self) -> pd.DataFrame:
        codes = np.append(self.codes, CITY)
        keys = np.repeat(np.array(self.keys, dtype=object), len(codes), axis=0)
        values = np.concatenate(self.values)
        keep = np.isfinite(values)  # absent, not guessed
        return pd.DataFrame({"unit_code": np.tile(codes, len(self.keys))[keep], "metric": keys[keep, 0],
                             "technology": keys[keep, 1], "operator": keys[keep, 2], "value": values[keep]})


def _sum_by(piece_unit: np.ndarray, per_piece: np.ndarray, n: int) -> np.ndarray:
    """Per-piece values summed per unit of a layer (pieces outside it, unit -1, left out)."""
    return np.bincount(np.maximum(piece_unit, 0), weights=per_piece * (piece_unit >= 0), minlength=n)


def _per_unit(unit: np.ndarray, mask: np.ndarray, n: int) -> tuple[np.ndarray, float]:
    inside = mask & (unit >= 0)
    return np.bincount(unit[inside], minlength=n).astype(float), float(inside.sum())


def _pct(num: tuple[np.ndarray, float], den: tuple[np.ndarray, float]) -> tuple[np.ndarray, float]:
    per = np.divide(100 * num[0], den[0], out=np.full(len(den[0]), np.nan), where=den[0] > 0)
    return per, (100 * num[1] / den[1]) if den[1] > 0 else np.nan


def _site_mask(n_sites: int, site: np.ndarray) -> np.ndarray:
    mask = np.zeros(n_sites, bool)
    mask[site] = True
    return mask


def _date_state(eng: Engine, standing: np.ndarray, on: np.ndarray, base_on: np.ndarray,
                t: pd.Timestamp) -> list[tuple[str, str, str, str, np.ndarray]]:
    """Masks of everything counted at one date: (metric, tech, op, 'site'|'radio', mask), layer-independent."""
    n_sites = len(standing)
    site = eng.radio_site
    t64 = np.datetime64(t.to_datetime64())
    # built by the date: on air at or before it, on a site built at or before it (empty dates: always)
    built = ((np.isnat(eng.radio_on) | (eng.radio_on <= t64))
             & (np.isnat(eng.site_built[site]) | (eng.site_built[site] <= t64)))
    rows: list[tuple[str, str, str, str, np.ndarray]] = [("sites_standing", ALL, ALL, "site", standing)]
    rows += [(f"sites_mast_{cls}", ALL, ALL, "site", standing & m) for cls, m in eng.site_mast.items()]
    for te, o, sel in eng.radio_groups:
        live = on & sel
        rows.append(("radios_on_air", te, o, "radio", live))
        rows.append(("sites_on_air", te, o, "site", _site_mask(n_sites, site[live])))
        if te == "2G":  # a baseline radio not yet built by the date is not "switched off": it is not counted
            rows.append(("two_g_baseline_radios", te, o, "radio", base_on & sel))
            rows.append(("two_g_baseline_built", te, o, "radio", base_on & sel & built))
            rows.append(("two_g_baseline_on_air", te, o, "radio", base_on & live))
        if te == "5G":
            rows.append(("sites_5g_pilot", te, o, "site", _site_mask(n_sites, site[live & eng.radio_pilot])))
            rows.append(("sites_5g_commercial", te, o, "site", _site_mask(n_sites, site[live & ~eng.radio_pilot])))
    n_ops = int(eng.radio_op_code.max(initial=0)) + 1
    pairs = np.unique(site[on].astype(np.int64) * n_ops + eng.radio_op_code[on])
    ops_per_site = np.bincount(pairs // n_ops, minlength=n_sites)
    rows.append(("shared_sites", ALL, ALL, "site", ops_per_site >= 2))
    rows.append(("_on_air_any", ALL, ALL, "site", ops_per_site >= 1))
    bulky = eng.site_bulky_zone
    rows.append(("bulky_masts_in_zones", ALL, ALL, "site", bulky & standing))
    at_plan = bulky & active(eng.site_built, eng.site_removed, _PLAN_DATE)
    rows.append(("_bulky_at_plan", ALL, ALL, "site", at_plan))
    rows.append(("_bulky_gone", ALL, ALL, "site", at_plan & ~standing & ~np.isnat(eng.site_removed)
                 & (eng.site_removed <= t64)))
    new_from = np.datetime64(_NEW_SITES_FROM.to_datetime64())
    rows.append(("new_sites_since_2017", ALL, ALL, "site", standing & ~np.isnat(eng.site_built)
                 & (eng.site_built >= new_from)))
    return rows


def _counts(out: _Rows, eng: Engine, site_unit: np.ndarray, state: list) -> None:
    n = len(out.codes)
    radio_unit = site_unit[eng.radio_site]
    got: dict[tuple[str, str, str], tuple[np.ndarray, float]] = {}
    for metric, te, o, kind, mask in state:
        got[(metric, te, o)] = _per_unit(site_unit if kind == "site" else radio_unit, mask, n)
        if not metric.startswith("_"):
            out.add(metric, te, o, *got[(metric, te, o)])
    for (metric, te, o), base in list(got.items()):
        if metric == "two_g_baseline_built":  # of the baseline radios built by the date, those no longer on air
            still = got[("two_g_baseline_on_air", te, o)]
            out.add("two_g_off_pct", te, o, *_pct((base[0] - still[0], base[1] - still[1]), base))
    out.add("shared_site_pct", ALL, ALL, *_pct(got[("shared_sites", ALL, ALL)], got[("_on_air_any", ALL, ALL)]))
    out.add("bulky_masts_converted_pct", ALL, ALL,
            *_pct(got[("_bulky_gone", ALL, ALL)], got[("_bulky_at_plan", ALL, ALL)]))
