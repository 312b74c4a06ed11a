"""Wheel build hook: compile the gettext catalogs (``infra/locale/*/LC_MESSAGES/messages.po``) to ``.mo``.

The ``.mo`` files are build products, never committed: a checkout compiles the
``.po`` in memory on first use (:func:`infra.i18n.translations`).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CompileCatalogs(BuildHookInterface):
    """Add each language's compiled catalog to the wheel."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:  # noqa: D102
        if self.target_name != "wheel":
            return
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        self._tmp = Path(tempfile.mkdtemp(prefix="tracker-mo-"))
        for po in sorted(Path(self.root, "infra", "locale").glob("*/LC_MESSAGES/messages.po")):
            lang = po.parent.parent.name
            with po.open("rb") as fh:
                catalog = read_po(fh, locale=lang, domain="messages")
            mo = self._tmp / lang / "messages.mo"
            mo.parent.mkdir(parents=True)
            with mo.open("wb") as fh:
                write_mo(fh, catalog, use_fuzzy=False)
            build_data["force_include"][str(mo)] = f"infra/locale/{lang}/LC_MESSAGES/messages.mo"

    def finalize(self, version: str, build_data: dict, artifact_path: str) -> None:  # noqa: D102
        if getattr(self, "_tmp", None):
            shutil.rmtree(self._tmp, ignore_errors=True)
