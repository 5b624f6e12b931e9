"""The jobs: collect, process (enrich + store), evaluate rules, deliver alerts.

Each job works over protocols only (Collector, Classifier, MentionStore, Alerter) with the clock
and HTTP client passed in, so the CLI, the scheduler, the demo and the tests run the same code.
"""

from __future__ import annotations

import logging
import random
import threading
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from itertools import zip_longest
from pathlib import Path
from typing import Literal

import httpx

from monitor.app import build_alerters, build_classifier, build_collectors, open_store, plugin_context
from monitor.classify.base import Classifier
from monitor.clock import Clock, SystemClock
from monitor.collectors.base import Collector, CollectResult
from monitor.collectors.polling import failure_wait, next_interval
from monitor.config import MonitorConfig
from monitor.db import StateDB
from monitor.delivery.alerter import Alerter
from monitor.delivery.outbox import DeliveryReport, Outbox
from monitor.enrich.enricher import Enricher
from monitor.enrich.query import compile_watchlists
from monitor.enrich.roles import OfficialVoices
from monitor.errors import MonitorError, SourceError, StoreError
from monitor.evaluation.responses import ResponseTracker
from monitor.inbox import Inbox
from monitor.plugin import PluginContext
from monitor.rules.base import subject_filter
from monitor.rules.engine import EvaluationReport, RuleEngine
from monitor.rules.lazy import ChangeLog
from monitor.store.base import MentionStore

log = logging.getLogger(__name__)


