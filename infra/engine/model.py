"""Range of a radio: its own ``range_m``, else the ``fixed`` or ``pathloss`` model.

``fixed``: one radius per technology (``settings.FIXED_RADII_M``), as peers use on
OpenCelliD (Collins Bartholomew).

``pathloss``: the distance at which the median path loss reaches the maximum
allowed path loss (``settings.MAX_PATH_LOSS_DB``):

* 2G–4G below 1500 MHz: Okumura–Hata (Hata 1980; ITU-R SM.2028), urban large-city
  mobile-height correction for ``urban``, suburban and open-area corrections for
  ``suburban`` and ``rural``;
* 2G–4G from 1500 MHz: COST-231 Hata (COST Action 231, 1999), C = 3 dB
  (metropolitan) for ``urban``, 0 dB otherwise, open-area correction for ``rural``;
* 5G: 3GPP TR 38.901 UMa NLOS (``PL' = 13.54 + 39.08 log10 d + 20 log10 f − 0.6 (h_UT − 1.5)``)
  in every clutter class (conservative in rural areas, where RMa would reach further).

At 130–140 dB with h_BS = 30 m these give the peer figures of DOMAIN.md: COST-231
1800 MHz metropolitan 0.55–1.05 km, Hata 900 MHz urban 1.3–2.4 km, UMa NLOS
3.5 GHz 0.50–0.91 km.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from infra import settings

Model = Literal["fixed", "pathloss"]


def hata_range_m(f_mhz: np.ndarray, clutter: np.ndarray, max_loss_db: np.ndarray, *,
                 hb: float | None = None, hm: float | None = None) -> np.ndarray:
    """Range (m) of Okumura–Hata (< 1500 MHz) or COST-231 Hata (≥ 1500 MHz).

    Parameters
    ----------
    f_mhz
        Carrier frequencies (MHz).
    clutter
        ``urban``, ``suburban`` or ``rural`` per radio.
    max_loss_db
        Maximum allowed path loss (dB) per radio.
    hb, hm
        Base-station and mobile antenna heights (m); ``None`` reads settings.

    Returns
    -------
    numpy.ndarray
        Ranges in metres, capped at ``settings.MAX_RANGE_M``.

    Examples
    --------
    >>> round(float(hata_range_m(np.array([1800.0]), np.array(["urban"]), np.array([130.0]))[0]))
    548
    """
    hb = settings.BS_HEIGHT_M if hb is None else hb
    hm = settings.UE_HEIGHT_M if hm is None else hm
    f = np.asarray(f_mhz, dtype=float)
    clutter = np.asarray(clutter)
    lf = np.log10(f)
    a = (1.1 * lf - 0.7) * hm - (1.56 * lf - 0.8)
    hata = 69.55 + 26.16 * lf - 13.82 * np.log10(hb) - a
    cost = 46.3 + 33.9 * lf - 13.82 * np.log10(hb) - a + np.where(clutter == "urban", 3.0, 0.0)
    at_1km = np.where(f < 1500, hata, cost)
    at_1km = at_1km - np.where(clutter == "suburban", 2 * np.log10(f / 28) ** 2 + 5.4, 0.0)
    at_1km = at_1km - np.where(clutter == "rural", 4.78 * lf**2 - 18.33 * lf + 40.94, 0.0)
    slope = 44.9 - 6.55 * np.log10(hb)
    d_km = 10 ** ((np.asarray(max_loss_db, dtype=float) - at_1km) / slope)
    return np.minimum(d_km * 1000.0, settings.MAX_RANGE_M)


def uma_nlos_range_m(f_mhz: np.ndarray, max_loss_db: np.ndarray, *, hm: float | None = None) -> np.ndarray:
    """Range (m) of 3GPP TR 38.901 UMa NLOS (the PL' formula), capped at ``settings.MAX_RANGE_M``.

    Examples
    --------
    >>> round(float(uma_nlos_range_m(np.array([3500.0]), np.array([130.0]))[0]))
    503
    """
    hm = settings.UE_HEIGHT_M if hm is None else hm
    f_ghz = np.asarray(f_mhz, dtype=float) / 1000.0
    const = 13.54 + 20 * np.log10(f_ghz) - 0.6 * (hm - 1.5)
    d = 10 ** ((np.asarray(max_loss_db, dtype=float) - const) / 39.08)
    return np.minimum(d, settings.MAX_RANGE_M)


def radio_ranges(radios: pd.DataFrame, clutter: pd.Series | None = None, *, model: Model = "fixed",
                 fixed_radii_m: dict[str, float] | None = None,
                 max_loss_db: dict[str, float] | None = None) -> pd.Series:
    """Range (m) of every radio: ``range_m`` when given, else the chosen model.

    Parameters
    ----------
    radios
        Canonical radios (``technology``, ``band_mhz``, ``range_m``).
    clutter
        Clutter class per radio (same index), for ``pathloss``; ``None`` means
        ``settings.DEFAULT_CLUTTER`` everywhere.
    model
        ``fixed`` or ``pathloss``.
    fixed_radii_m, max_loss_db
        Per-technology overrides of the settings.

    Returns
    -------
    pandas.Series
        Ranges in metres, indexed like ``radios``.

    Raises
    ------
    ValueError
        For an unknown model or a technology without a parameter.
    """
    tech = radios["technology"].astype(str)
    if model == "fixed":
        radii = {**settings.FIXED_RADII_M, **(fixed_radii_m or {})}
        missing = sorted(set(tech.unique()) - set(radii))
        if missing:
            raise ValueError(f"fixed model: no radius for technology {missing[0]!r}; pass fixed_radii_m")
        codes, names = pd.factorize(tech)  # a lookup per distinct technology, not per radio
        modelled = np.array([radii[n] for n in names], dtype=float)[codes]
    elif model == "pathloss":
        mapl = {**settings.MAX_PATH_LOSS_DB, **(max_loss_db or {})}
        loss = tech.map(mapl).to_numpy(dtype=float)
        band = radios["band_mhz"].astype(float).fillna(tech.map(settings.DEFAULT_BAND_MHZ)).to_numpy()
        clut = (clutter.reindex(radios.index).fillna(settings.DEFAULT_CLUTTER) if clutter is not None
                else pd.Series(settings.DEFAULT_CLUTTER, index=radios.index)).to_numpy()
        modelled = np.where(tech.to_numpy() == "5G", uma_nlos_range_m(band, loss), hata_range_m(band, clut, loss))
    else:
        raise ValueError(f"unknown coverage model {model!r}; use 'fixed' or 'pathloss'")
    own = pd.to_numeric(radios["range_m"], errors="coerce").to_numpy(dtype=float)
    return pd.Series(np.where(np.isfinite(own) & (own > 0), own, modelled), index=radios.index, name="range_m")
