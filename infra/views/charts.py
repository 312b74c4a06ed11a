"""Charts of the plan and of the transition, as altair objects (the app shows them; tests read ``to_dict()``).

Every chart draws what the engine measured up to the as-of date solid, what the
inventory's own later dates give faint (scheduled, not yet actual), and the as-of
date as a red rule. Lines are per unit, and per operator when operators are chosen
(all operators together first). Every title, axis, legend and tooltip is in the
current language (:mod:`infra.views.labels`); no identifier is shown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from functools import partial

import altair as alt
import pandas as pd

from infra.contract import ALL, CITY, PLACEHOLDER, TARGET_METRICS
from infra.engine import as_timestamp, select
from infra.i18n import N_, _, current
from infra.plan import path_points, plan_vs_actual
from infra.plan.status import PER_OPERATOR
from infra.views.labels import ALL_OPERATORS, column_label, metric_label, target_label, unit_label
from infra.views.tables import cell_text, scope_text, source_text, status_text, trend_text

AS_OF_COLOUR = "#c0392b"
PLACEHOLDER_COLOUR = "#8c8c8c"
FIVE_G_COLOURS = {"pilot": "#ff7f0e", "commercial": "#d62728"}
FIVE_G_KINDS = {"pilot": N_("pilot"), "commercial": N_("commercial")}
#: Columns of the plan table, in order (their headers: :func:`infra.views.labels.column_label`).
PLAN_COLUMNS = ["unit_code", "name", "operator", "actual", "path", "next_year", "next_target", "gap", "status",
                "trend", "scope", "source"]
PLAN_CAPTION = N_("Solid: actual up to the as-of date (red rule) · faint: what the inventory's own later dates give · "
                  "dashed: target path (straight between baseline and milestones) · ◆ milestone (hollow grey: a "
                  "placeholder target, no official figure yet) · △ year the recent trend meets the next target "
                  "(none when not before 2035) · dotted rules: milestone years.")
TRANSITION_CAPTION = N_("Red rule: the as-of date; faint: what the inventory's own later dates give (not yet "
                        "actual).")


#: Opacity of what a chart shows after the as-of date (planned, or modelled ahead), beside solid history.
LATER_OPACITY = 0.35


def plan_headers() -> dict[str, str]:
    """Header of each column of the plan table, in the current language."""
    own = {"scope": _("What the target covers"), "name": _("Unit")}
    return {c: own.get(c) or column_label(c) for c in PLAN_COLUMNS}


def plan_styled(table: pd.DataFrame) -> pd.io.formats.style.Styler:
    """The plan table for the screen: headers people read (:func:`plan_headers`), numbers in the language."""
    names = plan_headers()
    style = table.rename(columns=names).style
    for col in ("actual", "path", "next_target", "gap", "next_year"):
        style = style.format(partial(cell_text, places=1, blank=True, year=col == "next_year"), subset=[names[col]])
    rest = [names.get(c, c) for c in table.columns if c not in ("actual", "path", "next_target", "gap", "next_year")]
    return style.format(na_rep="", subset=rest)  # a text cell with nothing in it is blank, never "None"


def locale_config() -> dict:
    """Vega's number and time formats in the current language (``1.234,5`` and Vietnamese month names in vi)."""
    if current() != "vi":
        return {}
    months = [f"Tháng {m}" for m in range(1, 13)]
    return {"number": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", " ₫"]},
            "time": {"dateTime": "%A, %e %B %Y, %X", "date": "%d/%m/%Y", "time": "%H:%M:%S",
                     "periods": ["SA", "CH"],
                     "days": ["Chủ nhật", "Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy"],
                     "shortDays": ["CN", "T2", "T3", "T4", "T5", "T6", "T7"],
                     "months": months, "shortMonths": [f"Th{m}" for m in range(1, 13)]}}


