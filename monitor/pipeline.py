"""The jobs: collect, process (enrich + store), evaluate rules, deliver alerts.

Each job works over protocols only (Collector, Classifier, MentionStore, Alerter) with the clock
and HTTP client passed in, so the CLI, the scheduler, the demo and the tests run the same code.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import httpx

from monitor.app import build_alerters, build_classifier, build_collectors, open_store, plugin_context
from monitor.classify.base import Classifier
from monitor.clock import Clock, SystemClock
from monitor.collectors.base import Collector
from monitor.config import MonitorConfig
from monitor.db import StateDB
from monitor.delivery.alerter import Alerter
from monitor.delivery.outbox import DeliveryReport, Outbox
from monitor.enrich.enricher import Enricher
from monitor.enrich.query import compile_watchlists
from monitor.errors import MonitorError, StoreError
from monitor.inbox import Inbox
from monitor.plugin import PluginContext
from monitor.rules.engine import EvaluationReport, RuleEngine
from monitor.rules.lazy import ChangeLog
from monitor.store.base import MentionStore

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
        context: PluginContext | None = None,
        lazy: bool = False,
    ):
        self.config = config
        self.inbox = inbox
        self.state = state
        self.store = store
        self.collectors = collectors
        self.alerters = alerters
        self.clock = clock
        self.outbox = Outbox(state, config.delivery)
        # Lazy (replays): a rule is evaluated only when its scopes change (monitor/rules/lazy.py).
        changes = ChangeLog(config.rules) if lazy else None
        self.engine = RuleEngine(config, store, state, self.outbox, health=inbox.health, context=context, lazy=changes)
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
                batch = self.enricher.enrich(pending)
                try:
                    result = self.store.upsert(batch.mentions)
                except StoreError as exc:
                    # Nothing is marked done: every mention stays in the inbox for the next run.
                    report.error = str(exc)
                    log.error("penyimpanan gagal; %d mention tetap di inbox: %s", len(pending), exc)
                    return report
                self.enricher.remember(batch.fingerprints, result.stored)
                self.inbox.mark_done([*result.stored, *batch.duplicates])
                stored = set(result.stored)
                self.engine.observe([m for m in batch.mentions if m.id in stored])
                if result.failed:
                    self.inbox.mark_failed(result.failed)
                    report.failed.update(result.failed)
                report.stored += len(result.stored)
                report.duplicates += len(batch.duplicates)
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
    durable: bool = True,
    lazy: bool = False,
) -> Pipeline:
    """Wire the configured parts; anything passed in replaces what the config would build.

    `durable=False`: files that need not survive a power cut (a replay's): commits are not synced
    to disk. `lazy`: rules are evaluated only when their scopes change (replays)."""
    data_dir: Path = config.data_dir
    data_dir.mkdir(parents=True, exist_ok=True)
    context = plugin_context(config, clock=clock or SystemClock(), http=(lambda: http) if http else None)
    sync: Literal["FULL", "NORMAL"] = "FULL" if durable else "NORMAL"
    return Pipeline(
        config,
        inbox=Inbox(data_dir / "inbox.sqlite3", synchronous=sync),
        state=StateDB(data_dir / "state.sqlite3", synchronous=sync),
        store=store or open_store(config, context),
        classifier=classifier or build_classifier(config, context),
        collectors=build_collectors(config, context),
        alerters=alerters if alerters is not None else build_alerters(config, context),
        clock=context.clock,
        context=context,
        lazy=lazy,
    )
