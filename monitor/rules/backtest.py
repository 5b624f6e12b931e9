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

from monitor.alerters.outbox import Outbox
from monitor.config import MonitorConfig, RuleConfig
from monitor.i18n import local_time, t
from monitor.rules.engine import RuleEngine
from monitor.statedb import StateDB
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
    rule: RuleConfig | str,
    store: MentionStore,
    start: datetime,
    end: datetime,
    *,
    step: timedelta | None = None,
) -> BacktestResult:
    """Evaluate `rule` at every step in [start, end] over `store`; return what would have fired."""
    if isinstance(rule, str):
        matches = [r for r in config.rules if r.name == rule]
        if not matches:
            known = ", ".join(sorted(r.name for r in config.rules)) or "(tidak ada)"
            raise KeyError(f"aturan '{rule}' tidak ada (aturan yang ada: {known})")
        rule = matches[0]
    if rule.type == "silence":
        raise ValueError("aturan 'silence' tidak bisa diuji atas riwayat: kesehatan sumber di masa lalu tidak disimpan")
    if end <= start:
        raise ValueError("--to harus setelah --from")
    step = step or min(rule.window, config.monitor.evaluate_interval)
    if (end - start) / step > MAX_STEPS:
        step = (end - start) / MAX_STEPS
    result = BacktestResult(rule.name, start, end, step)
    with tempfile.TemporaryDirectory(prefix="humas-backtest-") as folder:
        state = StateDB(Path(folder) / "state.sqlite3")
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


def format_backtest(result: BacktestResult, *, zone: str, language: str = "id") -> str:
    """The report `monitor rules test` prints, in local time."""
    head = (
        f"Aturan '{result.rule}' dari {local_time(result.start, zone)} sampai {local_time(result.end, zone)} "
        f"(langkah {int(result.step.total_seconds() // 60)} menit)"
    )
    if not result.firings:
        return head + "\nTidak akan pernah menyala pada periode ini."
    lines = [head, f"{result.incidents} insiden, {len(result.firings)} peringatan:"]
    for firing in result.firings:
        event = t(language, "event." + firing.event)
        severity = t(language, "severity." + firing.severity)
        group = f" [{firing.group_key[:40]}]" if firing.group_key else ""
        lines.append(f"  {local_time(firing.at, zone)}  {event:<13} {severity:<10}{group} {firing.summary}")
    return "\n".join(lines)
