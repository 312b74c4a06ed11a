"""Names people read for the engine's identifiers: metrics, layers, statuses, technologies, table columns.

No snake_case identifier reaches a page: a view shows ``metric_label("area_coverage_pct",
"4G")`` ("4G area coverage (%)", in Vietnamese "Vùng phủ 4G theo diện tích (%)"),
never the id. Every function translates in the current language (:mod:`infra.i18n`).
"""

from __future__ import annotations

from collections.abc import Mapping

from infra.contract import CITY, TARGET_METRICS
from infra.i18n import N_, _

#: Engine metric → its name; ``{tech}`` is the technology ("" when all).
METRICS: dict[str, str] = {
    "area_km2": N_("Area (km²)"),
    "population": N_("Population"),
    "area_coverage_pct": N_("{tech} area coverage (%)"),
    "covered_area_km2": N_("{tech} covered area (km²)"),
    "pop_coverage_pct": N_("{tech} population coverage (%)"),
    "sites_standing": N_("Sites standing"),
    "sites_on_air": N_("{tech} sites on air"),
    "radios_on_air": N_("{tech} radios on air"),
    "two_g_off_pct": N_("2G switched off (% of the 2024 baseline)"),
    "two_g_baseline_radios": N_("2G radios of the 2024 baseline"),
    "two_g_baseline_built": N_("2G baseline radios built by the date"),
    "two_g_baseline_on_air": N_("2G baseline radios still on air"),
    "sites_5g_pilot": N_("5G pilot sites"),
    "sites_5g_commercial": N_("5G commercial sites"),
    "shared_site_pct": N_("Shared sites (%)"),
    "shared_sites": N_("Shared sites"),
    "bulky_masts_in_zones": N_("Bulky masts in restricted zones"),
    "bulky_masts_converted_pct": N_("Bulky masts converted (%)"),
    "new_sites_since_2017": N_("New sites since 2017"),
}
#: Target metric (of the plan) → its name.
TARGETS: dict[str, str] = {
    "area_coverage_4g_pct": N_("4G area coverage (%)"),
    "pop_coverage_4g_pct": N_("4G population coverage (%)"),
    "pop_coverage_5g_pct": N_("5G population coverage (%)"),
    "two_g_radios_off_pct": N_("2G radios switched off (%)"),
    "shared_site_pct": N_("Shared sites (%)"),
    "bulky_masts_converted_pct": N_("Bulky masts converted (%)"),
    "sites_4g": N_("4G sites"),
    "new_masts_since_2017": N_("New masts since 2017"),
}
LAYERS: dict[str, str] = {"district": N_("Districts 2017–2025 (the plan's units)"),
                          "commune_2025": N_("Communes and wards since 1 Jul 2025")}
LAYER_SHORT: dict[str, str] = {"district": N_("district"), "commune_2025": N_("commune or ward")}
STATUSES: dict[str, str] = {"achieved": N_("achieved"), "on track": N_("on track"), "behind": N_("behind"),
                            "placeholder target": N_("placeholder target"), "no target": N_("no target"),
                            "not applicable": N_("not applicable")}
#: Columns of tables and exports that are not metrics.
COLUMNS: dict[str, str] = {
    "unit_code": N_("Code"), "name": N_("Name"), "unit_type": N_("Type"), "as_of": N_("As of"),
    "layer": N_("Layer"), "operator": N_("Operator"), "technology": N_("Technology"), "value": N_("Value"),
    "actual": N_("Actual"), "path": N_("Target path"), "next_year": N_("Target year"),
    "next_target": N_("Target"), "gap": N_("Gap"), "status": N_("Status"), "trend": N_("Trend meets target"),
    "source": N_("Source of the target"), "site_id": N_("Site id"), "mast_class": N_("Mast class"),
    "owner": N_("Owner"), "operators": N_("Operators"), "built_on": N_("Built on"),
    "removed_on": N_("Removed on"), "former_districts": N_("Former district(s)"),
    "units_2025": N_("2025 communes and wards"), "change": N_("Change"), "date": N_("Date"),
    "target_metric": N_("Target metric"), "year": N_("Year"), "target": N_("Target"),
}
#: Sub-columns of a target metric in the Units table (``<target metric>:<part>``).
TARGET_PARTS: dict[str, str] = {"next_target": N_("target"), "next_year": N_("target year"), "path": N_("path"),
                                "gap": N_("gap"), "status": N_("status"), "trend": N_("trend"),
                                "source": N_("source")}
#: Frames of a dataset (provenance keys) → their names.
FRAMES: dict[str, str] = {"units": N_("boundaries"), "sites": N_("sites"), "radios": N_("radios"),
                          "zones": N_("restricted zones"), "targets": N_("targets"), "population": N_("population")}
ALL_OPERATORS = N_("all operators")
ALL_TECHNOLOGIES = N_("all technologies")


