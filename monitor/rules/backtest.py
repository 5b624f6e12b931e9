"""`monitor rules test`: when would a rule have fired over stored history?

The rule runs through the real engine and incident book, on a throwaway state database, stepping
through the period as the scheduler would. Nothing is delivered and the monitor's own state
(incidents, cooldowns, silences, outbox) is never touched.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from monitor.config import MonitorConfig, RuleOptions
from monitor.db import StateDB
from monitor.delivery.outbox import Outbox
from monitor.i18n import Messages
from monitor.rules.engine import RuleEngine
from monitor.store.base import MentionStore

# A backtest of a year at 5-minute steps is 100k evaluations; past this the step grows.
MAX_STEPS = 20_000


@dataclass(frozen=True)
class BacktestFiring:
    at: datetime
    event: str  # opened, updated, escalated, resolved
    severity: str
    group_key: str
    count: int
    title: str
    summary: str


@dataclass
class BacktestResult:
    rule: str
    start: datetime
    end: datetime
    step: timedelta
    firings: list[BacktestFiring] = field(default_factory=list)

    @property
    def incidents(self) -> int:
        return sum(1 for f in self.firings if f.event == "opened")


def backtest_rule(
    config: MonitorConfig,
    rule: RuleOptions | str,
    store: MentionStore,
    start: datetime,
    end: datetime,
    *,
    step: timedelta | None = None,
) -> BacktestResult:
    """Evaluate `rule` at every step in [start, end] over `store`; return what would have fired."""
    if isinstance(rule, str):
        rule = config.rule(rule)
    if not rule.backtestable:
        raise ValueError(
            f"aturan '{rule.name}' (tipe {rule.type}) tidak bisa diuji atas riwayat: butuh keadaan langsung"
        )
    if end <= start:
        raise ValueError("--to harus setelah --from")
    step = step or min(rule.evaluation_window, config.monitor.evaluate_interval)
    if (end - start) / step > MAX_STEPS:
        step = (end - start) / MAX_STEPS
    result = BacktestResult(rule.name, start, end, step)
    with tempfile.TemporaryDirectory(prefix="humas-backtest-") as folder:
        # Thrown away at the end: no commit (one per step) needs to reach the disk.
        state = StateDB(Path(folder) / "state.sqlite3", synchronous="OFF")
        try:
            engine = RuleEngine(config, store, state, Outbox(state))
            moment = start
            while moment <= end:
                for alert in engine.evaluate_rule(rule, moment).alerts:
                    result.firings.append(
                        BacktestFiring(
                            alert.fired_at,
                            alert.event,
                            alert.severity.value,
                            alert.group_key,
                            alert.count,
                            alert.title,
                            alert.summary,
                        )
                    )
                moment += step
        finally:
            state.close()
    return result


def format_backtest(result: BacktestResult, say: Messages) -> str:
    """The report `monitor rules test` prints, in local time."""
    step = say.duration(result.step)
    head = say("backtest.head", rule=result.rule, start=say.time(result.start), end=say.time(result.end), step=step)
    if not result.firings:
        return head + "\n" + say("backtest.never")
    lines = [head, say("backtest.count", incidents=result.incidents, alerts=len(result.firings))]
    for firing in result.firings:
        event = say("event." + firing.event)
        severity = say("severity." + firing.severity)
        group = f" [{firing.group_key[:40]}]" if firing.group_key else ""
        lines.append(f"  {say.time(firing.at)}  {event:<13} {severity:<10}{group} {firing.summary}")
    return "\n".join(lines)
