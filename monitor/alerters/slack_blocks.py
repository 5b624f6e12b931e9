"""Slack message rendering: Block Kit blocks plus the plain-text fallback, Indonesian or English.

Shared by the Web API alerter (slack.py) and the incoming-webhook alerter (webhook.py).

Text from posts is untrusted: a post may contain `<!channel>`, `<@U123>` or `<http://x|y>`.
Two rules keep it inert:
- in `mrkdwn` text (and the top-level `text`) it goes through `mrkdwn_text`, which escapes
  `&`, `<`, `>` (the only characters Slack decodes, so nothing can open a mention or link),
  swaps the formatting characters for look-alikes (a stray backtick must not turn the rest of the
  message into code) and defuses bare `@channel`/`@here`/`@everyone`;
- long free text (titles, the summary sentence) goes in `plain_text` objects, which Slack shows
  literally: no mentions, links or formatting are parsed there, so it needs no escaping.
Every mrkdwn object is also `verbatim`, which turns off Slack's automatic linking of bare URLs,
channel names and mentions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import field_validator

from monitor.i18n import Messages
from monitor.plugin import PluginContext, PluginOptions
from monitor.records import RESPONSE_EVENT, Alert, PostRef
from monitor.values import Severity

Language = Literal["id", "en"]
# header: the incident's first message (edited by later alerts); reply: a later alert in the
# thread; standalone: a whole message on its own (incoming webhooks have no threads).
Style = Literal["header", "reply", "standalone"]

# Block Kit limits (https://api.slack.com/reference/block-kit/blocks).
HEADER_MAX = 150
SECTION_MAX = 3000
FIELD_MAX = 2000
FALLBACK_MAX = 3000
POST_TITLE_MAX = 180
TOP_POSTS = 3
TOP_SOURCES = 5
EVIDENCE_LINES = 8
# Incidents a grouped message lists by name; the rest are counted.
GROUP_LISTED = 15

SEVERITY_EMOJI = {Severity.INFO: "🔵", Severity.WARNING: "🟠", Severity.CRITICAL: "🔴"}
EVENT_EMOJI = {"opened": "🆕", "updated": "🔁", "escalated": "⏫", "resolved": "✅", RESPONSE_EVENT: "📣"}
RESOLVED_EMOJI = "✅"

_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
# Look-alikes for mrkdwn's formatting characters: Slack has no backslash escape. An underscore
# inside a word (warga_bdg) cannot open italics, so only those at a word's edge are replaced.
_FORMATTING = str.maketrans({"*": "∗", "~": "∼", "`": "ˋ"})
_EDGE_UNDERSCORE = re.compile(r"(?<!\w)_|_(?!\w)")
_BROADCAST = re.compile(r"@(?=(?:channel|here|everyone)\b)", re.IGNORECASE)
_WHITESPACE = re.compile(r"\s+")
# Characters allowed unencoded in a link target; `|`, `<`, `>`, spaces and quotes are encoded so a
# URL cannot end the link early or smuggle in its own label.
_URL_SAFE = ":/?#[]@!$&'()*+,;=%~-._"


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def one_line(text: str) -> str:
    return _WHITESPACE.sub(" ", text).strip()


def mrkdwn_text(text: str) -> str:
    """Untrusted text made inert inside mrkdwn: no mentions, links or formatting."""
    # The word joiner after "@" keeps "@channel" readable but no longer a broadcast keyword.
    inert = _EDGE_UNDERSCORE.sub("ˍ", text.translate(_ESCAPES).translate(_FORMATTING))
    return _BROADCAST.sub("@\u2060", inert)


def mrkdwn_link(url: str | None, label: str) -> str:
    """A link to an http(s) URL with an inert label; other schemes get the label only."""
    safe_label = mrkdwn_text(one_line(label))
    if not url or urlsplit(url.strip()).scheme.lower() not in ("http", "https"):
        return safe_label
    target = quote(url.strip(), safe=_URL_SAFE).replace("&", "&amp;")
    return f"<{target}|{safe_label}>"


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}


def mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text, "verbatim": True}


class RenderOptions(PluginOptions):
    """The presentation options both Slack alerters accept."""

    # None: the general `[monitor]` language and time zone.
    language: Language | None = None
    timezone: str | None = None
    # Link to the Kibana view; {rule}, {incident}, {from} and {to} (ISO UTC) are filled in.
    kibana_url: str | None = None

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"zona waktu tidak dikenal: {value!r}") from None
        return value

    @field_validator("kibana_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("harus berupa URL http:// atau https://")
        return value

    def renderer(self, context: PluginContext) -> MessageRenderer:
        messages = Messages(self.language or context.language, self.timezone or context.timezone)
        return MessageRenderer(messages, self.kibana_url)


@dataclass(frozen=True)
class SlackMessage:
    """What goes to Slack: the notification/fallback text and the Block Kit blocks."""

    text: str
    blocks: list[dict[str, Any]]


class MessageRenderer:
    """Renders alerts in one language and time zone."""

    def __init__(self, messages: Messages, kibana_url: str | None = None):
        self.say = messages
        self.kibana_url = kibana_url

    # -- numbers and times -------------------------------------------------------------------

    def number(self, value: float) -> str:
        return self.say.number(value)

    def time(self, moment: datetime, *, with_date: bool = True) -> str:
        return self.say.time(moment, with_date=with_date)

    def window(self, alert: Alert) -> str:
        start, end = alert.window_start, alert.window_end
        if start is None or end is None:
            return self.time(alert.fired_at)
        return self.say.span(start, end)

    # -- pieces ------------------------------------------------------------------------------

    def severity(self, severity: Severity) -> str:
        return f"{SEVERITY_EMOJI[severity]} {self.say(f'severity.{severity.value}').capitalize()}"

    def event(self, event: str) -> str:
        label = self.say(f"event.{event}") if self.say.has(f"event.{event}") else event
        return f"{EVENT_EMOJI.get(event, '•')} {label}"

    def count_line(self, alert: Alert) -> str:
        parts = [f"{self.number(alert.count)} {self.say('alert.mentions')}"]
        if alert.baseline is not None:
            parts.append(f"{self.say('alert.baseline')} {self.number(round(alert.baseline, 1))}")
            parts.append(self.change(alert.count, alert.baseline))
        return " · ".join(parts)

    def change(self, count: int, baseline: float) -> str:
        if baseline <= 0:
            return self.say("alert.change.from_zero") if count > 0 else self.say("alert.change.same")
        pct = round((count - baseline) / baseline * 100)
        if pct == 0:
            return self.say("alert.change.same")
        return self.say("alert.change.up" if pct > 0 else "alert.change.down", pct=self.number(abs(pct)))

    def sentiment_line(self, split: dict[str, int]) -> str:
        order = ("negative", "neutral", "positive")
        known = [f"{self.say(f'sentiment.{k}')} {self.number(split[k])}" for k in order if k in split]
        other = [f"{mrkdwn_text(k)} {self.number(v)}" for k, v in sorted(split.items()) if k not in order]
        return " · ".join(known + other) or "–"

    def sentence(self, alert: Alert) -> str:
        """What happened, in one sentence: the rule's own summary, else one built from the numbers."""
        if alert.summary.strip():
            return one_line(alert.summary)
        return self.say("alert.sentence", count=self.number(alert.count), rule=alert.rule, window=self.window(alert))

    def post_line(self, rank: int, post: PostRef) -> str:
        title = truncate(one_line(post.title), POST_TITLE_MAX) or self.say("alert.untitled")
        details = [mrkdwn_text(one_line(post.source))]
        if post.author:
            details.append(mrkdwn_text(one_line(post.author)))
        if post.reach is not None:
            details.append(f"{self.say('alert.reach')} {self.number(post.reach)}")
        if post.published_at is not None:
            details.append(self.time(post.published_at))
        return f"{rank}. {mrkdwn_link(post.url, title)}\n      {' · '.join(details)}"

    def kibana_link(self, alert: Alert) -> str | None:
        template = self.kibana_url
        if not template:
            return None
        start = alert.window_start or alert.fired_at
        end = alert.window_end or alert.fired_at
        values = {
            "{rule}": alert.rule,
            "{incident}": alert.incident_id or "",
            "{from}": start.isoformat(),
            "{to}": end.isoformat(),
        }
        url = template
        for placeholder, value in values.items():
            url = url.replace(placeholder, quote(value, safe=""))
        return mrkdwn_link(url, self.say("alert.kibana"))

    # -- whole messages ----------------------------------------------------------------------

    def header_title(self, alert: Alert) -> str:
        if alert.event == "resolved":
            badge = f"{RESOLVED_EMOJI} {self.say('status.resolved').upper()}"
        else:
            badge = f"{SEVERITY_EMOJI[alert.severity]} {self.say(f'severity.{alert.severity.value}')}"
        return truncate(one_line(f"{badge} · {alert.title}"), HEADER_MAX)

    def render(self, alert: Alert, style: Style, *, opened_at: datetime | None = None) -> SlackMessage:
        if alert.event == RESPONSE_EVENT:
            return self.render_line(alert, style)
        blocks: list[dict[str, Any]] = []
        if style == "reply":
            blocks.append(
                {"type": "section", "text": mrkdwn(f"*{self.event(alert.event)}* · {self.severity(alert.severity)}")}
            )
        else:
            blocks.append({"type": "header", "text": plain(self.header_title(alert))})
            if style == "standalone" and alert.event != "opened":
                blocks.append({"type": "context", "elements": [mrkdwn(f"*{self.event(alert.event)}*")]})
        if alert.delayed_until is not None:
            blocks.append({"type": "context", "elements": [mrkdwn(f"⏰ *{mrkdwn_text(self.late_line(alert))}*")]})
        blocks.append({"type": "section", "text": plain(truncate(self.sentence(alert), SECTION_MAX))})
        blocks.append({"type": "section", "fields": self._facts(alert)})
        if alert.evidence:
            lines = [f"• {mrkdwn_text(one_line(line))}" for line in alert.evidence[:EVIDENCE_LINES]]
            blocks.append(
                {
                    "type": "section",
                    "text": mrkdwn(truncate(f"*{self.say('alert.evidence')}*\n" + "\n".join(lines), SECTION_MAX)),
                }
            )
        if alert.clarifications:
            lines = [self.post_line(i, p) for i, p in enumerate(alert.clarifications, start=1)]
            blocks.append(
                {
                    "type": "section",
                    "text": mrkdwn(truncate(f"*✅ {self.say('clarify.heading')}*\n" + "\n".join(lines), SECTION_MAX)),
                }
            )
        if alert.top_sources:
            lines = [f"• {mrkdwn_text(one_line(s))}: {self.number(n)}" for s, n in alert.top_sources[:TOP_SOURCES]]
            blocks.append(
                {
                    "type": "section",
                    "text": mrkdwn(truncate(f"*{self.say('alert.sources')}*\n" + "\n".join(lines), SECTION_MAX)),
                }
            )
        if alert.top_posts:
            lines = [self.post_line(i, p) for i, p in enumerate(alert.top_posts[:TOP_POSTS], start=1)]
            blocks.append(
                {
                    "type": "section",
                    "text": mrkdwn(truncate(f"*{self.say('alert.posts')}*\n" + "\n".join(lines), SECTION_MAX)),
                }
            )
        if alert.watchlists:
            names = ", ".join(mrkdwn_text(one_line(w)) for w in alert.watchlists)
            blocks.append(
                {
                    "type": "context",
                    "elements": [mrkdwn(truncate(f"*{self.say('alert.watchlists')}:* {names}", FIELD_MAX))],
                }
            )
        blocks.append({"type": "context", "elements": [mrkdwn(self._footer(alert, style, opened_at))]})
        return SlackMessage(text=self.fallback(alert, style), blocks=blocks)

    def render_line(self, alert: Alert, style: Style) -> SlackMessage:
        """A line for the incident's thread (the agency's response and what followed): the
        sentence and the response's link, no counts; outside a thread it names the incident."""
        label = f"*{self.event(alert.event)}*"
        if style != "reply":
            label += f" · {mrkdwn_text(one_line(truncate(alert.title, HEADER_MAX)))}"
        blocks: list[dict[str, Any]] = [
            {"type": "section", "text": mrkdwn(label)},
            {"type": "section", "text": plain(truncate(self.sentence(alert), SECTION_MAX))},
        ]
        if alert.top_posts:
            post = alert.top_posts[0]
            parts = [
                mrkdwn_link(post.url, truncate(one_line(post.title), POST_TITLE_MAX) or self.say("alert.untitled"))
            ]
            parts += [mrkdwn_text(one_line(post.source))] if post.source else []
            parts += [self.time(post.published_at)] if post.published_at else []
            blocks.append({"type": "context", "elements": [mrkdwn(truncate(" · ".join(parts), FIELD_MAX))]})
        text = f"{self.event(alert.event)}: {self.sentence(alert)}"
        return SlackMessage(text=mrkdwn_text(truncate(one_line(text), FALLBACK_MAX)), blocks=blocks)

    def _facts(self, alert: Alert) -> list[dict[str, Any]]:
        status = self.say("status.resolved") if alert.event == "resolved" else self.say("status.open")
        if alert.event == "resolved":
            status = f"{RESOLVED_EMOJI} {status}"
        rule = mrkdwn_text(one_line(alert.rule))
        if alert.group_key:
            rule += f" · {mrkdwn_text(one_line(alert.group_key))}"
        facts = [
            ("alert.severity", self.severity(alert.severity)),
            ("alert.status", status),
            ("alert.count", self.count_line(alert)),
            ("alert.sentiment", self.sentiment_line(alert.sentiment_split)),
            ("alert.window", self.window(alert)),
            ("alert.rule", rule),
        ]
        return [mrkdwn(truncate(f"*{self.say(label)}*\n{value}", FIELD_MAX)) for label, value in facts]

    def _footer(self, alert: Alert, style: Style, opened_at: datetime | None) -> str:
        parts = []
        if style == "header" and opened_at is not None:
            parts.append(f"{self.say('alert.opened')} {self.time(opened_at)}")
        parts.append(f"{self.say('alert.updated')} {self.time(alert.fired_at)}")
        if alert.incident_id:
            parts.append(f"{self.say('alert.incident')} {mrkdwn_text(alert.incident_id)}")
        kibana = self.kibana_link(alert)
        if kibana:
            parts.append(kibana)
        return " · ".join(parts)

    def fallback(self, alert: Alert, style: Style) -> str:
        """The top-level `text`: shown in notifications and by clients that cannot draw blocks."""
        reply = f"{self.event(alert.event)} · {self.severity(alert.severity)}"
        lead = reply if style == "reply" else self.header_title(alert)
        text = f"{lead}: {self.sentence(alert)} ({self.count_line(alert)})"
        if alert.delayed_until is not None:
            text = f"⏰ {self.late_line(alert)} · {text}"
        return mrkdwn_text(truncate(one_line(text), FALLBACK_MAX))

    def late_line(self, alert: Alert) -> str:
        late = alert.late_by or timedelta(0)
        sent = alert.delayed_until or alert.fired_at
        return self.say(
            "alert.late", late=self.say.duration(late), fired=self.time(alert.fired_at), sent=self.time(sent)
        )

    # -- storms: several alerts in one message ----------------------------------------------

    def render_group(self, alerts: list[Alert], style: Literal["channel", "reply"]) -> SlackMessage:
        """New incidents that came faster than the channel takes them (channel), or follow-ups of
        the incidents in a grouped message's thread (reply): one message, one line each."""
        worst = max(alerts, key=lambda a: a.severity.rank).severity
        first, last = min(a.fired_at for a in alerts), max(a.fired_at for a in alerts)
        rules = ", ".join(dict.fromkeys(mrkdwn_text(a.rule) for a in alerts))
        if style == "channel":
            title = f"{SEVERITY_EMOJI[worst]} {self.say('alert.group.title', n=self.number(len(alerts)))}"
            sentence = self.say(
                "alert.group.sentence",
                n=self.number(len(alerts)),
                span=self.say.duration(max(last - first, timedelta(minutes=1))),
                rules=", ".join(dict.fromkeys(a.rule for a in alerts)),
            )
            blocks: list[dict[str, Any]] = [
                {"type": "header", "text": plain(truncate(title, HEADER_MAX))},
                {"type": "section", "text": plain(truncate(sentence, SECTION_MAX))},
            ]
        else:
            title = self.say("alert.group.replies", n=self.number(len(alerts)))
            blocks = [{"type": "section", "text": mrkdwn(f"*{mrkdwn_text(title)}*")}]
        late = [a for a in alerts if a.delayed_until is not None]
        if late:
            blocks.insert(1, {"type": "context", "elements": [mrkdwn(f"⏰ *{mrkdwn_text(self.late_line(late[0]))}*")]})
        lines = []
        for alert in alerts[:GROUP_LISTED]:
            what = f"{self.event(alert.event)} · {SEVERITY_EMOJI[alert.severity]} {mrkdwn_text(one_line(alert.title))}"
            lines.append(truncate(f"• {what}: {mrkdwn_text(one_line(self.sentence(alert)))}", 400))
        if len(alerts) > GROUP_LISTED:
            lines.append(self.say("alert.group.more", n=self.number(len(alerts) - GROUP_LISTED)))
        blocks.append({"type": "section", "text": mrkdwn(truncate("\n".join(lines), SECTION_MAX))})
        footer = f"{self.say('alert.updated')} {self.time(last)} · {self.say('alert.rule')}: {rules}"
        blocks.append({"type": "context", "elements": [mrkdwn(truncate(footer, FIELD_MAX))]})
        fallback = f"{title}: " + "; ".join(one_line(a.title) for a in alerts[:GROUP_LISTED])
        if late:
            fallback = f"⏰ {self.late_line(late[0])} · {fallback}"
        return SlackMessage(text=mrkdwn_text(truncate(fallback, FALLBACK_MAX)), blocks=blocks)
