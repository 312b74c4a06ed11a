"""Views: what users see, built as objects (map documents, altair charts, pandas tables); never streamlit."""

from infra.views.coverage_map import MapView, coverage_map
from infra.views.export import map_for_export, metric_values, standalone_html
from infra.views.map_parts import MapParts, map_parts, site_history
from infra.views.maps import MapDoc
from infra.views.tables import unit_table

__all__ = ["MapDoc", "MapParts", "MapView", "coverage_map", "map_for_export", "map_parts", "metric_values",
           "site_history", "standalone_html", "unit_table"]
