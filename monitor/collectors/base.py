"""The collector protocol: fetch from one source given its last cursor."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from monitor.plugin import PluginOptions
from monitor.records import Mention


@dataclass(frozen=True)
class CollectResult:
    mentions: tuple[Mention, ...]
    # Saved with the mentions in one transaction; handed back on the next run.
    cursor: dict[str, Any]
    # Entries skipped for a reason (no text, malformed line): reported, never silent.
    skipped: tuple[str, ...] = field(default_factory=tuple)
    not_modified: bool = False


class Collector(Protocol):
    name: str

    def collect(self, cursor: dict[str, Any], now: datetime) -> CollectResult:
        """Raise SourceError for a failure of the whole source (unreachable, HTTP error, garbage)."""


class CollectorOptions(PluginOptions):
    """Keys every collector accepts besides its own."""

    # Channel label for every mention of this source ("news", "social", ...).
    channel: str = "news"
