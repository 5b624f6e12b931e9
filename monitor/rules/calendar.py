"""Which days are not ordinary days: public holidays, cuti bersama, Ramadan, the team's own events.

A seasonal baseline learned from ordinary weeks is wrong on these days: talk drops on Idulfitri,
moves to the night during Ramadan (sahur) and rises on an election day. Rules with a baseline
(`burst`) ask the calendar what kind of day a date is and learn each kind from days of that kind.

Public holidays and cuti bersama come from the `holidays` package (country from `[calendar]
holidays`, the government category included where the country has it, which is where Indonesia's
cuti bersama and election days are). Ramadan is the 30 days before Idulfitri as the package dates
it, so a day's error at either end is possible. Events from `[[calendar.events]]` win over both.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any, Literal

from monitor.config import CalendarConfig

log = logging.getLogger(__name__)

DayKind = Literal["normal", "holiday", "ramadan"]
# The English name the `holidays` package gives the first day of Syawal.
_EID = "Eid al-Fitr"
RAMADAN_DAYS = 30


@dataclass(frozen=True)
class Day:
    kind: DayKind = "normal"
    # Why the day is special, for people ("Hari Raya Idul Fitri"); empty on ordinary days.
    name: str = ""
    # The volume the team expects relative to a usual day (a `busy` event); 1 otherwise.
    expect: float = 1.0


@cache
def _country_days(country: str, year: int) -> tuple[dict[date, str], list[date]]:
    """(holiday -> its Indonesian name, the first days of Idulfitri) for one country and year."""
    import holidays

    try:
        kind: Any = holidays.country_holidays(country, years=year)
    except NotImplementedError:
        log.error("kalender: negara '%s' tidak dikenal paket holidays; hari libur diabaikan", country)
        return {}, []
    categories = tuple(c for c in ("public", "government") if c in getattr(kind, "supported_categories", ()))
    language = "id" if "id" in getattr(kind, "supported_languages", ()) else None
    named: Any = holidays.country_holidays(country, years=year, categories=categories or None, language=language)
    english: Any = holidays.country_holidays(country, years=year, language="en_US")
    eid = sorted(day for day, name in english.items() if _EID in str(name).split("; "))
    return {day: str(name) for day, name in named.items()}, eid


class Calendar:
    def __init__(self, config: CalendarConfig | None = None):
        self.config = config or CalendarConfig()
        self._events: dict[date, Day] = {}
        self._known: dict[date, Day] = {}
        for event in self.config.events:
            day = event.date
            while day <= event.last:
                kind: DayKind = "holiday" if event.effect == "holiday" else "normal"
                self._events[day] = Day(kind, event.name, event.expect if event.effect == "busy" else 1.0)
                day += timedelta(days=1)

    def day(self, when: date) -> Day:
        if when not in self._known:
            self._known[when] = self._day(when)
        return self._known[when]

    def _day(self, when: date) -> Day:
        if when in self._events:
            return self._events[when]
        country = self.config.holidays
        if country:
            named, _ = _country_days(country, when.year)
            if when in named:
                return Day("holiday", named[when])
            if self.config.ramadan and self._in_ramadan(country, when):
                return Day("ramadan", "Ramadan")
        return Day()

    @staticmethod
    def _in_ramadan(country: str, when: date) -> bool:
        # Ramadan may start in the year before the Idulfitri that ends it.
        for year in (when.year, when.year + 1):
            for eid in _country_days(country, year)[1]:
                if eid - timedelta(days=RAMADAN_DAYS) <= when < eid:
                    return True
        return False
