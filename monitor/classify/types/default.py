"""`type = "default"`: the Indonesian model shipped in the package (sentiment-id-small), or
another directory of the same kind given as `model_path`."""

from __future__ import annotations

from monitor.classify.options import ModelOptions
from monitor.classify.types.transformer import build
from monitor.plugin import Plugin

PLUGIN = Plugin(ModelOptions, build)
