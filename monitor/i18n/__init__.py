"""The message catalogue: every sentence for people, in Indonesian (default) and English.

Text is made where it is needed with a `Messages` object passed in (never a global language),
so one process can write Indonesian alerts to one channel and an English digest to another.
The words live in catalogue.toml; this module formats them with local times, numbers and
durations.
"""

from __future__ import annotations

import tomllib
from datetime import datetime, timedelta
from functools import cache
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo

LANGUAGES = ("id", "en")


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, dict[str, Any]]:
    entries: dict[str, dict[str, Any]] = {}
    for key, value in table.items():
        if not isinstance(value, dict):
            continue
        name = f"{prefix}{key}"
        if any(language in value for language in LANGUAGES):
            entries[name] = {language: value.get(language) for language in LANGUAGES}
        entries.update(_flatten(value, f"{name}."))
    return entries


@cache
def catalogue() -> dict[str, dict[str, Any]]:
    """Message name -> {"id": text, "en": text}."""
    text = resources.files(__package__).joinpath("catalogue.toml").read_text(encoding="utf-8")
    return _flatten(tomllib.loads(text))


class Messages:
    """Sentences in one language, times in one zone."""

    def __init__(self, language: str = "id", timezone: str = "Asia/Jakarta"):
        if language not in LANGUAGES:
            raise ValueError(f"bahasa '{language}' tidak didukung (pilihan: {', '.join(LANGUAGES)})")
        self.language = language
        self.timezone = timezone
        self.zone = ZoneInfo(timezone)

    def __call__(self, key: str, **values: Any) -> str:
        """The message `key`, formatted; an unknown key is a bug and raises KeyError."""
        template = catalogue()[key][self.language]
        return str(template).format(**values) if values else str(template)

    def words(self, key: str) -> list[str]:
        """A list message (month or weekday names) in this language."""
        return [str(word) for word in catalogue()[key][self.language]]

    def has(self, key: str) -> bool:
        return key in catalogue()

    # -- numbers, times, durations ---------------------------------------------------------------
    def number(self, value: float, places: int | None = None) -> str:
        """12.500 and 3,5 in Indonesian; 12,500 and 3.5 in English; `places` fixes the decimals
        (-0,21 with 2)."""
        if places is not None:
            text = f"{value:,.{places}f}"
        else:
            text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
        return text.translate(str.maketrans(",.", ".,")) if self.language == "id" else text

    def time(self, moment: datetime, *, with_date: bool = True) -> str:
        """'20 Nov 2026, 07.15 WIB' (or '20 Nov 2026, 07:15 WIB'): the zone the team lives in."""
        local = moment.astimezone(self.zone)
        sep = "." if self.language == "id" else ":"
        clock = f"{local.hour:02d}{sep}{local.minute:02d} {local.strftime('%Z')}"
        if not with_date:
            return clock
        month = self.words("calendar.months")[local.month - 1]
        return f"{local.day} {month} {local.year}, {clock}"

    def span(self, start: datetime, end: datetime) -> str:
        """'27 Nov 2026, 13.00–14.00 WIB' on one day, both dates otherwise."""
        first = self.time(start)
        if start.astimezone(self.zone).date() == end.astimezone(self.zone).date():
            return f"{first.rsplit(' ', 1)[0]}–{self.time(end, with_date=False)}"
        return f"{first} – {self.time(end)}"

    def duration(self, delta: timedelta) -> str:
        """'2 jam 30 menit' / '2 hours 30 minutes', in the largest whole unit that fits."""

        def amount(n: int, unit: str) -> str:
            return self(f"unit.{unit}.{'one' if n == 1 else 'many'}", n=n)

        minutes = int(delta.total_seconds() // 60)
        if minutes and minutes % (60 * 24 * 7) == 0:
            return amount(minutes // (60 * 24 * 7), "week")
        if minutes and minutes % (60 * 24) == 0:
            return amount(minutes // (60 * 24), "day")
        if minutes >= 60 and minutes % 60 == 0:
            return amount(minutes // 60, "hour")
        if minutes >= 60:
            return f"{amount(minutes // 60, 'hour')} {amount(minutes % 60, 'minute')}"
        return amount(minutes, "minute")
