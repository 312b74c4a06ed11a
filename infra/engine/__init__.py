"""The engine: metrics per admin unit at any date (coverage, sites, radios, the 2G switch-off, 5G, sharing).

Pure: frames in, frames out; it reads no file and knows no screen.
"""

from infra.contract import ALL, CITY
from infra.engine.asof import active, as_timestamp
from infra.engine.engine import Engine, ModelOptions
from infra.engine.layers import PreparedLayers, prepare_layers
from infra.engine.select import select

__all__ = ["ALL", "CITY", "Engine", "ModelOptions", "PreparedLayers", "active", "as_timestamp", "prepare_layers",
           "select"]