def metric_label(metric: str, technology: str = "*", operator: str = "*") -> str:
    """The name of an engine metric for a technology and an operator.

    Examples
    --------
    >>> metric_label("area_coverage_pct", "4G")
    '4G area coverage (%)'
    >>> metric_label("sites_on_air", "*", "Viettel")
    'Sites on air · Viettel'
    """
    tech = "" if technology in ("*", "", None) else technology
    text = " ".join(_(METRICS[metric]).format(tech=tech).split()) if metric in METRICS else _humanise(metric)
    text = text[:1].upper() + text[1:]
    return text if operator in ("*", "", None) else f"{text} · {operator}"


def target_label(target_metric: str) -> str:
    """The name of a target metric of the plan."""
    if target_metric in TARGETS:
        return _(TARGETS[target_metric])
    if target_metric in TARGET_METRICS:
        return metric_label(*TARGET_METRICS[target_metric])
    return _humanise(target_metric)


def layer_label(layer: str, short: bool = False) -> str:
    """The name of an admin layer (``short``: what one unit of it is called)."""
    table = LAYER_SHORT if short else LAYERS
    return _(table[layer]) if layer in table else _("layer {name}").format(name=layer)


def status_label(status: object) -> str:
    """A plan status (``achieved``, ``on track``…) in words; empty for a missing one."""
    if not isinstance(status, str) or not status:
        return ""
    return _(STATUSES[status]) if status in STATUSES else status


def frame_label(frame: str) -> str:
    """What a frame of the dataset holds, in words (``radios`` → "radios", in Vietnamese "thiết bị vô tuyến")."""
    return _(FRAMES[frame]) if frame in FRAMES else _humanise(frame)


def sources_line(provenance: Mapping[str, object]) -> str:
    """Where every frame of a dataset comes from, in words: "Sources: boundaries: …; sites: …" (plain text).

    ``provenance`` maps a frame to its provenance (anything with a ``source``), as ``Dataset.provenance``.
    """
    return _("Sources: {sources}").format(
        sources="; ".join(f"{frame_label(k)}: {getattr(p, 'source', p)}" for k, p in provenance.items()))


#: The mast classes that are words, not planning codes (A1a…A2b stay codes: DOMAIN.md).
MAST_WORDS = {"pole": N_("pole / small cell"), "indoor": N_("indoor system"), "unknown": N_("class unknown")}


def mast_label(mast_class: str) -> str:
    """A mast class for a legend: a planning code as it is (``A2b``), a word in the page's language (``pole``)."""
    return _(MAST_WORDS[mast_class]) if mast_class in MAST_WORDS else mast_class


#: Vietnam's kinds of administrative unit (:data:`infra.settings.UNIT_TYPES`), in words: the English
#: keeps the Vietnamese term beside its meaning, since documents name units by it.
UNIT_TYPE_WORDS = {"quận": N_("urban district (quận)"), "huyện": N_("rural district (huyện)"),
                   "thị xã": N_("town (thị xã)"), "phường": N_("ward (phường)"), "xã": N_("commune (xã)"),
                   "thị trấn": N_("township (thị trấn)")}


def unit_type_label(kind: object) -> str:
    """A unit's kind (``quận``, ``xã``…) in the current language; empty for none, as given for another."""
    if not isinstance(kind, str):
        return ""
    return _(UNIT_TYPE_WORDS[kind]) if kind in UNIT_TYPE_WORDS else kind


def unit_label(code: str, name: str) -> str:
    """``"001 Ba Đình"``; the whole city's row reads "Whole city"."""
    return _("Whole city") if code == CITY else f"{code} {name}"


def column_label(column: str) -> str:
    """The header of a table or export column.

    Plain columns, metric columns (``area_coverage_pct_4G``, ``sites_on_air_4G_Viettel``)
    and target columns (``pop_coverage_5g_pct:status``).

    Examples
    --------
    >>> column_label("area_coverage_pct_4G")
    '4G area coverage (%)'
    >>> column_label("pop_coverage_5g_pct:status")
    '5G population coverage (%): status'
    >>> column_label("unit_code")
    'Code'
    """
    if ":" in column:
        target, part = column.split(":", 1)
        return f"{target_label(target)}: {_(TARGET_PARTS.get(part, part))}"
    if column in COLUMNS:
        return _(COLUMNS[column])
    if column in METRICS:
        return metric_label(column)
    for metric in sorted(METRICS, key=len, reverse=True):
        if column.startswith(metric + "_"):
            rest = column[len(metric) + 1:].split("_", 1)
            tech = rest[0] if rest[0] in ("2G", "3G", "4G", "5G") else "*"
            op = rest[1] if len(rest) > 1 else (rest[0] if tech == "*" else "*")
            return metric_label(metric, tech, op)
    return _humanise(column)


def _humanise(identifier: str) -> str:
    """A last resort for an identifier nobody named: words, not snake_case."""
    text = identifier.replace("_", " ").strip()
    return text[:1].upper() + text[1:]
