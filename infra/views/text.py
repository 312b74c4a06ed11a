"""Text from users' files shown as plain text in Markdown elements (Streamlit's warnings, captions, status boxes).

Streamlit renders the body of ``st.warning``, ``st.caption`` and the like as Markdown;
a file named ``[x](http://…).csv`` or ``**x**.csv`` would become a link or bold text.
:func:`plain` escapes every character Markdown, LaTeX (``$``) or Streamlit's
directives (``:red[…]``) could read, so the text shows exactly as typed.
"""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:=^&\"'])")


def plain(text: object) -> str:
    r"""``text`` with every Markdown-active character backslash-escaped, and line breaks kept as breaks.

    Examples
    --------
    >>> plain("**x**.csv")
    '\\*\\*x\\*\\*\\.csv'
    """
    return _SPECIAL.sub(r"\\\1", str(text)).replace("\n", "  \n")
