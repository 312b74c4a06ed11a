"""Everything an AppTest run shows as text: labels, values, options, help, table headers, chart titles.

Used by the language tests: no identifier may reach these texts, and a widget's
label must change with the language.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from streamlit.testing.v1 import AppTest

from infra.views import labels

#: Identifiers the engine and the tables use, which a page must never show.
IDENTIFIERS: frozenset[str] = frozenset(i for i in {
    *labels.METRICS, *labels.TARGETS, *labels.LAYERS, *labels.COLUMNS,
     "unit_code", "unit_type", "file_sha256"} if "_" in i)  # one word ids ("population") are words too
_WORD = re.compile(r"[A-Za-z0-9_]+(?::[a-z_]+)?")
_TARGET_PART = re.compile(r"\b[a-z0-9_]+:(?:status|gap|path|next_target|next_year|trend|source)\b")


def _walk(node) -> Iterator[object]:
    yield node
    for child in (getattr(node, "children", None) or {}).values():
        yield from _walk(child)


def _vega_texts(spec: object) -> Iterator[str]:
    """Titles of a Vega-Lite spec (axes, legends, tooltips, the chart's), and the field of an untitled encoding
    (Vega-Lite shows the field's name then)."""
    if isinstance(spec, dict):
        if isinstance(spec.get("field"), str) and "title" not in spec and "aggregate" not in spec:
            yield spec["field"]
        for key, value in spec.items():
            if key in ("title", "text") and isinstance(value, str):
                yield value
            elif key != "data" and key != "datasets":
                yield from _vega_texts(value)
    elif isinstance(spec, list):
        for value in spec:
            yield from _vega_texts(value)


def texts(at: AppTest) -> dict[str, list[str]]:
    """Texts of the page by kind: ``label`` (keyed widgets: key → label), ``shown`` (all other texts)."""
    shown: list[str] = []
    keyed: dict[str, str] = {}
    for el in _walk(at._tree):
        kind = type(el).__name__
        label = getattr(el, "label", None)
        if isinstance(label, str) and label:
            shown.append(label)
            key = getattr(el, "key", None)
            if key and not str(key).startswith("$$"):
                keyed[str(key)] = label
        proto = getattr(el, "proto", None)
        for attr in ("help", "placeholder"):
            v = getattr(proto, attr, None) if proto is not None else None
            if isinstance(v, str) and v:
                shown.append(v)
        if kind in ("Markdown", "Caption", "Title", "Header", "Subheader", "Alert", "Error", "Warning", "Info",
                    "Success", "Text", "Code", "Metric", "Exception"):
            v = getattr(el, "value", None)
            if isinstance(v, str):
                shown.append(v)
        if kind in ("Selectbox", "Multiselect", "Radio", "ButtonGroup", "SelectSlider"):
            shown += [str(o) for o in (getattr(el, "options", None) or [])]
        if kind == "Dataframe":
            frame = el.value
            shown += [str(c) for c in frame.columns]
        if proto is not None and hasattr(proto, "spec") and getattr(proto, "spec", ""):
            try:
                shown += list(_vega_texts(json.loads(proto.spec)))
            except (TypeError, ValueError):
                pass
    return {"shown": shown, "label": [f"{k}\x00{v}" for k, v in keyed.items()]}


def identifiers_in(strings: list[str]) -> set[str]:
    """The identifiers of :data:`IDENTIFIERS` (and ``<target>:<part>`` columns) found in the strings."""
    found = set()
    for s in strings:
        found |= {w for w in _WORD.findall(s) if w in IDENTIFIERS}
        found |= set(_TARGET_PART.findall(s))
    return found
