"""Benchmark of the store, on GeoPackage and on PostGIS. Prints figures; asserts nothing.

    python bench/store.py            # both backends (PostGIS when Debian's postgresql-15 + postgis are installed)
    python bench/store.py --quick    # 20,000 sites / 80,000 radios instead of 100,000 / 400,000

* opening the latest revision of the default data (median of 5; a fresh store object each time);
* importing 100,000 sites and then 400,000 radios through the CLI, each in a fresh process, end to end
  (interpreter start, reading and checking the file, merging, writing the revision), with the process's peak
  memory;
* listing 1,000 revisions (made by reverts, which write no frame): the library call and the CLI command.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from infra.store import open_store  # noqa: E402
from tests import postgis  # noqa: E402


def inventory(folder: Path, n_sites: int, n_radios: int) -> tuple[Path, Path]:
    rng = np.random.default_rng(5)
    ids = [f"B{i:06d}" for i in range(n_sites)]
    pd.DataFrame({"site_id": ids, "name": "Trạm", "owner": rng.choice(["Viettel", "VNPT", "MobiFone"], n_sites),
                  "mast_class": rng.choice(["A1a", "A1b", "A2a", "A2b"], n_sites),
                  "built_on": "2018-06-01", "lat": rng.uniform(20.85, 21.25, n_sites).round(6),
                  "lon": rng.uniform(105.55, 105.95, n_sites).round(6)}).to_csv(folder / "sites.csv", index=False)
    site = rng.integers(0, n_sites, n_radios)
    pd.DataFrame({"site_id": np.asarray(ids)[site], "operator": rng.choice(["Viettel", "VNPT", "MobiFone"], n_radios),
                  "technology": rng.choice(["2G", "3G", "4G", "5G"], n_radios), "on_date": "2019-01-01"}
                 ).to_csv(folder / "radios.csv", index=False)
    return folder / "sites.csv", folder / "radios.csv"


def timed_cli(*args) -> tuple[float, float, str]:
    """Seconds and peak MB of one CLI command in a fresh process, and its last line."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "infra", *map(str, args)], capture_output=True, text=True)
    took = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if out.returncode not in (0, 1):
        raise RuntimeError(out.stderr)
    # ru_maxrss of children is the largest child so far: report it when this one raised it
    return took, max(peak, before) / 1024, (out.stdout.strip().splitlines() or [""])[-1]


def bench(name: str, location: str, sites: Path, radios: Path) -> None:
    print(f"--- {name}: {location}")
    open_store(location)
    opens = []
    for _ in range(5):
        t = time.perf_counter()
        open_store(location).dataset()
        opens.append(time.perf_counter() - t)
    print(f"[open] latest revision of the default data: median {statistics.median(opens):.2f} s "
          f"(min {min(opens):.2f}, max {max(opens):.2f})")
    total = 0.0
    for label, path, kind in (("sites", sites, "sites"), ("radios", radios, "radios")):
        took, peak, last = timed_cli("-q", "import", path, "--kind", kind, "--store", location)
        total += took
        rows = sum(1 for _ in open(path, encoding="utf-8")) - 1
        print(f"[import] {rows:,} {label}: {took:.1f} s end to end, peak {peak:,.0f} MB ({last})")
    print(f"[import] sites then radios: {total:.1f} s in all")
    store = open_store(location)
    t = time.perf_counter()
    for _ in range(1000 - len(store.revisions())):
        store.revert(1)
    print(f"[revisions] made {len(store.revisions()):,} revisions by reverts in {time.perf_counter() - t:.1f} s")
    lists = []
    for _ in range(5):
        t = time.perf_counter()
        n = len(open_store(location).revisions())
        lists.append(time.perf_counter() - t)
    print(f"[revisions] listing {n:,}: median {statistics.median(lists):.3f} s (library, store opened each time)")
    took, _, _ = timed_cli("revisions", "--store", location)
    print(f"[revisions] `telecom-tracker revisions` with {n:,}: {took:.2f} s in a fresh process")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="20,000 sites and 80,000 radios")
    args = parser.parse_args()
    n_sites, n_radios = (20_000, 80_000) if args.quick else (100_000, 400_000)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        sites, radios = inventory(folder, n_sites, n_radios)
        bench("GeoPackage", str(folder / "store.gpkg"), sites, radios)
        if why := postgis.missing():
            print(f"--- PostGIS: skipped ({why})")
            return
        server = postgis.Server().start()
        try:
            bench("PostGIS", server.url(), sites, radios)
        finally:
            server.stop()


if __name__ == "__main__":
    main()