@dataclass
class SourceReport:
    source: str
    # Items never seen before ("N baru"); `updated`: known ones with new numbers; `also_seen`:
    # items another source carried first (recorded as seen here too, not new).
    new: int = 0
    updated: int = 0
    also_seen: int = 0
    skipped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    not_modified: bool = False
    # Not collected this time: waiting out a backoff or a server's Retry-After until then.
    deferred_until: datetime | None = None
    # Switched off after too many failures in a row (`monitor sources enable NAME`).
    disabled: bool = False
    # Failures in a row so far.
    failures: int = 0
    # Off until these credentials are set (`monitor config check` says where to get them).
    missing_credentials: tuple[str, ...] = ()


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
        # The agency's responses to incidents, judged once their window has passed.
        self.responses = ResponseTracker(config, store, state, outbox=self.outbox, subject=subject_filter)
        official = OfficialVoices.of(config.official_sources, config.agency.accounts)
        self.enricher = Enricher(classifier, compile_watchlists(config.watchlists), state, official)
        # Collect jobs may overlap; the downstream stages run one at a time.
        self._downstream = threading.Lock()
        self._rng = random.Random()

    # -- jobs ----------------------------------------------------------------------------------
    def due(self, source: str, now: datetime) -> SourceReport | None:
        """None when the source may be collected now; else the report saying why not."""
        missing = tuple(getattr(self.collectors[source], "missing_credentials", ()))
        if missing:
            return SourceReport(source, missing_credentials=missing)
        health = self.inbox.source_health(source)
        if health.disabled:
            return SourceReport(source, disabled=True, failures=health.consecutive_failures)
        if health.retry_at and health.retry_at > now:
            return SourceReport(source, deferred_until=health.retry_at)
        return None

    def scheduled_due(self, source: str, now: datetime) -> bool:
        """For the service: the source may run and its (adapted) interval has passed since its
        last attempt."""
        if self.due(source, now) is not None:
            return False
        health = self.inbox.source_health(source)
        attempts = [t for t in (health.last_success, health.last_error_at) if t]
        if not attempts:
            return True
        interval = timedelta(seconds=health.interval_s) if health.interval_s else self.config.source(source).interval
        # A little early is on time: ticks and runs do not line up to the second.
        return max(attempts) + interval <= now + timedelta(seconds=1)

    def next_run(self, source: str, now: datetime) -> datetime:
        """When the scheduler should collect the source next: its (adapted) interval after now,
        or later when it waits out a backoff."""
        health = self.inbox.source_health(source)
        interval = timedelta(seconds=health.interval_s) if health.interval_s else self.config.source(source).interval
        when = now + interval
        return max(when, health.retry_at) if health.retry_at else when

    def collect(self, source: str) -> SourceReport:
        """Collect one source and commit what it gave; a source that reads in chunks (a large
        file) is collected again at once after each committed chunk, so memory stays bounded."""
        report = SourceReport(source)
        cursor = self.inbox.cursor(source)
        while True:
            now = self.clock.now()
            try:
                result = self.collectors[source].collect(cursor, now)
            except Exception as exc:  # a failing source (or a bug in one collector) never stops the others
                self._failed(report, exc, now)
                return report
            self._commit(report, result, now)
            if not result.more or result.retry_after:
                return report
            cursor = result.cursor

    def _commit(self, report: SourceReport, result: CollectResult, now: datetime) -> None:
        source = report.source
        retry_at = now + timedelta(seconds=result.retry_after) if result.retry_after else None
        commit = self.inbox.commit(
            source,
            result.mentions,
            result.cursor,
            now,
            warning="; ".join(result.warnings) or None,
            retry_at=retry_at,
            pace=partial(self._pace, self.config.source(source).interval.total_seconds())
            if self.config.fetch.adaptive
            else None,
        )
        report.new += commit.new
        report.updated += commit.updated
        report.also_seen += commit.also_seen
        report.skipped += result.skipped
        report.warnings += result.warnings
        report.not_modified = result.not_modified
        report.deferred_until = retry_at
        for problem in (*result.skipped, *result.warnings):
            log.warning("sumber '%s': %s", source, problem)

    @staticmethod
    def _pace(configured: float, had_new: bool, current: float | None) -> float:
        return next_interval(current, configured, had_new=had_new)

    def _failed(self, report: SourceReport, exc: Exception, now: datetime) -> None:
        source, fetch = report.source, self.config.fetch
        if isinstance(exc, MonitorError):
            report.error = str(exc)
            log.error("%s", exc)
        else:
            report.error = f"sumber '{source}': kesalahan tak terduga: {exc!r}"
            log.exception("sumber '%s' gagal", source)
        retry_after = exc.retry_after if isinstance(exc, SourceError) else None
        permanent = isinstance(exc, SourceError) and exc.permanent
        failures = self.inbox.source_health(source).consecutive_failures + 1
        wait = (
            fetch.max_backoff
            if permanent
            else failure_wait(
                self.config.source(source).interval,
                failures,
                retry_after=retry_after,
                cap=fetch.max_backoff,
                rng=self._rng,
            )
        )
        # The first failure is retried on the source's own rhythm; backoff starts at the second,
        # unless the server asked for a pause or retrying cannot help.
        retry_at = now + wait if failures > 1 or retry_after or permanent else None
        health = self.inbox.record_failure(
            source, report.error, now, retry_at=retry_at, disable_after=fetch.disable_after
        )
        report.deferred_until, report.disabled = health.retry_at, health.disabled
        report.failures = health.consecutive_failures

    def collect_all(self, names: list[str] | None = None) -> list[SourceReport]:
        """Collect the enabled sources that are due, at once (`[fetch] workers`), host by host
        interleaved so the sources of one busy host do not hold every worker; reports in the
        configuration's order."""
        now = self.clock.now()
        wanted = [s.name for s in self.config.sources if s.enabled and (names is None or s.name in names)]
        reports: dict[str, SourceReport] = {}
        runnable: list[str] = []
        for name in wanted:
            waiting = self.due(name, now)
            if waiting is None:
                runnable.append(name)
            else:
                reports[name] = waiting
        by_host: dict[str, list[str]] = defaultdict(list)
        for name in runnable:
            by_host[getattr(self.collectors[name], "host", "") or name].append(name)
        order = [n for group in zip_longest(*by_host.values()) for n in group if n is not None]
        workers = max(1, min(self.config.fetch.workers, len(order) or 1))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="collect") as pool:
            for name, report in zip(order, pool.map(self.collect, order), strict=True):
                reports[name] = report
        return [reports[name] for name in wanted]

    def process(self, batch_size: int = 1024, progress: Callable[[int, int], None] | None = None) -> ProcessReport:
        """Enrich, store and observe what is pending, a page of `batch_size` at a time;
        `progress(done, pending at the start)` after each page. Each page costs three durable
        commits and a classifier call: 1,024 a page went 1.6x faster than 256 through a
        backlog (benchmarks/bench_pipeline.py), and a page is still only a few MB."""
        report = ProcessReport()
        with self._downstream:
            total = self.inbox.pending_count() if progress is not None else 0
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
                if progress is not None:
                    done = report.stored + report.duplicates + len(report.failed)
                    progress(done, max(total, done))
                if len(pending) < batch_size and not result.failed:
                    return report

    def evaluate(self) -> EvaluationReport:
        with self._downstream:
            # Once per evaluation, not per stored batch: the rules see everything stored so far.
            try:
                self.store.refresh()
            except StoreError as exc:
                log.warning("penyimpanan belum bisa di-refresh; aturan mungkin belum melihat mention terbaru: %s", exc)
            now = self.clock.now()
            report = self.engine.evaluate(now)
            try:
                report.alerts += self.responses.track(now)
            except MonitorError as exc:  # the store is away: the next evaluation tries again
                log.error("tanggapan insiden tidak dapat dinilai: %s", exc)
                report.errors.append(str(exc))
            return report

    def deliver(self) -> DeliveryReport:
        with self._downstream:
            return self.outbox.deliver(self.alerters, self.clock.now())

    def cycle(self, progress: Callable[[int, int], None] | None = None) -> CycleReport:
        """One pass of every job: what `monitor once` runs (`progress`: see `process`)."""
        report = CycleReport()
        report.sources = self.collect_all()
        report.processed = self.process(progress=progress)
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
