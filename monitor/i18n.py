"""User-facing words in Indonesian (default) and English, and local-time formatting."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

_ZONE_ABBR = {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}

STRINGS: dict[str, dict[str, str]] = {
    "id": {
        "severity.info": "INFO", "severity.warning": "PERINGATAN", "severity.critical": "KRITIS",
        "event.opened": "Insiden baru", "event.updated": "Pembaruan", "event.escalated": "Eskalasi",
        "event.resolved": "Selesai",
        "mentions": "mention", "baseline": "biasanya", "sentiment": "Sentimen", "sources": "Sumber teratas",
        "posts": "Unggahan dengan jangkauan terbesar", "watchlists": "Watchlist", "window": "Jendela",
        "positive": "positif", "neutral": "netral", "negative": "negatif", "rule": "Aturan",
        "reach": "jangkauan",
    },
    "en": {
        "severity.info": "INFO", "severity.warning": "WARNING", "severity.critical": "CRITICAL",
        "event.opened": "New incident", "event.updated": "Update", "event.escalated": "Escalation",
        "event.resolved": "Resolved",
        "mentions": "mentions", "baseline": "usually", "sentiment": "Sentiment", "sources": "Top sources",
        "posts": "Most-reached posts", "watchlists": "Watchlists", "window": "Window",
        "positive": "positive", "neutral": "neutral", "negative": "negative", "rule": "Rule",
        "reach": "reach",
    },
}


def t(language: str, key: str) -> str:
    return STRINGS.get(language, STRINGS["id"]).get(key, key)


def local_time(moment: datetime, zone: str = "Asia/Jakarta") -> str:
    """'27 Nov 2026 14:05 WIB': the time the crisis team lives in, not UTC."""
    local = moment.astimezone(ZoneInfo(zone))
    abbr = _ZONE_ABBR.get(zone) or local.strftime("%Z")
    return f"{local:%d %b %Y %H:%M} {abbr}"
