"""`monitor label queue`: the recent mentions the model is least sure of, for an analyst's ten minutes.

Uncertainty is the margin between the two highest sentiment scores (the scores are calibrated,
so a small margin means a real coin toss): labelling those teaches the model most per minute
(uncertainty sampling, Lewis and Gale 1994). Mentions a person already labelled, and texts that
got no sentiment (empty, not Indonesian), are left out.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from monitor.records import EnrichedMention
from monitor.store.base import MentionFilter, MentionStore


@dataclass(frozen=True)
class QueueItem:
    mention: EnrichedMention
    margin: float


def margin(scores: dict[str, float]) -> float:
    top = sorted(scores.values(), reverse=True)
    return top[0] - top[1] if len(top) > 1 else 1.0


def least_sure(
    store: MentionStore, *, since: datetime, labelled: Collection[str], limit: int = 20, scan: int = 5000
) -> list[QueueItem]:
    """The `limit` least sure of the newest `scan` mentions since `since`, least sure first."""
    hits = store.search(MentionFilter(since=since), limit=scan)
    items = [
        QueueItem(hit.mention, margin(hit.mention.classification.scores))
        for hit in hits
        if hit.mention.classification.sentiment is not None
        and hit.mention.classification.labelled_by is None
        and hit.mention.id not in labelled
    ]
    items.sort(key=lambda item: (item.margin, -item.mention.mention.published_at.timestamp()))
    return items[:limit]
