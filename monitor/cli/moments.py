"""Moments typed by people on the command line: local dates and times, or durations from now."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from monitor.values import parse_duration


def parse_moment(text: str, zone: str, *, end_of_day: bool = False) -> datetime:
    """'2026-11-20', '2026-11-20 08:00' or full ISO 8601, as UTC; without an offset, in `zone`.
    A bare date used as an end means the end of that day, so --to 2026-11-20 includes the 20th."""
    text = text.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            moment = datetime.combine(day + timedelta(days=1) if end_of_day else day, time(0))
        else:
            moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"tanggal tidak dikenal: {text!r} (contoh: 2026-11-20 atau 2026-11-20T08:00)") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    return moment.astimezone(ZoneInfo("UTC"))


def parse_until(text: str, now: datetime, zone: str) -> datetime:
    """'2h', '3d' (from now) or a moment as in parse_moment: how long a silence lasts."""
    try:
        return now + parse_duration(text)
    except ValueError:
        pass
    try:
        return parse_moment(text, zone, end_of_day=True)
    except ValueError:
        raise ValueError(f"--until tidak dikenal: {text!r} (contoh: 2h, 3d, 2026-11-20T17:00)") from None
