"""Languages of the tracker: gettext catalogs made with Babel, Vietnamese first.

Every user-visible text is an English msgid marked with :func:`_` (translated now,
in the current language) or :func:`N_` (a module constant, marked for extraction
and translated where it is shown). The catalogs are ``infra/locale/<lang>/
LC_MESSAGES/messages.po``; the wheel's build compiles them to ``.mo`` (see
``hatch_build.py``) and a checkout compiles them in memory on first use.

The language and the interface (``app`` or ``cli``) are context variables, so one
Streamlit session's choice never leaks into another's thread. The library's
default is English for the CLI; the app sets Vietnamese unless the URL says
``lang=en``.

Maintenance (``python -m infra.i18n …``):

- ``update``: extract every msgid of ``infra``, ``app_pages`` and ``app.py`` into
  ``infra/locale/messages.pot`` and merge it into each language's ``.po``;
- ``compile``: write the ``.mo`` files next to the ``.po`` (the build does it);
- ``check``: list msgids without a translation (the test suite runs it).
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import functools
import io
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal, format_percent
from babel.support import NullTranslations, Translations

#: Language code → its name in that language (the order of the sidebar's choice).
LANGUAGES: dict[str, str] = {"vi": "Tiếng Việt", "en": "English"}
#: The app's language when the URL does not choose one.
APP_DEFAULT: str = "vi"
#: The library's and the CLI's language when nothing chooses one.
DEFAULT: str = "en"
DOMAIN: str = "messages"
LOCALE_DIR: Path = Path(__file__).with_name("locale")
#: Where msgids are extracted from, relative to the repository's root.
SOURCES: tuple[str, ...] = ("infra", "app_pages", "app.py")
KEYWORDS: tuple[str, ...] = ("_", "N_", "gettext", "ngettext:1,2", "pgettext:1c,2")

_lang: contextvars.ContextVar[str] = contextvars.ContextVar("tracker_lang", default=DEFAULT)
_interface: contextvars.ContextVar[str] = contextvars.ContextVar("tracker_interface", default="cli")


def set_language(lang: str) -> str:
    """Use ``lang`` (a key of :data:`LANGUAGES`; anything else gives :data:`DEFAULT`) in this context.

    Returns the language now in use.

    Examples
    --------
    >>> with language("vi"):
    ...     current()
    'vi'
    >>> current()
    'en'
    """
    lang = lang if lang in LANGUAGES else DEFAULT
    _lang.set(lang)
    return lang


def current() -> str:
    """The language of this context."""
    return _lang.get()


def set_interface(name: str) -> None:
    """Word messages for ``"app"`` (forms, buttons) or ``"cli"`` (options) in this context."""
    _interface.set("app" if name == "app" else "cli")


def interface() -> str:
    """``"app"`` or ``"cli"``: which interface messages are worded for."""
    return _interface.get()


@contextlib.contextmanager
def language(lang: str, interface_name: str | None = None) -> Iterator[str]:
    """Use a language (and optionally an interface) inside a ``with`` block."""
    tok = _lang.set(lang if lang in LANGUAGES else DEFAULT)
    tok2 = _interface.set(interface_name) if interface_name else None
    try:
        yield _lang.get()
    finally:
        _lang.reset(tok)
        if tok2 is not None:
            _interface.reset(tok2)


@functools.cache
def translations(lang: str) -> NullTranslations:
    """The catalog of a language: its compiled ``.mo``, else its ``.po`` compiled in memory; none for English."""
    if lang == "en" or lang not in LANGUAGES:
        return NullTranslations()
    folder = LOCALE_DIR / lang / "LC_MESSAGES"
    mo = folder / f"{DOMAIN}.mo"
    po = folder / f"{DOMAIN}.po"
    if mo.is_file() and (not po.is_file() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as fh:
            return Translations(fh, domain=DOMAIN)
    if not po.is_file():
        return NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as fh:
        catalog = read_po(fh, locale=lang, domain=DOMAIN)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    buf.seek(0)
    return Translations(buf, domain=DOMAIN)


def _(message: str) -> str:
    """``message`` in the current language (the msgid itself when it has no translation)."""
    return translations(_lang.get()).gettext(message) if message else message


def gettext(message: str) -> str:
    """The same as :func:`_`."""
    return _(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural of a message for ``n``, in the current language."""
    return translations(_lang.get()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """A message in a context (the same English word translated two ways)."""
    return translations(_lang.get()).pgettext(context, message)


def N_(message: str) -> str:
    """Mark a constant for extraction without translating it (translate it with :func:`_` where shown)."""
    return message


def locale() -> Locale:
    """The Babel locale of the current language."""
    return Locale.parse(_lang.get())


def number(value: float | None, decimals: int = 0) -> str:
    """A number for people in the current language (``1.234,5`` in Vietnamese); "not applicable" for ``None``/NaN.

    Examples
    --------
    >>> number(1234.5, 1)
    '1,234.5'
    >>> with language("vi"):
    ...     number(1234.5, 1)
    '1.234,5'
    """
    if value is None or value != value:
        return _("not applicable")
    fmt = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=fmt, locale=locale())


