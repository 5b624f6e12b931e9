"""Mention stores: implementations in `types/` behind the MentionStore contract."""

from __future__ import annotations

from monitor.plugin import Registry
from monitor.store.base import MentionFilter, MentionStore, SearchHit, UpsertResult

STORES: Registry[MentionStore] = Registry("store", "monitor.store.types")

__all__ = ["STORES", "MentionFilter", "MentionStore", "SearchHit", "UpsertResult"]
