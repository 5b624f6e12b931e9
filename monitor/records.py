"""The nouns that flow through the pipeline: frozen records, never dicts between stages."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import orjson

from monitor.values import Sentiment, Severity, utc

# The role of the agency's own posts and releases (`Mention.role`).
OFFICIAL = "official"
# An alert that adds a line to an incident's thread without changing the incident (the agency's
# response and how the conversation went after it: monitor/evaluation/responses.py).
RESPONSE_EVENT = "response"

# Query parameters that only track campaigns or the sharing app; dropping them makes the links
# of one article collapse into one identity.
_TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "igshid",
        "igsh",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "ref",
        "ref_src",
        "ref_url",
        "referrer",
        "cmpid",
        "spm",
        "si",
        "share",
        "shared",
        "src",
        "from",
        "_branch_match_id",
        "_branch_referrer",
    }
)
# AMP copies of an article: a query switch, an `amp.` host, or an `amp` path segment
# (`/amp/nasional/...` on Tribun, `.../judul/amp` on WordPress outlets).
_AMP_PARAMS = frozenset({"amp", "amp_js_v", "usqp", "outputtype", "_amp"})
# Mobile and AMP host prefixes that serve the same articles as the bare domain.
_HOST_PREFIXES = ("www.", "m.", "mobile.", "amp.", "www2.")


def canonical_host(host: str) -> str:
    """A site's one name: lower-case, without `www.`, `m.`, `mobile.`, `amp.` or `www2.` (when
    what is left still has a dot), so a mobile and a desktop link name the same outlet."""
    host = host.lower().rstrip(".")
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") >= 2:
            return host[len(prefix) :]
    return host


def canonical_url(url: str) -> str:
    """One form for every link to the same article: https, lower-case host without `www.`,
    `m.` or `amp.`, no default port, fragment, tracking parameters, AMP switches or `amp`
    path segments, no trailing slash, parameters sorted."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port if parts.port not in (None, 80, 443) else None
    except ValueError:  # not a URL one can split (a bad IPv6 literal, a port out of range)
        return url.strip()
    host = canonical_host(parts.hostname or "")
    netloc = f"{host}:{port}" if port else host
    kept = []
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        lowered = key.lower()
        if lowered.startswith("utm_") or lowered in _TRACKING_PARAMS or lowered in _AMP_PARAMS:
            continue
        kept.append((key, value))
    segments = [s for s in parts.path.split("/") if s]
    if segments and segments[0].lower() == "amp":
        segments = segments[1:]
    if segments and segments[-1].lower() == "amp":
        segments = segments[:-1]
    path = "/" + "/".join(segments)
    scheme = "https" if parts.scheme.lower() in ("http", "https", "") else parts.scheme.lower()
    return urlunsplit((scheme, netloc, path, urlencode(sorted(kept)), ""))


def mention_id(
    source: str,
    *,
    platform_id: str | None = None,
    url: str | None = None,
    text: str = "",
    namespace: str | None = None,
) -> str:
    """A stable id: the platform's own id when there is one, else the canonical URL, else the text.

    A platform id is unique within its `namespace` ("x", "bluesky", ...), so one post found by
    two sources (two searches) is one mention; without a namespace the source is one (ids in a
    generic export mean nothing beyond it)."""
    if platform_id:
        key = f"{namespace or source}|id|{platform_id}"
    elif url:
        key = f"url|{canonical_url(url)}"
    else:
        key = f"{source}|text|{text.strip()}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True)
