"""A rule over history, and what its thresholds change: the same rule backtested with one key
set to each of several values (monitor.rules.backtest does the stepping, on a throwaway state)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from monitor.config import MonitorConfig, RuleOptions
from monitor.rules.backtest import BacktestResult, backtest_rule
from monitor.store.base import MentionStore


@dataclass(frozen=True)
class SweepPoint:
    value: Any
    result: BacktestResult

    @property
    def incidents(self) -> int:
        return self.result.incidents

    @property
    def alerts(self) -> int:
        return len(self.result.firings)


def with_option(rule: RuleOptions, key: str, value: Any) -> RuleOptions:
    """`rule` with one key changed, validated by the rule type's own options like a rule file."""
    if key not in type(rule).model_fields:
        raise ValueError(f"aturan '{rule.name}' (tipe {rule.type}) tidak punya kunci '{key}'")
    return type(rule).model_validate({**rule.model_dump(), key: value})


def sweep(
    config: MonitorConfig,
    rule: RuleOptions | str,
    store: MentionStore,
    start: datetime,
    end: datetime,
    *,
    key: str,
    values: Sequence[Any],
    step: timedelta | None = None,
) -> list[SweepPoint]:
    """Backtest `rule` once per value of `key` over [start, end]."""
    base = config.rule(rule) if isinstance(rule, str) else rule
    return [
        SweepPoint(value, backtest_rule(config, with_option(base, key, value), store, start, end, step=step))
        for value in values
    ]
