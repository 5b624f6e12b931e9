"""`monitor replay`: feed a recorded history through the whole pipeline on a simulated clock.

Input: JSON Lines (one post per line, the fields of monitor/collectors/posts.py) or CSV with a
column mapping. Each record enters the inbox at its `collected_at` when it has one (so the same
post listed again with higher engagement replays its growth), else at its `published_at`. The
clock moves in steps of the evaluation interval; after each step the real jobs run: enrich and
store, evaluate rules, deliver alerts. After the last record it runs on while incidents are open
(at most the longest `resolve_after`), so the replay shows how they end. `speed` N plays N times
faster than real time; 0 does not wait at all.

Replays write to a throwaway data folder (a fresh SQLite store, inbox and state), never into the
monitor's own store or incidents.
"""

from __future__ import annotations

import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from monitor.classify.base import Classifier
from monitor.clock import SimulatedClock
from monitor.collectors.exports import FIELDS, csv_rows, jsonl_rows, parse_columns
from monitor.collectors.posts import post_to_mention
from monitor.config import MonitorConfig
from monitor.delivery.alerter import Alerter
from monitor.incidents.book import IncidentBook, IncidentRow
from monitor.incidents.report import IncidentLine, incident_lines
from monitor.pipeline import Pipeline, build_pipeline
from monitor.records import Mention
from monitor.store.types.sqlite import SqliteStore
from monitor.values import utc

# Timestamps are rounded down to this, so the first step sees the first record.
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class HistoryRecord:
    line: int
    due: datetime  # when it enters the inbox on the simulated clock
    mention: Mention


@dataclass
class History:
    records: list[HistoryRecord] = field(default_factory=list)
    # "baris N: why" for every line that could not be used.
    problems: list[str] = field(default_factory=list)


@dataclass
class ReplayProgress:
    """Where a running replay is, for a progress line."""

    now: datetime
    fraction: float
    stored: int
    alerts: int
    # Records of the history taken into the inbox so far, of all of them.
    taken: int = 0
    total: int = 0


@dataclass
class ReplayReport:
    read: int
    problems: list[str]
    start: datetime | None = None
    end: datetime | None = None
    steps: int = 0
    # Steps at which a rule was evaluated (the others were skipped: nothing could have changed).
    evaluations: int = 0
    stored: int = 0
    duplicates: int = 0
    # Alerts the rules raised (each counted once, however many alerters it went to).
    alerts: int = 0
    suppressed: int = 0
    # Deliveries: one alert to one alerter; per alerter, and those that needed more than one try.
    sent: int = 0
    sent_per_alerter: dict[str, int] = field(default_factory=dict)
    retried: int = 0
    # Deliveries not done when the replay ended: (alerter, alert title, last error).
    undelivered: list[tuple[str, str, str]] = field(default_factory=list)
    # Rules that failed, and the store.
    errors: list[str] = field(default_factory=list)
    incidents: list[IncidentRow] = field(default_factory=list)
    lines: list[IncidentLine] = field(default_factory=list)


def load_history(
    path: Path,
    *,
    fmt: str | None = None,
    columns: Mapping[str, str] | None = None,
    source: str = "replay",
    channel: str = "social",
) -> History:
    """Read a JSONL or CSV history; every unusable line is reported with its number."""
    fmt = fmt or ("csv" if path.suffix.lower() in {".csv", ".tsv"} else "jsonl")
    if fmt not in {"jsonl", "csv"}:
        raise ValueError(f"format '{fmt}' tidak dikenal (pilihan: jsonl, csv)")
    if columns and fmt != "csv":
        raise ValueError("pemetaan kolom hanya untuk CSV")
    text = path.read_text(encoding="utf-8-sig", errors="replace")
    rows = csv_rows(text, columns or {}) if fmt == "csv" else jsonl_rows(text)
    history = History()
    for number, data in rows:
        try:
            if isinstance(data, Exception):
                raise data
            history.records.append(_record(number, data, source, channel))
        except ValueError as exc:
            history.problems.append(f"baris {number}: {exc}")
    history.records.sort(key=lambda r: (r.due, r.line))
    return history


def _record(number: int, data: object, source: str, channel: str) -> HistoryRecord:
    if not isinstance(data, dict):
        raise ValueError("bukan objek JSON")
    for key in ("likes", "shares", "comments", "retweets", "replies", "engagement", "reach"):
        if isinstance(data.get(key), str):  # CSV cells are text, "1.200" is Indonesian for 1200
            data = {**data, key: data[key].replace(".", "").replace(",", "").strip()}
    mention = post_to_mention(data, source=source, channel=channel, now=_EPOCH)
    if mention.date_estimated:
        raise ValueError("kolom 'published_at' wajib untuk replay (kapan mention ini muncul?)")
    due = mention.published_at
    if data.get("collected_at"):
        try:
            due = utc(datetime.fromisoformat(str(data["collected_at"])))
        except ValueError:
            raise ValueError(f"collected_at bukan tanggal ISO 8601: {data['collected_at']!r}") from None
    return HistoryRecord(number, due, mention)


