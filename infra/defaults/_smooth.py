"""Smooth a labelled grid into polygons that still tile exactly: every shared edge drawn once, smoothed once.

The boundaries of a labelled grid are unit steps. Their midpoints, joined step to step along each
boundary, and the *nodes* (grid vertices where three or more steps meet: three labels, or two labels in
a checkerboard), joined to the midpoints of the steps that meet there, make one planar graph: a
staircase becomes its diagonal, and no two of its lines cross (each line between two midpoints cuts one
corner of one cell; a line into a node runs along the grid). That graph is then

1. smoothed as a whole, nodes included: every point moves towards the mean of its neighbours, a fixed
   number of times (heat diffusion: about a Gaussian of the requested standard deviation along each
   line), applied twice as ``2 G(p) - G(G(p))`` so that slow bends keep their area. A node follows only
   the most important line through it (the outline, then the lines between the coarsest groups of
   labels, e.g. districts): that line runs on smoothly and the lesser ones end on it;
2. cut into *edges* (the lines between two nodes, or closed loops: an island inside one other label),
   each simplified (Douglas–Peucker, nodes kept) to a tolerance far below the grid's resolution.

The points of an edge that crosses itself, comes near another edge away from their common nodes, or
bounds a face that smoothing turned over, move less, then not at all, until no edge does; the faces of
all edges are then labelled by the edges around them. Both sides of every edge use the same
coordinates, so the polygons tile the grid's territory without gaps or overlaps, and any dissolve of
them does too.
"""

from __future__ import annotations

import numpy as np
import shapely
from scipy import sparse

#: Smoothing of an edge that touches another, tried in turn: a share of the diffusion rate.
_LEVELS = (1.0, 0.5, 0.25, 0.0)
#: Diffusion rate per iteration (the variance, in points², that one iteration adds).
_RATE = 0.5
#: Closest two edges may come (cells), away from their common nodes (the midpoint lines keep 0.35 apart).
_CLEARANCE = 0.02
#: Least share of its area (as the midpoint lines draw it) a label keeps: small pieces shrink the most.
_KEEP_AREA = 0.5


