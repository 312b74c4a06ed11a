"""The figures people read: the Units table, the headline, the exports and the charts, as objects on tiny data."""

from __future__ import annotations

import datetime as dt
import io
import re

import numpy as np
import openpyxl
import pandas as pd
import pytest
import shapely

from infra.dataset import Dataset
from infra.engine import Engine
from infra.engine.footprints import footprints
from infra.i18n import language
from infra.plan import carry_targets, series_dates
from infra.views.charts import LATER_OPACITY, plan_headers, plan_view, transition_charts
from infra.views.export import table_file
from infra.views.tables import crosswalk_texts, for_people, headers, headline, unit_table
from tests import frames

#: km² of the footprint of a 200 m radio (a polygon), inside one 1 km² district
AREA_OF_DISC = float(shapely.area(footprints(np.array([[0.0, 0.0]]), np.array([200.0]))[0])) / 1e6
SNAKE = re.compile(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b")


@pytest.fixture(scope="module")
def tiny() -> Dataset:
    """Districts A | B (1 km² each); 2025 units x (A's west half), y (A's east half and B's west), z (B's east)."""
    units = pd.concat([frames.units({"A": (0, 0, 1000, 1000), "B": (1000, 0, 2000, 1000)}),
                       frames.units({"x": (0, 0, 500, 1000), "y": (500, 0, 1500, 1000), "z": (1500, 0, 2000, 1000)},
                                    layer="commune_2025", unit_type="phường")], ignore_index=True)
    sites = frames.sites({"S1": (250, 500), "S2": (1750, 500)})
    radios = frames.radios([
        {"site_id": "S1", "technology": "4G", "operator": "Viettel", "range_m": 200.0},
        {"site_id": "S2", "technology": "4G", "operator": "MobiFone", "range_m": 200.0},
        {"site_id": "S1", "technology": "2G", "operator": "Viettel", "on_date": "2010-01-01",
         "off_date": "2024-06-01", "range_m": 200.0},
    ])
    tg = pd.DataFrame({"layer": "district", "unit_code": ["A", "B", "*", "A", "B", "*"],
                       "metric": ["area_coverage_4g_pct"] * 3 + ["shared_site_pct"] * 3,
                       "year": 2030, "target": [40.0, 80.0, 55.0, 35.0, 35.0, 35.0],
                       "source": ["Plan X"] * 3 + ["placeholder"] * 3})
    targets, _ = carry_targets(tg, units)
    return Dataset(units=units, sites=sites, radios=radios, zones=frames.zones((5000, 5000, 5100, 5100)),
                   targets=targets)


@pytest.fixture(scope="module")
def engine(tiny):
    return Engine.from_dataset(tiny)


def test_the_crosswalk_column_gives_each_unit_its_former_districts_and_their_shares(tiny):
    former = crosswalk_texts(tiny, "commune_2025")
    assert former.to_dict() == {"x": "Unit A 100 %", "y": "Unit A 50 %, Unit B 50 %", "z": "Unit B 100 %"}
    later = crosswalk_texts(tiny, "district")
    assert later.to_dict() == {"A": "Unit x 50 %, Unit y 50 %", "B": "Unit y 50 %, Unit z 50 %"}
    table, _ = unit_table(tiny, layer="commune_2025", as_of="2025-12-31")
    assert table.set_index("unit_code").loc["y", "former_districts"] == "Unit A 50 %, Unit B 50 %"
    assert headers(table)["former_districts"] == "Former district(s)"


def test_the_type_column_says_the_kind_of_unit_in_the_language_of_the_table(tiny):
    with language("en"):
        table, _ = unit_table(tiny, layer="commune_2025", as_of="2025-12-31")
    assert table["unit_type"].tolist() == ["ward (phường)"] * 3 + [""]  # the whole city has no kind
    with language("vi"):
        table, _ = unit_table(tiny, layer="commune_2025", as_of="2025-12-31")
    assert table["unit_type"].tolist() == ["phường"] * 3 + [""]


def test_a_carried_target_says_how_it_was_carried_and_a_city_wide_one_says_so(tiny):
    table, _ = unit_table(tiny, layer="commune_2025", as_of="2025-12-31")
    y = table.set_index("unit_code").loc["y"]
    assert y["area_coverage_4g_pct:next_target"] == pytest.approx(60.0)  # half of A's 40, half of B's 80
    assert y["area_coverage_4g_pct:scope"] == "carried"
    assert "carried from the former districts" in y["area_coverage_4g_pct:source"]
    assert y["shared_site_pct:scope"] == "city-wide"  # 35 % in every unit, as in the city
    assert "data/plan_facts.csv" in y["shared_site_pct:source"]  # a placeholder says where to fill it
    x = table.set_index("unit_code").loc["x"]  # S1 stands there: a share of sites to compare
    assert x["shared_site_pct:status"] == "placeholder target" and y["shared_site_pct:status"] == "no data"
    with language("vi"):
        words = for_people(table).set_index("unit_code")
    assert words.loc["x", "shared_site_pct:status"] == "mục tiêu tạm (chưa công bố)"
    assert words.loc["y", "shared_site_pct:status"] == "không có số liệu"
    assert words.loc["y", "area_coverage_4g_pct:scope"].startswith("chuyển từ các quận, huyện cũ")


def test_operators_and_technologies_choose_the_columns(tiny, engine):
    table, _ = unit_table(tiny, layer="district", as_of="2025-12-31", engine=engine, operators=("Viettel",),
                          technologies=("4G",))
    a = table.set_index("unit_code").loc["A"]
    assert a["area_coverage_pct_4G"] == pytest.approx(100 * AREA_OF_DISC)
    assert a["area_coverage_pct_4G_Viettel"] == pytest.approx(100 * AREA_OF_DISC)
    assert table.set_index("unit_code").loc["B", "area_coverage_pct_4G_Viettel"] == 0  # B has MobiFone only
    assert not [c for c in table.columns if "2G" in c or "5G" in c or "5g" in c.split(":")[0]]
    assert "shared_site_pct" in table.columns  # a figure of no technology stays
    assert headers(table)["area_coverage_pct_4G_Viettel"] == "4G area coverage (%) · Viettel"


def test_a_comparison_date_gives_the_value_then_and_the_change(tiny, engine):
    table, _ = unit_table(tiny, layer="district", as_of="2025-12-31", engine=engine, then=engine.metrics("2012-06-30"))
    a = table.set_index("unit_code").loc["A"]
    assert a["area_coverage_pct_4G@then"] == 0  # radios on air from 2015
    assert a["area_coverage_pct_4G@change"] == pytest.approx(100 * AREA_OF_DISC)
    assert a["radios_on_air_2G@then"] == 1 and a["radios_on_air_2G@change"] == -1
    assert headers(table, compare=dt.date(2012, 6, 30))["sites_standing@then"] == "Sites standing — Jun 30, 2012"
    assert headers(table)["sites_standing@change"] == "Sites standing: change"


def test_the_two_g_share_is_not_applicable_where_nothing_of_the_baseline_was_built(tiny, engine):
    table, _ = unit_table(tiny, layer="district", as_of="2025-12-31", engine=engine)
    by = table.set_index("unit_code")
    assert by.loc["A", "two_g_off_pct_2G"] == 100 and np.isnan(by.loc["B", "two_g_off_pct_2G"])


def test_the_headline_follows_the_operators_and_technologies(engine):
    now = engine.metrics("2025-12-31")
    every = dict((label, value) for label, value, _ in headline(now, "district", ["A"]))
    assert every["4G area coverage"] == pytest.approx(100 * AREA_OF_DISC) and "5G area coverage" in every
    mine = dict((label, value) for label, value, _ in headline(now, "district", ["B"], operators=("Viettel",),
                                                                  technologies=("4G",)))
    assert mine["4G area coverage · Viettel"] == 0 and mine["4G area coverage"] > 0
    assert "5G area coverage" not in mine and "2G switched off" not in mine
    assert every["2G switched off"] == 100
    assert dict((k, v) for k, v, _ in headline(now, "district", ["B"]))["2G switched off"] is None  # no 2G built


def test_exports_open_cleanly(tiny, engine):
    table, _ = unit_table(tiny, layer="district", as_of="2025-12-31", engine=engine)
    table = table.assign(name=table["name"].where(table["unit_code"] != "A", "=HYPERLINK(1)"))
    with language("vi"):
        xlsx = table_file(table, fmt="xlsx", notices=["SYNTHETIC: tiny"])
        csv = table_file(table, fmt="csv")
    assert csv.startswith("\ufeff".encode())  # a BOM: Excel on Windows reads UTF-8
    assert csv.decode("utf-8-sig").splitlines()[0].startswith("Mã,Tên,")
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    sheet = book["units"]
    head = [c.value for c in sheet[1]]
    assert head[:2] == ["Mã", "Tên"] and sheet.freeze_panes == "C2" and sheet.auto_filter.ref == sheet.dimensions
    cover = head.index("Vùng phủ 4G theo diện tích (%)") + 1
    cell = sheet.cell(row=2, column=cover)
    assert cell.value == round(100 * AREA_OF_DISC, 1) and cell.number_format == '#,##0.0" %"'
    assert sheet.cell(row=2, column=2).value == "'=HYPERLINK(1)" and sheet.cell(row=2, column=2).data_type == "s"
    names = dict(book["columns"].iter_rows(min_row=2, values_only=True))
    assert names["Vùng phủ 4G theo diện tích (%)"] == "area_coverage_pct_4G"
    assert [r[0] for r in book["notices"].iter_rows(min_row=2, values_only=True)] == ["SYNTHETIC: tiny"]


def _titles(spec) -> list[str]:
    """Every title of an altair spec (chart, axes, legends, tooltips)."""
    out = []
    if isinstance(spec, dict):
        for k, v in spec.items():
            if k == "title" and isinstance(v, str):
                out.append(v)
            out += _titles(v)
    elif isinstance(spec, list):
        for v in spec:
            out += _titles(v)
    return out


@pytest.fixture(scope="module")
def series(engine):
    return engine.series(series_dates("2025-12-31", until="2027-12-31"))


def test_the_plan_chart_marks_placeholders_and_names_every_title(tiny, series):
    with language("vi"):
        chart, table, has = plan_view(tiny.targets, series, layer="district", units=["A"],
                                      target_metric="shared_site_pct", as_of=dt.date(2025, 12, 31),
                                      names={"A": "Unit A"})
        spec = chart.to_dict()
    assert has
    hollow = [lay for lay in spec["layer"] if lay["mark"].get("filled") is False and lay["mark"]["shape"] == "diamond"]
    assert len(hollow) == 1 and hollow[0]["encoding"]["stroke"]["title"] == "Mục tiêu"
    data = spec["datasets"][hollow[0]["data"]["name"]]
    assert [row["year"] for row in data] == [2030]  # the placeholder milestone, drawn hollow grey
    titles = _titles(spec)
    assert titles and not [t for t in titles if SNAKE.search(t)], titles
    assert table["status"].tolist() == ["mục tiêu tạm (chưa công bố)"]
    assert not [h for h in plan_headers().values() if SNAKE.search(h)]


def test_the_plan_chart_has_a_line_per_chosen_operator(tiny, series):
    chart, table, _ = plan_view(tiny.targets, series, layer="district", units=["A"],
                                target_metric="area_coverage_4g_pct", as_of=dt.date(2025, 12, 31),
                                operators=("Viettel", "MobiFone"), names={"A": "Unit A"})
    spec = chart.to_dict()
    actual = spec["datasets"][spec["layer"][2]["data"]["name"]]
    assert {row["who"] for row in actual} == {"A Unit A · all operators", "A Unit A · Viettel", "A Unit A · MobiFone"}
    assert table["operator"].tolist() == ["all operators", "Viettel", "MobiFone"]
    assert table["trend"].iloc[2] == "not at current pace"  # MobiFone never covers A


def test_transition_charts_follow_the_technologies_and_operators(series):
    keys = [k for k, _ in transition_charts(series, layer="district", units=[], as_of=dt.date(2025, 12, 31))]
    assert keys == ["2g", "coverage", "5g"]
    charts = dict(transition_charts(series, layer="district", units=["A"], as_of=dt.date(2025, 12, 31),
                                    operators=("Viettel",), technologies=("3G", "4G"), names={"A": "Unit A"}))
    assert list(charts) == ["coverage"]
    spec = charts["coverage"].to_dict()
    who = {row["who"] for row in spec["datasets"][spec["layer"][0]["data"]["name"]]}
    assert who == {"A Unit A · all operators · 3G", "A Unit A · all operators · 4G", "A Unit A · Viettel · 3G",
                   "A Unit A · Viettel · 4G"}
    assert not [t for t in _titles(spec) if SNAKE.search(t)]


def test_the_5g_bars_after_the_as_of_date_are_faint_as_the_lines_are(series):
    five = dict(transition_charts(series, layer="district", units=[], as_of=dt.date(2025, 12, 31)))["5g"]
    spec = five.to_dict()
    rows = spec["datasets"][spec["data"]["name"]]
    assert {(r["year"], r["later"]) for r in rows} >= {(2025, False), (2026, True)}
    assert all(r["later"] == (r["year"] > 2025) for r in rows)
    opacity = spec["encoding"]["opacity"]
    assert opacity["condition"]["value"] == LATER_OPACITY and opacity["value"] == 1.0


def test_a_target_of_the_city_alone_is_shown_as_the_city_s(tiny, series):
    city_only = pd.concat([tiny.targets, pd.DataFrame({"layer": ["district"], "unit_code": ["*"],
                                                       "metric": ["sites_4g"], "year": [2030], "target": [10.0],
                                                       "source": ["Decision 5800"]})], ignore_index=True)
    _, table, has = plan_view(city_only, series, layer="district", units=["A"], target_metric="sites_4g",
                              as_of=dt.date(2025, 12, 31))
    assert has and table["unit_code"].tolist() == ["*"] and table["scope"].tolist() == ["the city's target"]
