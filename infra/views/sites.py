"""Sites as things to find: search by id or name, the list of the sites in some units, one site's radios over time.

Builders return pandas frames and altair charts (tested as objects); every text is
in the current language (:mod:`infra.i18n`), dates for people via ``date_text``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd
import shapely

from infra.dataset import Dataset
from infra.engine.asof import active, ended, started
from infra.i18n import N_, _, date_text
from infra.views.labels import column_label, mast_label

#: Columns of the site list, in order (machine names; :func:`site_table` gives their headers).
SITE_COLUMNS = ["site_id", "name", "mast_class", "owner", "operators", "technologies", "shared", "built_on",
                "removed_on"]
#: What a radio's bar in the timeline shows, and its colour (Okabe–Ito, as on the map).
PHASES: dict[str, tuple[str, str]] = {"site": (N_("site standing"), "#332288"),
                                      "commercial": (N_("on air"), "#0072B2"), "pilot": (N_("5G pilot"), "#CC79A7"),
                                      "off": (N_("switched off"), "#999999")}


def find_sites(sites: pd.DataFrame, query: str, *, limit: int = 20) -> pd.DataFrame:
    """The sites whose id or name contains ``query`` (case and accents as typed), an exact id first.

    Examples
    --------
    >>> s = pd.DataFrame({"site_id": ["A-1", "A-10", "B-2"], "name": ["Đình Làng", "Chợ", "Đình Bảng"]})
    >>> find_sites(s, "a-1")["site_id"].tolist()
    ['A-1', 'A-10']
    >>> find_sites(s, "đình")["site_id"].tolist()
    ['A-1', 'B-2']
    >>> len(find_sites(s, "  "))
    0
    """
    q = query.strip().casefold()
    if not q:
        return sites.iloc[:0][["site_id", "name"]]
    ids = sites["site_id"].astype(str).str.casefold()
    names = sites["name"].astype(object).where(sites["name"].notna(), "").astype(str).str.casefold()
    hit = ids.str.contains(q, regex=False) | names.str.contains(q, regex=False)
    found = sites.loc[hit, ["site_id", "name"]].assign(_exact=(ids[hit] == q).to_numpy())
    return found.sort_values("_exact", ascending=False, kind="stable").drop(columns="_exact").head(limit)


def _inside(sites: pd.DataFrame, areas) -> np.ndarray:
    area = shapely.union_all(np.asarray(areas, dtype=object))
    shapely.prepare(area)
    g = sites.to_crs(4326).geometry if sites.crs and not sites.crs.equals(4326) else sites.geometry
    return shapely.contains_xy(area, g.x.to_numpy(), g.y.to_numpy())


def site_list(ds: Dataset, *, as_of: dt.date, layer: str, units: Sequence[str] = (), operators: Sequence[str] = (),
              technologies: Sequence[str] = ()) -> pd.DataFrame:
    """The sites standing at ``as_of`` in some units of ``layer`` (all when none), with what is on air there.

    Parameters
    ----------
    ds
        Dataset.
    as_of
        Date.
    layer, units
        Admin layer and unit codes (empty: the whole layer).
    operators, technologies
        Keep the sites with a radio on air of these (empty: every site standing).

    Returns
    -------
    pandas.DataFrame
        :data:`SITE_COLUMNS`: ``operators`` and ``technologies`` on air (``", "``-joined, sorted;
        ``5G pilot`` apart), ``shared`` when two operators or more are on air.
    """
    sites = ds.sites
    frame = ds.layer(layer)
    if units:
        frame = frame[frame["unit_code"].isin(list(units))]
    keep = active(sites["built_on"], sites["removed_on"], as_of) & _inside(sites, frame.geometry)
    r = ds.radios
    r = r[np.asarray(started(r["on_date"], as_of) & ~ended(r["off_date"], as_of), dtype=bool)]
    if operators:
        r = r[r["operator"].isin(list(operators))]
    if technologies:
        r = r[r["technology"].isin(list(technologies))]
    r = r.assign(tech=np.where(r["pilot"].astype(bool), _("5G pilot"), r["technology"].astype(str)))
    ops = r.groupby("site_id")["operator"].agg(lambda x: ", ".join(sorted(set(map(str, x)))))
    techs = r.groupby("site_id")["tech"].agg(lambda x: ", ".join(sorted(set(x))))
    n_ops = r.groupby("site_id")["operator"].nunique()
    out = sites.loc[keep, ["site_id", "name", "mast_class", "owner", "built_on", "removed_on"]].copy()
    sid = out["site_id"].astype(str)
    out["operators"] = sid.map(ops).fillna("")
    out["technologies"] = sid.map(techs).fillna("")
    out["shared"] = sid.map(n_ops).fillna(0).to_numpy() > 1
    if operators or technologies:
        out = out[out["technologies"] != ""]
    return pd.DataFrame(out[SITE_COLUMNS]).reset_index(drop=True)


def site_table(sites: pd.DataFrame) -> pd.DataFrame:
    """:func:`site_list` for people: headers in the current language, dates written out, yes/no for shared."""
    out = sites.copy()
    for c in ("built_on", "removed_on"):
        out[c] = [date_text(x.date()) if pd.notna(x) else "" for x in pd.to_datetime(out[c])]
    out["shared"] = np.where(out["shared"].astype(bool), _("yes"), _("no"))
    out["mast_class"] = out["mast_class"].map(mast_label)  # "pole" in the page's words, as in the map's legend
    own = {"shared": _("Shared"), "technologies": _("Technologies on air"), "operators": _("Operators on air")}
    return out.rename(columns={c: own.get(c) or column_label(c) for c in out.columns})


def site_events(ds: Dataset, site_id: str) -> pd.DataFrame:
    """What happened at a site, in date order: built, each radio on air and switched off, removed.

    Returns
    -------
    pandas.DataFrame
        ``date`` (datetime), ``when`` (the date for people), ``event`` (a sentence in the current language).
    """
    s = ds.sites[ds.sites["site_id"].astype(str) == site_id]
    rows: list[tuple[pd.Timestamp, str]] = []
    for _i, x in s.iterrows():
        if pd.notna(x["built_on"]):
            rows.append((pd.Timestamp(x["built_on"]), _("Site built ({cls} mast, owner {owner})").format(
                cls=mast_label(x["mast_class"]), owner=x["owner"] if pd.notna(x["owner"]) else "?")))
        if pd.notna(x["removed_on"]):
            rows.append((pd.Timestamp(x["removed_on"]), _("Site removed")))
    r = ds.radios[ds.radios["site_id"].astype(str) == site_id]
    for _i, x in r.iterrows():
        tech = _("5G pilot") if bool(x["pilot"]) else str(x["technology"])
        if pd.notna(x["on_date"]):
            rows.append((pd.Timestamp(x["on_date"]), _("{tech} {operator} on air").format(tech=tech,
                                                                                          operator=x["operator"])))
        if pd.notna(x["off_date"]):
            rows.append((pd.Timestamp(x["off_date"]), _("{tech} {operator} switched off").format(
                tech=tech, operator=x["operator"])))
    out = pd.DataFrame(rows, columns=["date", "event"]).sort_values("date", kind="stable").reset_index(drop=True)
    out.insert(1, "when", [date_text(d.date()) for d in out["date"]])
    return out


def site_timeline(ds: Dataset, site_id: str, *, as_of: dt.date) -> alt.Chart:
    """One site's radios over time.

    A bar for the site itself (built to removed, or to the as-of date), then a bar per
    radio (technology · operator) from on air to switched off (or to the as-of date),
    coloured site / commercial / 5G pilot / switched off. One chart of one dataset
    (Streamlit draws a layered chart of several datasets badly here).

    Returns
    -------
    altair.Chart
        Bars: ``radio``, ``start``, ``end``, ``phase`` and the dates for people ``on``, ``off``.
    """
    r = ds.radios[ds.radios["site_id"].astype(str) == site_id]
    site = ds.sites[ds.sites["site_id"].astype(str) == site_id]
    end = pd.Timestamp(as_of)
    pilot = r["pilot"].astype(bool).to_numpy()
    tech = np.where(pilot, _("5G pilot"), r["technology"].astype(str))
    on = pd.concat([pd.to_datetime(site["built_on"]), pd.to_datetime(r["on_date"])], ignore_index=True)
    off = pd.concat([pd.to_datetime(site["removed_on"]), pd.to_datetime(r["off_date"])], ignore_index=True)
    kinds = ["site"] * len(site) + ["pilot" if p else "commercial" for p in pilot]
    bars = pd.DataFrame({
        "radio": [_("Site (passive)")] * len(site) + [f"{t} · {o}" for t, o in zip(tech, r["operator"].astype(str),
                                                                                   strict=True)],
        "start": on.to_numpy(), "end": off.fillna(max(end, on.max() if len(on) else end)).to_numpy(),
        "phase": [_(PHASES["off" if pd.notna(b) and b <= end and k != "site" else k][0])
                  for b, k in zip(off, kinds, strict=True)],
        "on": [date_text(d.date()) if pd.notna(d) else "" for d in on],
        "off": [date_text(d.date()) if pd.notna(d) else "" for d in off],
    })
    names = {k: _(v[0]) for k, v in PHASES.items()}
    colour = alt.Color("phase:N", title=_("Radio"), scale=alt.Scale(domain=list(names.values()),
                                                                       range=[v[1] for v in PHASES.values()]))
    return alt.Chart(bars).mark_bar(height=14).encode(
        x=alt.X("start:T", title=_("Date")), x2="end:T",
        y=alt.Y("radio:N", title=_("Radio (technology · operator)"), sort=None), color=colour,
        tooltip=[alt.Tooltip("radio:N", title=_("Radio")), alt.Tooltip("on:N", title=_("From")),
                 alt.Tooltip("off:N", title=_("Until"))],
    ).properties(title=_("Radios of site {site_id} (until {date})").format(site_id=site_id, date=date_text(as_of)))
