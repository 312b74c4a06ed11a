"""Plan vs actual: target path, status, gap, trend."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from infra.engine import Engine
from infra.plan import NOT_AT_PACE, path_points, plan_vs_actual, series_dates, target_path
from infra.plan.series import HORIZON, SERIES_START
from infra.views import unit_table


def series(values: dict[str, float], metric="shared_site_pct", tech="*", unit="001"):
    return pd.DataFrame({"layer": "district", "unit_code": unit, "as_of": pd.to_datetime(list(values)),
                         "metric": metric, "technology": tech, "operator": "*", "value": list(values.values())})


def targets(rows, metric="shared_site_pct", unit="001"):
    return pd.DataFrame([{"layer": "district", "unit_code": unit, "metric": metric, "year": y, "target": v,
                          "source": s} for y, v, s in rows])


def test_target_path_is_linear_between_baseline_and_milestones():
    base = (pd.Timestamp("2020-12-31"), 10.0)
    assert target_path(base, [(2025, 60.0), (2030, 60.0)], pd.Timestamp("2023-01-01")) == pytest.approx(30.0, 0.01)
    assert target_path(base, [(2025, 60.0)], pd.Timestamp("2028-01-01")) == 60.0


@pytest.mark.parametrize(
    ("values", "status"),
    [({"2020-12-31": 10, "2022-12-31": 40}, "on track"),   # path at end-2022: 30
     ({"2020-12-31": 10, "2022-12-31": 20}, "behind"),
     ({"2020-12-31": 10, "2022-12-31": 70}, "achieved")],
)
def test_status(values, status):
    out = plan_vs_actual(targets([(2025, 60.0, "Decision 5800")]), series(values), as_of="2022-12-31")
    row = out.iloc[0]
    assert row["status"] == status
    assert row["gap"] == pytest.approx(60 - list(values.values())[-1])
    assert row["path"] == pytest.approx(30.0, rel=0.01)


def test_placeholder_targets_are_marked_but_still_compared():
    out = plan_vs_actual(targets([(2025, 60.0, "placeholder")]), series({"2020-12-31": 10, "2022-12-31": 20}),
                         as_of="2022-12-31")
    assert out.iloc[0]["status"] == "placeholder target"
    assert out.iloc[0]["status_vs_placeholder"] == "behind"


def test_trend_year_and_not_at_pace():
    rising = series({"2021-12-31": 20, "2022-12-31": 30, "2023-12-31": 40})
    out = plan_vs_actual(targets([(2030, 80.0, "s")]), rising, as_of="2023-12-31")
    assert out.iloc[0]["trend"] == "2028" and out.iloc[0]["trend_year"] == 2028
    flat = series({"2021-12-31": 20, "2022-12-31": 20, "2023-12-31": 20})
    assert plan_vs_actual(targets([(2030, 80.0, "s")]), flat, as_of="2023-12-31").iloc[0]["trend"] == NOT_AT_PACE


def test_missing_actual_is_no_data():
    out = plan_vs_actual(targets([(2025, 60.0, "s")], metric="pop_coverage_5g_pct"), series({"2022-12-31": 5}),
                         as_of="2022-12-31")
    assert out.iloc[0]["status"] == "no data"


def test_path_points_draw_the_path_the_status_uses():
    s = series({"2019-12-31": 10, "2021-12-31": 25, "2023-12-31": 30})
    tg = targets([(2020, 20.0, "a"), (2025, 60.0, "b"), (2030, 80.0, "c")])
    plan = plan_vs_actual(tg, s, as_of="2023-12-31")
    pts = path_points(plan, tg)
    assert pts["kind"].tolist() == ["baseline", "milestone", "milestone", "milestone"]
    assert pts["date"].is_monotonic_increasing
    x = pts["date"].map(pd.Timestamp.toordinal).to_numpy(float)
    at = float(np.interp(pd.Timestamp("2023-12-31").toordinal(), x, pts["value"].to_numpy()))
    assert at == pytest.approx(plan.iloc[0]["path"], rel=1e-3)  # the drawn path passes through the status' path
    none = plan_vs_actual(targets([(2025, 60.0, "s")], metric="pop_coverage_5g_pct"), s, as_of="2023-12-31")
    assert path_points(none, tg).empty  # no data, no path


def test_float_noise_below_a_target_counts_as_achieved():
    noisy = series({"2021-12-31": 90.0, "2022-12-31": 99.99999999999995})  # a covered area summed over tiles
    row = plan_vs_actual(targets([(2025, 100.0, "s")]), noisy, as_of="2022-12-31").iloc[0]
    assert row["status"] == "achieved" and row["gap"] == 0 and row["trend"] == "achieved"
    short = series({"2021-12-31": 90.0, "2022-12-31": 99.9})
    assert plan_vs_actual(targets([(2025, 100.0, "s")]), short, as_of="2022-12-31").iloc[0]["status"] != "achieved"


def test_each_unit_is_compared_with_its_own_history_whatever_else_the_series_holds():
    units = [f"{i:03d}" for i in range(1, 7)]
    own = {u: series({"2020-12-31": 5.0 * i, "2021-12-31": 12.0 * i, "2022-12-31": 15.0 * i}, unit=u)
           for i, u in enumerate(units, 1)}
    noise = [series({"2022-12-31": 99.0}, metric="area_coverage_pct", tech="4G", unit=u) for u in units]
    noise.append(series({"2022-12-31": 99.0}, unit="001").assign(layer="commune_2025"))
    noise.append(series({"2022-12-31": 99.0}, unit="001").assign(operator="Viettel"))
    noise.append(series({"2023-12-31": 99.0}, unit="001"))  # after as_of
    mixed = pd.concat([*own.values(), *noise]).sample(frac=1.0, random_state=3)  # any row order
    tg = pd.concat([targets([(2025, 60.0, "s")], unit=u) for u in units])
    together = plan_vs_actual(tg, mixed, as_of="2022-12-31", layer="district").set_index("unit_code")
    for u in units:
        alone = plan_vs_actual(targets([(2025, 60.0, "s")], unit=u), own[u], as_of="2022-12-31").iloc[0]
        for col in ("actual", "baseline", "path", "gap", "status", "trend"):
            assert together.loc[u, col] == alone[col], (u, col)
    # path at end-2022: 5i + (60 − 5i)·2/5 = 24 + 3i against an actual of 15i
    assert together["status"].tolist() == ["behind", "on track", "on track", "achieved", "achieved", "achieved"]


@pytest.fixture(scope="module")
def district_series(default_ds):
    """Every quarter end 2019-2026, the as-of dates and the year ends to 2030, once: a series at a subset of
    these dates is this one's rows at those dates (the engine answers each date on its own)."""
    eng = Engine.from_dataset(default_ds, layer="district")
    dates = sorted({*pd.date_range(SERIES_START, "2026-12-31", freq="QE"), pd.Timestamp("2026-12-01"),
                    *pd.date_range("2026-12-31", HORIZON, freq="YE")})
    return eng, eng.series(dates)


