"""Text the user gave (file names, unit names, messages quoting them) made safe for Streamlit's Markdown."""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=])")


def md_escape(text: object) -> str:
    r"""``text`` shown as written in Markdown: no link, image, emphasis, colour directive or HTML comes from it.

    >>> print(md_escape("![x](http://e) *a* :red[b]"))
    \!\[x\]\(http\://e\) \*a\* \:red\[b\]
    """
    return _SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")
