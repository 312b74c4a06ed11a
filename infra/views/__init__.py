"""Views: what users see, built as objects (folium maps, altair charts, pandas tables); never streamlit."""

from infra.views.coverage_map import MapView, coverage_map, site_history
from infra.views.export import map_for_export, metric_values
from infra.views.tables import unit_table

__all__ = ["MapView", "coverage_map", "map_for_export", "metric_values", "site_history", "unit_table"]
