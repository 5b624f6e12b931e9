"""User-facing words in Indonesian (default) and English, and local-time formatting."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

STRINGS: dict[str, dict[str, str]] = {
    "id": {
        "severity.info": "INFO",
        "severity.warning": "PERINGATAN",
        "severity.critical": "KRITIS",
        "event.opened": "Insiden baru",
        "event.updated": "Pembaruan",
        "event.escalated": "Eskalasi",
        "event.resolved": "Selesai",
        "mentions": "mention",
        "baseline": "biasanya",
        "sentiment": "Sentimen",
        "sources": "Sumber teratas",
        "posts": "Unggahan dengan jangkauan terbesar",
        "watchlists": "Watchlist",
        "window": "Jendela",
        "positive": "positif",
        "neutral": "netral",
        "negative": "negatif",
        "rule": "Aturan",
        "reach": "jangkauan",
    },
    "en": {
        "severity.info": "INFO",
        "severity.warning": "WARNING",
        "severity.critical": "CRITICAL",
        "event.opened": "New incident",
        "event.updated": "Update",
        "event.escalated": "Escalation",
        "event.resolved": "Resolved",
        "mentions": "mentions",
        "baseline": "usually",
        "sentiment": "Sentiment",
        "sources": "Top sources",
        "posts": "Most-reached posts",
        "watchlists": "Watchlists",
        "window": "Window",
        "positive": "positive",
        "neutral": "neutral",
        "negative": "negative",
        "rule": "Rule",
        "reach": "reach",
    },
}


def t(language: str, key: str) -> str:
    return STRINGS.get(language, STRINGS["id"]).get(key, key)


MONTHS = {
    "id": ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}


def local_time(moment: datetime, zone: str = "Asia/Jakarta", language: str = "id", *, with_date: bool = True) -> str:
    """'20 Nov 2026, 07.15 WIB': the time the crisis team lives in, not UTC."""
    local = moment.astimezone(ZoneInfo(zone))
    sep = "." if language == "id" else ":"
    clock = f"{local.hour:02d}{sep}{local.minute:02d} {local.strftime('%Z')}"
    if not with_date:
        return clock
    month = MONTHS.get(language, MONTHS["id"])[local.month - 1]
    return f"{local.day} {month} {local.year}, {clock}"
