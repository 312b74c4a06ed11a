"""Covered area per polygon, fast: work tile by tile and skip what needs no geometry.

The territory is cut once into square tiles, and each polygon (a unit, or a piece
of several layers) into its fragments per tile. For a set of footprints:

* a tile no footprint touches contributes nothing;
* a tile inside a single footprint is covered whole (one ``within`` query);
* only in the other tiles are the footprints clipped to the tile, unioned and
  intersected with the tile's fragments.

The result equals the overlay of the union of all footprints with the polygons
(the straightforward way) up to floating-point noise, because both use the same
footprint polygons. Between dates of a series, a tile whose set of footprints
did not change is not recomputed (pass the same ``cache``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from infra import settings


@dataclass(frozen=True)
class Fragments:
    """Polygons cut by a tile grid (metric CRS), prepared once per set of polygons.

    Attributes
    ----------
    tiles
        (n_tiles,) tile boxes.
    tile_of, poly_of
        (n_fragments,) tile and polygon index of each fragment.
    geom
        (n_fragments,) fragment geometries.
    area
        (n_fragments,) fragment areas (m²).
    poly_area
        (n_polygons,) polygon areas (m²).
    """

    tiles: np.ndarray
    tile_of: np.ndarray
    poly_of: np.ndarray
    geom: np.ndarray
    area: np.ndarray
    poly_area: np.ndarray
    origin: tuple[float, float] = (0.0, 0.0)
    size: float = 1.0
    shape: tuple[int, int] = (0, 0)
    lookup: np.ndarray | None = None

    @property
    def n_polygons(self) -> int:
        """Number of polygons the fragments were cut from."""
        return len(self.poly_area)


def prepare_fragments(polygons: np.ndarray, *, tile_m: float | None = None) -> Fragments:
    """Cut polygons (metric CRS) by a square tile grid.

    Parameters
    ----------
    polygons
        (n,) shapely polygons in metres.
    tile_m
        Tile size; ``None`` reads ``settings.COVERAGE_TILE_M``.

    Returns
    -------
    Fragments
    """
    size = settings.COVERAGE_TILE_M if tile_m is None else tile_m
    polygons = np.asarray(polygons, dtype=object)
    x0, y0, x1, y1 = shapely.total_bounds(polygons)
    xs = np.arange(np.floor(x0 / size) * size, x1 + size, size)
    ys = np.arange(np.floor(y0 / size) * size, y1 + size, size)
    gx, gy = np.meshgrid(xs[:-1], ys[:-1])
    tiles = shapely.box(gx.ravel(), gy.ravel(), gx.ravel() + size, gy.ravel() + size)
    poly_idx, tile_idx = shapely.STRtree(tiles).query(polygons, predicate="intersects")
    inside = shapely.STRtree(tiles).query(polygons, predicate="contains_properly")
    whole = set(zip(inside[0].tolist(), inside[1].tolist(), strict=True))
    cut = np.array([(p, t) not in whole for p, t in zip(poly_idx.tolist(), tile_idx.tolist(), strict=True)], bool)
    geom = np.where(cut, None, tiles[tile_idx])
    geom[cut] = shapely.intersection(polygons[poly_idx[cut]], tiles[tile_idx[cut]])
    area = shapely.area(geom)
    keep = area > 0
    used = np.unique(tile_idx[keep])
    remap = np.full(len(tiles), -1)
    remap[used] = np.arange(len(used))
    return Fragments(tiles=tiles[used], tile_of=remap[tile_idx[keep]], poly_of=poly_idx[keep], geom=geom[keep],
                     area=area[keep], poly_area=shapely.area(polygons), origin=(float(xs[0]), float(ys[0])),
                     size=float(size), shape=(len(ys) - 1, len(xs) - 1), lookup=remap)


@dataclass(frozen=True)
class TileHits:
    """(tile, footprint) pairs that may touch, sorted by tile; ``inside``: the tile lies in the footprint.

    Footprints are static per radio, so the pairs are computed once and filtered
    by the active footprints at each date.
    """

    tile: np.ndarray
    item: np.ndarray
    inside: np.ndarray

    def subset(self, mask: np.ndarray) -> TileHits:
        """The pairs of the footprints where ``mask`` (per footprint) holds."""
        keep = mask[self.item]
        return TileHits(self.tile[keep], self.item[keep], self.inside[keep])

    @property
    def hashes(self) -> tuple[np.ndarray, np.ndarray]:
        """Two 64-bit hashes of each pair's footprint id (computed once)."""
        cached = self.__dict__.get("_hashes")
        if cached is None:
            ids = self.item.astype(np.int64)
            cached = (_splitmix64(ids), _splitmix64(ids ^ 0x5DEECE66D))
            object.__setattr__(self, "_hashes", cached)
        return cached


