"""The plan: targets against what the engine measured (status, paths, trends), across layers and dates."""

from infra.plan.crosswalk import carry_selection, carry_targets, crosswalk, overlay_weights, targets_to_layer
from infra.plan.paths import path_points, target_path
from infra.plan.series import series_dates
from infra.plan.status import NOT_AT_PACE, SCOPES, STATUSES, TREND_HORIZON, plan_vs_actual
from infra.plan.summary import aggregate

__all__ = ["NOT_AT_PACE", "SCOPES", "STATUSES", "TREND_HORIZON", "aggregate", "carry_selection", "carry_targets",
           "crosswalk", "overlay_weights", "path_points", "plan_vs_actual", "series_dates", "target_path",
           "targets_to_layer"]
