"""Default plan targets: expand the hand-kept plan facts into the long targets frame."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from infra import contract

_SCOPES = ("city", "units", "zone_units")


def expand_targets(facts: pd.DataFrame, units: pd.DataFrame, zone_units: Mapping[str, list[str]]) -> pd.DataFrame:
    """Turn plan facts into one target row per layer × unit × metric × year.

    Parameters
    ----------
    facts
        ``data/plan_facts.csv``: ``metric``, ``scope`` (``city``, ``units`` or
        ``zone_units``), ``year``, ``target``, ``source``, ``confidence``, ``note``.
    units
        Admin units with ``layer`` and ``unit_code``.
    zone_units
        Layer → codes of the units that hold a restricted zone.

    Returns
    -------
    pandas.DataFrame
        Canonical targets (``layer``, ``unit_code`` with ``*`` = whole city,
        ``metric``, ``year``, ``target``, ``source``) plus ``confidence`` and ``note``.
        Where a city row comes from both a ``city`` fact and a ``units`` fact, the
        first in file order wins (put the official city figure first).

    Raises
    ------
    ValueError
        If a fact has an unknown scope.
    """
    bad = facts.loc[~facts["scope"].isin(_SCOPES), "scope"]
    if not bad.empty:
        raise ValueError(f"plan facts: unknown scope {bad.iloc[0]!r} (row {bad.index[0]}); use one of {_SCOPES}")
    rows = []
    for layer in dict.fromkeys(units["layer"]):
        codes = sorted(units.loc[units["layer"] == layer, "unit_code"])
        for f in facts.itertuples(index=False):
            base = {"layer": layer, "metric": f.metric, "year": int(f.year), "target": float(f.target),
                    "confidence": f.confidence}
            if f.scope == "zone_units":
                targets = ["*", *sorted(zone_units.get(layer, []))]
            elif f.scope == "units":
                targets = ["*", *codes]
            else:
                targets = ["*"]
            rows += [{**base, "unit_code": code, "source": f.source, "note": f.note} for code in targets]
    out = pd.DataFrame(rows, columns=["layer", "unit_code", "metric", "year", "target", "source", "confidence", "note"])
    out = out.drop_duplicates(["layer", "unit_code", "metric", "year"], keep="first")
    out = out.sort_values(["layer", "metric", "year", "unit_code"]).reset_index(drop=True)
    contract.validate_targets(out)
    return out
