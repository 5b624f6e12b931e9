"""`type = "coordinated"`: many distinct accounts posting near-identical text within the window
(buzzers). A campaign keeps one key, so one incident, while it runs (`campaign_key`)."""

from __future__ import annotations

from datetime import timedelta

from pydantic import Field

from monitor.plugin import Plugin, PluginContext
from monitor.rules.base import SCAN_LIMIT, Finding, RuleContext, Watch, campaign_key, post_label
from monitor.rules.neardup import clusters
from monitor.rules.options import FilteredRule


class CoordinatedOptions(FilteredRule):
    min_accounts: int = Field(default=5, ge=2)
    # Jaccard similarity of word shingles at which two posts count as the same text.
    similarity: float = Field(default=0.8, ge=0.3, le=1)


class Coordinated:
    def __init__(self, name: str, rule: CoordinatedOptions, context: PluginContext):
        self.rule = rule
        self.watch = Watch.window(rule.window)

    def evaluate(self, ctx: RuleContext) -> list[Finding]:
        rule = self.rule
        flt = rule.filter(ctx.start, ctx.end)
        posts = [hit.mention for hit in ctx.store.search(flt, limit=SCAN_LIMIT) if hit.mention.mention.author]
        groups = clusters([p.normalized_text or p.mention.text for p in posts], rule.similarity)
        findings = []
        for group in groups:
            members = [posts[i] for i in group]
            accounts = {m.mention.author for m in members}
            if len(accounts) < rule.min_accounts:
                continue
            key = campaign_key(ctx.memory, members, "kampanye")
            first = min(members, key=lambda m: m.mention.published_at)
            spread = max(m.mention.published_at for m in members) - first.mention.published_at
            summary = ctx.say(
                "rule.coordinated",
                accounts=len(accounts),
                posts=len(members),
                spread=ctx.say.duration(max(spread, timedelta(minutes=1))),
            )
            findings.append(
                Finding(
                    key,
                    len(accounts),
                    summary,
                    ctx.start,
                    ctx.end,
                    flt,
                    mentions=tuple(members),
                    label=post_label(first),
                )
            )
        return findings


PLUGIN = Plugin(CoordinatedOptions, Coordinated)
