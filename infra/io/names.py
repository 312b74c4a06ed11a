"""Name normalisation for matching Vietnamese unit names across sources."""

from __future__ import annotations

import re
import unicodedata

_PREFIXES = ("thanh pho", "thi xa", "thi tran", "quan", "huyen", "phuong", "xa")
def fold(name: str, *, strip_prefix: bool = True) -> str:
    """Accent-free, lower-case, space-free key for a unit name.

    Parameters
    ----------
    name
        A name such as ``"Quận Ba Đình"``, ``"BaĐình"`` or ``"Ba Dinh"``.
    strip_prefix
        Drop a leading unit-type word (Quận, Huyện, Phường, Xã, Thị xã…).

    Returns
    -------
    str
        E.g. ``"badinh"`` for all three examples above.

    Examples
    --------
    >>> fold("Quận Ba Đình") == fold("BaĐình") == fold("Ba Dinh") == "badinh"
    True
    """
    text = unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d"))
    text = "".join(c for c in text if unicodedata.category(c) != "Mn").lower().strip()
    text = re.sub(r"\s+", " ", text)
    if strip_prefix:
        for p in _PREFIXES:
            if text.startswith(p + " "):
                text = text[len(p) + 1:]
                break
    return re.sub(r"[^a-z0-9]", "", text)
