"""The incident table of a replay or a backtest, and how well each rule found known events.

A team tunes its rules on its own history: replay a month or a year, read when each incident
opened, escalated and resolved, and, with a file of the moments it knows something started (the
`events` file), see per rule how late it was, what share of the events it caught and how many
incidents it opened for nothing.
"""

from __future__ import annotations

import csv
import fnmatch
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from statistics import median
from typing import Any

from monitor.i18n import Messages
from monitor.incidents.book import IncidentBook
from monitor.values import utc


@dataclass(frozen=True)
class IncidentLine:
    """One row of the incident table."""

    incident: str
    rule: str
    title: str
    group_key: str
    severity: str
    opened_at: datetime
    escalated_at: datetime | None
    resolved_at: datetime | None
    # The highest count the incident reported.
    peak: int
    # Alerts queued for the team (silenced ones not counted).
    alerts: int


def incident_lines(book: IncidentBook) -> list[IncidentLine]:
    lines = []
    for row in book.rows():
        incident = row.incident
        events = book.events(incident.id)
        escalated = next((e.at for e in events if e.event == "escalated"), None)
        sent = sum(1 for e in events if e.alert_id and e.suppressed is None)
        peak = max((e.count for e in events), default=incident.count)
        lines.append(
            IncidentLine(
                incident.id,
                incident.rule,
                incident.title,
                incident.group_key,
                incident.severity.value,
                incident.opened_at,
                escalated,
                incident.resolved_at,
                max(peak, incident.count),
                sent,
            )
        )
    return sorted(lines, key=lambda line: (line.opened_at, line.rule))


def _row(line: IncidentLine, say: Messages) -> dict[str, Any]:
    def both(moment: datetime | None) -> tuple[str | None, str]:
        return (moment.isoformat(), say.time(moment)) if moment else (None, "")

    opened, opened_local = both(line.opened_at)
    escalated, escalated_local = both(line.escalated_at)
    resolved, resolved_local = both(line.resolved_at)
    return {
        "incident": line.incident,
        "rule": line.rule,
        "title": line.title,
        "group": line.group_key,
        "severity": line.severity,
        "opened_at": opened,
        "opened_local": opened_local,
        "escalated_at": escalated,
        "escalated_local": escalated_local,
        "resolved_at": resolved,
        "resolved_local": resolved_local,
        "peak": line.peak,
        "alerts": line.alerts,
    }


