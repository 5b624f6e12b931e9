"""Mention stores: a registry of implementations behind the MentionStore contract."""

from __future__ import annotations

from typing import TYPE_CHECKING

from monitor.store.base import MentionFilter, MentionStore, SearchHit, UpsertResult
from monitor.store.elasticsearch import ElasticsearchStore
from monitor.store.sqlite import SqliteStore

if TYPE_CHECKING:
    from monitor.config import MonitorConfig

STORES: dict[str, type] = {"sqlite": SqliteStore, "elasticsearch": ElasticsearchStore}


def open_store(config: MonitorConfig) -> MentionStore:
    plugin = STORES[config.store.type]
    options = plugin.Options.model_validate(config.store.options())
    return plugin.from_options(options, config)


__all__ = ["STORES", "MentionFilter", "MentionStore", "SearchHit", "UpsertResult", "open_store"]
