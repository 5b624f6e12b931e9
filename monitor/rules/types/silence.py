"""`type = "silence"`: a source (or the whole collector) delivered nothing new for longer than
`max_quiet`.

The inbox keeps only each source's latest news. After a restart the collectors run first, so
when the engine walks the gap that news is newer than the moments it judges; the rule therefore
remembers the latest news it saw, and judges those moments by it: the time the monitor was down
is reported as the silence it was."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import ClassVar

from monitor.config import RuleOptions
from monitor.errors import MonitorError
from monitor.inbox import SourceHealth
from monitor.plugin import Plugin, PluginContext
from monitor.rules.base import Finding, RuleContext
from monitor.store.base import MentionFilter
from monitor.values import Duration


class SilenceOptions(RuleOptions):
    # A source's health is live state: history cannot tell when it was quiet.
    backtestable: ClassVar[bool] = False

    # Empty: every enabled source.
    sources: tuple[str, ...] = ()
    max_quiet: Duration = timedelta(hours=2)
    # False: one incident when every source is quiet at once (the collector itself is down).
    per_source: bool = True

    @property
    def evaluation_window(self) -> timedelta:
        return self.max_quiet


class SourceSilence:
    def __init__(self, name: str, rule: SilenceOptions, context: PluginContext):
        self.rule = rule

    def evaluate(self, ctx: RuleContext) -> list[Finding]:
        rule = self.rule
        if ctx.health is None:
            raise MonitorError("aturan 'silence' butuh data kesehatan kolektor (inbox), yang tidak tersedia di sini")
        health = {h.source: h for h in ctx.health()}
        watched = rule.sources or tuple(sorted(set(ctx.sources) | set(health)))
        seen = ctx.memory.get_many((f"last:{s}" for s in watched), datetime)
        lasts: dict[str, datetime] = {}
        for source in watched:
            latest = health[source].last_new_at if source in health else None
            remembered = seen.get(f"last:{source}")
            if latest and latest <= ctx.now:
                lasts[source] = latest
                if remembered != latest:
                    ctx.memory.put(f"last:{source}", latest)
            elif latest and remembered is not None and remembered <= ctx.now:
                lasts[source] = remembered
        if rule.per_source:
            quiet = [(s, t) for s, t in sorted(lasts.items()) if ctx.now - t >= rule.max_quiet]
            return [self._finding(ctx, s, s, t, health[s]) for s, t in quiet]
        if not lasts:
            return []
        newest = max(lasts.values())
        if ctx.now - newest < rule.max_quiet:
            return []
        return [self._finding(ctx, "", ctx.say("rule.silence.all"), newest, None)]

    def _finding(self, ctx: RuleContext, key: str, label: str, last: datetime, health: SourceHealth | None) -> Finding:
        say = ctx.say
        quiet = ctx.now - last
        summary = say("rule.silence", label=label, quiet=say.duration(quiet), limit=say.duration(self.rule.max_quiet))
        if health and health.consecutive_failures:
            summary += say("rule.silence.failing", failures=health.consecutive_failures, error=health.last_error)
        elif health and health.last_success:
            summary += say("rule.silence.empty")
        # Whole hours: updates at most hourly, escalation when the silence has doubled.
        hours = max(1, int(quiet.total_seconds() // 3600))
        scope = MentionFilter(since=last, until=ctx.now, sources=(key,) if key else ())
        return Finding(key, hours, summary, last, ctx.now, scope, label=label)


PLUGIN = Plugin(SilenceOptions, SourceSilence)
