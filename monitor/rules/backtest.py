"""`monitor rules test`: when would the rules have fired over stored history?

The rules run through the real engine and incident book, on a throwaway state database, stepping
through the period as the scheduler would; a rule is only evaluated when something it depends on
changed (monitor/rules/lazy.py), so a year takes seconds. Nothing is delivered and the monitor's
own state (incidents, cooldowns, silences, outbox) is never touched.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from monitor.config import MonitorConfig, RuleOptions
from monitor.db import StateDB
from monitor.delivery.outbox import Outbox
from monitor.i18n import Messages
from monitor.incidents.book import IncidentBook
from monitor.incidents.report import IncidentLine, incident_lines
from monitor.rules.engine import RuleEngine
from monitor.rules.lazy import ChangeLog
from monitor.store.base import MentionStore

# A backtest of a year at 5-minute steps is 100k steps; past this the step grows.
MAX_STEPS = 200_000
# How far before `--from` the seeded change log looks (the longest scope a rule type uses).
SEED_BEFORE = timedelta(weeks=13)
_SEED_CHUNK = timedelta(days=30)


@dataclass(frozen=True)
class BacktestFiring:
    at: datetime
    event: str  # opened, updated, escalated, resolved
    severity: str
    group_key: str
    count: int
    title: str
    summary: str
    rule: str = ""


@dataclass
class BacktestResult:
    rule: str
    start: datetime
    end: datetime
    step: timedelta
    firings: list[BacktestFiring] = field(default_factory=list)
    lines: list[IncidentLine] = field(default_factory=list)
    # Rule evaluations actually run (the rest were skipped: nothing could have changed).
    evaluations: int = 0

    @property
    def incidents(self) -> int:
        return sum(1 for f in self.firings if f.event == "opened")


def backtest(
    config: MonitorConfig,
    rules: Sequence[RuleOptions],
    store: MentionStore,
    start: datetime,
    end: datetime,
    *,
    step: timedelta | None = None,
    step_by_step: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> BacktestResult:
    """Evaluate `rules` together at every step in [start, end] over `store`; what would have fired.
    `progress(steps done, steps)` is called after each step."""
    for rule in rules:
        if not rule.backtestable:
            raise ValueError(
                f"aturan '{rule.name}' (tipe {rule.type}) tidak bisa diuji atas riwayat: butuh keadaan langsung"
            )
    if end <= start:
        raise ValueError("--to harus setelah --from")
    step = step or min([config.monitor.evaluate_interval, *(r.evaluation_window for r in rules)])
    if (end - start) / step > MAX_STEPS:
        step = (end - start) / MAX_STEPS
    result = BacktestResult(",".join(r.name for r in rules), start, end, step)
    changes = None if step_by_step else _seeded(rules, store, start - SEED_BEFORE, end)
    with tempfile.TemporaryDirectory(prefix="humas-backtest-") as folder:
        # Thrown away at the end: no commit needs to reach the disk.
        state = StateDB(Path(folder) / "state.sqlite3", synchronous="OFF")
        try:
            engine = RuleEngine(
                config.model_copy(update={"rules": tuple(rules)}), store, state, Outbox(state), lazy=changes
            )
            moment, done, steps = start, 0, int((end - start) / step) + 1
            while moment <= end:
                for alert in engine.evaluate(moment, rules).alerts:
                    result.firings.append(
                        BacktestFiring(
                            alert.fired_at,
                            alert.event,
                            alert.severity.value,
                            alert.group_key,
                            alert.count,
                            alert.title,
                            alert.summary,
                            alert.rule,
                        )
                    )
                moment += step
                done += 1
                if progress is not None:
                    progress(done, steps)
            result.lines = incident_lines(IncidentBook(state))
            result.evaluations = engine.evaluations
        finally:
            state.close()
    return result


def backtest_rule(
    config: MonitorConfig,
    rule: RuleOptions | str,
    store: MentionStore,
    start: datetime,
    end: datetime,
    *,
    step: timedelta | None = None,
) -> BacktestResult:
    """One rule, by name or options."""
    return backtest(config, [config.rule(rule) if isinstance(rule, str) else rule], store, start, end, step=step)


def _seeded(rules: Sequence[RuleOptions], store: MentionStore, since: datetime, until: datetime) -> ChangeLog:
    """A change log that knows, by the minute, what the store holds (in month-sized queries, so
    no aggregation grows past what Elasticsearch allows)."""
    changes = ChangeLog(rules, width=timedelta(minutes=1))
    moment = since
    while moment < until:
        changes.seed(store, moment, min(moment + _SEED_CHUNK, until))
        moment += _SEED_CHUNK
    return changes


def format_backtest(result: BacktestResult, say: Messages) -> str:
    """The report `monitor rules test` prints, in local time."""
    step = say.duration(result.step)
    head = say("backtest.head", rule=result.rule, start=say.time(result.start), end=say.time(result.end), step=step)
    if not result.firings:
        return head + "\n" + say("backtest.never")
    lines = [head, say("backtest.count", incidents=result.incidents, alerts=len(result.firings))]
    several = len({f.rule for f in result.firings}) > 1
    for firing in result.firings:
        event = say("event." + firing.event)
        severity = say("severity." + firing.severity)
        group = f" [{firing.group_key[:40]}]" if firing.group_key else ""
        rule = f" {firing.rule}:" if several else ""
        lines.append(f"  {say.time(firing.at)}  {event:<13} {severity:<10}{rule}{group} {firing.summary}")
    return "\n".join(lines)
