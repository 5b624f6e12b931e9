"""Collectors: one module per source type in `types/`, chosen by `type` in the source's config."""

from __future__ import annotations

from monitor.collectors.base import Collector, CollectorOptions, CollectResult
from monitor.plugin import Registry

COLLECTORS: Registry[Collector] = Registry("collector", "monitor.collectors.types")

__all__ = ["COLLECTORS", "CollectResult", "Collector", "CollectorOptions"]
