"""Benchmark of the app's speed targets. Prints figures; asserts nothing.

    python bench/app.py

* cold start: the whole script with the map on the default data, in a fresh
  process (Streamlit's AppTest runs the script as a browser session would,
  including building and rendering the folium map for streamlit-folium);
* filter changes once cached: the as-of date moved to a date already seen, the
  admin layer switched back and forth, and a new operator filter;
* the size of the exported HTML map of all Hanoi (both layers).
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    from streamlit.testing.v1 import AppTest

    t0 = time.perf_counter()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.run()
    cold = time.perf_counter() - t0
    assert not at.exception, at.exception
    print(f"[cold start] script with the map on the default data: {cold:.2f} s")

    def timed(label, action):
        t = time.perf_counter()
        action()
        at.run()
        print(f"[filter] {label}: {time.perf_counter() - t:.2f} s")

    today = at.slider(key="as_of").value
    timed("as-of date to 2025-12-31 (new date)", lambda: at.slider(key="as_of").set_value(dt.date(2025, 12, 31)))
    timed("as-of date back to today (cached)", lambda: at.slider(key="as_of").set_value(today))
    timed("layer to commune_2025", lambda: at.selectbox(key="layer").set_value("commune_2025"))
    timed("layer back to district (cached)", lambda: at.selectbox(key="layer").set_value("district"))
    timed("operator filter Viettel", lambda: at.multiselect(key="operators").set_value(["Viettel"]))
    timed("unit filter 001", lambda: at.multiselect(key="units").set_value(["001"]))

    with tempfile.TemporaryDirectory() as tmp:
        for layer in ("district", "commune_2025"):
            out = Path(tmp) / f"{layer}.html"
            subprocess.run([sys.executable, "-m", "infra", "export-map", "--layer", layer, "--as-of", "2025-12-31",
                            "-o", str(out)], cwd=ROOT, check=True, capture_output=True)
            print(f"[export] all Hanoi, {layer}: {out.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