def write_table(lines: Sequence[IncidentLine], folder: Path, say: Messages) -> list[Path]:
    """incidents.jsonl and incidents.csv in `folder`; times in UTC and local."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = [_row(line, say) for line in lines]
    jsonl = folder / "incidents.jsonl"
    jsonl.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(_row(lines[0], say)) if lines else ["incident"])
    writer.writeheader()
    writer.writerows(rows)
    table = folder / "incidents.csv"
    table.write_text(buffer.getvalue(), encoding="utf-8")
    return [jsonl, table]


def format_table(lines: Sequence[IncidentLine], say: Messages) -> str:
    if not lines:
        return say("incidents.none")
    head = [
        say("table.rule"),
        say("table.opened"),
        say("table.escalated"),
        say("table.resolved"),
        say("table.peak"),
        say("table.alerts"),
        say("table.title"),
    ]
    cells = [
        [
            line.rule,
            say.time(line.opened_at),
            say.time(line.escalated_at) if line.escalated_at else "-",
            say.time(line.resolved_at) if line.resolved_at else say("table.still_open"),
            say.number(line.peak),
            str(line.alerts),
            line.title,
        ]
        for line in lines
    ]
    widths = [max(len(row[i]) for row in [head, *cells]) for i in range(len(head) - 1)]
    out = []
    for row in [head, *cells]:
        fixed = [cell.rjust(widths[i]) if i in (4, 5) else cell.ljust(widths[i]) for i, cell in enumerate(row[:-1])]
        out.append("  " + "  ".join([*fixed, row[-1]]).rstrip())
    return "\n".join(out)


# -- known events -----------------------------------------------------------------------------


@dataclass(frozen=True)
class KnownEvent:
    """A moment the team knows something started, and which rules should have seen it."""

    onset: datetime
    name: str = ""
    # Rule names or patterns (keluhan-*); empty: every rule.
    rules: tuple[str, ...] = ()

    def concerns(self, rule: str) -> bool:
        return not self.rules or any(fnmatch.fnmatchcase(rule, pattern) for pattern in self.rules)


def load_events(path: Path, zone: str) -> list[KnownEvent]:
    """JSONL or CSV with `onset` (ISO 8601; without an offset, local time), `name`, `rules`
    (a list, or names separated by `;`). Raises ValueError naming the line."""
    from zoneinfo import ZoneInfo

    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() == ".csv":
        rows: Iterable[tuple[int, Any]] = ((i + 2, r) for i, r in enumerate(csv.DictReader(io.StringIO(text))))
    else:
        rows = ((i, json.loads(line)) for i, line in enumerate(text.splitlines(), start=1) if line.strip())
    events = []
    for number, row in rows:
        if not isinstance(row, dict) or not row.get("onset"):
            raise ValueError(f"{path.name} baris {number}: kolom 'onset' wajib (waktu mulai kejadian)")
        try:
            onset = datetime.fromisoformat(str(row["onset"]))
        except ValueError:
            raise ValueError(f"{path.name} baris {number}: onset bukan tanggal ISO 8601: {row['onset']!r}") from None
        if onset.tzinfo is None:
            onset = onset.replace(tzinfo=ZoneInfo(zone))
        rules = row.get("rules") or ()
        if isinstance(rules, str):
            rules = [r.strip() for r in rules.split(";")]
        events.append(KnownEvent(utc(onset), str(row.get("name") or ""), tuple(r for r in rules if r)))
    return sorted(events, key=lambda e: e.onset)


@dataclass
class RuleScore:
    rule: str
    events: int = 0
    delays: list[timedelta] = field(default_factory=list)
    false_incidents: int = 0

    @property
    def detected(self) -> int:
        return len(self.delays)

    @property
    def recall(self) -> float:
        return self.detected / self.events if self.events else 0.0


@dataclass
class Scores:
    rules: list[RuleScore]
    # Per event: (event, {rule: delay or None when missed}).
    events: list[tuple[KnownEvent, dict[str, timedelta | None]]]


def score(
    lines: Sequence[IncidentLine],
    events: Sequence[KnownEvent],
    rules: Sequence[str],
    *,
    within: timedelta,
    early: timedelta = timedelta(minutes=30),
) -> Scores:
    """An incident of a rule that opened from `early` before an event's onset to `within` after it
    detects that event (the first such incident counts, for the first event it can); any other
    incident of the rule is a false one."""
    table = Scores([RuleScore(rule) for rule in rules], [])
    matched: set[str] = set()
    per_event: dict[int, dict[str, timedelta | None]] = {i: {} for i in range(len(events))}
    for result in table.rules:
        opened = [line for line in lines if line.rule == result.rule]
        for i, event in enumerate(events):
            if not event.concerns(result.rule):
                continue
            result.events += 1
            hit = next(
                (
                    line
                    for line in opened
                    if line.incident not in matched and event.onset - early <= line.opened_at <= event.onset + within
                ),
                None,
            )
            per_event[i][result.rule] = None
            if hit is not None:
                matched.add(hit.incident)
                delay = max(hit.opened_at - event.onset, timedelta(0))
                result.delays.append(delay)
                per_event[i][result.rule] = delay
        result.false_incidents = sum(1 for line in opened if line.incident not in matched)
    table.events = [(event, per_event[i]) for i, event in enumerate(events)]
    return table


def format_scores(scores: Scores, say: Messages) -> str:
    lines = [say("score.head", events=len(scores.events))]
    for result in scores.rules:
        if result.delays:
            delays = say(
                "score.delays",
                median=say.duration(timedelta(seconds=median(d.total_seconds() for d in result.delays))),
                worst=say.duration(max(result.delays)),
            )
        else:
            delays = "-"
        lines.append(
            say(
                "score.rule",
                rule=result.rule,
                detected=result.detected,
                events=result.events,
                recall=result.recall,
                delays=delays,
                false=result.false_incidents,
            )
        )
    for event, found in scores.events:
        caught = [f"{rule} +{say.duration(delay)}" for rule, delay in found.items() if delay is not None]
        missed = [rule for rule, delay in found.items() if delay is None]
        detail = ", ".join(caught) or "-"
        if missed:
            detail += "; " + say("score.missed", rules=", ".join(missed))
        lines.append(f"  {say.time(event.onset)} {event.name}: {detail}")
    return "\n".join(lines)
