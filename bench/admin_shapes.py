"""How the default data's approximate admin boundaries look and fit. Prints figures; asserts nothing.

    python bench/admin_shapes.py                 # the committed data/geo/
    python bench/admin_shapes.py --dir DIR       # another dataset directory
    python bench/admin_shapes.py --build         # build into a temporary directory first (and time it)

Figures, per layer (old districts ``district``, 2025 units ``commune_2025``, legacy wards):

* IoU against the real boundaries in ``../shared/data/real/`` (read, never copied): districts by
  accent-folded name (median, min), 2025 units by code (median, 10th percentile), the outline;
* vertices, and the GeoPackage's size;
* staircase: the share of the boundary length drawn by segments parallel to the grid's axes, and the
  number of stairs (an x and a y segment in turn, each 50–150 m long: the steps of a 100 m grid);
* tiling: the largest overlap between two neighbours and the gaps inside the territory (km²).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from infra import read_dataset, settings  # noqa: E402
from infra.io.names import fold  # noqa: E402

REAL = ROOT.parent / "shared" / "data" / "real"
_AXIS_DEG = 0.5  # a segment within this angle of the x or y axis is "on the grid"


def _iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return shapely.area(shapely.intersection(a, b)) / shapely.area(shapely.union(a, b))


def staircase(geoms: np.ndarray) -> tuple[float, int]:
    """Share of the boundary length on the grid's axes, and the number of stairs.

    A stair is two consecutive segments, one along x and one along y, each 50–150 m long: the step of a
    100 m grid. Straight runs along an axis (where a ward's bounding box cut the territory) are not stairs.
    """
    on_axes = total = 0.0
    stairs = 0
    for ring in shapely.get_rings(shapely.get_parts(geoms)):
        d = np.diff(shapely.get_coordinates(ring), axis=0)
        length = np.hypot(d[:, 0], d[:, 1])
        angle = np.degrees(np.arctan2(np.abs(d[:, 1]), np.abs(d[:, 0])))
        horizontal, vertical = angle < _AXIS_DEG, angle > 90 - _AXIS_DEG
        step = (horizontal | vertical) & (length > 50) & (length < 150)
        turn = (horizontal[:-1] & vertical[1:]) | (vertical[:-1] & horizontal[1:])
        stairs += int((step[:-1] & step[1:] & turn).sum())
        on_axes += float(length[horizontal | vertical].sum())
        total += float(length.sum())
    return on_axes / total, stairs


def tiling(geoms: np.ndarray) -> tuple[float, float]:
    """Largest overlap of two neighbours and the holes of the union (km²)."""
    left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    pair = left < right
    overlap = shapely.area(shapely.intersection(geoms[left[pair]], geoms[right[pair]])) / 1e6
    union = shapely.union_all(geoms)
    holes = sum(shapely.Polygon(r).area for p in shapely.get_parts(union) for r in p.interiors) / 1e6
    return float(overlap.max(initial=0.0)), float(holes)


def report(directory: Path) -> None:
    ds = read_dataset(directory)
    units = ds.units.to_crs(settings.METRIC_CRS)
    gpkg = directory / settings.DEFAULT_GPKG.name
    wards = gpd.read_file(gpkg, layer="wards_legacy").to_crs(settings.METRIC_CRS)
    layers = {"district": units[units["layer"] == "district"], "commune_2025": units[units["layer"] == "commune_2025"],
              "wards_legacy": wards}
    print(f"{gpkg}: {gpkg.stat().st_size / 1e6:.2f} MB")
    for name, frame in layers.items():
        g = frame.geometry.to_numpy()
        axis, steps = staircase(g)
        overlap, holes = tiling(g)
        print(f"{name:13s} {len(g):4d} units, {int(shapely.get_num_coordinates(g).sum()):6d} vertices; "
              f"on the axes {axis:6.1%} of the length, {steps:5d} stairs; "
              f"overlap max {overlap:.2e} km², gaps {holes:.2e} km²")
    if not REAL.is_dir():
        print(f"no real boundaries in {REAL}: IoU not measured")
        return
    d = layers["district"].assign(key=lambda f: f["name"].map(fold))
    real_d = gpd.read_file(REAL / "hanoi_districts_geoboundaries_2020.geojson").to_crs(settings.METRIC_CRS)
    m = d.merge(real_d.assign(key=real_d["district"].map(fold))[["key", "geometry"]], on="key",
                suffixes=("", "_real"))
    iou = _iou(m.geometry.to_numpy(), m["geometry_real"].to_numpy())
    print(f"district IoU ({len(m)} matched): median {np.median(iou):.4f}, min {iou.min():.4f}")
    real_c = gpd.read_file(REAL / "hanoi_wards_2025_sapnhap.geojson").to_crs(settings.METRIC_CRS)
    m = layers["commune_2025"].merge(real_c[["code", "geometry"]], left_on="unit_code", right_on="code",
                                     suffixes=("", "_real"))
    iou = _iou(m.geometry.to_numpy(), m["geometry_real"].to_numpy())
    print(f"2025 unit IoU ({len(m)} matched): median {np.median(iou):.4f}, p10 {np.percentile(iou, 10):.4f}, "
          f"min {iou.min():.4f}")
    real_p = gpd.read_file(REAL / "hanoi_province_2025_sapnhap.geojson").to_crs(settings.METRIC_CRS)
    outline = shapely.union_all(layers["district"].geometry.to_numpy())
    print(f"outline IoU: {_iou(outline, real_p.geometry.iloc[0]):.4f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", type=Path, default=settings.DEFAULT_GEO_DIR)
    ap.add_argument("--build", action="store_true", help="build into a temporary directory first")
    args = ap.parse_args()
    if args.build:
        from infra.defaults.build import build_default_data

        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            build_default_data(Path(tmp))
            print(f"build: {time.perf_counter() - t0:.1f} s")
            report(Path(tmp))
    else:
        report(args.dir)


if __name__ == "__main__":
    main()
