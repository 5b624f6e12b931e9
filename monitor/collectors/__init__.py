"""Collectors: one module per source type, chosen by `type` in the source's config."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx

from monitor.collectors.base import Collector, CollectResult
from monitor.collectors.posts import PostsCollector
from monitor.collectors.rss import GoogleNewsCollector, RssCollector

if TYPE_CHECKING:
    from monitor.config import MonitorConfig, SourceConfig

COLLECTORS: dict[str, type] = {
    "rss": RssCollector,
    "google_news": GoogleNewsCollector,
    "file": PostsCollector,
}


def build_collector(source: SourceConfig, config: MonitorConfig, client: httpx.Client) -> Collector:
    return COLLECTORS[source.type].from_config(source, config, client)


__all__ = ["COLLECTORS", "CollectResult", "Collector", "build_collector"]
