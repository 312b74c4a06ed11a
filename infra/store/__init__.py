"""The store: every submission a revision, kept in a GeoPackage file or a PostGIS database.

``open_store()`` finds the store (``--store``, else ``TRACKER_STORE``, else a
GeoPackage in the user's data folder) and, the first time, records the embedded
default data as revision 1. ``apply_import`` turns an import into the next dataset.
"""

from infra.store.base import Conflict, Revision, Store, StoreError
from infra.store.derive import districts_from_wards, with_districts
from infra.store.merge import MODES, Change, apply_import, merge_into
from infra.store.open import chosen_location, default_location, describe, open_store

__all__ = ["MODES", "Change", "Conflict", "Revision", "Store", "StoreError", "apply_import", "chosen_location",
           "default_location", "describe", "districts_from_wards", "merge_into", "open_store", "with_districts"]
