"""Rule types: each tests its condition over a time window against the store.

A rule type is a class with one verb, `evaluate(rule, ctx) -> list[Finding]`, registered in
RULE_TYPES. It never alerts by itself: the engine turns findings into incidents and alerts. Every
type reads the store only through the MentionStore protocol (count, histogram, terms, search), so
it works the same on SQLite and Elasticsearch.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from statistics import median
from typing import Protocol

from monitor.config import RuleConfig
from monitor.errors import MonitorError
from monitor.inbox import SourceHealth
from monitor.records import EnrichedMention
from monitor.rules.memory import RuleMemory
from monitor.rules.messages import duration, number, say
from monitor.rules.neardup import clusters
from monitor.store.base import MentionFilter, MentionStore

# How many mentions an `any` rule looks at per evaluation; the rest wait for the next run.
ANY_BATCH = 500
# How many of the newest mentions in the window `viral` and `coordinated` inspect one by one.
SCAN_LIMIT = 2000
# How many stories seen before the window `new_story` compares against.
STORY_HISTORY = 50_000
# Engagement growth is measured over at least this long, so two fetches a minute apart that
# differ by a handful of likes do not look like thousands per hour.
MIN_GROWTH_SPAN = timedelta(minutes=15)


@dataclass(frozen=True)
class Finding:
    """A rule's condition holds for one group."""

    group_key: str
    count: int
    summary: str
    window_start: datetime
    window_end: datetime
    filter: MentionFilter
    baseline: float | None = None
    mention_ids: tuple[str, ...] = ()
    # What the group is, for people ("@akun: isi unggahan", a story's title); defaults to the key.
    label: str = ""


@dataclass(frozen=True)
class RuleContext:
    store: MentionStore
    # The window the rule tests: [start, end), already shifted back by the late-data delay.
    start: datetime
    end: datetime
    # The moment being evaluated (end + delay): what `silence` compares against.
    now: datetime
    # Mentions this rule already reported (for `any`), so a restart never re-sends.
    already_seen: Callable[[str, list[str]], set[str]]
    memory: RuleMemory
    # The collector's health per source (monitor/inbox.py), for `silence`; None where unknown.
    health: Callable[[], list[SourceHealth]] | None = None
    # The configured, enabled sources: a `silence` rule without `sources` watches all of them.
    sources: tuple[str, ...] = ()
    # The language of the summaries ("id" or "en").
    language: str = "id"

    @property
    def window(self) -> str:
        return duration(self.end - self.start, self.language)


class RuleType(Protocol):
    def evaluate(self, rule: RuleConfig, ctx: RuleContext) -> list[Finding]: ...


def rule_filter(rule: RuleConfig, start: datetime, end: datetime) -> MentionFilter:
    return MentionFilter(
        since=start,
        until=end,
        watchlists=tuple(rule.watchlists),
        topics=tuple(rule.topics),
        sentiment=tuple(rule.sentiment),
        flags=tuple(rule.flags),
        sources=tuple(rule.sources),
        channels=tuple(rule.channels),
    )


_GROUP_FIELDS = {
    "source": "sources",
    "channel": "channels",
    "author": "authors",
    "watchlist": "watchlists",
    "topic": "topics",
}
_TERM_FIELDS = {
    "source": "source",
    "channel": "channel",
    "author": "author",
    "watchlist": "watchlists",
    "topic": "topics",
}


# Groups per rule and evaluation: enough for every author of a busy hour; terms() is cut here.
MAX_GROUPS = 10_000


def grouped_filters(
    rule: RuleConfig, flt: MentionFilter, store: MentionStore, also: tuple[MentionFilter, ...] = ()
) -> list[tuple[str, MentionFilter]]:
    """One filter per value of the rule's group_by field (or the rule's own filter when none).

    Groups are the values present in the window, plus those present under the `also` filters
    (a drop to zero leaves no value in the window to group by)."""
    if not rule.group_by:
        return [("", flt)]
    field = _TERM_FIELDS[rule.group_by]
    values: dict[str, None] = {}
    for scope in (flt, *also):
        values.update((value, None) for value, _ in store.terms(field, scope, size=MAX_GROUPS))  # type: ignore[arg-type]
    return [(value, replace(flt, **{_GROUP_FIELDS[rule.group_by]: (value,)})) for value in values]


def _post_label(mention: EnrichedMention) -> str:
    m = mention.mention
    text = (m.title or m.text).replace("\n", " ")
    short = text if len(text) <= 80 else text[:79] + "…"
    return f"@{m.author}: {short}" if m.author else short