class Mention:
    """One news item or post about the agency, as collected."""

    id: str
    source: str
    channel: str
    url: str | None
    title: str
    text: str
    published_at: datetime
    collected_at: datetime
    author: str | None = None
    language: str | None = None
    engagement: int | None = None
    reach: int | None = None
    # True when the source gave no date and published_at fell back to collected_at.
    date_estimated: bool = False
    # The platform's own id of the post (a tweet id, a Bluesky at:// URI, a YouTube video id).
    platform_id: str | None = None
    # The author's display name; `author` is the handle (without "@") or byline.
    author_name: str | None = None
    # Other sources that carried the same item (same canonical URL or platform id) after
    # `source` did; `source` and the text stay those of the first.
    also_seen_in: tuple[str, ...] = ()
    # Who speaks: OFFICIAL for the agency's own posts and releases (a source or account marked
    # `role = "official"`), None for everyone else (the public, the press).
    role: str | None = None

    @property
    def official(self) -> bool:
        return self.role == OFFICIAL

    @property
    def sources(self) -> tuple[str, ...]:
        """Every source that carried this item, the first one first."""
        return (self.source, *self.also_seen_in)

    @property
    def classified_text(self) -> str:
        """What the classifier reads: the title and the text, once each."""
        return f"{self.title}. {self.text}" if self.title and self.title != self.text else self.text

    def to_json(self) -> dict[str, Any]:
        # Field by field, not dataclasses.asdict: every value is flat, and asdict's deep copies
        # were a fifth of the time of collecting a feed.
        data = {f.name: getattr(self, f.name) for f in _MENTION_FIELDS}
        data["published_at"] = self.published_at.isoformat()
        data["collected_at"] = self.collected_at.isoformat()
        data["also_seen_in"] = list(self.also_seen_in)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Mention:
        # The field names once per class, not per record (a backlog reads millions).
        known = _MENTION_NAMES if cls is Mention else {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["published_at"] = utc(datetime.fromisoformat(values["published_at"]))
        values["collected_at"] = utc(datetime.fromisoformat(values["collected_at"]))
        values["also_seen_in"] = tuple(values.get("also_seen_in") or ())
        return cls(**values)


_MENTION_FIELDS = fields(Mention)
_MENTION_NAMES = frozenset(f.name for f in _MENTION_FIELDS)


@dataclass(frozen=True)
class Classification:
    """What a classifier said about one text, with the scores and the model that said it."""

    sentiment: Sentiment | None
    scores: dict[str, float]
    topics: tuple[str, ...]
    topic_scores: dict[str, float]
    flags: tuple[str, ...]
    model: str
    language: str | None = None
    # Why no sentiment was given (empty text, not Indonesian, ...); None when classified.
    reason: str | None = None
    # Who set labels by hand (`monitor label`), and which: "sentiment", "topics", "flags".
    labelled_by: str | None = None
    labelled_fields: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "sentiment": self.sentiment.value if self.sentiment else None,
            "scores": self.scores,
            "topics": list(self.topics),
            "topic_scores": self.topic_scores,
            "flags": list(self.flags),
            "model": self.model,
            "language": self.language,
            "reason": self.reason,
            "labelled_by": self.labelled_by,
            "labelled_fields": list(self.labelled_fields),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Classification:
        return cls(
            sentiment=Sentiment(data["sentiment"]) if data.get("sentiment") else None,
            scores=dict(data.get("scores") or {}),
            topics=tuple(data.get("topics") or ()),
            topic_scores=dict(data.get("topic_scores") or {}),
            flags=tuple(data.get("flags") or ()),
            model=data.get("model", "unknown"),
            language=data.get("language"),
            reason=data.get("reason"),
            labelled_by=data.get("labelled_by"),
            labelled_fields=tuple(data.get("labelled_fields") or ()),
        )


@dataclass(frozen=True)
class Label:
    """What an analyst set on one mention (`monitor label`); a None field keeps the model's answer.

    Applied over the model's classification wherever a mention is stored or classified again,
    so a person's label outlives re-classification and model updates."""

    mention_id: str
    by: str
    at: datetime
    sentiment: Sentiment | None = None
    topics: tuple[str, ...] | None = None
    flags: tuple[str, ...] | None = None

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(name for name in ("sentiment", "topics", "flags") if getattr(self, name) is not None)

    def merged(self, newer: Label) -> Label:
        """This label with the fields a newer one sets replaced (each field: the latest word)."""
        return replace(
            self,
            by=newer.by,
            at=newer.at,
            sentiment=newer.sentiment if newer.sentiment is not None else self.sentiment,
            topics=newer.topics if newer.topics is not None else self.topics,
            flags=newer.flags if newer.flags is not None else self.flags,
        )

    def apply(self, classification: Classification) -> Classification:
        """The classification with the person's labels over the model's; the scores stay the model's."""
        fields = tuple(dict.fromkeys((*classification.labelled_fields, *self.fields)))
        return replace(
            classification,
            sentiment=self.sentiment if self.sentiment is not None else classification.sentiment,
            topics=self.topics if self.topics is not None else classification.topics,
            flags=self.flags if self.flags is not None else classification.flags,
            labelled_by=self.by,
            labelled_fields=fields,
        )


@dataclass(frozen=True)
class EnrichedMention:
    """A mention after enrichment: normalized text, classification, matched watchlists."""

    mention: Mention
    normalized_text: str
    classification: Classification
    watchlists: tuple[str, ...] = ()
    # Mentions of the same story (syndicated copies) share a story id.
    story_id: str | None = None

    @property
    def id(self) -> str:
        return self.mention.id

    def with_label(self, label: Label) -> EnrichedMention:
        return replace(self, classification=label.apply(self.classification))

    def to_json(self) -> dict[str, Any]:
        return {
            "mention": self.mention.to_json(),
            "normalized_text": self.normalized_text,
            "classification": self.classification.to_json(),
            "watchlists": list(self.watchlists),
            "story_id": self.story_id,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> EnrichedMention:
        return cls(
            mention=Mention.from_json(data["mention"]),
            normalized_text=data["normalized_text"],
            classification=Classification.from_json(data["classification"]),
            watchlists=tuple(data.get("watchlists") or ()),
            story_id=data.get("story_id"),
        )


@dataclass(frozen=True)
class PostRef:
    """A notable post quoted in an alert: the most-reached mentions of the incident."""

    mention_id: str
    title: str
    url: str | None
    source: str
    author: str | None = None
    reach: int | None = None
    published_at: datetime | None = None


@dataclass(frozen=True)
class Alert:
    """One message a rule wants delivered to its alerters."""

    id: str
    rule: str
    severity: Severity
    title: str
    summary: str
    fired_at: datetime
    group_key: str = ""
    incident_id: str | None = None
    # "opened", "updated", "escalated" or "resolved": where the incident is in its life; or
    # RESPONSE_EVENT, a line for its thread.
    event: str = "opened"
    count: int = 0
    # The comparable count before (a seasonal baseline or the previous window), when known.
    baseline: float | None = None
    window_start: datetime | None = None
    window_end: datetime | None = None
    sentiment_split: dict[str, int] = field(default_factory=dict)
    top_sources: tuple[tuple[str, int], ...] = ()
    top_posts: tuple[PostRef, ...] = ()
    watchlists: tuple[str, ...] = ()
    mention_ids: tuple[str, ...] = ()
    alerters: tuple[str, ...] = ()
    # Why the rule fired, one line each: expected against observed, the words, accounts and
    # sources behind it, a campaign's timeline.
    evidence: tuple[str, ...] = ()
    # Official clarifications in the store of the hoax this alert is about.
    clarifications: tuple[PostRef, ...] = ()
    # Set by the outbox on an alert that goes out after its overdue time: when it finally went.
    delayed_until: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["severity"] = self.severity.value
        for key in ("fired_at", "window_start", "window_end", "delayed_until"):
            value = getattr(self, key)
            data[key] = value.isoformat() if value else None
        for key in ("top_posts", "clarifications"):
            data[key] = [
                {**asdict(p), "published_at": p.published_at.isoformat() if p.published_at else None}
                for p in getattr(self, key)
            ]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Alert:
        values = dict(data)
        values["severity"] = Severity(values["severity"])
        for key in ("fired_at", "window_start", "window_end", "delayed_until"):
            if values.get(key):
                values[key] = utc(datetime.fromisoformat(values[key]))
        for key in ("top_posts", "clarifications"):
            values[key] = tuple(
                PostRef(
                    **{
                        **p,
                        "published_at": utc(datetime.fromisoformat(p["published_at"]))
                        if p.get("published_at")
                        else None,
                    }
                )
                for p in values.get(key) or ()
            )
        values["top_sources"] = tuple((str(s), int(c)) for s, c in values.get("top_sources") or ())
        for key in ("mention_ids", "watchlists", "alerters", "evidence"):
            values[key] = tuple(values.get(key) or ())
        return cls(**values)

    @property
    def late_by(self) -> timedelta | None:
        """How long after firing it went out, when the outbox marked it late."""
        return self.delayed_until - self.fired_at if self.delayed_until else None


@dataclass(frozen=True)
class ThreadRef:
    """Where an incident's conversation lives for one alerter: the channel and the first
    message (a Slack channel and `ts`), and when that message was posted. Later alerts reply
    to it."""

    channel: str
    message: str
    opened_at: datetime | None = None
    # The message opened several incidents at once (a storm): replies go to its thread, but the
    # message itself is not rewritten as one incident's header.
    shared: bool = False

    def to_json(self) -> dict[str, str | bool | None]:
        opened = self.opened_at.isoformat() if self.opened_at else None
        return {"channel": self.channel, "message": self.message, "opened_at": opened, "shared": self.shared}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ThreadRef:
        # "ts": threads recorded before ThreadRef existed kept Slack's own name.
        opened = data.get("opened_at")
        return cls(
            str(data.get("channel") or ""),
            str(data.get("message") or data.get("ts") or ""),
            utc(datetime.fromisoformat(opened)) if opened else None,
            bool(data.get("shared")),
        )


@dataclass(frozen=True)
class Incident:
    """A developing situation: one per rule and grouping key while it stays open."""

    id: str
    rule: str
    group_key: str
    severity: Severity
    status: str  # "open" or "resolved"
    opened_at: datetime
    updated_at: datetime
    count: int
    title: str
    resolved_at: datetime | None = None

    def with_update(self, **changes: Any) -> Incident:
        return replace(self, **changes)


# orjson writes JSON ten times faster than the json module, and every mention is written five
# times between collection and the store. What orjson cannot write (integers beyond 64 bits, lone
# surrogates, nesting deeper than 254) the json module writes as before. (A NaN becomes null,
# where the json module wrote `NaN`, which is not JSON.) Reading stays with the json module:
# orjson reads an integer beyond 64 bits as a float, silently.
_DUMPS_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS


def dumps(data: Any) -> str:
    """Compact JSON, keys sorted, text as is (not escaped to ASCII)."""
    try:
        return orjson.dumps(data, option=_DUMPS_OPTIONS).decode()
    except orjson.JSONEncodeError:
        return json.dumps(data, ensure_ascii=False, sort_keys=True)