def percent(value: float | None, decimals: int = 1) -> str:
    """A share given in percent (``42.0`` → ``42.0 %``); "not applicable" for ``None``/NaN.

    Examples
    --------
    >>> percent(42.04)
    '42.0 %'
    >>> with language("vi"):
    ...     percent(42.04)
    '42,0 %'
    """
    if value is None or value != value:
        return _("not applicable")
    fmt = "#,##0" + ("." + "0" * decimals if decimals else "") + "\u00a0%"
    return format_percent(value / 100, format=fmt, locale=locale()).replace("\u00a0", " ")


def date_text(value: dt.date, fmt: str = "medium") -> str:
    """A date for people (``15 thg 9, 2026`` / ``Sep 15, 2026``; ``short`` gives ``15/09/2026``).

    Examples
    --------
    >>> date_text(dt.date(2026, 9, 15))
    'Sep 15, 2026'
    >>> with language("vi"):
    ...     date_text(dt.date(2026, 9, 15), "short")
    '15/09/2026'
    """
    if fmt == "short" and _lang.get() == "vi":
        return value.strftime("%d/%m/%Y")
    return format_date(value, format=fmt, locale=locale())


def listing(items: Iterable[object]) -> str:
    """Names for a message, each in quotes, comma separated; "none" when there are none.

    Examples
    --------
    >>> listing(["Mã trạm", "lat"])
    '“Mã trạm”, “lat”'
    >>> listing([])
    'none'
    """
    shown = ", ".join(f"“{item}”" for item in items)
    return shown or _("none")


def option(name: str, value: str = "") -> str:
    """How a fix names one of the user's choices, in the interface in use.

    The CLI's option (``--grid vn2000_local``) for the CLI; the import form's field
    (``the "Coordinate grid" field``) for the app. ``name`` is a key of :data:`OPTIONS`.

    Examples
    --------
    >>> option("grid", "vn2000_local")
    '--grid vn2000_local'
    >>> with language("en", "app"):
    ...     option("grid", "vn2000_local")
    'the “Coordinate grid” field of the import form (vn2000_local)'
    """
    flag, field = OPTIONS[name]
    if _interface.get() == "cli":
        return f"{flag} {value}".strip()
    text = _("the “{field}” field of the import form").format(field=_(field))
    return f"{text} ({value})" if value else text


#: Option key → (the CLI's flag, the import form's field label as a msgid).
OPTIONS: dict[str, tuple[str, str]] = {
    "grid": ("--grid", N_("Coordinate grid")),
    "column": ("--column", N_("Column mapping")),
    "name_column": ("--column", N_("Column holding the unit names")),
    "part": ("--part", N_("Part of the file")),
    "layer": ("--layer", N_("Layer")),
    "operator": ("--operator", N_("Operator")),
    "max_mb": ("--max-mb", N_("Size limit")),
    "max_unpacked_mb": ("--max-unpacked-mb", N_("Unpacked size limit")),
    "max_excel_mb": ("--max-excel-mb", N_("Excel size limit")),
    "max_rows": ("--max-rows", N_("Row limit")),
    "max_columns": ("--max-columns", N_("Column limit")),
    "max_seconds": ("--max-seconds", N_("Time limit")),
    "kind": ("--kind", N_("Kind of file")),
    "mode": ("--mode", N_("Rows the file does not have")),
}


# --- maintenance ---------------------------------------------------------------------------------

#: Fixed header dates, so that an update changes a catalog only where its messages change.
_STAMP = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
_HEADER = ("# Messages of the Telecom Infrastructure Transition Tracker (Hanoi).\n"
           "# Made by `python -m infra.i18n update`; translate the msgstr lines.")


def _root() -> Path:
    return LOCALE_DIR.parent.parent