class AnyMatch:
    """Every matching mention fires, once; new mentions of one group form one alert."""

    def evaluate(self, rule: RuleConfig, ctx: RuleContext) -> list[Finding]:
        findings = []
        for key, flt in grouped_filters(rule, rule_filter(rule, ctx.start, ctx.end), ctx.store):
            ids = [hit.mention.id for hit in ctx.store.search(flt, limit=ANY_BATCH)]
            seen = ctx.already_seen(rule.name, ids)
            new = tuple(i for i in ids if i not in seen)
            if new:
                findings.append(
                    Finding(
                        key, len(new), say(ctx.language, "any", n=len(new)), ctx.start, ctx.end, flt, mention_ids=new
                    )
                )
        return findings


class Threshold:
    """At least N matching mentions (or N distinct authors) in the window."""

    def evaluate(self, rule: RuleConfig, ctx: RuleContext) -> list[Finding]:
        findings = []
        message = "threshold.authors" if rule.unique_authors else "threshold"
        for key, flt in grouped_filters(rule, rule_filter(rule, ctx.start, ctx.end), ctx.store):
            count = ctx.store.count(flt, unique_authors=rule.unique_authors)
            if count >= rule.threshold:
                summary = say(ctx.language, message, n=count, window=ctx.window, threshold=rule.threshold)
                findings.append(Finding(key, count, summary, ctx.start, ctx.end, flt, baseline=float(rule.threshold)))
        return findings


class Spike:
    """The window's volume against the same hours of the same weekday over the last weeks.

    The baseline is the median of those weeks (one earlier crisis does not raise it). Weeks from
    before the store's first mention are left out: the monitor was not running, which is not
    the same as nobody talking. Minimum counts keep 0 -> 2 from being a crisis."""

    def evaluate(self, rule: RuleConfig, ctx: RuleContext) -> list[Finding]:
        span = ctx.end - ctx.start
        weeks = [ctx.start - timedelta(weeks=k) for k in range(1, rule.baseline_weeks + 1)]
        covered = [w for w in weeks if ctx.store.search(MentionFilter(until=w + span), limit=1)]
        if not covered:
            return []
        flt = rule_filter(rule, ctx.start, ctx.end)
        past_scopes = tuple(replace(flt, since=w, until=w + span) for w in covered) if rule.direction != "up" else ()
        findings = []
        for key, gflt in grouped_filters(rule, flt, ctx.store, past_scopes):
            count = ctx.store.count(gflt)
            baseline = float(median(ctx.store.count(replace(gflt, since=w, until=w + span)) for w in covered))
            said = {"n": count, "window": ctx.window, "baseline": baseline, "weeks": len(covered)}
            if rule.direction != "down" and count >= rule.min_count and count >= rule.factor * baseline:
                summary = (
                    say(ctx.language, "spike.up", ratio=count / baseline, **said)
                    if baseline
                    else say(ctx.language, "spike.up_from_zero", **said)
                )
            elif rule.direction != "up" and baseline >= rule.min_baseline and count <= baseline / rule.factor:
                summary = say(ctx.language, "spike.down", **said)
            else:
                continue
            findings.append(Finding(key, count, summary, ctx.start, ctx.end, gflt, baseline=baseline))
        return findings


class NegativeSurge:
    """The share of negative mentions above a level and above its own recent share by a margin."""

    def evaluate(self, rule: RuleConfig, ctx: RuleContext) -> list[Finding]:
        findings = []
        for key, flt in grouped_filters(rule, rule_filter(rule, ctx.start, ctx.end), ctx.store):
            total = ctx.store.count(flt)
            if total < rule.min_volume:
                continue
            negative = ctx.store.count(replace(flt, sentiment=("negative",)))
            share = negative / total
            if share < rule.min_share:
                continue
            before = replace(flt, since=ctx.start - rule.baseline_period, until=ctx.start)
            before_total = ctx.store.count(before)
            before_share = (
                ctx.store.count(replace(before, sentiment=("negative",))) / before_total if before_total else 0.0
            )
            if share < before_share + rule.margin:
                continue
            summary = say(
                ctx.language,
                "negative_surge",
                negative=negative,
                total=total,
                share=share,
                window=ctx.window,
                before=before_share,
                period=duration(rule.baseline_period, ctx.language),
            )
            findings.append(Finding(key, negative, summary, ctx.start, ctx.end, flt, baseline=before_share * total))
        return findings