def replay(
    config: MonitorConfig,
    path: Path,
    *,
    speed: float = 0.0,
    fmt: str | None = None,
    columns: Mapping[str, str] | None = None,
    alerters: dict[str, Alerter] | None = None,
    classifier: Classifier | None = None,
    data_dir: Path | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: SimulatedClock | None = None,
    progress: Callable[[ReplayProgress], None] | None = None,
    progress_every: float = 1.0,
    step_by_step: bool = False,
) -> ReplayReport:
    """Play the history in `path` through collect -> enrich -> store -> rules -> alerters.

    `alerters`: where alerts go (None: the configured ones). `data_dir`: where the replay's store,
    inbox and state are kept (None: a temporary folder, removed afterwards). `clock`: the
    simulated clock to move (so log lines can show simulated time). `progress`: called every
    `progress_every` seconds of wall time. `step_by_step`: evaluate every rule at every step, as the live
    service does, instead of only when something it depends on changed (same result, slower)."""
    history = load_history(path, fmt=fmt, columns=columns)
    report = ReplayReport(read=len(history.records), problems=history.problems)
    if not history.records:
        return report
    if speed < 0:
        raise ValueError("speed tidak boleh negatif")
    with tempfile.TemporaryDirectory(prefix="humas-replay-") as scratch:
        folder = data_dir or Path(scratch)
        _run(
            config,
            history,
            folder,
            report,
            speed=speed,
            alerters=alerters,
            classifier=classifier,
            sleep=sleep,
            clock=clock or SimulatedClock(history.records[0].due),
            progress=(progress, progress_every),
            lazy=not step_by_step,
        )
    return report


def _run(
    config: MonitorConfig,
    history: History,
    folder: Path,
    report: ReplayReport,
    *,
    speed: float,
    alerters: dict[str, Alerter] | None,
    classifier: Classifier | None,
    sleep: Callable[[float], None],
    clock: SimulatedClock,
    progress: tuple[Callable[[ReplayProgress], None] | None, float],
    lazy: bool,
) -> None:
    step = config.monitor.evaluate_interval
    settings = config.monitor.model_copy(update={"data_dir": str(folder)})
    # No collectors: the history is the only source.
    replay_config = config.model_copy(update={"monitor": settings, "sources": []})
    records = history.records
    first = records[0].due
    start = _EPOCH + ((first - _EPOCH) // step) * step
    clock.set(start)
    pipeline = build_pipeline(
        replay_config,
        clock=clock,
        alerters=alerters,
        classifier=classifier,
        store=SqliteStore(folder / "mentions.sqlite3"),
        durable=False,
        lazy=lazy,
    )
    pipeline.engine.health = pipeline.inbox.health
    last = records[-1].due
    # After the last record the clock runs on until open incidents resolve (or could have): the
    # last mentions stay in a window for as long as it is, then the rule is quiet for resolve_after.
    quiet = (r.evaluation_delay + r.evaluation_window + r.resolve_after for r in config.rules)
    limit = last + max(quiet, default=timedelta(0)) + step
    book = IncidentBook(pipeline.state)
    report.start = start
    position = 0
    retry = False
    reported_at = time.monotonic()
    try:
        while position < len(records) or (clock.now() <= limit and book.rows(status="open")):
            now = clock.now()
            by_source: dict[str, list[Mention]] = defaultdict(list)
            while position < len(records) and records[position].due <= now:
                record = records[position]
                by_source[record.mention.source].append(replace(record.mention, collected_at=record.due))
                position += 1
            for source, mentions in by_source.items():
                pipeline.inbox.commit(source, mentions, {}, now)
            if by_source or retry:
                processed = pipeline.process()
                report.stored += processed.stored
                report.duplicates += processed.duplicates
                # What the store refused stays in the inbox and is tried again next step.
                retry = bool(processed.error or processed.failed)
                if processed.error and processed.error not in report.errors:
                    report.errors.append(processed.error)
            evaluation = pipeline.evaluate()
            report.alerts += len(evaluation.alerts)
            report.suppressed += len(evaluation.suppressed)
            report.errors += evaluation.errors
            due = pipeline.outbox.next_due()
            if due is not None and due <= now:
                delivery = pipeline.deliver()
                report.sent += delivery.sent
                for name, n in delivery.per_alerter.items():
                    report.sent_per_alerter[name] = report.sent_per_alerter.get(name, 0) + n
            report.steps += 1
            later = _next_moment(pipeline, records[position].due if position < len(records) else None, now, start, step)
            if speed:
                sleep((later - now).total_seconds() / speed)
            report_progress, every = progress
            if report_progress and time.monotonic() - reported_at >= every:
                reported_at = time.monotonic()
                span = (last - start).total_seconds() or 1
                done = min(1.0, (now - start).total_seconds() / span)
                report_progress(ReplayProgress(now, done, report.stored, report.alerts, position, len(records)))
            clock.set(later)
        pipeline.engine.flush_progress()
        report.end = clock.now()
        report.evaluations = pipeline.engine.evaluations
        report.incidents = book.rows()
        report.lines = incident_lines(book)
        report.retried = pipeline.outbox.retried()
        report.undelivered = pipeline.outbox.failures()
    finally:
        pipeline.close()


def _next_moment(
    pipeline: Pipeline, record_due: datetime | None, now: datetime, start: datetime, step: timedelta
) -> datetime:
    """The next step, or, when rules are evaluated lazily, the next step at which anything can
    happen: a record arrives, a rule's scopes change, a delivery retry is due. The steps in
    between would evaluate nothing, so the clock jumps over them (still on the step grid)."""
    following = now + step
    if pipeline.engine.lazy is None:
        return following
    moments = [m for m in (record_due, pipeline.engine.next_change(now), pipeline.outbox.next_due()) if m is not None]
    if not moments:
        return following
    soonest = min(moments)
    # Rules judge the first step strictly after a change; a record is taken at the first step at or after its time.
    grid = start + ((soonest - start) // step) * step
    if grid < soonest or (soonest is not record_due and grid == soonest):
        grid += step
    return max(following, grid)


__all__ = ["FIELDS", "History", "HistoryRecord", "ReplayReport", "load_history", "parse_columns", "replay"]
