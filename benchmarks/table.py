"""What every benchmark returns, and the one table `benchmarks/run.py` prints.

A benchmark's `figures()` returns `Figure`s: a measured value, the baseline measured in the same
run (or None where there is no sensible one), and the target the issue set, if any. The table
shows the ratio value/baseline, so the same column reads "x times the baseline's rate" for rates
and "x times the baseline's time" for times.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    name: str
    value: float
    unit: str
    baseline: float | None = None
    baseline_name: str = ""
    lower_is_better: bool = False
    # The figure the issue asks for (<= for lower_is_better, >= otherwise); None: no target.
    target: float | None = None

    @property
    def ratio(self) -> float | None:
        return self.value / self.baseline if self.baseline else None

    @property
    def met(self) -> bool | None:
        if self.target is None:
            return None
        return self.value <= self.target if self.lower_is_better else self.value >= self.target


@dataclass(frozen=True)
class Skipped:
    """A benchmark that could not run here (no Elasticsearch node given, say), and why."""

    benchmark: str
    why: str


def _number(value: float, unit: str) -> str:
    if unit in ("s",):
        text = f"{value:.3f}" if value < 10 else f"{value:.1f}"
    elif abs(value) >= 100:
        text = f"{value:,.0f}"
    else:
        text = f"{value:.2f}"
    return f"{text} {unit}".strip()


def render(figures: Sequence[Figure], skipped: Sequence[Skipped] = ()) -> str:
    """A Markdown table: figure, value, baseline (what it is), ratio, target and whether met."""
    lines = [
        "| figure | value | baseline (same run) | ratio | target |",
        "|---|---|---|---|---|",
    ]
    for f in figures:
        baseline = f"{_number(f.baseline, f.unit)} ({f.baseline_name})" if f.baseline is not None else "-"
        ratio = f"{f.ratio:.2f}x" if f.ratio is not None else "-"
        if f.target is None:
            target = "-"
        else:
            sign = "<=" if f.lower_is_better else ">="
            target = f"{sign} {_number(f.target, f.unit)} {'met' if f.met else '**not met**'}"
        lines.append(f"| {f.name} | {_number(f.value, f.unit)} | {baseline} | {ratio} | {target} |")
    for s in skipped:
        lines.append(f"| {s.benchmark} | skipped: {s.why} | | | |")
    return "\n".join(lines)
