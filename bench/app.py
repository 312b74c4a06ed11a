"""Benchmark of the app's speed targets (issue 15). Prints figures; asserts nothing.

    python bench/app.py            # everything (about 6 minutes here)
    python bench/app.py --quick    # 3 runs of each instead of 5

Figures are medians (with min–max) of several runs, in headless Debian Chromium with
every request beyond the loopback refused (as on an intranet without internet):

* map build in Python: the static parts of the default data (once per dataset) and a view's state;
* the script alone (AppTest): cold, a date seen before, the Plan view;
* ``streamlit run`` → the 30 districts drawn, each run a new server (split: server up, page and script
  until the map's state reaches the browser, parts fetched, drawn); a new session on the warm server (once
  its background warm-up has ended, and right after the first session while it runs);
* the server's memory over 80 reruns (it must level off: the app turns Streamlit's collection after each
  run off);
* interactions until the map is redrawn, with the bytes the browser received over the websocket and
  by HTTP: a date seen before, a unit, an operator, an admin layer, a new date, a view switch, a
  coverage-model change;
* the exported HTML of all Hanoi (both layers): size, first paint from disk offline;
* 100,000 sites: the exported map drawn from disk, and a pan (longest frame, redraw at its end).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import http.client
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import streamlit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.coverage import scaled_inventory  # noqa: E402
from infra import read_dataset  # noqa: E402
from infra.engine import Engine  # noqa: E402
from infra.store import open_store  # noqa: E402
from infra.views import MapView, coverage_map, map_parts, metric_values, standalone_html  # noqa: E402
from tests.browser import CHROMIUM, launch, refuse_outside, running_app, running_server  # noqa: E402

FRAME = "iframe[title='app_pages._mapframe.itt_map']"
SIDEBAR = "[data-testid='stSidebar']"


def figure(xs: list[float], unit: str = "s", scale: float = 1.0) -> str:
    """Median (min–max, n) of ``xs``."""
    ys = [x * scale for x in xs]
    fmt = "{:.2f}" if unit == "s" else "{:,.0f}"
    return (f"{fmt.format(statistics.median(ys))} {unit} (min–max {fmt.format(min(ys))}–{fmt.format(max(ys))}, "
            f"n={len(ys)})")


def build(runs: int) -> None:
    ds = read_dataset()
    view = MapView(as_of=dt.date(2025, 12, 31))
    values = metric_values(Engine.from_dataset(ds).metrics(view.as_of), view)
    t_parts, t_state = [], []
    for _ in range(runs):
        t = time.perf_counter()
        parts = map_parts(ds)
        t_parts.append(time.perf_counter() - t)
        t = time.perf_counter()
        coverage_map(ds, view, values, parts=parts)
        t_state.append(time.perf_counter() - t)
    size = sum(len(b) for b in parts.blobs.values())
    print(f"[build] map parts of the default data (once per dataset; {size / 1e6:.2f} MB, sent once): "
          f"{figure(t_parts)}")
    print(f"[build] a view's map state (per view, cached): {figure(t_state)}")


def apptest(runs: int) -> None:
    """The script alone (Streamlit's AppTest runs it as a session would, without a browser)."""
    from tests.apptest import app_test  # the app in English, this thread too (AppTest formats values here)

    t0 = time.perf_counter()
    at = app_test(str(ROOT / "app.py"), lang="en", timeout=300)
    at.run()
    print(f"[script] the Map page on the default data, cold (this process's first run, AppTest): "
          f"{time.perf_counter() - t0:.2f} s")
    slider = at.slider(key="_as_of_slider")
    today = slider.value
    at.slider(key="_as_of_slider").set_value(dt.date(2025, 12, 31)).run()
    cached = []
    for i in range(runs):
        at.slider(key="_as_of_slider").set_value(today if i % 2 == 0 else dt.date(2025, 12, 31))
        t = time.perf_counter()
        at.run()
        cached.append(time.perf_counter() - t)
    print(f"[script] a date seen before, the Map page (AppTest): {figure(cached)}")
    steps = (("Plan view, first opening (the series computed)", lambda: at.switch_page("app_pages/plan.py")),
             ("Plan view, another target", lambda: at.selectbox(key="target_metric").set_value("sites_4g")),
             ("Plan view, layer to commune_2025", lambda: at.selectbox(key="layer").set_value("commune_2025")))
    for label, action in steps:
        t = time.perf_counter()
        action()
        at.run()
        print(f"[script] {label} (AppTest): {time.perf_counter() - t:.2f} s")


# --- the browser -------------------------------------------------------------------------------------------------


class Meter:
    """Bytes the page receives (websocket frames: Streamlit's deltas; HTTP bodies: the map's files and parts), and
    when the websocket opened and when a frame carrying the map's state arrived."""

    def __init__(self, page) -> None:
        self.ws = 0
        self.http = 0
        self.opened: float | None = None
        self.map_sent: float | None = None
        page.on("websocket", self._socket)
        page.on("requestfinished", self._request)

    def _socket(self, ws) -> None:
        self.opened = time.time()
        ws.on("framereceived", self._frame)

    def _frame(self, payload) -> None:
        self.ws += len(payload)
        data = payload if isinstance(payload, bytes) else payload.encode()
        if b"itt_map" in data:
            self.map_sent = time.time()

    def _request(self, request) -> None:
        if "/component/app_pages" in request.url:
            self.http += request.sizes()["responseBodySize"]

    def mark(self) -> tuple[int, int]:
        return self.ws, self.http


def frame_of(page):
    el = page.wait_for_selector(FRAME, state="attached", timeout=120_000)
    return el.content_frame()


def wait_drawn(page, before: int = 0, check: str = "true", timeout: float = 120):
    """Wait until the map has drawn a state after ``before`` renders, in the same frame or in one that replaced it
    (the old frame's window is tagged by :func:`timed`); returns the frame."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            frame = frame_of(page)
            if frame and frame.evaluate(f"() => !!(window.itt && window.itt.renders > (window.__old ? {before} : 0) && "
                                        f"(s => {check})(window.itt.counts()))"):
                return frame
        except Exception:  # noqa: BLE001 - the frame was replaced meanwhile: look again
            pass
        time.sleep(0.02)
    state = [f.evaluate("() => [!!window.__old, window.itt && window.itt.renders]") for f in page.frames[1:]]
    page.screenshot(path=str(ROOT / "test-artifacts" / "bench-timeout.png"), full_page=True)
    raise TimeoutError(f"the map was not redrawn (frames: {state})")


def timed(page, meter: Meter, action, *, check: str = "true", new_frame: bool = False) -> dict:
    """Run ``action`` and wait for the map redrawn; time, bytes, and where the time went."""
    before = 0 if new_frame else frame_of(page).evaluate("() => { window.__old = true; return window.itt.renders; }")
    ws0, http0 = meter.mark()
    start = time.time()
    action()
    frame = wait_drawn(page, before, check)
    total = time.time() - start
    page.wait_for_timeout(300)  # the rest of the rerun's deltas (header, widgets after the map)
    t = frame.evaluate("() => ({received: window.itt.receivedAt, timing: window.itt.timing})")
    ws1, http1 = meter.mark()
    server = t["received"] / 1000 - start
    return {"total": total, "ws": ws1 - ws0, "http": http1 - http0, "server": server,
            "parts": t["timing"]["parts_ms"] / 1000, "draw": t["timing"]["draw_ms"] / 1000}


def report(label: str, runs: list[dict]) -> None:
    print(f"[browser] {label} → map redrawn: {figure([r['total'] for r in runs])}; received "
          f"{figure([r['ws'] + r['http'] for r in runs], 'B')} (websocket {figure([r['ws'] for r in runs], 'B')}, "
          f"HTTP {figure([r['http'] for r in runs], 'B')})")
    print(f"          where: server (rerun, script, transfer) {figure([r['server'] for r in runs])}, "
          f"parts {figure([r['parts'] for r in runs])}, draw {figure([r['draw'] for r in runs])}")


def open_app(b, url: str, ctx=None) -> dict:
    """Open the app in a new page (of a new browser profile unless ``ctx``) until the districts are drawn."""
    own = ctx is None
    if own:
        ctx = b.new_context(viewport={"width": 1400, "height": 1500})
        refuse_outside(ctx)
    page = ctx.new_page()
    meter = Meter(page)
    start = time.time()
    page.goto(url)
    frame = wait_drawn(page, 0, "s.polygons === 30")
    done = time.time()
    t = frame.evaluate("() => ({received: window.itt.receivedAt, timing: window.itt.timing})")
    page.close()
    if own:
        ctx.close()
    return {"start": start, "total": done - start, "page": meter.opened - start,
            "script": meter.map_sent - meter.opened, "frame": t["received"] / 1000 - meter.map_sent,
            "parts": t["timing"]["parts_ms"] / 1000,
            "draw": t["timing"]["draw_ms"] / 1000}


def where(runs: list[dict]) -> str:
    server = (f" (the script itself, in the server: {figure([r['server'] for r in runs])})"
              if all("server" in r for r in runs) else "")
    return (f"Streamlit's page until its websocket opens {figure([r['page'] for r in runs])}, script run until the "
            f"map's state is sent {figure([r['script'] for r in runs])}{server}, map frame loaded and state delivered "
            f"{figure([r['frame'] for r in runs])}, parts fetched {figure([r['parts'] for r in runs])}, drawn "
            f"{figure([r['draw'] for r in runs])}")


#: Seconds the bench waits after the first session for the server's warm-up (app_pages/_cache.warm) to end.
WARM_WAIT = 8.0


def script_time(log: Path, run: dict) -> dict:
    """``run`` with the server's own time for its script (the first run that ended after the page opened)."""
    ended = [tuple(map(float, line.split())) for line in log.read_text().splitlines()] if log.exists() else []
    run["server"] = next((took for at, took in ended if at >= run["start"]), float("nan"))
    return run


def kept_alive_ms(url: str, files: int = 20) -> float:
    """Milliseconds per request for Streamlit's script files, one after another over one kept-alive connection.

    About 40 ms with Nagle's algorithm on (the body waits for the delayed acknowledgement of the headers),
    1-2 ms with it off (``app_pages/_server.py``).
    """
    folder = Path(streamlit.__file__).parent / "static" / "static" / "js"
    names = sorted(p.name for p in folder.glob("*.js"))[:files]
    host, port = url.split("//")[1].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    start = time.perf_counter()
    for name in names:
        conn.request("GET", f"/static/js/{name}")
        conn.getresponse().read()
    conn.close()
    return (time.perf_counter() - start) / len(names) * 1000


def startup(p, b, runs: int) -> None:
    cold, ups, busy, fresh, tab, kept = [], [], [], [], [], []
    log = Path(tempfile.mkdtemp()) / "timings.txt"
    for _ in range(runs):
        t0 = time.time()
        with running_app(env={"TRACKER_TIMINGS": str(log)}) as url:
            ups.append(time.time() - t0)
            first = script_time(log, open_app(b, url))
            first["total"] += first["start"] - t0
            cold.append(first)
            busy.append(script_time(log, open_app(b, url)))  # right after the first session (its warm-up runs)
            time.sleep(WARM_WAIT)
            fresh.append(script_time(log, open_app(b, url)))  # a new session on this warm server, a new browser
            kept.append(kept_alive_ms(url))
            ctx = b.new_context(viewport={"width": 1400, "height": 1500})
            refuse_outside(ctx)
            open_app(b, url, ctx)
            tab.append(script_time(log, open_app(b, url, ctx)))  # a new session, the app's files in the cache
            ctx.close()
    print(f"[browser] streamlit run → 30 districts drawn: {figure([r['total'] for r in cold])}")
    print(f"          where: server up {figure(ups)}, {where(cold)}")
    print(f"[browser] a new session on a warm server, a browser that never saw the app → 30 districts drawn: "
          f"{figure([r['total'] for r in fresh])}")
    print(f"          where: {where(fresh)}")
    print(f"[browser] the same, right after the server's first session (its warm-up of the series still running): "
          f"{figure([r['total'] for r in busy])}")
    print(f"          where: {where(busy)}")
    print(f"[browser] a new session on a warm server, a new tab of a browser that has opened the app → drawn: "
          f"{figure([r['total'] for r in tab])}")
    print(f"          where: {where(tab)}")
    print(f"[server] one of Streamlit's script files over a kept-alive connection: {figure(kept, 'ms')} "
          "(about 40 ms each with Nagle's algorithm on)")


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MB (Linux ``/proc``)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


#: Reruns of the memory figure (the server's memory read every MEMORY_EVERY): enough for Python's own collector
#: to have run its full collections (without ``runner.postScriptGC``), so a leak would show as a steady rise.
MEMORY_RERUNS, MEMORY_EVERY = 80, 20


def interactions(p, b, runs: int) -> None:
    with running_server() as (url, proc):
        ctx = b.new_context(viewport={"width": 1400, "height": 1500})
        refuse_outside(ctx)
        page = ctx.new_page()
        meter = Meter(page)
        page.goto(url + "/?lang=en")  # the widgets are found by their English labels
        wait_drawn(page, 0, "s.polygons === 30")
        slider = page.locator(f"{SIDEBAR} [data-testid='stSlider'] input[type='range']").first

        def key(k):
            return lambda: (slider.focus(), page.keyboard.press(k))

        for k in ("Home", "End"):  # both ends seen once
            timed(page, meter, key(k))
        report("a date seen before", [timed(page, meter, key("End" if i % 2 else "Home")) for i in range(runs)])
        last, memory = "End" if (runs - 1) % 2 else "Home", []
        for i in range(MEMORY_RERUNS + 1):
            if i % MEMORY_EVERY == 0:
                memory.append(f"{rss_mb(proc.pid):.0f}")
            last = "Home" if last == "End" else "End"
            timed(page, meter, key(last))
        print(f"[server] memory after 0, {MEMORY_EVERY}, … {MEMORY_RERUNS} more reruns (dates seen before): "
              f"{' / '.join(memory)} MB (runner.postScriptGC = false: no full garbage collection after each run)")

        def new_date(label):  # the quick dates: three dates never computed yet (the slider's ends and today were)
            return lambda: page.locator(SIDEBAR).get_by_text(label, exact=True).click()

        report("a new date (the quick dates 2020, 2025, 2G switch-off)",
               [timed(page, meter, new_date(label)) for label in ("Plan 2020", "Plan 2025",
                                                                  "2G switch-off (15 Sep 2026)")])

        units = page.locator(f"{SIDEBAR} [data-testid='stMultiSelect']").nth(0)
        operators = page.locator(f"{SIDEBAR} [data-testid='stMultiSelect']").nth(1)

        def choose(box, text):
            def go():
                page.keyboard.press("Enter")
                page.keyboard.press("Escape")
            box.click()  # typing the name is the user's time, not the app's: the clock starts at Enter
            page.keyboard.type(text)
            return go

        def clear(box):
            return lambda: box.get_by_role("button", name="Clear all").click()

        for box, text, label in ((units, "001 Ba", "a unit (select, clear)"),
                                 (operators, "Viettel", "an operator (select, clear)")):
            timed(page, meter, choose(box, text))
            timed(page, meter, clear(box))
            got = []
            for i in range(runs):
                got.append(timed(page, meter, choose(box, text)) if i % 2 == 0 else timed(page, meter, clear(box)))
            report(label, got)
            if runs % 2:
                timed(page, meter, clear(box))

        layer = page.locator(f"{SIDEBAR} [data-testid='stSelectbox']").filter(has_text="Admin layer")

        def pick(box, text):
            def go():
                box.click()
                page.get_by_role("option", name=text).click()
            return go

        names = ("Communes and wards since 1 Jul 2025", "Districts 2017–2025 (the plan's units)")
        for name in names:
            timed(page, meter, pick(layer, name))
        report("an admin layer seen before", [timed(page, meter, pick(layer, names[i % 2])) for i in range(runs)])

        def view(name):
            return lambda: page.get_by_role("link", name=name).first.click()

        s = time.time()
        view("Units")()
        page.wait_for_selector("[data-testid='stDataFrame']", timeout=120_000)
        first_units = time.time() - s
        timed(page, meter, view("Map"), new_frame=True)
        to_units, to_map = [], []
        for _ in range(runs):
            s = time.time()
            view("Units")()
            page.wait_for_selector("[data-testid='stDataFrame']", timeout=120_000)
            page.wait_for_selector(FRAME, state="detached", timeout=120_000)
            to_units.append(time.time() - s)
            to_map.append(timed(page, meter, view("Map"), new_frame=True))
        print(f"[browser] view switch Map → Units, first opening (the series computed): {first_units:.2f} s")
        print(f"[browser] view switch Map → Units (table shown): {figure(to_units)}")
        report("view switch Units → Map", to_map)

        timed(page, meter, key("End"))  # the last date (seen before): the models differ only where 5G stands
        # the map shows 5G coverage by default: the models differ most for 5G
        model = page.locator(f"{SIDEBAR} [data-testid='stSelectbox']").filter(has_text="Coverage model")
        report("coverage model fixed → pathloss (new), then back (cached)",
               [timed(page, meter, pick(model, "Path loss (Hata, 3GPP)")),
                timed(page, meter, pick(model, "Fixed radius per technology"))])
        page.get_by_text("Model parameters").click()
        radius = page.get_by_label("5G radius, fixed model (m)")

        def set_radius(v):
            return lambda: (radius.fill(str(v)), radius.press("Enter"))

        report("a new coverage model (5G radius 600, 650, … m: a new engine each)",
               [timed(page, meter, set_radius(600 + 50 * i)) for i in range(runs)])
        ctx.close()


def exports(p, b, runs: int) -> None:
    from infra.cli import main

    with tempfile.TemporaryDirectory() as tmp:
        for layer in ("district", "commune_2025"):
            out = Path(tmp) / f"{layer}.html"
            main(["export-map", "--layer", layer, "--as-of", "2025-12-31", "-o", str(out)])
            print(f"[export] all Hanoi, {layer}: {out.stat().st_size / 1e6:.2f} MB")
            print(f"[export] first paint from disk, offline, {layer}: {figure(paint(b, out, runs))}")


def paint(b, path: Path, runs: int, check: str = "s.polygons > 0") -> list[float]:
    times = []
    for _ in range(runs):
        ctx = b.new_context(viewport={"width": 1400, "height": 1000})
        ctx.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
        page = ctx.new_page()
        s = time.time()
        page.goto(path.as_uri())
        page.wait_for_function(f"() => window.itt && window.itt.renders > 0 && (s => {check})(window.itt.counts())",
                               timeout=120_000, polling=10)
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")  # painted
        times.append(time.time() - s)
        ctx.close()
    return times


FRAMES = """() => {
  window.__frames = []; window.__recording = true;
  let last = performance.now();
  const tick = (t) => {
    window.__frames.push(t - last); last = t;
    if (window.__recording) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}"""


def pan(page) -> dict:
    """A drag of the map with the mouse (40 moves of 17 px), frames timed; then the redraw at its end."""
    page.evaluate(FRAMES)
    page.mouse.move(700, 500)
    page.mouse.down()
    for i in range(1, 41):
        page.mouse.move(700 + 15 * i, 500 + 8 * i)
    page.mouse.up()
    page.wait_for_timeout(500)
    return page.evaluate("() => { window.__recording = false; const f = window.__frames.slice(1); "
                         "return {longest: Math.max(...f), frames: f.length, redraw: window.itt.counts().redraw_ms}; }")


def hundred_thousand(p, b, runs: int) -> None:
    ds = read_dataset()
    sites, radios = scaled_inventory(ds, 100_000)
    big = dataclasses.replace(ds, sites=sites, radios=radios)
    view = MapView(as_of=dt.date(2025, 12, 31))
    t = time.perf_counter()
    doc = coverage_map(big, view, pd.Series(dtype=float))
    built = time.perf_counter() - t
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.html"
        path.write_text(standalone_html(doc), encoding="utf-8")
        n = "s.markers > 90000"
        print(f"[100k] 100,000 sites: map built in Python {built:.2f} s; file {path.stat().st_size / 1e6:.1f} MB; "
              f"drawn from disk in {figure(paint(b, path, runs, n))}")
        pans = []
        for _ in range(runs):
            ctx = b.new_context(viewport={"width": 1400, "height": 1000})
            ctx.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
            page = ctx.new_page()
            page.goto(path.as_uri())
            page.wait_for_function(f"() => window.itt && window.itt.renders > 0 && (s => {n})(window.itt.counts())",
                                   timeout=120_000)
            pans.append(pan(page))
            ctx.close()
        print(f"[100k] pan (a mouse drag of 40 moves): longest frame {figure([x['longest'] for x in pans], 'ms')}, "
              f"redraw when the pan ends {figure([x['redraw'] for x in pans], 'ms')}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 runs of each instead of 5")
    parser.add_argument("--only", choices=["build", "apptest", "startup", "interactions", "exports", "100k"],
                        action="append")
    args = parser.parse_args()
    runs = 3 if args.quick else 5
    only = set(args.only or ["build", "apptest", "startup", "interactions", "exports", "100k"])
    with tempfile.TemporaryDirectory() as tmp:
        if "TRACKER_STORE" not in os.environ:  # a store of the bench's own, never the user's
            os.environ["TRACKER_STORE"] = str(Path(tmp) / "store.gpkg")
        open_store()  # the default data as revision 1, before any clock starts
        measure(only, runs)


def measure(only: set[str], runs: int) -> None:
    """Run the chosen parts of the benchmark."""
    if "build" in only:
        build(runs)
    if "apptest" in only:
        apptest(runs)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("[browser] skipped: playwright is not installed")
        return
    if not Path(CHROMIUM).exists():
        print(f"[browser] skipped: needs {CHROMIUM}")
        return
    with sync_playwright() as p:
        b = launch(p)
        for name, step in (("startup", startup), ("interactions", interactions), ("exports", exports),
                           ("100k", hundred_thousand)):
            if name in only:
                step(p, b, runs)
        b.close()


if __name__ == "__main__":
    main()
