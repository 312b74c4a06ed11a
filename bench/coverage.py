"""Benchmark of the coverage engine. Prints figures; asserts nothing.

    python bench/coverage.py            # all scenarios (about 3 minutes)
    python bench/coverage.py --quick    # without the 100,000-site scenario

Scenarios (each in its own process, so its peak memory is its own):

* default: the embedded default data, one date, both layers, every technology
  and operator (preparation and the date reported separately);
* series: quarterly 2019–2030 on the default data;
* compare: the engine against the straightforward geopandas way (buffer every
  radio, dissolve per technology × operator, overlay with the units of both
  layers) on the same 20,000-site inventory: both times, their ratio and the
  largest difference in coverage (percentage points). The machine's speed
  drifts by ±15 % from run to run, so each way runs several times in the same
  process (the engine from scratch each time: layers, preparation, one date)
  and the medians are compared; the best times are printed too;
* report: what `python -m infra report` computes, for both layers: the quarterly
  series up to the date, then plan vs actual for each layer's targets;
* population: a 100 m population grid over Hanoi's bounding box (688,364
  cells), as cell centres and as cell squares: engine preparation and one date;
* large: 100,000 sites, one date, both layers.

Larger inventories are drawn from the default one: each new site copies a random
default site (class, dates, radios) and is moved by a normal offset of 300 m.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from infra import read_dataset, settings  # noqa: E402
from infra.engine import Engine, prepare_layers  # noqa: E402
from infra.plan import plan_vs_actual, series_dates  # noqa: E402

AS_OF = "2025-12-31"


def scaled_inventory(ds, n_sites: int, seed: int = 1) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    src = ds.sites.reset_index(drop=True)
    pick = rng.integers(0, len(src), n_sites)
    sites = src.iloc[pick].reset_index(drop=True)
    metric = sites.to_crs(settings.METRIC_CRS)
    moved = gpd.points_from_xy(metric.geometry.x + rng.normal(0, 300, n_sites),
                               metric.geometry.y + rng.normal(0, 300, n_sites), crs=settings.METRIC_CRS)
    sites = gpd.GeoDataFrame(sites.drop(columns="geometry"), geometry=gpd.GeoSeries(moved).to_crs(4326).to_numpy(),
                             crs=4326)
    old_ids = sites["site_id"].to_numpy()
    sites["site_id"] = [f"B{i:06d}" for i in range(n_sites)]
    mapping = pd.DataFrame({"site_id_src": old_ids, "site_id": sites["site_id"]})
    radios = mapping.merge(ds.radios.rename(columns={"site_id": "site_id_src"}), on="site_id_src")
    return sites, radios.drop(columns="site_id_src")


def straightforward(units: gpd.GeoDataFrame, sites: gpd.GeoDataFrame, radios: pd.DataFrame,
                    ranges: np.ndarray, as_of: str) -> pd.DataFrame:
    """Buffer every active radio, dissolve per (technology, operator), overlay with the units."""
    t = pd.Timestamp(as_of)
    on = (radios["on_date"].isna() | (radios["on_date"] <= t)) & (radios["off_date"].isna() | (radios["off_date"] > t))
    pts = sites.set_index("site_id").to_crs(settings.METRIC_CRS).geometry
    standing = sites.set_index("site_id")
    standing = ((standing["built_on"].isna() | (standing["built_on"] <= t))
                & (standing["removed_on"].isna() | (standing["removed_on"] > t)))
    on &= radios["site_id"].map(standing).to_numpy()
    r = radios[on.to_numpy()]
    geom = gpd.GeoSeries(pts.loc[r["site_id"]].to_numpy(), crs=settings.METRIC_CRS).buffer(ranges[on.to_numpy()])
    fp = gpd.GeoDataFrame({"technology": r["technology"].to_numpy(), "operator": r["operator"].to_numpy()},
                          geometry=geom.to_numpy(), crs=settings.METRIC_CRS)
    per_op = fp.dissolve(by=["technology", "operator"]).reset_index()
    all_ops = fp.dissolve(by="technology").reset_index().assign(operator="*")
    footprint = pd.concat([per_op, all_ops[per_op.columns]], ignore_index=True)
    out = []
    for layer, u in units.to_crs(settings.METRIC_CRS).groupby("layer"):
        u = u[["unit_code", "geometry"]].assign(unit_area=u.geometry.area)
        inter = gpd.overlay(u, footprint, how="intersection", keep_geom_type=True)
        inter["a"] = inter.geometry.area
        cov = inter.groupby(["unit_code", "technology", "operator"])["a"].sum().reset_index()
        cov = cov.merge(u[["unit_code", "unit_area"]], on="unit_code")
        cov["value"] = 100 * cov["a"] / cov["unit_area"]
        out.append(cov.assign(layer=layer)[["layer", "unit_code", "technology", "operator", "value"]])
    return pd.concat(out, ignore_index=True)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_scenario(name: str) -> dict:
    ds = read_dataset()
    if name == "default":
        tl = time.perf_counter()
        layers = prepare_layers(ds.units)
        t0 = time.perf_counter()
        eng = Engine.from_dataset(ds, prepared=layers)
        t1 = time.perf_counter()
        m = eng.metrics(AS_OF)
        t2 = time.perf_counter()
        return {"sites": len(ds.sites), "radios": len(ds.radios), "layers_s": t0 - tl, "prepare_s": t1 - t0,
                "one_date_s": t2 - t1, "total_s": t2 - tl, "rows": len(m), "peak_mb": _peak_mb()}
    if name == "series":
        dates = pd.date_range("2019-03-31", "2030-12-31", freq="QE")
        t0 = time.perf_counter()
        eng = Engine.from_dataset(ds)
        t1 = time.perf_counter()
        s = eng.series(dates)
        t2 = time.perf_counter()
        return {"dates": len(dates), "prepare_s": t1 - t0, "series_s": t2 - t1, "total_s": t2 - t0,
                "rows": len(s), "peak_mb": _peak_mb()}
    if name == "compare":
        return compare(ds)
    if name == "report":
        t0 = time.perf_counter()
        eng = Engine.from_dataset(ds)
        s = eng.series(series_dates(AS_OF))
        t1 = time.perf_counter()
        out = {"series_rows": len(s), "engine_series_s": t1 - t0}
        for layer in ("district", "commune_2025"):
            t = time.perf_counter()
            plan = plan_vs_actual(ds.targets, s, as_of=AS_OF, layer=layer)
            out[f"plan_{layer}_rows"] = len(plan)
            out[f"plan_{layer}_s"] = time.perf_counter() - t
        return {**out, "peak_mb": _peak_mb()}
    if name == "population":
        layers = prepare_layers(ds.units)
        x0, y0, x1, y1 = ds.units.to_crs(settings.METRIC_CRS).total_bounds
        gx, gy = (a.ravel() for a in np.meshgrid(np.arange(x0, x1, 100.0), np.arange(y0, y1, 100.0)))
        people = np.random.default_rng(1).integers(0, 300, gx.size).astype(float)
        out: dict = {"cells": int(gx.size)}
        for kind, geom in (("points", shapely.points(gx + 50, gy + 50)),
                           ("squares", shapely.box(gx, gy, gx + 100, gy + 100))):
            grid = gpd.GeoDataFrame({"population": people}, geometry=geom, crs=settings.METRIC_CRS)
            t0 = time.perf_counter()
            eng = Engine.from_dataset(ds, prepared=layers, population=grid)
            t1 = time.perf_counter()
            eng.metrics(AS_OF)
            out.update({f"{kind}_prepare_s": t1 - t0, f"{kind}_one_date_s": time.perf_counter() - t1})
        return {**out, "peak_mb": _peak_mb()}
    if name == "large":
        n = 100_000
        sites, radios = scaled_inventory(ds, n)
        tl = time.perf_counter()
        layers = prepare_layers(ds.units)
        t0 = time.perf_counter()
        eng = Engine.from_dataset(dataclasses.replace(ds, sites=sites, radios=radios), prepared=layers)
        t1 = time.perf_counter()
        m = eng.metrics(AS_OF)
        t2 = time.perf_counter()
        return {"sites": n, "radios": len(radios), "rows": len(m), "layers_s": t0 - tl, "prepare_s": t1 - t0,
                "one_date_s": t2 - t1, "engine_s": t2 - t0, "engine_with_layers_s": t2 - tl, "peak_mb": _peak_mb()}
    raise ValueError(name)


def compare(ds, n: int = 20_000, engine_runs: int = 7, straightforward_runs: int = 3) -> dict:
    """The engine against the straightforward way on the same inventory; medians of several runs."""
    sites, radios = scaled_inventory(ds, n)
    runs = []
    for _ in range(engine_runs):
        tl = time.perf_counter()
        layers = prepare_layers(ds.units)
        t0 = time.perf_counter()
        eng = Engine.from_dataset(dataclasses.replace(ds, sites=sites, radios=radios), prepared=layers)
        m = eng.metrics(AS_OF)
        t2 = time.perf_counter()
        runs.append((t2 - t0, t2 - tl))
    engine_s = statistics.median(r[0] for r in runs)
    with_layers_s = statistics.median(r[1] for r in runs)
    ranges = eng.radios["range_m"].to_numpy()
    ref_s = []
    for _ in range(straightforward_runs):
        t3 = time.perf_counter()
        ref = straightforward(ds.units, sites, radios, ranges, AS_OF)
        ref_s.append(time.perf_counter() - t3)
    mine = m[m["metric"] == "area_coverage_pct"]
    both = mine.merge(ref, on=["layer", "unit_code", "technology", "operator"], how="outer",
                      suffixes=("", "_ref")).fillna(0.0)
    both = both[both["unit_code"] != "*"]
    straight_s = statistics.median(ref_s)
    return {"sites": n, "radios": len(radios), "engine_runs": engine_runs, "engine_s": engine_s,
            "engine_best_s": min(r[0] for r in runs), "engine_with_layers_s": with_layers_s,
            "straightforward_runs": straightforward_runs, "straightforward_s": straight_s,
            "straightforward_best_s": min(ref_s), "speedup": straight_s / engine_s,
            "speedup_best": min(ref_s) / min(r[0] for r in runs), "speedup_with_layers": straight_s / with_layers_s,
            "max_diff_pp": float((both["value"] - both["value_ref"]).abs().max()), "compared": len(both),
            "peak_mb": _peak_mb()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scenario", default=None)
    parser.add_argument("--quick", action="store_true", help="skip the 100,000-site scenario")
    args = parser.parse_args()
    if args.scenario:
        print(json.dumps(run_scenario(args.scenario)))
        return
    names = ["default", "series", "report", "population", "compare"] + ([] if args.quick else ["large"])
    for name in names:
        proc = subprocess.run([sys.executable, __file__, "--scenario", name], capture_output=True, text=True,
                              check=True)
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        print(f"[{name}] " + ", ".join(f"{k}={v:.2e}" if k == "max_diff_pp" else f"{k}={v:.3f}" if isinstance(v, float)
                                       else f"{k}={v}"
                                       for k, v in result.items()), flush=True)


if __name__ == "__main__":
    main()