class Viral:
    """One post whose reach or engagement passes a bound, or whose engagement grows fast.

    Growth is measured between collections: the inbox re-queues a post when its numbers change
    and the store keeps only the latest copy, so the rule remembers the last engagement it saw
    (with the post's collected_at) in its memory."""

    def evaluate(self, rule: RuleConfig, ctx: RuleContext) -> list[Finding]:
        flt = rule_filter(rule, ctx.start, ctx.end)
        hits = [hit.mention for hit in ctx.store.search(flt, limit=SCAN_LIMIT)]
        remembered = ctx.memory.get_many(f"eng:{m.id}" for m in hits) if rule.min_growth else {}
        findings = []
        for item in hits:
            m = item.mention
            reasons = []
            if rule.min_reach and (m.reach or 0) >= rule.min_reach:
                reasons.append(say(ctx.language, "viral.reach", n=number(m.reach or 0, ctx.language)))
            if rule.min_engagement and (m.engagement or 0) >= rule.min_engagement:
                reasons.append(say(ctx.language, "viral.engagement", n=number(m.engagement or 0, ctx.language)))
            if rule.min_growth and m.engagement is not None:
                rate = self._growth(ctx.memory, remembered.get(f"eng:{m.id}"), item)
                if rate is not None and rate >= rule.min_growth:
                    reasons.append(say(ctx.language, "viral.growth", rate=rate))
            if not reasons:
                continue
            count = (m.reach or 0) if rule.min_reach else (m.engagement or 0)
            findings.append(
                Finding(
                    m.id,
                    count,
                    say(ctx.language, "viral", reasons=", ".join(reasons)),
                    ctx.start,
                    ctx.end,
                    flt,
                    mention_ids=(m.id,),
                    label=_post_label(item),
                )
            )
        return findings

    @staticmethod
    def _growth(memory: RuleMemory, last: dict | None, item: EnrichedMention) -> float | None:
        m = item.mention
        seen_at = m.collected_at.isoformat()
        if last is None or last["at"] < seen_at:
            memory.put(f"eng:{m.id}", {"engagement": m.engagement, "at": seen_at})
        if last is None or last["at"] >= seen_at:
            return None
        span = max(m.collected_at - datetime.fromisoformat(last["at"]), MIN_GROWTH_SPAN)
        return ((m.engagement or 0) - last["engagement"]) / (span.total_seconds() / 3600)


class NewStory:
    """A story (mentions sharing a story_id) with many mentions in the window and none before it."""

    def evaluate(self, rule: RuleConfig, ctx: RuleContext) -> list[Finding]:
        flt = rule_filter(rule, ctx.start, ctx.end)
        candidates = [(sid, n) for sid, n in ctx.store.terms("story_id", flt, size=50) if n >= rule.min_mentions]
        if not candidates:
            return []
        earlier = replace(flt, since=ctx.start - rule.novelty, until=ctx.start)
        known = {sid for sid, _ in ctx.store.terms("story_id", earlier, size=STORY_HISTORY)}
        fresh = [(sid, n) for sid, n in candidates if sid not in known]
        if not fresh:
            return []
        members: dict[str, list[EnrichedMention]] = defaultdict(list)
        for hit in ctx.store.search(flt, limit=SCAN_LIMIT):
            if hit.mention.story_id:
                members[hit.mention.story_id].append(hit.mention)
        findings = []
        for sid, count in fresh:
            mentions = members.get(sid, [])
            outlets = len({m.mention.source for m in mentions})
            label = _post_label(min(mentions, key=lambda m: m.mention.published_at)) if mentions else sid
            summary = say(
                ctx.language,
                "new_story",
                n=count,
                outlets=outlets,
                window=ctx.window,
                novelty=duration(rule.novelty, ctx.language),
            )
            findings.append(
                Finding(
                    sid, count, summary, ctx.start, ctx.end, flt, mention_ids=tuple(m.id for m in mentions), label=label
                )
            )
        return findings


