"""The `log` alerter: a readable alert on standard output; for dry runs and the demo."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, TextIO

from pydantic import BaseModel, ConfigDict

from monitor.i18n import local_time, t
from monitor.records import Alert

if TYPE_CHECKING:
    from monitor.config import MonitorConfig


def render_text(alert: Alert, language: str = "id", zone: str = "Asia/Jakarta") -> str:
    """A plain-text alert a person can read in a terminal or an email."""
    head = f"[{t(language, 'severity.' + alert.severity.value)}] {t(language, 'event.' + alert.event)}: {alert.title}"
    lines = [
        head,
        f"  {alert.summary}",
        f"  {local_time(alert.fired_at, zone, language)} · {t(language, 'rule')}: {alert.rule}",
    ]
    if alert.sentiment_split:
        split = ", ".join(f"{t(language, k)} {v}" for k, v in alert.sentiment_split.items())
        lines.append(f"  {t(language, 'sentiment')}: {split}")
    if alert.top_sources:
        lines.append(f"  {t(language, 'sources')}: " + ", ".join(f"{s} ({n})" for s, n in alert.top_sources))
    if alert.watchlists:
        lines.append(f"  {t(language, 'watchlists')}: " + ", ".join(alert.watchlists))
    for post in alert.top_posts:
        reach = f" · {t(language, 'reach')} {post.reach}" if post.reach else ""
        lines.append(f"  - {post.title[:100]} ({post.source}{reach}) {post.url or ''}".rstrip())
    return "\n".join(lines)


class LogAlerter:
    class Options(BaseModel):
        model_config = ConfigDict(extra="forbid")
        language: str | None = None

    def __init__(self, name: str, language: str, zone: str, stream: TextIO | None = None):
        self.name = name
        self.language = language
        self.zone = zone
        self.stream = stream

    @classmethod
    def from_options(cls, name: str, options: Options, config: MonitorConfig) -> LogAlerter:
        return cls(name, options.language or config.monitor.language, config.monitor.timezone)

    def deliver(self, alert: Alert, thread: dict[str, str] | None) -> dict[str, str]:
        stream = self.stream or sys.stdout
        print(render_text(alert, self.language, self.zone), file=stream, flush=True)
        return {}
