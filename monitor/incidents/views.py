"""What `monitor incidents list` and `monitor silence list` print, in local time."""

from __future__ import annotations

from datetime import datetime

from monitor.i18n import local_time, t
from monitor.incidents.book import IncidentRow
from monitor.incidents.silences import Silence

# Ids are long; this many characters are unique in practice and what `incidents ack` accepts.
SHORT_ID = 8


def format_incidents(rows: list[IncidentRow], *, zone: str, language: str = "id") -> str:
    if not rows:
        return "Tidak ada insiden."
    lines = []
    for row in rows:
        incident = row.incident
        if incident.status == "resolved" and incident.resolved_at:
            state = f"selesai {local_time(incident.resolved_at, zone)}"
        elif row.acked_at:
            state = f"terbuka, di-ack {row.acked_by or 'tim'} {local_time(row.acked_at, zone)}"
        else:
            state = "terbuka"
        lines.append(
            f"{incident.id[:SHORT_ID]}  [{t(language, 'severity.' + incident.severity.value)}] {incident.title}\n"
            f"          {incident.count} · dibuka {local_time(incident.opened_at, zone)} · "
            f"terakhir menyala {local_time(incident.updated_at, zone)} · {state}"
        )
    return "\n".join(lines)


def format_silences(silences: list[Silence], *, now: datetime, zone: str) -> str:
    if not silences:
        return "Tidak ada silence aktif."
    lines = []
    for silence in silences:
        if silence.removed_at:
            state = f"dihapus {local_time(silence.removed_at, zone)}"
        elif not silence.active(now):
            state = "berakhir"
        else:
            state = "aktif"
        by = f" oleh {silence.created_by}" if silence.created_by else ""
        lines.append(
            f"#{silence.id}  {silence.pattern}  sampai {local_time(silence.until, zone)} ({state}){by}: "
            f"{silence.reason}"
        )
    return "\n".join(lines)