def extract() -> object:
    """Every msgid of the sources (a Babel catalog), with their places."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir, extract_from_file

    keywords = {}
    for k in KEYWORDS:
        name, _sep, spec = k.partition(":")
        keywords[name] = _spec(spec)
    catalog = Catalog(project="hanoi-telecom-tracker", domain=DOMAIN, charset="utf-8", fuzzy=False,
                      creation_date=_STAMP, revision_date=_STAMP, header_comment=_HEADER, version="1")
    root = _root()
    for src in SOURCES:
        path = root / src
        found = (extract_from_dir(path, method_map=[("**.py", "python")], keywords=keywords, comment_tags=("i18n:",))
                 if path.is_dir() else
                 ((path.name, *rest) for rest in extract_from_file("python", path, keywords=keywords,
                                                                    comment_tags=("i18n:",))))
        for filename, lineno, message, comments, context in found:
            where = (Path(src) / filename).as_posix() if path.is_dir() else src
            catalog.add(message, None, [(where, lineno)], auto_comments=comments, context=context)
    return catalog


def _spec(spec: str) -> tuple | None:
    if not spec:
        return None
    out = []
    for p in spec.split(","):
        out.append((int(p[:-1]), "c") if p.endswith("c") else int(p))
    return tuple(out)


def update() -> None:
    """Write the template and merge it into every language's ``.po`` (new msgids untranslated, none lost)."""
    from babel.messages.pofile import read_po, write_po

    template = extract()
    LOCALE_DIR.mkdir(exist_ok=True)
    with (LOCALE_DIR / f"{DOMAIN}.pot").open("wb") as fh:
        write_po(fh, template, omit_header=False, sort_output=True, width=120, no_location=True)
    for lang in LANGUAGES:
        if lang == "en":
            continue
        po = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
        po.parent.mkdir(parents=True, exist_ok=True)
        if po.is_file():
            with po.open("rb") as fh:
                catalog = read_po(fh, locale=lang, domain=DOMAIN)
            catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
        else:
            from babel.messages.catalog import Catalog
            catalog = Catalog(locale=lang, domain=DOMAIN, project="hanoi-telecom-tracker", fuzzy=False,
                              creation_date=_STAMP, revision_date=_STAMP, header_comment=_HEADER, version="1")
            catalog.update(template, no_fuzzy_matching=True)
        with po.open("wb") as fh:
            write_po(fh, catalog, sort_output=True, width=120, no_location=True, ignore_obsolete=True,
                     include_previous=False)
    translations.cache_clear()


def compile_all(target: Path | None = None) -> list[Path]:
    """Compile every ``.po`` to ``.mo`` (under ``target`` instead of the source tree when given)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    out = []
    for po in sorted(LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        lang = po.parent.parent.name
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=lang, domain=DOMAIN)
        mo = (target / lang / "LC_MESSAGES" / f"{DOMAIN}.mo") if target else po.with_suffix(".mo")
        mo.parent.mkdir(parents=True, exist_ok=True)
        with mo.open("wb") as fh:
            write_mo(fh, catalog, use_fuzzy=False)
        out.append(mo)
    return out


def missing(lang: str = "vi") -> list[str]:
    """Msgids of the sources that ``lang``'s catalog does not translate (empty or fuzzy)."""
    from babel.messages.pofile import read_po

    po = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=lang, domain=DOMAIN)
    out = []
    for msg in extract():
        if not msg.id:
            continue
        have = catalog.get(msg.id, context=msg.context)
        strings = have.string if have is not None else None
        if have is None or have.fuzzy or not (all(strings) if isinstance(strings, tuple) else strings):
            out.append(msg.id if isinstance(msg.id, str) else msg.id[0])
    return out


def main(argv: list[str] | None = None) -> int:
    """``python -m infra.i18n update|compile|check``."""
    args = sys.argv[1:] if argv is None else argv
    cmd = args[0] if args else "check"
    if cmd == "update":
        update()
        print(f"updated {LOCALE_DIR / DOMAIN}.pot and the catalogs")
    elif cmd == "compile":
        for mo in compile_all():
            print(mo)
    elif cmd == "check":
        gaps = missing()
        for m in gaps:
            print(f"untranslated: {m!r}")
        print(f"{len(gaps)} msgid(s) without a Vietnamese translation")
        return 1 if gaps else 0
    else:
        print("usage: python -m infra.i18n update|compile|check", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
