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
from monitor.pipeline import build_pipeline
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
class ReplayReport:
    read: int
    problems: list[str]
    start: datetime | None = None
    end: datetime | None = None
    steps: int = 0
    stored: int = 0
    duplicates: int = 0
    alerts: int = 0
    sent: int = 0
    suppressed: int = 0
    errors: list[str] = field(default_factory=list)
    incidents: list[IncidentRow] = field(default_factory=list)


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
) -> ReplayReport:
    """Play the history in `path` through collect -> enrich -> store -> rules -> alerters.

    `alerters`: where alerts go (None: the configured ones). `data_dir`: where the replay's
    throwaway store and state live (None: a temporary folder, removed afterwards)."""
    history = load_history(path, fmt=fmt, columns=columns)
    report = ReplayReport(read=len(history.records), problems=history.problems)
    if not history.records:
        return report
    if speed < 0:
        raise ValueError("speed tidak boleh negatif")
    with tempfile.TemporaryDirectory(prefix="humas-replay-") as scratch:
        folder = data_dir or Path(scratch)
        _run(config, history, folder, report, speed=speed, alerters=alerters, classifier=classifier, sleep=sleep)
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
) -> None:
    step = config.monitor.evaluate_interval
    settings = config.monitor.model_copy(update={"data_dir": str(folder)})
    # No collectors: the history is the only source.
    replay_config = config.model_copy(update={"monitor": settings, "sources": []})
    first = history.records[0].due
    start = _EPOCH + ((first - _EPOCH) // step) * step
    clock = SimulatedClock(start)
    pipeline = build_pipeline(
        replay_config,
        clock=clock,
        alerters=alerters,
        classifier=classifier,
        store=SqliteStore(folder / "mentions.sqlite3"),
    )
    pipeline.engine.health = pipeline.inbox.health
    pending = list(history.records)
    last = history.records[-1].due
    # After the last record the clock runs on until open incidents resolve (or could have).
    limit = last + max((r.resolve_after for r in config.rules), default=timedelta(0)) + step
    book = IncidentBook(pipeline.state)
    report.start = start
    try:
        while pending or (clock.now() <= limit and book.rows(status="open")):
            now = clock.now()
            due = [r for r in pending if r.due <= now]
            pending = pending[len(due) :]
            by_source: dict[str, list[Mention]] = defaultdict(list)
            for record in due:
                by_source[record.mention.source].append(replace(record.mention, collected_at=record.due))
            for source, mentions in by_source.items():
                pipeline.inbox.commit(source, mentions, {}, now)
            processed = pipeline.process()
            evaluation = pipeline.evaluate()
            delivery = pipeline.deliver()
            report.stored += processed.stored
            report.duplicates += processed.duplicates
            report.alerts += len(evaluation.alerts)
            report.suppressed += len(evaluation.suppressed)
            report.sent += delivery.sent
            report.errors += [e for e in [processed.error, *evaluation.errors, *delivery.errors] if e]
            report.steps += 1
            if speed:
                sleep(step.total_seconds() / speed)
            clock.advance(step)
        report.end = clock.now()
        report.incidents = book.rows()
    finally:
        pipeline.close()


__all__ = ["FIELDS", "History", "HistoryRecord", "ReplayReport", "load_history", "parse_columns", "replay"]