def tile_hits(frag: Fragments, footprints: np.ndarray, *, xy: np.ndarray | None = None,
              radius: np.ndarray | None = None, omni: np.ndarray | None = None) -> TileHits:
    """Which tiles each footprint may touch, and which it covers whole.

    Discs (``omni``, with centres ``xy`` and radii ``radius``) are tested with
    distances on the regular tile grid: a tile lies in a disc polygon when its
    farthest corner is within the inscribed radius ``r cos(pi / n)``, and may
    touch it when its nearest point is within ``r``. Other footprints use GEOS
    predicates.

    Returns
    -------
    TileHits
    """
    footprints = np.asarray(footprints, dtype=object)
    m = len(footprints)
    omni = np.zeros(m, bool) if (xy is None or radius is None) else (np.ones(m, bool) if omni is None else omni)
    parts = []
    disc = np.flatnonzero(omni)
    if len(disc):
        parts.append(_disc_hits(frag, disc, xy[disc], radius[disc]))
    other = np.flatnonzero(~omni)
    if len(other):
        tree = shapely.STRtree(footprints[other])
        f, t = tree.query(frag.tiles, predicate="intersects")[::-1]
        inside = shapely.within(frag.tiles[t], footprints[other][f])
        parts.append((t, other[f], inside))
    if not parts:
        return TileHits(np.zeros(0, int), np.zeros(0, int), np.zeros(0, bool))
    t, f, inside = (np.concatenate(a) for a in zip(*parts, strict=True))
    order = np.argsort(t, kind="stable")
    return TileHits(t[order], f[order], inside[order])


def _disc_hits(frag: Fragments, idx: np.ndarray, xy: np.ndarray, r: np.ndarray) -> tuple[np.ndarray, ...]:
    ny, nx = frag.shape
    x0, y0 = frag.origin
    size = frag.size
    ix0 = np.clip(np.floor((xy[:, 0] - r - x0) / size).astype(int), 0, nx - 1)
    ix1 = np.clip(np.floor((xy[:, 0] + r - x0) / size).astype(int), 0, nx - 1)
    iy0 = np.clip(np.floor((xy[:, 1] - r - y0) / size).astype(int), 0, ny - 1)
    iy1 = np.clip(np.floor((xy[:, 1] + r - y0) / size).astype(int), 0, ny - 1)
    w, h = ix1 - ix0 + 1, iy1 - iy0 + 1
    count = w * h
    owner = np.repeat(np.arange(len(idx)), count)
    k = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
    ix = ix0[owner] + k % w[owner]
    iy = iy0[owner] + k // w[owner]
    tile = frag.lookup[iy * nx + ix]
    used = tile >= 0
    owner, ix, iy, tile = owner[used], ix[used], iy[used], tile[used]
    cx, cy, rr = xy[owner, 0], xy[owner, 1], r[owner]
    tx0, ty0 = x0 + ix * size, y0 + iy * size
    far_x = np.maximum(np.abs(tx0 - cx), np.abs(tx0 + size - cx))
    far_y = np.maximum(np.abs(ty0 - cy), np.abs(ty0 + size - cy))
    near_x = np.maximum(0.0, np.maximum(tx0 - cx, cx - tx0 - size))
    near_y = np.maximum(0.0, np.maximum(ty0 - cy, cy - ty0 - size))
    inscribed = rr * np.cos(np.pi / (4 * settings.FOOTPRINT_QUAD_SEGS))
    touch = near_x**2 + near_y**2 <= rr**2
    inside = far_x**2 + far_y**2 <= inscribed**2
    return tile[touch], idx[owner[touch]], inside[touch]


