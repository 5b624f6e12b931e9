"""The jobs: collect, process (enrich + store), evaluate rules, deliver alerts.

Each job works over protocols only (Collector, Classifier, MentionStore, Alerter) with the clock
and HTTP client passed in, so the CLI, the scheduler, the demo and the tests run the same code.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from monitor.alerters import build_alerters
from monitor.alerters.base import Alerter
from monitor.alerters.outbox import DeliveryReport, Outbox
from monitor.classify.base import Classifier
from monitor.classify.factory import build_classifier
from monitor.clock import Clock, SystemClock
from monitor.collectors import build_collector
from monitor.collectors.base import Collector
from monitor.config import MonitorConfig
from monitor.errors import MonitorError, StoreError
from monitor.inbox import Inbox
from monitor.records import EnrichedMention, Mention
from monitor.rules.engine import EvaluationReport, RuleEngine
from monitor.rules.query import MatchDocument, Watchlists, compile_watchlists
from monitor.statedb import StateDB
from monitor.store import open_store
from monitor.store.base import MentionStore
from monitor.text.dedupe import duplicate_fingerprint, story_id
from monitor.text.normalize import normalize_for_match

log = logging.getLogger(__name__)


@dataclass
class SourceReport:
    source: str
    new: int = 0
    skipped: list[str] = field(default_factory=list)
    error: str | None = None
    not_modified: bool = False


@dataclass
class ProcessReport:
    stored: int = 0
    duplicates: int = 0
    failed: dict[str, str] = field(default_factory=dict)
    error: str | None = None


@dataclass
class CycleReport:
    sources: list[SourceReport] = field(default_factory=list)
    processed: ProcessReport = field(default_factory=ProcessReport)
    evaluation: EvaluationReport = field(default_factory=EvaluationReport)
    delivery: DeliveryReport = field(default_factory=DeliveryReport)

    @property
    def ok(self) -> bool:
        return not (
            any(s.error for s in self.sources)
            or self.processed.error
            or self.processed.failed
            or self.evaluation.errors
            or self.delivery.failed
        )


class Enricher:
    """Normalize, drop exact duplicates, classify in batches, tag watchlists and stories."""

    def __init__(self, classifier: Classifier, watchlists: Watchlists, state: StateDB):
        self.classifier = classifier
        self.watchlists = watchlists
        self.state = state

    def enrich(self, mentions: list[Mention]) -> tuple[list[EnrichedMention], list[str]]:
        """Return the enriched mentions and the ids dropped as duplicates."""
        unique, duplicates, batch_prints = [], [], {}
        for mention in mentions:
            # Title and body are normalized once here and reused by dedupe, watchlists and stories.
            title, body = normalize_for_match(mention.title), normalize_for_match(mention.text)
            normalized = body if mention.title == mention.text else f"{title} {body}".strip()
            fingerprint = duplicate_fingerprint(mention, normalized)
            owner = batch_prints.get(fingerprint) or self._owner(fingerprint)
            if owner and owner != mention.id:
                duplicates.append(mention.id)
                continue
            batch_prints[fingerprint] = mention.id
            unique.append((mention, title, body, normalized))
        texts = [f"{m.title}. {m.text}" if m.title and m.title != m.text else m.text for m, *_ in unique]
        classifications = self.classifier.classify(texts) if texts else []
        enriched = [
            EnrichedMention(
                mention=m,
                normalized_text=normalized,
                classification=c,
                watchlists=self.watchlists.match(
                    MatchDocument.from_normalized(
                        body, title=title, author=m.author, source=m.source, channel=m.channel
                    )
                ),
                story_id=story_id(title, normalized),
            )
            for (m, title, body, normalized), c in zip(unique, classifications, strict=True)
        ]
        return enriched, duplicates

    def remember(self, enriched: list[EnrichedMention]) -> None:
        with self.state.transaction() as db:
            db.executemany(
                "INSERT OR IGNORE INTO fingerprints VALUES (?,?)",
                [(duplicate_fingerprint(e.mention, e.normalized_text), e.id) for e in enriched],
            )

    def _owner(self, fingerprint: str) -> str | None:
        rows = self.state.query("SELECT mention_id FROM fingerprints WHERE fingerprint = ?", (fingerprint,))
        return rows[0][0] if rows else None


class Pipeline:
    def __init__(
        self,
        config: MonitorConfig,
        *,
        inbox: Inbox,
        state: StateDB,
        store: MentionStore,
        classifier: Classifier,
        collectors: dict[str, Collector],
        alerters: dict[str, Alerter],
        clock: Clock,
    ):
        self.config = config
        self.inbox = inbox
        self.state = state
        self.store = store
        self.collectors = collectors
        self.alerters = alerters
        self.clock = clock
        self.outbox = Outbox(state)
        self.engine = RuleEngine(config, store, state, self.outbox, health=inbox.health)
        self.enricher = Enricher(classifier, compile_watchlists(config.watchlists), state)
        # Collect jobs may overlap; the downstream stages run one at a time.
        self._downstream = threading.Lock()

    # -- jobs ----------------------------------------------------------------------------------
    def collect(self, source: str) -> SourceReport:
        report = SourceReport(source)
        now = self.clock.now()
        try:
            result = self.collectors[source].collect(self.inbox.cursor(source), now)
        except MonitorError as exc:
            report.error = str(exc)
            self.inbox.record_failure(source, str(exc), now)
            log.error("%s", exc)
            return report
        except Exception as exc:  # a bug in one collector must not stop the others
            report.error = f"sumber '{source}': kesalahan tak terduga: {exc!r}"
            self.inbox.record_failure(source, report.error, now)
            log.exception("sumber '%s' gagal", source)
            return report
        report.new = self.inbox.commit(source, result.mentions, result.cursor, now)
        report.skipped = list(result.skipped)
        report.not_modified = result.not_modified
        for problem in result.skipped:
            log.warning("sumber '%s': %s", source, problem)
        return report

    def process(self, batch_size: int = 256) -> ProcessReport:
        report = ProcessReport()
        with self._downstream:
            while True:
                pending = [m for m in self.inbox.pending(batch_size) if m.id not in report.failed]
                if not pending:
                    return report
                enriched, duplicates = self.enricher.enrich(pending)
                try:
                    result = self.store.upsert(enriched)
                except StoreError as exc:
                    # Nothing is marked done: every mention stays in the inbox for the next run.
                    report.error = str(exc)
                    log.error("penyimpanan gagal; %d mention tetap di inbox: %s", len(pending), exc)
                    return report
                stored = [e for e in enriched if e.id in set(result.stored)]
                self.enricher.remember(stored)
                self.inbox.mark_done([e.id for e in stored] + duplicates)
                if result.failed:
                    self.inbox.mark_failed(result.failed)
                    report.failed.update(result.failed)
                report.stored += len(stored)
                report.duplicates += len(duplicates)
                if len(pending) < batch_size and not result.failed:
                    return report

    def evaluate(self) -> EvaluationReport:
        with self._downstream:
            return self.engine.evaluate(self.clock.now())

    def deliver(self) -> DeliveryReport:
        with self._downstream:
            return self.outbox.deliver(self.alerters, self.clock.now())

    def cycle(self) -> CycleReport:
        """One pass of every job: what `monitor once` runs."""
        report = CycleReport()
        for name, source in ((s.name, s) for s in self.config.sources):
            if source.enabled:
                report.sources.append(self.collect(name))
        report.processed = self.process()
        report.evaluation = self.evaluate()
        report.delivery = self.deliver()
        return report

    def close(self) -> None:
        self.store.close()
        self.inbox.close()
        self.state.close()


def build_pipeline(
    config: MonitorConfig,
    *,
    clock: Clock | None = None,
    http: httpx.Client | None = None,
    store: MentionStore | None = None,
    alerters: dict[str, Alerter] | None = None,
    classifier: Classifier | None = None,
) -> Pipeline:
    """Wire the configured parts; anything passed in replaces what the config would build."""
    data_dir: Path = config.data_dir
    data_dir.mkdir(parents=True, exist_ok=True)
    http = http or httpx.Client(follow_redirects=True, headers={"User-Agent": config.monitor.user_agent})
    collectors = {s.name: build_collector(s, config, http) for s in config.sources}
    return Pipeline(
        config,
        inbox=Inbox(data_dir / "inbox.sqlite3"),
        state=StateDB(data_dir / "state.sqlite3"),
        store=store or open_store(config),
        classifier=classifier or build_classifier(config.classifier, base_dir=config.base_dir),
        collectors=collectors,
        alerters=alerters if alerters is not None else build_alerters(config),
        clock=clock or SystemClock(),
    )
