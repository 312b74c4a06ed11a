"""Which store to use, and the first revision of a new one (the embedded default data)."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import platformdirs

from infra import settings
from infra.i18n import _
from infra.io.datasets import read_dataset
from infra.store.base import DEFAULT_MESSAGE, Conflict, Store, StoreError, sha256_of
from infra.store.gpkg import GeoPackageStore

log = logging.getLogger(__name__)

#: The environment variable that names the store (a GeoPackage path or a ``postgresql://`` URL).
ENV = "TRACKER_STORE"


def default_location() -> Path:
    """The embedded store: ``store.gpkg`` in the user's data folder (e.g. ``~/.local/share/hanoi-telecom-tracker``)."""
    return Path(platformdirs.user_data_dir(settings.APP_NAME, appauthor=False)) / "store.gpkg"


def is_url(location: str) -> bool:
    """A PostgreSQL URL (``postgresql://…`` or ``postgres://…``)."""
    return str(location).startswith(("postgresql://", "postgres://"))


def describe(location: str | Path | None = None) -> str:
    """Where the store is, in words, without a password."""
    loc = _location(location)
    if not is_url(loc):
        return str(Path(loc).expanduser())
    from infra.store.postgis import PostGISStore  # psycopg only for a PostGIS store (60 ms at start-up)

    return PostGISStore.redact(loc)


def _location(location: str | Path | None) -> str:
    return str(location or os.environ.get(ENV) or default_location())


def chosen_location() -> str:
    """The store this process uses when none is named: ``$TRACKER_STORE``, else :func:`default_location`."""
    return _location(None)


def open_store(location: str | Path | None = None, *, initialise: bool = True) -> Store:
    """The store at ``location`` (``None``: ``$TRACKER_STORE``, else :func:`default_location`).

    Parameters
    ----------
    location
        A GeoPackage path, or a ``postgresql://user:password@host:port/database`` URL.
    initialise
        Record the embedded default data as revision 1 of a store that has none.

    Returns
    -------
    Store

    Raises
    ------
    StoreError
        If the store cannot be opened or created.
    """
    loc = _location(location)
    if is_url(loc):
        from infra.store.postgis import PostGISStore

        store: Store = PostGISStore(loc)
    else:
        store = GeoPackageStore(loc)
    if initialise and store.latest_id() is None:
        default = read_dataset()
        try:
            store.commit(default, base=None, kind="default", user="telecom-tracker",
                         file_name=settings.DEFAULT_GPKG.name, file_sha256=sha256_of(settings.DEFAULT_GPKG),
                         message=DEFAULT_MESSAGE)
        except Conflict:
            pass  # another process recorded it first
        if store.latest_id() is None:
            raise StoreError(_("the store {store} could not be given its first revision").format(store=store.location))
        log.info("a new store: %s, with the embedded default data as revision 1 (if you meant another store, "
                 "check --store or TRACKER_STORE)", store.location)
    return store
