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
    # About the source as a whole (a cut feed, paging stopped early, a quota nearly spent):
    # shown with the source's result and kept in its health.
    warnings: tuple[str, ...] = field(default_factory=tuple)
    # The server asked for a pause (a 429 mid-paging): what was read is kept, with a cursor
    # to go on from, and the source is not asked again for this many seconds.
    retry_after: float | None = None
    # Only part of what the source has now was read (a chunk of a large file): collect again at
    # once with the new cursor, after this part is committed.
    more: bool = False


class Collector(Protocol):
    name: str
    # The host most of its requests go to (sources are started host by host, interleaved).
    host: str

    def collect(self, cursor: dict[str, Any], now: datetime) -> CollectResult:
        """Raise SourceError for a failure of the whole source (unreachable, HTTP error, garbage)."""


class CollectorOptions(PluginOptions):
    """Keys every collector accepts besides its own."""

    # Channel label for every mention of this source ("news", "social", ...).
    channel: str = "news"
