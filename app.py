"""Streamlit app: Telecom Infrastructure Transition Tracker (Hanoi).

Thin on purpose: widgets with keys, cached library calls, views from ``infra``.
Run with ``streamlit run app.py``. Every view shows what is approximate or synthetic.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from infra import read_dataset, settings
from infra.coverage_map import MapView, coverage_map, site_history
from infra.engine import Engine, ModelOptions, PreparedLayers, prepare_layers
from infra.export import map_for_export, metric_values
from infra.maps import clicked_unit, render_once
from infra.plan import TARGET_METRICS, path_points, plan_vs_actual
from infra.report import unit_table, write_table
from infra.summary import aggregate

st.set_page_config(page_title="Hanoi telecom transition tracker", layout="wide")
TODAY = dt.date.today()
LAYER_LABELS = {"district": "Districts 2017–2025 (the plan's units)", "commune_2025": "Communes and wards since 2025"}
VIEWS = ["Map", "Units", "Plan", "Transition", "Data"]
METRICS = ["area_coverage_pct", "pop_coverage_pct", "sites_on_air", "radios_on_air", "two_g_off_pct",
           "sites_5g_commercial", "sites_5g_pilot", "shared_site_pct", "sites_standing", "bulky_masts_in_zones"]
#: Model parameters (widget key → default); kept in the URL only when changed.
PARAMS = {**{f"radius_{t}": float(r) for t, r in settings.FIXED_RADII_M.items()},
          **{f"mapl_{t}": float(d) for t, d in settings.MAX_PATH_LOSS_DB.items()}}
URL_KEYS = ("layer", "units", "operators", "technologies", "as_of", "model", *PARAMS, "view", "metric", "metric_tech",
            "data")


# --- cached library calls ---------------------------------------------------------------------------
@st.cache_resource(show_spinner="Loading the default data…")
def load_default():
    """The embedded default dataset."""
    return read_dataset()


@st.cache_resource(show_spinner="Preparing the boundaries…", max_entries=2)
def layers(data_key: str, _ds) -> PreparedLayers:
    """The admin layers refined and tiled once per dataset: a change of coverage model reuses them."""
    return prepare_layers(_ds.units)


@st.cache_resource(show_spinner="Preparing the coverage engine…", max_entries=4)
def engine(data_key: str, opts: ModelOptions, _ds) -> Engine:
    """One engine per dataset and coverage model (its caches make later dates fast)."""
    return Engine(_ds.units, _ds.sites, _ds.radios, _ds.zones, options=opts, prepared=layers(data_key, _ds),
                  population=_ds.population)


@st.cache_data(show_spinner="Computing metrics…", max_entries=64)
def metrics_at(data_key: str, opts: ModelOptions, as_of: dt.date, _eng: Engine) -> pd.DataFrame:
    """All metrics of both layers at one date."""
    return _eng.metrics(as_of)


@st.cache_resource(max_entries=4)
def history(data_key: str, _ds) -> pd.Series:
    """Popup text of every site of a dataset (independent of the view)."""
    return site_history(_ds.sites, _ds.radios)


@st.cache_resource(show_spinner="Drawing the map…", max_entries=8)
def built_map(data_key: str, opts: ModelOptions, mv: MapView, _ds, _now: pd.DataFrame):
    """The folium map of a view, built and rendered once (``st_folium(render=False)`` reuses the render).

    Its element ids are stable (:func:`infra.maps.stable_ids`), so every rerun sends
    the same script: the component keeps its identity and the value of a click.
    """
    return render_once(coverage_map(_ds, mv, metric_values(_now, mv), history=history(data_key, _ds)))


@st.cache_data(show_spinner="Computing the yearly series…", max_entries=16)
def series(data_key: str, opts: ModelOptions, as_of: dt.date, _eng: Engine) -> pd.DataFrame:
    """Metrics at the end of each year 2019–2030 and at ``as_of``."""
    dates = sorted({*(dt.date(y, 12, 31) for y in range(2019, 2031)), as_of})
    return _eng.series(dates)


# --- state, query parameters ------------------------------------------------------------------------
def init_state() -> None:
    """Seed widget state from the URL once, so a view can be shared as a link."""
    if st.session_state.get("_seeded"):
        return
    q = st.query_params
    many = {"units", "operators", "technologies"}
    for key in URL_KEYS:
        if key in q:
            st.session_state[key] = q.get_all(key) if key in many else q[key]
    for key in PARAMS:
        if isinstance(st.session_state.get(key), str):
            try:
                st.session_state[key] = float(st.session_state[key])
            except ValueError:
                del st.session_state[key]
    if "as_of" in st.session_state and isinstance(st.session_state["as_of"], str):
        try:
            st.session_state["as_of"] = dt.date.fromisoformat(st.session_state["as_of"])
        except ValueError:
            del st.session_state["as_of"]
    st.session_state["_seeded"] = True


def sync_url() -> None:
    """Write the current selections to the URL."""
    out = {}
    for key in URL_KEYS:
        v = st.session_state.get(key)
        if v in (None, [], "") or (key in PARAMS and v == PARAMS[key]):
            continue
        out[key] = [str(x) for x in v] if isinstance(v, list) else str(v)
    st.query_params.from_dict(out)


def current_dataset():
    """The dataset chosen in the sidebar (default or imported in the Data view) and its cache key."""
    if st.session_state.get("data") == "imported" and "imported" in st.session_state:
        return st.session_state["imported"], st.session_state["imported_key"]
    return load_default(), "default"


# --- page ---------------------------------------------------------------------------------------------
init_state()
for key, pending in (("data", "_pending_data"), ("units", "_pending_units")):  # set by the views, applied here
    if pending in st.session_state:
        st.session_state[key] = st.session_state.pop(pending)
st.session_state.setdefault("as_of", TODAY)
st.session_state.setdefault("view", "Map")
for key, default in PARAMS.items():
    st.session_state.setdefault(key, default)
st.title("Telecom Infrastructure Transition Tracker — Hanoi")
sources = ["default"] + (["imported"] if "imported" in st.session_state else [])
if st.session_state.get("data") not in sources:
    st.session_state["data"] = "default"
st.sidebar.radio("Data", sources, key="data", format_func={"default": "Embedded default (demo)",
                                                          "imported": "Imported in the Data view"}.get)
try:
    ds, data_key = current_dataset()
except (ValueError, FileNotFoundError) as exc:
    st.error(str(exc))
    st.stop()
for notice in ds.notices():
    st.warning(notice)

layer = st.sidebar.selectbox("Admin layer", ds.layers, key="layer", format_func=lambda k: LAYER_LABELS.get(k, k))
units = ds.layer(layer)
label = dict(zip(units["unit_code"], units["unit_code"] + " " + units["name"], strict=True))
st.session_state["units"] = [u for u in st.session_state.get("units", []) if u in label]
chosen = st.sidebar.multiselect("Units (empty = all)", list(label), key="units", format_func=label.get)
operators = st.sidebar.multiselect("Operators (empty = all)", list(settings.OPERATORS), key="operators")
technologies = st.sidebar.multiselect("Technologies (empty = all)", list(settings.TECHNOLOGIES), key="technologies")
as_of = st.sidebar.slider("As of", min_value=dt.date(2019, 1, 1), max_value=dt.date(2030, 12, 31), key="as_of",
                          format="YYYY-MM-DD")
model = st.sidebar.selectbox("Coverage model", ["fixed", "pathloss"], key="model",
                             help="fixed: a radius per technology, as peers use on OpenCelliD; pathloss: Okumura-Hata"
                                  " / COST-231 Hata (2G-4G) and 3GPP 38.901 UMa (5G) at a maximum path loss")
with st.sidebar.expander("Model parameters"):  # both sets stay rendered, so switching model keeps them
    radii = tuple((t, float(st.number_input(f"{t} radius, fixed model (m)", 50.0, 35_000.0, step=50.0,
                                            key=f"radius_{t}"))) for t in settings.TECHNOLOGIES)
    losses = tuple((t, float(st.number_input(f"{t} max path loss, pathloss model (dB)", 100.0, 170.0, step=1.0,
                                             key=f"mapl_{t}"))) for t in settings.TECHNOLOGIES)
opts = ModelOptions(model=model, fixed_radii_m=radii if model == "fixed" else (),
                    max_loss_db=losses if model == "pathloss" else ())
view = st.segmented_control("View", VIEWS, key="view") or "Map"
sync_url()

eng = engine(data_key, opts, ds)
if note := eng.outside_note():
    st.warning(note)
now = metrics_at(data_key, opts, as_of, eng)


def headline(metric: str, tech: str = "*") -> float | None:
    """A metric over the selected units (the whole city when none is selected); None when absent."""
    return aggregate(now, layer, chosen, metric, tech)


def fmt(v: float | None, pct: bool = False) -> str:
    """A metric value for display."""
    return "n/a" if v is None else (f"{v:.1f} %" if pct else f"{v:,.0f}")


st.caption(f"Figures for {len(chosen)} selected unit(s)" if chosen else "Figures for the whole city")
c = st.columns(5)
c[0].metric("Sites standing", fmt(headline("sites_standing")))
c[1].metric("4G area coverage", fmt(headline("area_coverage_pct", "4G"), pct=True))
c[2].metric("5G area coverage", fmt(headline("area_coverage_pct", "5G"), pct=True))
c[3].metric("2G switched off", fmt(headline("two_g_off_pct", "2G"), pct=True))
c[4].metric("Shared sites", fmt(headline("shared_site_pct"), pct=True))

if view == "Map":
    m1, m2, m3 = st.columns([2, 1, 1])
    metric = m1.selectbox("Map metric", METRICS, key="metric")
    metric_tech = m2.selectbox("of technology", ["4G", "5G", "3G", "2G", "*"], key="metric_tech")
    fp = m3.selectbox("Footprints", ["", *settings.TECHNOLOGIES], key="footprints",
                      format_func=lambda t: t or "none")
    mv = MapView(layer=layer, as_of=as_of, units=tuple(chosen), operators=tuple(operators),
                 technologies=tuple(technologies), metric=metric, technology=metric_tech, footprints=fp)
    values = metric_values(now, mv)
    st.caption(f"{len(values)} units with a value · {mv.describe()}")
    fmap = built_map(data_key, opts, mv, ds, now)
    clicked = st_folium(fmap, key="map", height=620, use_container_width=True, render=False,  # rendered in built_map
                        returned_objects=["last_object_clicked", "last_object_clicked_tooltip",
                                          "last_object_clicked_popup"])
    before, st.session_state["_clicked"] = st.session_state.get("_clicked"), clicked
    if (hit := clicked_unit(units, clicked, before)) is not None:  # a click on a unit selects it
        st.session_state["_pending_units"] = [hit]
        st.rerun()
    if st.toggle("Prepare this map as a standalone HTML file", key="prep_export"):  # renders the map once more
        export = map_for_export(ds, mv, metrics=now, history=history(data_key, ds))  # with title and sources
        st.download_button("Download the map (HTML)", export.get_root().render(),
                           file_name=f"hanoi_{layer}_{as_of:%Y%m%d}.html", mime="text/html", key="dl_map")

elif view == "Units":
    table, _ = unit_table(ds, layer=layer, as_of=as_of, engine=eng,
                          series=series(data_key, opts, as_of, eng))
    if chosen:
        table = table[table["unit_code"].isin([*chosen, "*"])]
    plain = pd.DataFrame(table.drop(columns="geometry"))
    status_cols = [col for col in plain.columns if col.endswith(":status")]
    colours = {"achieved": "#c7e9c0", "on track": "#fff3b0", "behind": "#fcbba1", "placeholder target": "#e0e0e0"}
    numeric = list(plain.select_dtypes("number").columns)
    counts = [col for col in numeric if (plain[col].dropna() % 1 == 0).all()]
    styled = (plain.style.map(lambda v: f"background-color: {colours.get(v, '')}", subset=status_cols)
              .format(precision=1, thousands=",", subset=[col for col in numeric if col not in counts])
              .format(precision=0, thousands=",", subset=counts))
    st.dataframe(styled, key="units_table", hide_index=True)
    notices = ds.notices()
    d1, d2, d3 = st.columns(3)
    d1.download_button("CSV", plain.to_csv(index=False), file_name=f"units_{layer}_{as_of}.csv", key="dl_csv")
    with tempfile.TemporaryDirectory() as tmp:
        xlsx = write_table(table, Path(tmp) / "u.xlsx", fmt="xlsx", notices=notices).read_bytes()
        gpkg = write_table(table, Path(tmp) / "u.gpkg", fmt="gpkg", notices=notices).read_bytes()
    d2.download_button("Excel", xlsx, file_name=f"units_{layer}_{as_of}.xlsx", key="dl_xlsx")
    d3.download_button("GeoPackage", gpkg, file_name=f"units_{layer}_{as_of}.gpkg", key="dl_gpkg")

elif view == "Plan":
    import altair as alt  # here, not at the top: the views that chart pay its 0.2 s import, not the start
    s = series(data_key, opts, as_of, eng)
    codes = chosen or ["*"]
    tmetric = st.selectbox("Target", list(TARGET_METRICS), key="target_metric")
    plan = plan_vs_actual(ds.targets, s, as_of=as_of, layer=layer)
    plan = plan[(plan["target_metric"] == tmetric) & plan["unit_code"].isin(codes)]
    metric, tech, op = TARGET_METRICS[tmetric]
    actual = s[(s["layer"] == layer) & s["unit_code"].isin(codes) & (s["metric"] == metric)
               & (s["technology"] == tech) & (s["operator"] == op)]
    targets = ds.targets[(ds.targets["layer"] == layer) & (ds.targets["metric"] == tmetric)
                         & ds.targets["unit_code"].isin(codes)]
    if targets.empty:
        st.info(f"No target for {tmetric} in the selected units.")
    path = path_points(plan, ds.targets)
    projected = plan[plan["trend_year"].notna() & (plan["trend"] != "achieved")].assign(
        date=lambda f: pd.to_datetime(f["trend_year"].astype(int).astype(str) + "-12-31"))
    unit = alt.Color("unit_code:N", title="unit")
    layers = [
        alt.Chart(pd.DataFrame({"date": pd.to_datetime(sorted({f"{y}-12-31" for y in targets["year"]}))}))
        .mark_rule(color="#999", strokeDash=[2, 2]).encode(x="date:T"),  # the milestone years
        alt.Chart(path).mark_line(strokeDash=[6, 4]).encode(x="date:T", y="value:Q", color=unit),  # target path
        alt.Chart(actual[actual["as_of"] <= pd.Timestamp(as_of)]).mark_line(point=True).encode(
            x=alt.X("as_of:T", title="date"), y=alt.Y("value:Q", title=tmetric), color=unit,
            tooltip=["unit_code", alt.Tooltip("as_of:T", title="date"), alt.Tooltip("value:Q", format=".1f")]),
        alt.Chart(actual[actual["as_of"] >= pd.Timestamp(as_of)]).mark_line(point=True, opacity=0.35).encode(
            x="as_of:T", y="value:Q", color=unit,  # what the inventory's own future dates give: not yet actual
            tooltip=["unit_code", alt.Tooltip("as_of:T", title="scheduled at"), alt.Tooltip("value:Q", format=".1f")]),
        alt.Chart(pd.DataFrame({"date": [pd.Timestamp(as_of)]})).mark_rule(color="#c0392b").encode(x="date:T"),
        alt.Chart(targets.assign(date=pd.to_datetime(targets["year"].astype(str) + "-12-31"))).mark_point(
            shape="diamond", size=120, filled=True).encode(x="date:T", y="target:Q", color=unit,
                                                          tooltip=["unit_code", "year", "target", "source"]),
        alt.Chart(projected).mark_point(shape="triangle-up", size=140, filled=False, strokeWidth=2).encode(
            x="date:T", y="next_target:Q", color=unit,
            tooltip=["unit_code", alt.Tooltip("trend:N", title="trend meets target in"), "next_target"]),
    ]
    st.altair_chart(alt.layer(*layers), key="plan_chart")
    st.caption("Solid: actual up to the as-of date (red rule) · faint: what the inventory's own later dates give · "
               "dashed: target path (straight between baseline and milestones) · ◆ milestone · △ year the recent "
               "trend meets the next target · dotted rules: milestone years.")
    one = st.column_config.NumberColumn(format="%.1f")
    st.dataframe(plan[["unit_code", "actual", "path", "next_year", "next_target", "gap", "status", "trend",
                       "source"]], key="plan_table", hide_index=True,
                 column_config={"actual": one, "path": one, "next_target": one, "gap": one,
                                "next_year": st.column_config.NumberColumn(format="%d")})

elif view == "Transition":
    import altair as alt
    s = series(data_key, opts, as_of, eng)
    scope = chosen or ["*"]
    part = s[(s["layer"] == layer) & s["unit_code"].isin(scope) & (s["operator"] == "*")]
    g2 = part[(part["metric"] == "radios_on_air") & (part["technology"] == "2G")]
    g4 = part[(part["metric"] == "area_coverage_pct") & (part["technology"] == "4G")]
    g5 = part[part["metric"].isin(["sites_5g_pilot", "sites_5g_commercial"]) & part["as_of"].dt.is_year_end]
    g5 = g5.assign(kind=g5["metric"].map({"sites_5g_pilot": "pilot", "sites_5g_commercial": "commercial"}))
    now_rule = alt.Chart(pd.DataFrame({"as_of": [pd.Timestamp(as_of)]})).mark_rule(color="#c0392b").encode(x="as_of:T")

    def over_time(frame: pd.DataFrame, title: str) -> alt.LayerChart:
        """Values up to the as-of date, later ones (the inventory's own future dates) faint, and the date."""
        def line(part: pd.DataFrame, opacity: float) -> alt.Chart:
            return alt.Chart(part).mark_line(point=True, opacity=opacity).encode(
                x=alt.X("as_of:T", title="date"), y=alt.Y("value:Q", title=title),
                color=alt.Color("unit_code:N", title="unit"),
                tooltip=["unit_code", "as_of:T", alt.Tooltip("value:Q", format=",.1f")])

        t = pd.Timestamp(as_of)
        return alt.layer(line(frame[frame["as_of"] <= t], 1.0), line(frame[frame["as_of"] >= t], 0.35), now_rule)

    a, b = st.columns(2)
    a.altair_chart(over_time(g2, "2G radios on air"), key="chart_2g")
    b.altair_chart(over_time(g4, "4G area coverage (%)"), key="chart_4g")
    st.altair_chart(alt.Chart(g5).mark_bar().encode(
        x=alt.X("year(as_of):O", title="end of year"), y=alt.Y("value:Q", title="5G sites", stack=True),
        color=alt.Color("kind:N", title="5G", scale=alt.Scale(domain=["pilot", "commercial"],
                                                              range=["#ff7f0e", "#d62728"])),
        column=alt.Column("unit_code:N", title="unit"), tooltip=["unit_code", "year(as_of):O", "kind", "value"]),
        key="chart_5g")
    st.caption("Red rule: the as-of date; faint: what the inventory's own later dates give (not yet actual).")

else:  # Data
    from infra.importing import KINDS, import_file, merge_into  # 0.45 s of imports (scipy): only in this view
    from infra.validation import UnreadableFile
    st.write("Upload boundaries, inventories, OpenCelliD exports or targets; every row is imported or reported.")
    kind = st.selectbox("Kind of file", KINDS, key="upload_kind")
    up = st.file_uploader("File", key="upload_file")
    if up is not None:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / Path(up.name).name
            path.write_bytes(up.getvalue())
            try:
                frames, rep = import_file(path, kind, base=ds)
            except UnreadableFile as exc:
                st.error(str(exc))
            else:
                (st.success if rep.ok else st.warning)(rep.summary())
                st.dataframe(rep.frame(), key="import_report", hide_index=True)
                if st.button("Use this data", key="use_import"):
                    merged = merge_into(ds, frames, source=up.name)
                    merged.validate()
                    st.session_state["imported"] = merged
                    st.session_state["imported_key"] = f"imported:{up.name}:{len(st.session_state)}"
                    st.session_state["_pending_data"] = "imported"
                    st.rerun()

st.caption("Sources: " + "; ".join(f"{k}: {p.source}" for k, p in ds.provenance.items()))
