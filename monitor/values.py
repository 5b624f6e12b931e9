"""Value types shared by every layer: durations, severities, sentiments, UTC times.

A leaf module: it imports nothing of ours, so configuration, records and plugins can all use it.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

if TYPE_CHECKING:
    from pydantic import GetCoreSchemaHandler
    from pydantic_core import CoreSchema

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
# Larger than any window a person means, small enough that datetime arithmetic never overflows.
MAX_DURATION = timedelta(days=3660)


def parse_duration(value: Any) -> timedelta:
    """'90s', '15m', '1h', '7d', '2w' or a number of seconds; anything else is a ValueError
    whose message quotes the input and shows the accepted forms."""
    if isinstance(value, timedelta):
        delta = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if value != value or abs(value) > MAX_DURATION.total_seconds():  # NaN or absurdly long
            raise ValueError(f"durasi di luar batas: {value!r}")
        delta = timedelta(seconds=value)
    elif isinstance(value, str) and (match := _DURATION.match(value)):
        amount = float(match.group(1))
        unit_seconds = timedelta(**{_UNITS[match.group(2)]: 1}).total_seconds()
        if amount * unit_seconds > MAX_DURATION.total_seconds():
            raise ValueError(f"durasi terlalu panjang: {value!r} (paling lama {MAX_DURATION.days} hari)")
        delta = timedelta(seconds=amount * unit_seconds)
    else:
        raise ValueError(f"bukan durasi yang dikenal: {value!r} (contoh: '30s', '15m', '1h', '7d', '2w')")
    if delta < timedelta(0):
        raise ValueError(f"durasi tidak boleh negatif: {value!r}")
    return delta


class _ParsedDuration:
    """Pydantic metadata that runs parse_duration first. Pydantic is imported only when a model
    uses it, so the command line can start without loading pydantic."""

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        from pydantic_core import core_schema

        return core_schema.no_info_before_validator_function(parse_duration, handler(source))


# A pydantic field type: accepts the forms parse_duration accepts.
Duration = Annotated[timedelta, _ParsedDuration]


def utc(dt: datetime) -> datetime:
    """Naive datetimes are taken as UTC; aware ones are converted."""
    if dt.tzinfo is None:
        return dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


class Sentiment(str, Enum):
    POSITIVE = "positive"
    NEUTRAL = "neutral"
    NEGATIVE = "negative"


class Severity(str, Enum):
    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return list(Severity).index(self)

    def raised(self) -> Severity:
        """One level up (critical stays critical): what an escalation does."""
        levels = list(Severity)
        return levels[min(self.rank + 1, len(levels) - 1)]
