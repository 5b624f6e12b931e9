"""What `monitor incidents list` and `monitor silence list` print, in local time."""

from __future__ import annotations

from datetime import datetime

from monitor.i18n import Messages
from monitor.incidents.book import IncidentRow
from monitor.incidents.silences import Silence

# Ids are long; this many characters are unique in practice and what `incidents ack` accepts.
SHORT_ID = 8


def format_incidents(rows: list[IncidentRow], say: Messages) -> str:
    if not rows:
        return say("incidents.none")
    lines = []
    for row in rows:
        incident = row.incident
        if incident.status == "resolved" and incident.resolved_at:
            state = say("incidents.resolved", at=say.time(incident.resolved_at))
        elif row.acked_at:
            state = say("incidents.acked", by=row.acked_by or say("incidents.team"), at=say.time(row.acked_at))
        else:
            state = say("incidents.open")
        details = say(
            "incidents.line",
            count=incident.count,
            opened=say.time(incident.opened_at),
            updated=say.time(incident.updated_at),
            state=state,
        )
        lines.append(
            f"{incident.id[:SHORT_ID]}  [{say('severity.' + incident.severity.value)}] {incident.title}\n"
            f"          {details}"
        )
    return "\n".join(lines)


def format_silences(silences: list[Silence], *, now: datetime, say: Messages) -> str:
    if not silences:
        return say("silences.none")
    lines = []
    for silence in silences:
        if silence.removed_at:
            state = say("silences.removed", at=say.time(silence.removed_at))
        elif not silence.active(now):
            state = say("silences.ended")
        else:
            state = say("silences.active")
        by = say("silences.by", by=silence.created_by) if silence.created_by else ""
        line = say(
            "silences.line",
            id=silence.id,
            pattern=silence.pattern,
            until=say.time(silence.until),
            state=state,
            by=by,
            reason=silence.reason,
        )
        lines.append(line)
    return "\n".join(lines)
