"""`type = "narrative"`: many accounts pushing one narrative in a short window, in their own words.

What `coordinated` (near-identical text) cannot see: a campaign whose accounts paraphrase. Posts
are grouped when they share a phrase or hashtag the topic's ordinary talk does not use and mean
alike (monitor/rules/narratives.py). A group fires when at least `min_accounts` accounts wrote it
and at least `min_new_accounts` of them are new to the topic (nothing matching the rule's filters
in the `baseline_period` before the window): a national launch day has many accounts and shared
words too, but mostly people who were already talking. The alert shows the evidence: the shared
phrases, the accounts (which are new), and the timeline in 15-minute bins (campaigns post in
waves).

A campaign keeps one incident while it runs: each post remembers the key of the narrative it was
first seen in, and a narrative takes the key most of its posts already carry.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import datetime, timedelta

from pydantic import Field

from monitor.classify.wordvec import shipped_word_vectors
from monitor.i18n import Messages
from monitor.plugin import Plugin, PluginContext
from monitor.records import EnrichedMention
from monitor.rules.base import MAX_GROUPS, SCAN_LIMIT, Finding, RuleContext, Scope, Watch, campaign_key
from monitor.rules.narratives import Narrative, narratives
from monitor.rules.options import FilteredRule
from monitor.store.base import MentionFilter
from monitor.values import Duration

# Mentions of the weeks before that rarity and meaning are measured against.
BASELINE_SAMPLE = 1500
BIN = timedelta(minutes=15)
SPARKS = "▁▂▃▄▅▆▇█"
LISTED_ACCOUNTS = 8
LISTED_MARKERS = 3


class NarrativeOptions(FilteredRule):
    window: Duration = timedelta(hours=3)
    min_accounts: int = Field(default=15, ge=3)
    # Share (0-1) of those accounts that must be new to the topic.
    min_new_accounts: float = Field(default=0.5, ge=0, le=1)
    # Cosine similarity of meaning (word vectors) at which two posts sharing a rare phrase belong together.
    similarity: float = Field(default=0.5, ge=0, le=1)
    # What counts as the topic's ordinary talk (rarity of phrases, accounts already talking).
    baseline_period: Duration = timedelta(days=14)


class NarrativeRule:
    def __init__(self, name: str, rule: NarrativeOptions, context: PluginContext):
        self.rule = rule
        # More posts can only grow a narrative; posts leaving the baseline make phrases rarer
        # and accounts new again.
        before = Scope(rule.window + rule.baseline_period, rule.window, entering=False)
        self.watch = Watch.window(rule.window, before)

    def evaluate(self, ctx: RuleContext) -> list[Finding]:
        rule = self.rule
        flt = rule.filter(ctx.start, ctx.end)
        if ctx.store.count(flt, unique_authors=True) < rule.min_accounts:
            return []  # the usual case, answered by one count
        window = [hit.mention for hit in ctx.store.search(flt, limit=SCAN_LIMIT) if hit.mention.mention.author]
        earlier = replace(flt, since=ctx.start - rule.baseline_period, until=ctx.start)
        before = [hit.mention for hit in ctx.store.search(earlier, limit=BASELINE_SAMPLE)]
        known = {author for author, _ in ctx.store.terms("author", earlier, size=MAX_GROUPS)}
        findings = []
        vectors = shipped_word_vectors()
        for found in narratives(window, before, vectors, similarity=rule.similarity, min_accounts=rule.min_accounts):
            members = [window[i] for i in found.members]
            accounts = {m.mention.author or "" for m in members} - {""}
            new = {a for a in accounts if a not in known}
            if len(accounts) < rule.min_accounts or len(new) < rule.min_new_accounts * len(accounts):
                continue
            findings.append(self._finding(ctx, flt, found, members, accounts, new))
        return findings

    def _finding(
        self,
        ctx: RuleContext,
        flt: MentionFilter,
        found: Narrative,
        members: list[EnrichedMention],
        accounts: set[str],
        new: set[str],
    ) -> Finding:
        say = ctx.say
        times = sorted(m.mention.published_at for m in members)
        marker = found.shared[0][0] if found.shared else ""
        summary = say(
            "rule.narrative",
            accounts=len(accounts),
            new=len(new),
            posts=len(members),
            spread=say.duration(max(times[-1] - times[0], timedelta(minutes=1))),
            marker=marker,
        )
        phrases = ", ".join(say("rule.narrative.marker", marker=m, n=n) for m, n in found.shared[:LISTED_MARKERS])
        by_account = Counter(m.mention.author for m in members)
        listed = sorted(accounts, key=lambda a: (a not in new, -by_account[a], a))[:LISTED_ACCOUNTS]
        names = ", ".join(f"@{a}" + (say("rule.narrative.new_mark") if a in new else "") for a in listed)
        if len(accounts) > LISTED_ACCOUNTS:
            names += say("rule.narrative.more", n=len(accounts) - LISTED_ACCOUNTS)
        evidence = (
            say("rule.narrative.phrases", phrases=phrases),
            say("rule.narrative.accounts", names=names, period=say.duration(self.rule.baseline_period)),
            say("rule.narrative.timeline", line=_timeline(times, say)),
            say("rule.narrative.cohesion", cohesion=found.cohesion),
        )
        key = campaign_key(ctx.memory, members, "narasi")
        return Finding(
            key,
            len(accounts),
            summary,
            ctx.start,
            ctx.end,
            flt,
            mentions=tuple(members),
            label=say("rule.narrative.label", marker=marker),
            evidence=evidence,
        )


def _timeline(times: list[datetime], say: Messages) -> str:
    """'07.00 ▆▁█▃▇ 08.15 WIB (per 15 menit, puncak 23)': posts per bin, in local time."""
    start = datetime.fromtimestamp(times[0].timestamp() // BIN.total_seconds() * BIN.total_seconds(), times[0].tzinfo)
    bins = Counter(int((t - start) / BIN) for t in times)
    counts = [bins.get(i, 0) for i in range(max(bins) + 1)]
    peak = max(counts)
    sparks = "".join(SPARKS[min(len(SPARKS) - 1, round(c / peak * (len(SPARKS) - 1)))] if c else " " for c in counts)
    last = start + BIN * len(counts)
    return say(
        "rule.narrative.bins",
        start=say.time(start, with_date=False).rsplit(" ", 1)[0],
        sparks=sparks,
        end=say.time(last, with_date=False),
        peak=peak,
    )


PLUGIN = Plugin(NarrativeOptions, NarrativeRule)
