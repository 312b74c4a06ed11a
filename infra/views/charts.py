"""Charts of the plan and of the transition, as altair objects (the app shows them; tests read ``to_dict()``).

Every chart draws what the engine measured up to the as-of date solid, what the
inventory's own later dates give faint (scheduled, not yet actual), and the as-of
date as a red rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import altair as alt
import pandas as pd

from infra.contract import CITY, TARGET_METRICS
from infra.engine import as_timestamp, select
from infra.plan import path_points, plan_vs_actual

AS_OF_COLOUR = "#c0392b"
FIVE_G_COLOURS = {"pilot": "#ff7f0e", "commercial": "#d62728"}
#: Columns of the plan table, in order.
PLAN_COLUMNS = ["unit_code", "actual", "path", "next_year", "next_target", "gap", "status", "trend", "source"]
PLAN_CAPTION = ("Solid: actual up to the as-of date (red rule) · faint: what the inventory's own later dates give · "
                "dashed: target path (straight between baseline and milestones) · ◆ milestone · △ year the recent "
                "trend meets the next target · dotted rules: milestone years.")
TRANSITION_CAPTION = "Red rule: the as-of date; faint: what the inventory's own later dates give (not yet actual)."


def _as_of_rule(as_of: dt.date, field: str = "as_of") -> alt.Chart:
    return alt.Chart(pd.DataFrame({field: [as_timestamp(as_of)]})).mark_rule(color=AS_OF_COLOUR).encode(
        x=f"{field}:T")


def plan_view(targets: pd.DataFrame, series: pd.DataFrame, *, layer: str, units: Sequence[str], target_metric: str,
              as_of: dt.date) -> tuple[alt.LayerChart, pd.DataFrame, bool]:
    """The Plan view of one target metric for some units (none = the whole city).

    Parameters
    ----------
    targets
        Canonical targets.
    series
        Engine metrics over the dates of :func:`infra.plan.series_dates` (to the plan's horizon).
    layer, units
        What is shown; empty ``units`` means the city's figure.
    target_metric
        A key of :data:`infra.contract.TARGET_METRICS`.
    as_of
        The date of the view.

    Returns
    -------
    chart : altair.LayerChart
        Milestone years, target paths, actual (solid, then faint after ``as_of``), the
        as-of rule, milestones (◆) and the year the trend meets the next target (△).
    table : pandas.DataFrame
        One row per unit: :data:`PLAN_COLUMNS`.
    has_target : bool
        False when no selected unit has a target for this metric.
    """
    codes = list(units) or [CITY]
    t = as_timestamp(as_of)
    plan = plan_vs_actual(targets, series, as_of=t, layer=layer)
    plan = plan[(plan["target_metric"] == target_metric) & plan["unit_code"].isin(codes)]
    metric, tech, op = TARGET_METRICS[target_metric]
    actual = select(series, layer=layer, units=codes, metric=metric, technology=tech, operator=op)
    tg = targets[(targets["layer"] == layer) & (targets["metric"] == target_metric) & targets["unit_code"].isin(codes)]
    path = path_points(plan, targets)
    projected = plan[plan["trend_year"].notna() & (plan["trend"] != "achieved")].assign(
        date=lambda f: pd.to_datetime(f["trend_year"].astype(int).astype(str) + "-12-31"))
    unit = alt.Color("unit_code:N", title="unit")
    when = pd.to_datetime(actual["as_of"])
    layers = [
        alt.Chart(pd.DataFrame({"date": pd.to_datetime(sorted({f"{y}-12-31" for y in tg["year"]}))}))
        .mark_rule(color="#999", strokeDash=[2, 2]).encode(x="date:T"),  # the milestone years
        alt.Chart(path).mark_line(strokeDash=[6, 4]).encode(x="date:T", y="value:Q", color=unit),  # target path
        alt.Chart(actual[when <= t]).mark_line(point=True).encode(
            x=alt.X("as_of:T", title="date"), y=alt.Y("value:Q", title=target_metric), color=unit,
            tooltip=["unit_code", alt.Tooltip("as_of:T", title="date"), alt.Tooltip("value:Q", format=".1f")]),
        alt.Chart(actual[when >= t]).mark_line(point=True, opacity=0.35).encode(
            x="as_of:T", y="value:Q", color=unit,  # what the inventory's own future dates give: not yet actual
            tooltip=["unit_code", alt.Tooltip("as_of:T", title="scheduled at"), alt.Tooltip("value:Q", format=".1f")]),
        _as_of_rule(as_of, "date"),
        alt.Chart(tg.assign(date=pd.to_datetime(tg["year"].astype(str) + "-12-31"))).mark_point(
            shape="diamond", size=120, filled=True).encode(x="date:T", y="target:Q", color=unit,
                                                          tooltip=["unit_code", "year", "target", "source"]),
        alt.Chart(projected).mark_point(shape="triangle-up", size=140, filled=False, strokeWidth=2).encode(
            x="date:T", y="next_target:Q", color=unit,
            tooltip=["unit_code", alt.Tooltip("trend:N", title="trend meets target in"), "next_target"]),
    ]
    return alt.layer(*layers), plan[PLAN_COLUMNS], not tg.empty


def over_time(frame: pd.DataFrame, *, title: str, as_of: dt.date) -> alt.LayerChart:
    """One line per unit: values up to ``as_of`` solid, later ones faint, and the as-of rule."""
    t = as_timestamp(as_of)
    when = pd.to_datetime(frame["as_of"])

    def line(part: pd.DataFrame, opacity: float) -> alt.Chart:
        return alt.Chart(part).mark_line(point=True, opacity=opacity).encode(
            x=alt.X("as_of:T", title="date"), y=alt.Y("value:Q", title=title),
            color=alt.Color("unit_code:N", title="unit"),
            tooltip=["unit_code", "as_of:T", alt.Tooltip("value:Q", format=",.1f")])

    return alt.layer(line(frame[when <= t], 1.0), line(frame[when >= t], 0.35), _as_of_rule(as_of))


def transition_charts(series: pd.DataFrame, *, layer: str, units: Sequence[str],
                      as_of: dt.date) -> tuple[alt.LayerChart, alt.LayerChart, alt.Chart]:
    """The Transition view: 2G radios on air, 4G area coverage, and 5G pilot vs commercial sites per year end.

    Parameters
    ----------
    series
        Engine metrics over the dates of :func:`infra.plan.series_dates`.
    layer, units
        What is shown; empty ``units`` means the whole city.
    as_of
        The date of the view.
    """
    part = select(series, layer=layer, units=list(units) or [CITY], operator="*")
    g2 = select(part, metric="radios_on_air", technology="2G")
    g4 = select(part, metric="area_coverage_pct", technology="4G")
    g5 = select(part, metric=["sites_5g_pilot", "sites_5g_commercial"])
    g5 = g5[pd.to_datetime(g5["as_of"]).dt.is_year_end]
    g5 = g5.assign(kind=g5["metric"].map({"sites_5g_pilot": "pilot", "sites_5g_commercial": "commercial"}))
    five = alt.Chart(g5).mark_bar().encode(
        x=alt.X("year(as_of):O", title="end of year"), y=alt.Y("value:Q", title="5G sites", stack=True),
        color=alt.Color("kind:N", title="5G", scale=alt.Scale(domain=list(FIVE_G_COLOURS),
                                                              range=list(FIVE_G_COLOURS.values()))),
        column=alt.Column("unit_code:N", title="unit"), tooltip=["unit_code", "year(as_of):O", "kind", "value"])
    return (over_time(g2, title="2G radios on air", as_of=as_of),
            over_time(g4, title="4G area coverage (%)", as_of=as_of), five)
