"""The enrich stage: normalize, drop exact reposts, classify in batches, tag watchlists and stories.

It owns the `fingerprints` table of the state file: a repost is recognised across batches and
restarts by a fingerprint of source, author and normalized text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from monitor.classify.base import Classifier
from monitor.db import StateDB
from monitor.enrich.query import MatchDocument, Watchlists
from monitor.enrich.roles import OfficialVoices
from monitor.feedback.labels import LabelBook
from monitor.records import EnrichedMention, Mention
from monitor.text.dedupe import duplicate_fingerprint, story_id
from monitor.text.normalize import normalize_for_match

_SCHEMA = "CREATE TABLE IF NOT EXISTS fingerprints (fingerprint TEXT PRIMARY KEY, mention_id TEXT NOT NULL);"


@dataclass(frozen=True)
class Enriched:
    """One batch after enrichment: what to store, and the ids dropped as reposts."""

    mentions: tuple[EnrichedMention, ...]
    duplicates: tuple[str, ...]
    # Mention id -> its repost fingerprint, remembered once the store has the mention.
    fingerprints: dict[str, str]


@dataclass(frozen=True)
class _Prepared:
    mention: Mention
    title: str
    body: str
    normalized: str


class Enricher:
    def __init__(
        self, classifier: Classifier, watchlists: Watchlists, state: StateDB, official: OfficialVoices | None = None
    ):
        self.classifier = classifier
        self.watchlists = watchlists
        self.state = state
        # The agency's own sources and accounts: their mentions are stored as official.
        self.official = official or OfficialVoices()
        state.ensure(_SCHEMA)
        # What analysts labelled wins over the model, also when a mention is classified again.
        self.labels = LabelBook(state)

    def enrich(self, mentions: Sequence[Mention]) -> Enriched:
        unique: list[_Prepared] = []
        duplicates: list[str] = []
        fingerprints: dict[str, str] = {}
        prepared: list[tuple[_Prepared, str]] = []
        for mention in map(self.official.mark, mentions):
            # Title and body are normalized once here and reused by dedupe, watchlists and stories.
            title, body = normalize_for_match(mention.title), normalize_for_match(mention.text)
            normalized = body if mention.title == mention.text else f"{title} {body}".strip()
            prepared.append((_Prepared(mention, title, body, normalized), duplicate_fingerprint(mention, normalized)))
        # Reposts stored earlier, looked up for the whole batch at once.
        owners: dict[str, str] = self._owners([fingerprint for _, fingerprint in prepared])
        for item, fingerprint in prepared:
            owner = owners.get(fingerprint)
            if owner and owner != item.mention.id:
                duplicates.append(item.mention.id)
                continue
            owners[fingerprint] = item.mention.id
            fingerprints[item.mention.id] = fingerprint
            unique.append(item)
        texts = [p.mention.classified_text for p in unique]
        classifications = self.classifier.classify(texts) if texts else []
        labels = self.labels.for_mentions([p.mention.id for p in unique]) if unique else {}
        classifications = [
            labels[p.mention.id].apply(c) if p.mention.id in labels else c
            for p, c in zip(unique, classifications, strict=True)
        ]
        enriched = tuple(
            EnrichedMention(
                mention=p.mention,
                normalized_text=p.normalized,
                classification=c,
                watchlists=self.watchlists.match(
                    MatchDocument.from_normalized(
                        p.body,
                        title=p.title,
                        author=p.mention.author,
                        source=p.mention.source,
                        channel=p.mention.channel,
                    )
                ),
                story_id=story_id(p.title, p.normalized),
            )
            for p, c in zip(unique, classifications, strict=True)
        )
        return Enriched(enriched, tuple(duplicates), fingerprints)

    def remember(self, fingerprints: dict[str, str], stored: Sequence[str]) -> None:
        """Remember the fingerprints of the mentions the store accepted."""
        with self.state.transaction() as db:
            db.executemany(
                "INSERT OR IGNORE INTO fingerprints VALUES (?,?)",
                [(fingerprints[i], i) for i in stored if i in fingerprints],
            )

    def _owners(self, fingerprints: Sequence[str]) -> dict[str, str]:
        """Fingerprint -> the stored mention that has it, for those already stored."""
        sql = "SELECT fingerprint, mention_id FROM fingerprints WHERE fingerprint IN ({marks})"
        rows = self.state.query_in(sql, (), list(dict.fromkeys(fingerprints)))
        return {str(f): str(m) for f, m in rows}
