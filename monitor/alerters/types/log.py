"""`type = "log"`: a readable alert on standard output; for dry runs, cron mail and the demo."""

from __future__ import annotations

import sys
from datetime import timedelta
from typing import TextIO

from monitor.delivery.alerter import CheckStep
from monitor.i18n import Messages
from monitor.plugin import Plugin, PluginContext, PluginOptions
from monitor.records import Alert, ThreadRef


def render_text(alert: Alert, say: Messages) -> str:
    """A plain-text alert a person can read in a terminal or an email."""
    head = f"[{say('severity.' + alert.severity.value)}] {say('event.' + alert.event)}: {alert.title}"
    lines = [head, f"  {alert.summary}", f"  {say.time(alert.fired_at)} · {say('alert.rule')}: {alert.rule}"]
    if alert.delayed_until is not None:
        late = say.duration(alert.late_by or timedelta(0))
        sent = say.time(alert.delayed_until)
        lines.insert(1, "  " + say("alert.late", late=late, fired=say.time(alert.fired_at), sent=sent))
    if alert.sentiment_split:
        split = ", ".join(f"{say('sentiment.' + k)} {v}" for k, v in alert.sentiment_split.items())
        lines.append(f"  {say('alert.sentiment')}: {split}")
    if alert.top_sources:
        lines.append(f"  {say('alert.sources')}: " + ", ".join(f"{s} ({n})" for s, n in alert.top_sources))
    if alert.watchlists:
        lines.append(f"  {say('alert.watchlists')}: " + ", ".join(alert.watchlists))
    for post in alert.top_posts:
        reach = f" · {say('alert.reach')} {say.number(post.reach)}" if post.reach else ""
        lines.append(f"  - {post.title[:100]} ({post.source}{reach}) {post.url or ''}".rstrip())
    if alert.evidence:
        lines.append(f"  {say('alert.evidence')}:")
        lines += [f"    · {line}" for line in alert.evidence]
    for clarification in alert.clarifications:
        said = say("clarify.line", by=clarification.source, title=clarification.title[:120])
        lines.append(f"  ✓ {said} {clarification.url or ''}".rstrip())
    return "\n".join(lines)


class LogOptions(PluginOptions):
    # None: the general `[monitor]` language.
    language: str | None = None


class LogAlerter:
    def __init__(self, name: str, say: Messages, stream: TextIO | None = None):
        self.name = name
        self.say = say
        self.stream = stream

    @classmethod
    def build(cls, name: str, options: LogOptions, context: PluginContext) -> LogAlerter:
        return cls(name, context.messages(options.language))

    def deliver(self, alert: Alert, thread: ThreadRef | None) -> ThreadRef | None:
        stream = self.stream or sys.stdout
        print(render_text(alert, self.say), file=stream, flush=True)
        return None

    def check(self) -> list[CheckStep]:
        return [CheckStep(True, self.say("check.log.ok"))]


PLUGIN = Plugin(LogOptions, LogAlerter.build)
