"""Synthetic timelines for rule, incident, backtest and replay tests.

A `Timeline` is the real thing on disk under tmp_path: a SqliteStore, an Inbox, a StateDB, the
outbox and the RuleEngine, driven by a SimulatedClock. `restart()` closes the state database and
opens a new engine on the same files, as a process restart would.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from conftest import upserted

from monitor.clock import SimulatedClock
from monitor.config import GeneralConfig, MonitorConfig, RuleOptions, SourceConfig
from monitor.db import StateDB
from monitor.delivery.outbox import Outbox
from monitor.inbox import Inbox
from monitor.incidents.book import IncidentBook, IncidentRow
from monitor.records import Alert, Classification, EnrichedMention, Mention, mention_id
from monitor.rules import RULE_TYPES
from monitor.rules.engine import EvaluationReport, RuleEngine
from monitor.store.types.sqlite import SqliteStore
from monitor.text.normalize import normalize_for_match
from monitor.values import Sentiment

# Monday 23 November 2026, 08:00 WIB.
T0 = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def enriched(
    text: str,
    *,
    minutes: float = 0,
    published: datetime | None = None,
    source: str = "portal-warta",
    channel: str = "social",
    author: str | None = "warga",
    sentiment: str | None = "neutral",
    watchlists: Iterable[str] = ("bansos",),
    topics: Iterable[str] = (),
    flags: Iterable[str] = (),
    story: str | None = None,
    reach: int | None = None,
    engagement: int | None = None,
    collected: datetime | None = None,
    key: str | None = None,
) -> EnrichedMention:
    published = published or at(minutes)
    identity = mention_id(source, platform_id=key or f"{text}|{author}|{published.isoformat()}")
    mention = Mention(
        id=identity,
        source=source,
        channel=channel,
        url=f"https://sosmed.contoh.id/p/{identity[:10]}",
        title="",
        text=text,
        published_at=published,
        collected_at=collected or published,
        author=author,
        engagement=engagement,
        reach=reach,
    )
    classification = Classification(
        sentiment=Sentiment(sentiment) if sentiment else None,
        scores={},
        topics=tuple(topics),
        topic_scores={},
        flags=tuple(flags),
        model="uji",
    )
    return EnrichedMention(mention, normalize_for_match(text), classification, tuple(watchlists), story)


def rule(**values: Any) -> RuleOptions:
    """A rule as its file would give it, validated by its type's own options."""
    values.setdefault("name", "aturan-uji")
    options = RULE_TYPES.validate(values["type"], values)
    assert isinstance(options, RuleOptions)
    return options


class Timeline:
    def __init__(
        self,
        folder: Path,
        rules: list[RuleOptions],
        *,
        sources: Iterable[str] = (),
        start: datetime = T0,
        interval: str = "5m",
        language: str = "id",
    ):
        self.folder = folder
        self.clock = SimulatedClock(start)
        self.config = MonitorConfig(
            monitor=GeneralConfig(data_dir=str(folder), evaluate_interval=interval, language=language),
            sources=tuple(SourceConfig(name=s, type="rss", url="http://127.0.0.1/x") for s in sources),
            rules=tuple(rules),
            base_dir=folder,
        )
        self.store = SqliteStore(folder / "mentions.sqlite3")
        self.inbox = Inbox(folder / "inbox.sqlite3")
        self.reports: list[EvaluationReport] = []
        self._open()

    def _open(self) -> None:
        self.state = StateDB(self.folder / "state.sqlite3")
        self.outbox = Outbox(self.state)
        self.engine = RuleEngine(self.config, self.store, self.state, self.outbox, health=self.inbox.health)
        self.book = IncidentBook(self.state)

    def restart(self) -> None:
        """Stop the monitor and start it again on the same files."""
        self.state.close()
        self._open()

    def add(self, *mentions: EnrichedMention) -> None:
        upserted(self.store, list(mentions))

    def evaluate(self) -> EvaluationReport:
        report = self.engine.evaluate(self.clock.now())
        assert not report.errors, report.errors
        self.reports.append(report)
        return report

    def run(self, minutes: float, *, step: float = 5) -> list[Alert]:
        """Advance the clock `minutes` in steps, evaluating after each; return the alerts queued."""
        alerts: list[Alert] = []
        target = self.clock.now() + timedelta(minutes=minutes)
        while self.clock.now() < target:
            self.clock.advance(timedelta(minutes=step))
            alerts += self.evaluate().alerts
        return alerts

    def down_for(self, minutes: float) -> None:
        """The monitor is not running: time passes, nothing is evaluated."""
        self.state.close()
        self.clock.advance(timedelta(minutes=minutes))
        self._open()

    def queued(self) -> list[Alert]:
        """Every alert ever put in the outbox (any alerter, any status), in order."""
        rows = self.state.query("SELECT payload FROM outbox WHERE alerter = 'log' ORDER BY seq")
        return [Alert.from_json(json.loads(r[0])) for r in rows]

    def events(self) -> list[str]:
        return [a.event for a in self.queued()]

    def incidents(self) -> list[IncidentRow]:
        return self.book.rows()

    def close(self) -> None:
        self.state.close()
        self.store.close()
        self.inbox.close()