def localised(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """``chart`` with the number and time formats of the current language."""
    loc = locale_config()
    return chart.configure(locale=loc) if loc else chart


def _as_of_rule(as_of: dt.date, field: str = "as_of") -> alt.Chart:
    return alt.Chart(pd.DataFrame({field: [as_timestamp(as_of)]})).mark_rule(color=AS_OF_COLOUR).encode(
        x=alt.X(f"{field}:T", title=_("Date")))


def _who(frame: pd.DataFrame, names: Mapping[str, str] | None, with_operator: bool) -> pd.Series:
    """The line's name: the unit ("001 Ba Đình", "Whole city"), and its operator when operators are chosen."""
    names = names or {}
    who = frame["unit_code"].map(lambda c: unit_label(c, names.get(c, "")).strip())
    if with_operator and "operator" in frame:
        ops = frame["operator"].map(lambda o: _(ALL_OPERATORS) if o == ALL else o)
        who = who + " · " + ops
    return who


def _plan_table(plan: pd.DataFrame, names: Mapping[str, str] | None) -> pd.DataFrame:
    """The plan rows for people: statuses, trends, scopes and sources in words."""
    names = names or {}
    out = plan.assign(name=plan["unit_code"].map(lambda c: unit_label(c, names.get(c, "")).strip()),
                      operator=plan["operator"].map(lambda o: _(ALL_OPERATORS) if o == ALL else o),
                      status=plan["status"].map(status_text), trend=plan["trend"].map(trend_text),
                      scope=plan["scope"].map(scope_text),
                      source=plan["source"].map(source_text))
    return out[PLAN_COLUMNS].reset_index(drop=True)


def plan_view(targets: pd.DataFrame, series: pd.DataFrame, *, layer: str, units: Sequence[str], target_metric: str,
              as_of: dt.date, operators: Sequence[str] = (),
              names: Mapping[str, str] | None = None) -> tuple[alt.LayerChart, pd.DataFrame, bool]:
    """The Plan view of one target metric for some units (none = the whole city).

    Parameters
    ----------
    targets
        Canonical targets.
    series
        Engine metrics over the dates of :func:`infra.plan.series_dates` (to the plan's horizon).
    layer, units
        What is shown; empty ``units`` means the city's figure. When no chosen unit has a target for
        the metric but the city has, the city's line and target are shown (its rows say "the city's target").
    target_metric
        A key of :data:`infra.contract.TARGET_METRICS`.
    as_of
        The date of the view.
    operators
        A line (and a plan row) per chosen operator beside all operators', when the metric is measured
        per operator.
    names
        Unit code → name, for the legend and the table.

    Returns
    -------
    chart : altair.LayerChart
        Milestone years, target paths, actual (solid, then faint after ``as_of``), the
        as-of rule, milestones (◆, official), placeholder milestones (hollow grey ◆, with a
        legend entry) and the year the trend meets the next target (△).
    table : pandas.DataFrame
        One row per unit (and operator): :data:`PLAN_COLUMNS`, in words.
    has_target : bool
        False when no selected unit (nor the city) has a target for this metric.
    """
    codes = list(units) or [CITY]
    t = as_timestamp(as_of)
    metric, tech, op = TARGET_METRICS[target_metric]
    mine = targets[(targets["layer"] == layer) & (targets["metric"] == target_metric) & targets["target"].notna()]
    if not mine["unit_code"].isin(codes).any() and (mine["unit_code"] == CITY).any():
        codes = [*codes, CITY]  # a city-wide target only: show the city's line against it
    ops = [o for o in operators if o != ALL] if metric in PER_OPERATOR else []
    plan = plan_vs_actual(targets, series, as_of=t, layer=layer, operators=ops)
    plan = plan[(plan["target_metric"] == target_metric) & plan["unit_code"].isin(codes)]
    actual = select(series, layer=layer, units=codes, metric=metric, technology=tech, operator=[op, *ops])
    actual = actual.assign(who=_who(actual, names, bool(ops)))
    tg = mine[mine["unit_code"].isin(codes)]
    tg = tg.assign(date=pd.to_datetime(tg["year"].astype(str) + "-12-31"), who=_who(tg, names, False),
                   source_text=tg["source"].map(source_text),
                   kind=_("placeholder target (no official figure)"))
    placeholder = tg["source"] == PLACEHOLDER
    path = path_points(plan[plan["operator"] == op], targets)
    path = path.assign(who=_who(path, names, False))
    projected = plan[plan["trend_year"].notna() & (plan["trend"] != "achieved")]
    projected = projected.assign(date=pd.to_datetime(projected["trend_year"].astype(int).astype(str) + "-12-31"),
                                 who=_who(projected, names, bool(ops)), trend_words=projected["trend"].map(trend_text))
    title = target_label(target_metric)
    who = alt.Color("who:N", title=_("Unit"))
    when = pd.to_datetime(actual["as_of"])
    value = alt.Tooltip("value:Q", title=title, format=".1f")
    unit_tip = alt.Tooltip("who:N", title=_("Unit"))
    layers = [
        alt.Chart(pd.DataFrame({"date": pd.to_datetime(sorted({f"{y}-12-31" for y in tg["year"]}))}))
        .mark_rule(color="#999", strokeDash=[2, 2]).encode(x=alt.X("date:T", title=_("Date"))),  # milestone years
        alt.Chart(path).mark_line(strokeDash=[6, 4]).encode(
            x=alt.X("date:T", title=_("Date")), y=alt.Y("value:Q", title=title), color=who,
            tooltip=[unit_tip, alt.Tooltip("date:T", title=_("Date")),
                     alt.Tooltip("value:Q", title=_("Target path"), format=".1f")]),
        alt.Chart(actual[when <= t]).mark_line(point=True).encode(
            x=alt.X("as_of:T", title=_("Date")), y=alt.Y("value:Q", title=title), color=who,
            tooltip=[unit_tip, alt.Tooltip("as_of:T", title=_("Date")), value]),
        alt.Chart(actual[when >= t]).mark_line(point=True, opacity=LATER_OPACITY).encode(
            x=alt.X("as_of:T", title=_("Date")), y=alt.Y("value:Q", title=title), color=who,
            tooltip=[unit_tip, alt.Tooltip("as_of:T", title=_("Scheduled at")), value]),
        _as_of_rule(as_of, "date"),
        alt.Chart(tg[~placeholder]).mark_point(shape="diamond", size=120, filled=True).encode(
            x=alt.X("date:T", title=_("Date")), y=alt.Y("target:Q", title=title), color=who,
            tooltip=[unit_tip, alt.Tooltip("year:O", title=_("Year")),
                     alt.Tooltip("target:Q", title=_("Target"), format=".1f"),
                     alt.Tooltip("source_text:N", title=_("Source of the target"))]),
        alt.Chart(tg[placeholder]).mark_point(shape="diamond", size=120, filled=False, strokeWidth=2).encode(
            x=alt.X("date:T", title=_("Date")), y=alt.Y("target:Q", title=title),
            stroke=alt.Stroke("kind:N", title=_("Target"),
                              scale=alt.Scale(range=[PLACEHOLDER_COLOUR])),
            tooltip=[unit_tip, alt.Tooltip("year:O", title=_("Year")),
                     alt.Tooltip("target:Q", title=_("Target"), format=".1f"),
                     alt.Tooltip("source_text:N", title=_("Source of the target"))]),
        alt.Chart(projected).mark_point(shape="triangle-up", size=140, filled=False, strokeWidth=2).encode(
            x=alt.X("date:T", title=_("Date")), y=alt.Y("next_target:Q", title=title), color=who,
            tooltip=[unit_tip, alt.Tooltip("trend_words:N", title=_("Trend meets target")),
                     alt.Tooltip("next_target:Q", title=_("Target"), format=".1f")]),
    ]
    chart = alt.layer(*layers).resolve_scale(color="shared").properties(title=title)
    return localised(chart), _plan_table(plan, names), not tg.empty


def over_time(frame: pd.DataFrame, *, title: str, as_of: dt.date) -> alt.LayerChart:
    """One line per ``who`` (unit, operator, technology): values up to ``as_of`` solid, later ones faint."""
    t = as_timestamp(as_of)
    when = pd.to_datetime(frame["as_of"])

    def line(part: pd.DataFrame, opacity: float) -> alt.Chart:
        return alt.Chart(part).mark_line(point=True, opacity=opacity).encode(
            x=alt.X("as_of:T", title=_("Date")), y=alt.Y("value:Q", title=title),
            color=alt.Color("who:N", title=_("Unit")),
            tooltip=[alt.Tooltip("who:N", title=_("Unit")), alt.Tooltip("as_of:T", title=_("Date")),
                     alt.Tooltip("value:Q", title=title, format=",.1f")])

    return localised(alt.layer(line(frame[when <= t], 1.0), line(frame[when >= t], LATER_OPACITY),
                               _as_of_rule(as_of)).properties(title=title))


def transition_charts(series: pd.DataFrame, *, layer: str, units: Sequence[str], as_of: dt.date,
                      operators: Sequence[str] = (), technologies: Sequence[str] = (),
                      names: Mapping[str, str] | None = None) -> list[tuple[str, alt.TopLevelMixin]]:
    """The Transition view: 2G radios on air, area coverage, and 5G pilot vs commercial sites per year end.

    Parameters
    ----------
    series
        Engine metrics over the dates of :func:`infra.plan.series_dates`.
    layer, units
        What is shown; empty ``units`` means the whole city.
    as_of
        The date of the view.
    operators
        A line (a bar group) per chosen operator beside all operators together.
    technologies
        Only the charts and lines of these technologies: the 2G chart with 2G, the coverage chart
        for each chosen technology (4G when none is chosen), the 5G chart with 5G.
    names
        Unit code → name, for the legends.

    Returns
    -------
    list of (key, chart)
        ``2g`` (2G radios on air), ``coverage`` (area coverage) and ``5g`` (5G sites), those the
        technologies ask for, in that order.
    """
    ops = [o for o in operators if o != ALL]
    part = select(series, layer=layer, units=list(units) or [CITY], operator=[ALL, *ops])
    shown = list(technologies) or ["2G", "4G", "5G"]
    out: list[tuple[str, alt.TopLevelMixin]] = []
    if "2G" in shown:
        g2 = select(part, metric="radios_on_air", technology="2G")
        out.append(("2g", over_time(g2.assign(who=_who(g2, names, bool(ops))),
                                    title=metric_label("radios_on_air", "2G"), as_of=as_of)))
    coverage = list(technologies) or ["4G"]
    cov = select(part, metric="area_coverage_pct", technology=coverage)
    who = _who(cov, names, bool(ops))
    if len(coverage) > 1:
        who = who + " · " + cov["technology"]
    title = metric_label("area_coverage_pct", coverage[0]) if len(coverage) == 1 else metric_label(
        "area_coverage_pct")
    out.append(("coverage", over_time(cov.assign(who=who), title=title, as_of=as_of)))
    if "5G" in shown:
        g5 = select(part, metric=["sites_5g_pilot", "sites_5g_commercial"])
        g5 = g5[pd.to_datetime(g5["as_of"]).dt.is_year_end]
        kinds = {k: _(v) for k, v in FIVE_G_KINDS.items()}
        g5 = g5.assign(kind=g5["metric"].map({"sites_5g_pilot": kinds["pilot"],
                                              "sites_5g_commercial": kinds["commercial"]}),
                       who=_who(g5, names, bool(ops)), year=pd.to_datetime(g5["as_of"]).dt.year,
                       later=pd.to_datetime(g5["as_of"]) > as_timestamp(as_of))
        five = alt.Chart(g5).mark_bar().encode(  # years after the as-of date faint, as the lines' later values
            x=alt.X("year:O", title=_("End of year")), y=alt.Y("value:Q", title=_("5G sites"), stack=True),
            opacity=alt.condition(alt.datum.later, alt.value(LATER_OPACITY), alt.value(1.0)),
            color=alt.Color("kind:N", title="5G", scale=alt.Scale(domain=list(kinds.values()),
                                                                  range=list(FIVE_G_COLOURS.values()))),
            column=alt.Column("who:N", title=_("Unit")),
            tooltip=[alt.Tooltip("who:N", title=_("Unit")), alt.Tooltip("year:O", title=_("End of year")),
                     alt.Tooltip("kind:N", title="5G"), alt.Tooltip("value:Q", title=_("5G sites"))])
        out.append(("5g", localised(five)))
    return out