def covered_area(frag: Fragments, footprints: np.ndarray, *, active: np.ndarray | None = None,
                 hits: TileHits | None = None, xy: np.ndarray | None = None, radius: np.ndarray | None = None,
                 omni: np.ndarray | None = None, cache: dict | None = None) -> np.ndarray:
    """Area (m²) of each polygon inside at least one active footprint.

    Parameters
    ----------
    frag
        Prepared fragments (:func:`prepare_fragments`).
    footprints
        (m,) footprint polygons in the same metric CRS.
    active
        (m,) bool: the footprints that count; ``None`` means all.
    hits
        :func:`tile_hits` of ``footprints`` on ``frag``, computed once for a
        series of calls; ``None`` computes it (from ``xy``, ``radius``, ``omni``
        if given, which is much faster for discs).
    xy, radius, omni
        Centres, radii and "is a disc" flags, see :func:`tile_hits`.
    cache
        A dict kept between calls with the same ``frag`` and ``footprints``
        (e.g. the dates of one series): tiles whose set of active footprints is
        unchanged are not recomputed.

    Returns
    -------
    numpy.ndarray
        (n_polygons,) covered areas, never above the polygon areas.
    """
    footprints = np.asarray(footprints, dtype=object)
    if len(footprints) == 0 or len(frag.geom) == 0:
        return np.zeros(frag.n_polygons)
    hits = hits if hits is not None else tile_hits(frag, footprints, xy=xy, radius=radius, omni=omni)
    sel = np.ones(len(hits.tile), bool) if active is None else np.asarray(active)[hits.item]
    t_hit, f_hit, inside = hits.tile[sel], hits.item[sel], hits.inside[sel]
    h1, h2 = (h[sel] for h in hits.hashes)
    n_tiles = len(frag.tiles)
    full = np.bincount(t_hit[inside], minlength=n_tiles) > 0
    touched = np.bincount(t_hit, minlength=n_tiles) > 0
    key = _set_hash(t_hit, h1, h2, n_tiles)
    bounds = np.searchsorted(t_hit, np.arange(n_tiles + 1))

    def union_in(t: int) -> shapely.Geometry:
        members = footprints[f_hit[bounds[t]:bounds[t + 1]]]
        return shapely.union_all(shapely.clip_by_rect(members, *frag.tiles[t].bounds))

    return _assemble(frag, full, touched, key, union_in, cache)


def covered_area_of_union(frag: Fragments, parts: list[dict], *, cache: dict | None = None) -> np.ndarray:
    """Covered area of the union of disjoint footprint sets already computed with caches ``parts``.

    Per tile, the union of the parts' tile unions replaces the union of all their
    footprints (e.g. "all operators" from the per-operator results).

    Returns
    -------
    numpy.ndarray
        (n_polygons,) covered areas.
    """
    n_tiles = len(frag.tiles)
    if not parts:
        return np.zeros(frag.n_polygons)
    full = np.logical_or.reduce([p["full"] for p in parts])
    touched = np.logical_or.reduce([p["touched"] for p in parts])
    with np.errstate(over="ignore"):
        key = np.sum([p["key"] for p in parts], axis=0, dtype=np.uint64)

    def union_in(t: int) -> shapely.Geometry:
        return shapely.union_all([p["union"][t] for p in parts if p["touched"][t] and p["union"][t] is not None])

    return _assemble(frag, full, touched, key.reshape(n_tiles, 2), union_in, cache)


def _assemble(frag: Fragments, full: np.ndarray, touched: np.ndarray, key: np.ndarray, union_in, cache: dict | None):
    """Covered area per fragment from full / untouched tiles, cached tiles and new tile unions."""
    n_tiles = len(frag.tiles)
    partial = touched & ~full
    cache = {} if cache is None else cache
    if "key" in cache:
        changed = partial & ~(cache["key"] == key).all(axis=1)
        covered, unions = cache["covered"].copy(), cache["union"].copy()
    else:
        changed = partial
        covered, unions = np.zeros(len(frag.geom)), np.full(n_tiles, None, dtype=object)
    covered[full[frag.tile_of]] = frag.area[full[frag.tile_of]]
    covered[~touched[frag.tile_of]] = 0.0
    unions[~partial] = None
    frag_order = np.argsort(frag.tile_of, kind="stable")
    frag_bounds = np.searchsorted(frag.tile_of[frag_order], np.arange(n_tiles + 1))
    todo = np.flatnonzero(changed)
    if len(todo):
        for t in todo:
            unions[t] = union_in(t)
        frs = [frag_order[frag_bounds[t]:frag_bounds[t + 1]] for t in todo]
        fr_all = np.concatenate(frs)
        per_frag = np.repeat(unions[todo], [len(f) for f in frs])
        covered[fr_all] = np.minimum(shapely.area(shapely.intersection(frag.geom[fr_all], per_frag)), frag.area[fr_all])
    cache.update(key=key, covered=covered, union=unions, full=full, touched=touched)
    return np.bincount(frag.poly_of, weights=covered, minlength=frag.n_polygons)


def _splitmix64(x: np.ndarray) -> np.ndarray:
    z = x.astype(np.uint64) + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def _set_hash(tile: np.ndarray, h1: np.ndarray, h2: np.ndarray, n_tiles: int) -> np.ndarray:
    """(n_tiles, 2) order-free 128-bit hash of the set of footprints per tile (Zobrist sums).

    ``tile`` must be sorted; ``h1``, ``h2`` are the per-pair footprint hashes.
    """
    out = np.zeros((n_tiles, 2), dtype=np.uint64)
    if len(tile) == 0:
        return out
    starts = np.flatnonzero(np.r_[True, tile[1:] != tile[:-1]])
    with np.errstate(over="ignore"):
        out[tile[starts], 0] = np.add.reduceat(h1, starts)
        out[tile[starts], 1] = np.add.reduceat(h2, starts)
    return out