class Coordinated:
    """Many distinct accounts posting near-identical text within the window (buzzers).

    A campaign keeps one key while it runs: each post remembers the key of the cluster it was
    first seen in, and a cluster takes the key most of its posts already carry."""

    def evaluate(self, rule: RuleConfig, ctx: RuleContext) -> list[Finding]:
        flt = rule_filter(rule, ctx.start, ctx.end)
        posts = [hit.mention for hit in ctx.store.search(flt, limit=SCAN_LIMIT) if hit.mention.mention.author]
        groups = clusters([p.normalized_text or p.mention.text for p in posts], rule.similarity)
        findings = []
        for group in groups:
            members = [posts[i] for i in group]
            accounts = {m.mention.author for m in members}
            if len(accounts) < rule.min_accounts:
                continue
            key = self._key(ctx.memory, members)
            first = min(members, key=lambda m: m.mention.published_at)
            spread = max(m.mention.published_at for m in members) - first.mention.published_at
            summary = say(
                ctx.language,
                "coordinated",
                accounts=len(accounts),
                posts=len(members),
                spread=duration(max(spread, timedelta(minutes=1)), ctx.language),
            )
            findings.append(
                Finding(
                    key,
                    len(accounts),
                    summary,
                    ctx.start,
                    ctx.end,
                    flt,
                    mention_ids=tuple(m.id for m in members),
                    label=_post_label(first),
                )
            )
        return findings

    @staticmethod
    def _key(memory: RuleMemory, members: list[EnrichedMention]) -> str:
        known = memory.get_many(f"coord:{m.id}" for m in members)
        if known:
            key = Counter(known.values()).most_common(1)[0][0]
        else:
            first = min(members, key=lambda m: (m.mention.published_at, m.id))
            key = "kampanye-" + hashlib.sha256(first.id.encode()).hexdigest()[:10]
        for m in members:
            if known.get(f"coord:{m.id}") != key:
                memory.put(f"coord:{m.id}", key)
        return key


class SourceSilence:
    """A source (or the whole collector) delivered nothing new for longer than `max_quiet`.

    The inbox keeps only each source's latest news. After a restart the collectors run first, so
    when the engine walks the gap that news is newer than the moments it judges; the rule
    therefore remembers the latest news it saw, and judges those moments by it: the time the
    monitor was down is reported as the silence it was."""

    def evaluate(self, rule: RuleConfig, ctx: RuleContext) -> list[Finding]:
        if ctx.health is None:
            raise MonitorError("aturan 'silence' butuh data kesehatan kolektor (inbox), yang tidak tersedia di sini")
        health = {h.source: h for h in ctx.health()}
        watched = rule.sources or sorted(set(ctx.sources) | set(health))
        seen = ctx.memory.get_many(f"last:{s}" for s in watched)
        lasts: dict[str, datetime] = {}
        for source in watched:
            latest = health[source].last_new_at if source in health else None
            if latest and latest <= ctx.now:
                lasts[source] = latest
                if seen.get(f"last:{source}") != latest.isoformat():
                    ctx.memory.put(f"last:{source}", latest.isoformat())
            elif latest and f"last:{source}" in seen and seen[f"last:{source}"] <= ctx.now.isoformat():
                lasts[source] = datetime.fromisoformat(seen[f"last:{source}"])
        if rule.per_source:
            quiet = [(s, t) for s, t in sorted(lasts.items()) if ctx.now - t >= rule.max_quiet]
            return [self._finding(rule, ctx, s, s, t, health[s]) for s, t in quiet]
        if not lasts:
            return []
        newest = max(lasts.values())
        if ctx.now - newest < rule.max_quiet:
            return []
        return [self._finding(rule, ctx, "", say(ctx.language, "silence.all"), newest, None)]

    @staticmethod
    def _finding(
        rule: RuleConfig, ctx: RuleContext, key: str, label: str, last: datetime, health: SourceHealth | None
    ) -> Finding:
        quiet = ctx.now - last
        language = ctx.language
        summary = say(
            language, "silence", label=label, quiet=duration(quiet, language), limit=duration(rule.max_quiet, language)
        )
        if health and health.consecutive_failures:
            summary += say(language, "silence.failing", failures=health.consecutive_failures, error=health.last_error)
        elif health and health.last_success:
            summary += say(language, "silence.empty")
        # Whole hours: updates at most hourly, escalation when the silence has doubled.
        hours = max(1, int(quiet.total_seconds() // 3600))
        return Finding(
            key,
            hours,
            summary,
            last,
            ctx.now,
            MentionFilter(since=last, until=ctx.now, sources=(key,) if key else ()),
            label=label,
        )


RULE_TYPES: dict[str, RuleType] = {
    "any": AnyMatch(),
    "threshold": Threshold(),
    "spike": Spike(),
    "negative_surge": NegativeSurge(),
    "viral": Viral(),
    "new_story": NewStory(),
    "coordinated": Coordinated(),
    "silence": SourceSilence(),
}