def at(series, dates):
    return series[pd.to_datetime(series["as_of"]).isin(dates)]


@pytest.mark.parametrize("as_of", ["2025-12-31", "2026-12-01"])
def test_the_series_policy_gives_the_plan_of_every_quarter_end(default_ds, district_series, as_of):
    _, s = district_series
    every = [*(d for d in pd.date_range(SERIES_START, as_of, freq="QE") if d < pd.Timestamp(as_of)),
             pd.Timestamp(as_of)]
    dates = series_dates(as_of)
    assert len(dates) < len(every) and set(dates) <= set(every)
    full = plan_vs_actual(default_ds.targets, at(s, every), as_of=as_of, layer="district")
    ours = plan_vs_actual(default_ds.targets, at(s, dates), as_of=as_of, layer="district")
    pd.testing.assert_frame_equal(ours, full)
    assert full["trend_year"].notna().any()


def test_the_app_and_the_cli_give_the_same_unit_table(default_ds, district_series):
    """The app reads the series to the plan's horizon, the CLI to the date: the same table, trend years included."""
    eng, s = district_series
    as_of = "2025-12-31"
    cli, _ = unit_table(default_ds, layer="district", as_of=as_of, engine=eng, series=at(s, series_dates(as_of)))
    app, _ = unit_table(default_ds, layer="district", as_of=as_of, engine=eng,
                        series=at(s, series_dates(as_of, until=HORIZON)))
    pd.testing.assert_frame_equal(pd.DataFrame(app), pd.DataFrame(cli))
    assert cli.filter(like=":trend").notna().any().any()


def test_a_trend_that_meets_its_target_after_2035_is_not_at_current_pace():
    slow = series({"2021-12-31": 20, "2022-12-31": 21, "2023-12-31": 22})  # +1 a year: 80 in 2081
    row = plan_vs_actual(targets([(2030, 80.0, "s")]), slow, as_of="2023-12-31").iloc[0]
    assert row["trend"] == NOT_AT_PACE and np.isnan(row["trend_year"])
    by_2035 = series({"2021-12-31": 20, "2022-12-31": 25, "2023-12-31": 30})  # +5 a year: 80 in 2033
    assert plan_vs_actual(targets([(2030, 80.0, "s")]), by_2035, as_of="2023-12-31").iloc[0]["trend"] == "2034"


def test_placeholder_flag_follows_the_next_target():
    hist = series({"2020-12-31": 10, "2022-12-31": 20})
    both = targets([(2020, 30.0, "Decision 5800"), (2025, 60.0, "placeholder")])
    assert bool(plan_vs_actual(both, hist, as_of="2022-12-31").iloc[0]["placeholder"])
    assert not bool(plan_vs_actual(both, hist, as_of="2020-12-31").iloc[0]["placeholder"])


def test_each_chosen_operator_is_compared_with_the_target():
    rows = []
    for op, values in (("*", [40.0, 60.0]), ("Viettel", [50.0, 90.0]), ("MobiFone", [10.0, 20.0])):
        s = series(dict(zip(["2020-12-31", "2022-12-31"], values, strict=True)), metric="area_coverage_pct",
                   tech="4G")
        rows.append(s.assign(operator=op))
    hist = pd.concat(rows, ignore_index=True)
    tg = targets([(2025, 80.0, "s")], metric="area_coverage_4g_pct")
    out = plan_vs_actual(tg, hist, as_of="2022-12-31", operators=("Viettel", "MobiFone"))
    assert out["operator"].tolist() == ["*", "Viettel", "MobiFone"]
    assert out["actual"].tolist() == [60.0, 90.0, 20.0]  # Viettel, above the 80 % target: achieved
    assert out.set_index("operator")["status"].to_dict() == {"*": "on track", "Viettel": "achieved",
                                                             "MobiFone": "behind"}
    shared = plan_vs_actual(targets([(2025, 60.0, "s")]), series({"2020-12-31": 10, "2022-12-31": 20}),
                            as_of="2022-12-31", operators=("Viettel",))
    assert shared["operator"].tolist() == ["*"]  # shared sites are not measured per operator