def _steps(padded: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unit steps between differently labelled cells: endpoints (vertex ids), and the labels on both sides.

    Vertex ``(j, i)`` (point ``x=i, y=j``) has id ``j * (W + 1) + i``; cell ``(r, c)`` spans ``[c, c+1] × [r, r+1]``.
    """
    h, w = padded.shape
    horizontal = np.zeros((h + 1, w), dtype=bool)
    horizontal[1:h] = padded[:-1] != padded[1:]
    vertical = np.zeros((h, w + 1), dtype=bool)
    vertical[:, 1:w] = padded[:, :-1] != padded[:, 1:]
    hj, hi = np.nonzero(horizontal)
    vj, vi = np.nonzero(vertical)
    a = np.r_[hj * (w + 1) + hi, vj * (w + 1) + vi]
    b = np.r_[hj * (w + 1) + hi + 1, (vj + 1) * (w + 1) + vi]
    sides = np.r_[np.c_[padded[hj - 1, hi], padded[hj, hi]], np.c_[padded[vj, vi - 1], padded[vj, vi]]]
    return a, b, sides


def _edges(a: np.ndarray, b: np.ndarray) -> tuple[list[list[int]], list[tuple[int, int]], np.ndarray]:
    """Chains of steps between nodes, and closed loops.

    Returns
    -------
    chains : list of list of int
        The steps of each edge, in order.
    ends : list of (int, int)
        The vertex ids of its nodes, ``(-1, -1)`` for a loop.
    nodes : numpy.ndarray
        Vertex ids of all nodes, sorted.
    """
    ends = np.r_[a, b]
    step = np.r_[np.arange(len(a)), np.arange(len(a))]
    order = np.lexsort((step, ends))
    ends, step = ends[order], step[order]
    first = np.flatnonzero(np.r_[True, ends[1:] != ends[:-1]])
    count = np.diff(np.r_[first, len(ends)])
    at = dict(zip(ends[first].tolist(), zip(first.tolist(), count.tolist(), strict=True), strict=True))
    step_list, a_list, b_list = step.tolist(), a.tolist(), b.tolist()
    nodes = ends[first][count > 2]
    node_set = set(nodes.tolist())
    seen = np.zeros(len(a), dtype=bool)

    def walk(v: int, s: int) -> tuple[list[int], int]:
        """Steps from vertex ``v`` along step ``s`` to the next node (or back to ``v``), and that vertex."""
        chain = []
        start = v
        while True:
            seen[s] = True
            chain.append(s)
            v = b_list[s] if a_list[s] == v else a_list[s]
            if v in node_set or v == start:
                return chain, v
            i, _ = at[v]
            s = step_list[i] if step_list[i] != s else step_list[i + 1]

    chains, chain_ends = [], []
    for v in nodes.tolist():
        i, c = at[v]
        for s in step_list[i:i + c]:
            if not seen[s]:
                chain, end = walk(v, s)
                chains.append(chain)
                chain_ends.append((v, end))
    for s in range(len(a)):
        if not seen[s]:
            chains.append(walk(a_list[s], s)[0])
            chain_ends.append((-1, -1))
    return chains, chain_ends, nodes


def _mean(chains: list[list[int]], ends: list[tuple[int, int]], weight: np.ndarray, node_index: dict[int, int],
          n_steps: int) -> sparse.csr_matrix:
    """The mean of each point's neighbours, as a matrix: midpoints (ids ``0..n_steps-1``), then nodes.

    A midpoint's neighbours are the two points before and after it on its edge. A node's are the first
    points of its edges on the most important line through it (the highest bit of ``weight`` that two
    or more of its edges share: the outline, then the lines between groups): that line stays smooth
    and the lesser ones end on it.
    """
    rows, cols = [], []
    node_rows, node_cols, node_w = [], [], []
    for chain, (u, v), k in zip(chains, ends, weight.tolist(), strict=True):
        if u < 0:
            line = [chain[-1], *chain, chain[0]]
        else:
            line = [n_steps + node_index[u], *chain, n_steps + node_index[v]]
            node_rows += [line[0], line[-1]]
            node_cols += [line[1], line[-2]]
            node_w += [k, k]
        rows += line[1:-1] * 2
        cols += line[:-2] + line[2:]
    node_rows, node_cols, node_w = np.asarray(node_rows), np.asarray(node_cols), np.asarray(node_w)
    n = n_steps + len(node_index)
    keep = np.ones(len(node_rows), dtype=bool)
    chosen = np.zeros(n, dtype=bool)
    for bit in range(int(node_w.max(initial=0)).bit_length() - 1, -1, -1):
        has = (node_w >> bit) & 1 == 1
        line = (np.bincount(node_rows[has], minlength=n) >= 2) & ~chosen
        pick = line[node_rows]
        keep[pick] = has[pick]
        chosen |= line
    rows, cols = np.r_[rows, node_rows[keep]], np.r_[cols, node_cols[keep]]
    m = sparse.coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n)).tocsr()
    return sparse.diags(1.0 / np.asarray(m.sum(axis=1)).ravel()) @ m


def _diffuse(xy: np.ndarray, mean: sparse.csr_matrix, rate: np.ndarray, iterations: int) -> np.ndarray:
    """Twice-applied heat diffusion ``2 G(p) - G(G(p))`` of the points ``xy``."""

    def g(p: np.ndarray) -> np.ndarray:
        for _ in range(iterations):
            p = p + rate[:, None] * (mean @ p - p)
        return p

    once = g(xy)
    return 2 * once - g(once)


def _touching(lines: np.ndarray) -> np.ndarray:
    """Edges that cross themselves, or come closer to another edge than ``_CLEARANCE`` away from their common nodes."""
    bad = ~shapely.is_simple(lines)
    left, right = shapely.STRtree(lines).query(lines, predicate="dwithin", distance=_CLEARANCE)
    pair = left < right
    left, right = left[pair], right[pair]
    ends = shapely.multipoints(np.stack([shapely.get_point(lines, 0), shapely.get_point(lines, -1)], axis=1))
    nodes = shapely.buffer(shapely.intersection(ends[left], ends[right]), 10 * _CLEARANCE)
    meet = shapely.intersection(lines[left], lines[right])
    crossing = ~shapely.is_empty(shapely.difference(meet, shapely.intersection(ends[left], ends[right])))
    away = shapely.difference(lines[left], nodes), shapely.difference(lines[right], nodes)
    near = shapely.distance(*away) < _CLEARANCE
    wrong = crossing | near
    bad[left[wrong]] = True
    bad[right[wrong]] = True
    return bad


def _weight(edge_sides: np.ndarray, groups: np.ndarray | None) -> np.ndarray:
    """Importance of each edge: the outline, then the groupings its sides differ in (the first counts most)."""
    outside = (edge_sides < 0).any(axis=1)
    g = np.zeros((0, 0), dtype=int) if groups is None else np.asarray(groups)
    inner = np.maximum(edge_sides, 0)
    value = 2 ** np.arange(len(g))[::-1]
    differ = value @ (g[:, inner[:, 0]] != g[:, inner[:, 1]]) if len(g) else np.zeros(len(edge_sides), dtype=int)
    return np.where(outside, 2 ** len(g), differ)


def smooth_labels(labels: np.ndarray, n: int, *, sigma: float, tolerance: float,
                  groups: np.ndarray | None = None) -> tuple[np.ndarray, dict[str, int]]:
    """One smoothed (multi)polygon per label of a grid, in cell units.

    Parameters
    ----------
    labels
        (rows, cols) integer labels ``0 .. n-1``; ``-1`` is outside. Cell ``(r, c)`` is the square
        ``[c, c+1] × [r, r+1]``.
    n
        Number of labels.
    sigma
        Standard deviation of the smoothing along the boundaries, in points (about one per cell side);
        0 keeps the midpoint lines.
    tolerance
        Douglas–Peucker tolerance of the smoothed edges, in cells.
    groups
        (k, n) coarser groupings of the labels, the most important first (e.g. the district, the 2025
        unit and the legacy ward of each piece): where edges meet, the outline, then the lines between
        groups of the first grouping, and so on, run on smoothly and the lesser ones end on them.
        ``None``: only the outline is above the others.

    Returns
    -------
    geometries : numpy.ndarray
        (n,) polygons or multipolygons (``None`` for a label with no cell), tiling the labelled cells'
        territory: neighbours share every boundary coordinate.
    figures : dict
        ``edges``, and ``edges_less_smoothed`` (how many had to move less than the others).
    """
    padded = np.pad(labels, 1, constant_values=-1)
    a, b, sides = _steps(padded)
    chains, ends, nodes = _edges(a, b)
    width = padded.shape[1] + 1
    vertex_xy = np.c_[np.r_[a, b] % width, np.r_[a, b] // width].astype(float) - 1.0  # back to the unpadded cells
    xy = np.r_[(vertex_xy[:len(a)] + vertex_xy[len(a):]) / 2,
               np.c_[nodes % width, nodes // width].astype(float) - 1.0]
    node_index = {int(v): i for i, v in enumerate(nodes.tolist())}
    first = np.array([c[0] for c in chains])
    left, right = _sides(a, b, sides, first, np.array([u for u, _ in ends]))
    mean = _mean(chains, ends, _weight(np.c_[left, right], groups), node_index, len(a))
    iterations = int(round(sigma**2 / _RATE))
    points = [np.asarray(c if u < 0 else [len(a) + node_index[u], *c, len(a) + node_index[v]])
              for c, (u, v) in zip(chains, ends, strict=True)]
    closed = np.array([u < 0 for u, _ in ends])
    owner = np.zeros(len(xy), dtype=int)  # the edge each midpoint belongs to
    for k, p in enumerate(points):
        owner[p] = k
    order = np.concatenate([np.r_[p, p[:1]] if c else p for p, c in zip(points, closed, strict=True)])
    line_of = np.repeat(np.arange(len(points)), [len(p) + c for p, c in zip(points, closed, strict=True)])
    # a loop of m points moves at most as a Gaussian of m / 8 points would move it (else it shrinks away)
    cap = np.ones(len(chains))
    if iterations:
        cap[closed] = np.minimum(1.0, (np.array([len(p) for p in points])[closed] / 8) ** 2 / (iterations * _RATE))
    last = len(_LEVELS) - 1
    level = np.zeros(len(chains), dtype=int)
    area0 = None
    while True:
        rate = _RATE * (np.take(_LEVELS, level) * cap)[owner]
        rate[len(a):] = _RATE * np.take(_LEVELS, _node_level(points, closed, level, len(a), len(nodes)))
        moved = _diffuse(xy, mean, rate, iterations) if iterations else xy
        lines = shapely.linestrings(moved[order], indices=line_of)
        # the last level keeps the midpoint lines, less only their exactly collinear points
        lines = shapely.simplify(lines, np.where(level < last, tolerance, 0.0), preserve_topology=True)
        bad = _touching(lines)
        if not bad.any():
            faces, face_label, bad = _faces(lines, left, right)
        if not bad.any():
            area = _label_area(faces, face_label, n)
            if area0 is None:
                base = shapely.linestrings(xy[order], indices=line_of)
                area0 = _label_area(*_faces(shapely.simplify(base, 0.0), left, right)[:2], n)
            shrunk = np.flatnonzero(area < _KEEP_AREA * area0)
            bad = np.isin(left, shrunk) | np.isin(right, shrunk)
        if not (bad & (level < last)).any():
            break
        level[bad & (level < last)] += 1
    if bad.any():  # cannot happen: the midpoint lines alone never touch
        raise RuntimeError(f"smoothing left {int(bad.sum())} edges crossing others")
    out = np.empty(n, dtype=object)
    keep = face_label >= 0
    faces, face_label = faces[keep], face_label[keep]
    for lab, group in zip(*_groups(face_label), strict=True):
        out[lab] = faces[group[0]] if len(group) == 1 else shapely.multipolygons(faces[group])
    missing = np.setdiff1d(np.unique(labels[labels >= 0]), np.flatnonzero(out != None))  # noqa: E711
    if len(missing):  # cannot happen either: every label's cells bound at least one face
        raise RuntimeError(f"smoothing lost labels {missing.tolist()}")
    return out, {"edges": len(chains), "edges_less_smoothed": int((level > 0).sum())}


def _label_area(faces: np.ndarray, label: np.ndarray, n: int) -> np.ndarray:
    inside = label >= 0
    return np.bincount(label[inside], weights=shapely.area(faces[inside]), minlength=n)


def _groups(values: np.ndarray) -> tuple[list[int], list[np.ndarray]]:
    order = np.argsort(values, kind="stable")
    split = np.split(order, np.flatnonzero(np.diff(values[order])) + 1)
    return [int(values[g[0]]) for g in split if len(g)], [g for g in split if len(g)]


def _sides(a: np.ndarray, b: np.ndarray, sides: np.ndarray, first: np.ndarray,
           start: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The labels left and right of each edge, walked from its start node (a loop: from its first step's ``a``)."""
    forward = (start < 0) | (a[first] == start)
    horizontal = b[first] - a[first] == 1
    # a horizontal step from a to b runs east (the cell above is on its left), a vertical one north (west on its left)
    left_is_second = horizontal == forward
    s = sides[first]
    left = np.where(left_is_second, s[:, 1], s[:, 0])
    right = np.where(left_is_second, s[:, 0], s[:, 1])
    return left, right


def _faces(lines: np.ndarray, left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The faces of the edges, each labelled by the edges around it; edges around a face they disagree on.

    Every face is found left of its rings oriented with the face on their left (exterior counter-clockwise,
    holes clockwise), and each edge's first segment tells which label is on which side of it: when the
    edges around a face do not all name the same label, smoothing turned a face over, and they are bad.
    """
    bad = np.zeros(len(lines), dtype=bool)
    faces, cuts, dangles, invalid = shapely.polygonize_full(lines)
    if not (shapely.is_empty(cuts) and shapely.is_empty(dangles) and shapely.is_empty(invalid)):
        for extra in (cuts, dangles, invalid):
            for part in shapely.get_parts(extra):
                bad |= shapely.equals(lines, part)
        return np.empty(0, dtype=object), np.empty(0, dtype=int), bad
    faces = shapely.orient_polygons(shapely.get_parts(faces), exterior_cw=False)
    xy = shapely.get_coordinates(lines)
    start = np.r_[0, np.cumsum(shapely.get_num_coordinates(lines))[:-1]]
    segment = {}
    for k, i in enumerate(start.tolist()):
        x0, y0, x1, y1 = (*xy[i].tolist(), *xy[i + 1].tolist())
        segment[(x0, y0, x1, y1)] = (k, int(left[k]))
        segment[(x1, y1, x0, y0)] = (k, int(right[k]))
    label = np.full(len(faces), -1)
    for f, face in enumerate(faces):
        found = []
        for ring in shapely.get_rings(face):
            c = shapely.get_coordinates(ring).tolist()
            for p, q in zip(c[:-1], c[1:], strict=True):
                hit = segment.get((*p, *q))
                if hit is not None:
                    found.append(hit)
        if not found:  # cannot happen: every ring is made of whole edges
            raise RuntimeError("a face with no edge around it")
        names = {lab for _, lab in found}
        if len(names) != 1:
            bad[[k for k, _ in found]] = True
            continue
        label[f] = names.pop()
    return faces, label, bad


def _node_level(points: list[np.ndarray], closed: np.ndarray, level: np.ndarray, n_steps: int,
                n_nodes: int) -> np.ndarray:
    """Each node's level: the highest (least smoothed) of its edges'."""
    out = np.zeros(n_nodes, dtype=int)
    for p, c, lev in zip(points, closed.tolist(), level.tolist(), strict=True):
        if not c:
            for end in (p[0], p[-1]):
                out[end - n_steps] = max(out[end - n_steps], lev)
    return out
