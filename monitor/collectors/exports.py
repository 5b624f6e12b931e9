"""Exports of social platforms read as posts: JSON Lines, a JSON array (or an X archive's
`tweets.js`), CSV with a column mapping, and presets for the shapes platforms export.

- `generic`: the monitor's own post fields (monitor/collectors/posts.py), CSV columns mapped
  to them by `columns`.
- `twitter_v1`: API v1.1 tweet objects (`id_str`, `full_text`, `created_at` like
  "Wed Nov 18 09:15:00 +0000 2026", `user`, `favorite_count`, ...), also wrapped as
  `{"tweet": {...}}` in an account archive.
- `twitter_v2`: API v2 tweets (`author_id`, `public_metrics`), one per line or whole responses
  (`{"data": [...], "includes": {"users": [...]}}`).
- `crowdtangle`: CrowdTangle's CSV (Page Name, User Name, Post Created, Likes, Comments, Shares,
  Love ... Angry, Care, Followers at Posting, URL, Message, Link, ...).
- `auto` (the default): each record's shape says which.

A tweet's own `source` field is the app it was sent from (an HTML link), never the monitor's
source name; dates, authors and engagement are read from where each shape keeps them.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any, Literal

from monitor.collectors.items import build_mention, count
from monitor.collectors.posts import post_to_mention
from monitor.records import Mention

Preset = Literal["auto", "generic", "twitter_v1", "twitter_v2", "crowdtangle"]
Format = Literal["jsonl", "json", "csv"]

# The fields a CSV column can be mapped to: the JSONL fields of a post.
FIELDS = (
    "id",
    "text",
    "title",
    "published_at",
    "collected_at",
    "url",
    "author",
    "source",
    "channel",
    "language",
    "likes",
    "shares",
    "comments",
    "retweets",
    "replies",
    "engagement",
    "reach",
)
_TWITTER_TIME = "%a %b %d %H:%M:%S %z %Y"
_ARCHIVE_PREFIX = re.compile(r"^\s*window\.YTD\.[\w.]+\s*=\s*")
# CrowdTangle writes US zone names; Indonesian exports sometimes WIB/WITA/WIT.
_ZONES = {
    "UTC": 0,
    "GMT": 0,
    "EST": -5,
    "EDT": -4,
    "CST": -6,
    "CDT": -5,
    "PST": -8,
    "PDT": -7,
    "WIB": 7,
    "WITA": 8,
    "WIT": 9,
}
_CROWDTANGLE_REACTIONS = ("Likes", "Comments", "Shares", "Love", "Wow", "Haha", "Sad", "Angry", "Care")


def parse_columns(spec: str) -> dict[str, str]:
    """'text=isi,published_at=tanggal' -> {"text": "isi", "published_at": "tanggal"}."""
    mapping: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in spec.split(","))):
        name, sep, column = part.partition("=")
        name, column = name.strip(), column.strip()
        if not sep or not column:
            raise ValueError(f"pemetaan kolom harus berbentuk field=kolom, bukan {part!r}")
        if name not in FIELDS:
            raise ValueError(f"field '{name}' tidak dikenal (pilihan: {', '.join(FIELDS)})")
        mapping[name] = column
    return mapping


def jsonl_rows(text: str, first_line: int = 1) -> Iterator[tuple[int, object]]:
    return undecoded(enumerate(text.splitlines(), start=first_line))


def undecoded(lines: Iterable[tuple[int, str]]) -> Iterator[tuple[int, object]]:
    """Numbered JSON Lines decoded; blank lines skipped, a broken one as its ValueError."""
    for number, line in lines:
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, ValueError(f"JSON tidak valid ({exc.msg})")


def json_rows(text: str) -> Iterator[tuple[int, object]]:
    """A JSON array (or an archive's `window.YTD.tweets.part0 = [...]`): record numbers from 1."""
    try:
        data = json.loads(_ARCHIVE_PREFIX.sub("", text, count=1))
    except json.JSONDecodeError as exc:
        yield 1, ValueError(f"JSON tidak valid ({exc.msg}, baris {exc.lineno})")
        return
    yield from enumerate(data if isinstance(data, list) else [data], start=1)


def csv_rows(text: str, columns: Mapping[str, str], *, mapped: bool = True) -> Iterator[tuple[int, object]]:
    """CSV records by line number; `mapped`: cells renamed to post fields by `columns` (other
    fields from a column of the same name), else the row as the file names its columns."""
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    header = reader.fieldnames or []
    missing = [c for c in columns.values() if c not in header]
    if missing:
        raise ValueError(f"kolom CSV tidak ada: {', '.join(missing)} (kolom yang ada: {', '.join(header)})")
    mapping = {**{f: f for f in FIELDS if f in header}, **columns}
    previous = reader.line_num  # the header's last line
    for row in reader:
        # A quoted cell may span lines: a record starts on the line after the previous one ended.
        number, previous = previous + 1, reader.line_num
        if mapped:
            yield number, {name: row[column] for name, column in mapping.items() if (row.get(column) or "").strip()}
        else:
            yield number, {k: v for k, v in row.items() if k is not None}


def shape_of(record: Mapping[str, Any]) -> Preset:
    """Which preset a record's keys say it is."""
    if isinstance(record.get("tweet"), dict) or "id_str" in record or "full_text" in record:
        return "twitter_v1"
    if isinstance(record.get("data"), list | dict) or ("author_id" in record and "public_metrics" in record):
        return "twitter_v2"
    if "user" in record and isinstance(record.get("user"), dict) and "created_at" in record:
        return "twitter_v1"
    if "Page Name" in record or "Post Created" in record or "Total Interactions" in record:
        return "crowdtangle"
    return "generic"


def to_mentions(record: object, preset: Preset, *, source: str, channel: str, now: datetime) -> list[Mention]:
    """The mentions of one record (a v2 response holds many); raises ValueError with a reason."""
    if not isinstance(record, dict):
        raise ValueError("bukan objek JSON")
    kind = shape_of(record) if preset == "auto" else preset
    if kind == "twitter_v1":
        return [_tweet_v1(record.get("tweet", record), source, channel, now)]
    if kind == "twitter_v2":
        return _tweets_v2(record, source, channel, now)
    if kind == "crowdtangle":
        return [_crowdtangle(record, source, channel, now)]
    return [post_to_mention(record, source=source, channel=channel, now=now)]


def _required(mention: Mention | None) -> Mention:
    if mention is None:
        raise ValueError("tidak ada teks")
    return mention


def tweet_mention(
    tweet: Mapping[str, Any],
    user: Mapping[str, Any],
    *,
    source: str,
    channel: str,
    now: datetime,
    text: str | None,
    published: datetime | None,
    engagement: int,
    reach: int | None,
) -> Mention | None:
    """A tweet as a mention, whichever API version or export it came from."""
    tweet_id = str(tweet.get("id_str") or tweet.get("id") or "")
    handle = user.get("screen_name") or user.get("username")
    return build_mention(
        source=source,
        channel=channel,
        now=now,
        text=text,
        url=f"https://x.com/{handle or 'i'}/status/{tweet_id}" if tweet_id else None,
        platform_id=tweet_id or None,
        namespace="x",
        published=published,
        author=handle,
        author_name=user.get("name"),
        language=tweet.get("lang"),
        engagement=engagement,
        reach=reach,
    )


def v2_tweet_mention(
    tweet: Mapping[str, Any], user: Mapping[str, Any], *, source: str, channel: str, now: datetime
) -> Mention | None:
    """An X API v2 tweet (with its expanded author): `public_metrics` and ISO `created_at`."""
    metrics = tweet.get("public_metrics") or {}
    created = tweet.get("created_at")
    try:
        published = datetime.fromisoformat(str(created).replace("Z", "+00:00")) if created else None
    except ValueError:
        raise ValueError(f"created_at bukan tanggal ISO 8601: {created!r}") from None
    return tweet_mention(
        tweet,
        user,
        source=source,
        channel=channel,
        now=now,
        text=tweet.get("text"),
        published=published,
        engagement=sum(
            count(metrics.get(k)) or 0 for k in ("like_count", "retweet_count", "reply_count", "quote_count")
        ),
        reach=count(metrics.get("impression_count"))
        or count((user.get("public_metrics") or {}).get("followers_count")),
    )


def _tweet_v1(tweet: dict[str, Any], source: str, channel: str, now: datetime) -> Mention:
    user = tweet.get("user") or {}
    created = tweet.get("created_at")
    try:
        published = datetime.strptime(str(created), _TWITTER_TIME) if created else None
    except ValueError:
        raise ValueError(f"created_at bukan tanggal X/Twitter: {created!r}") from None
    counts = ("favorite_count", "retweet_count", "reply_count", "quote_count")
    return _required(
        tweet_mention(
            tweet,
            user,
            source=source,
            channel=channel,
            now=now,
            text=((tweet.get("extended_tweet") or {}).get("full_text")) or tweet.get("full_text") or tweet.get("text"),
            published=published,
            engagement=sum(count(tweet.get(k)) or 0 for k in counts),
            reach=count(user.get("followers_count")),
        )
    )


def _tweets_v2(record: dict[str, Any], source: str, channel: str, now: datetime) -> list[Mention]:
    data = record.get("data", record)
    tweets = data if isinstance(data, list) else [data]
    users = {u.get("id"): u for u in (record.get("includes") or {}).get("users") or []}
    return [
        _required(
            v2_tweet_mention(
                tweet,
                users.get(tweet.get("author_id")) or tweet.get("author") or {},
                source=source,
                channel=channel,
                now=now,
            )
        )
        for tweet in tweets
    ]


def crowdtangle_time(value: str) -> datetime | None:
    """'2026-11-18 09:15:00 EST' (CrowdTangle's form) -> an aware datetime."""
    value = value.strip()
    if not value:
        return None
    stamp, _, zone = value.rpartition(" ")
    if zone.upper() not in _ZONES:
        stamp, zone = value, "UTC"
    try:
        naive = datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        raise ValueError(f"Post Created bukan tanggal CrowdTangle: {value!r}") from None
    return naive.replace(tzinfo=timezone(timedelta(hours=_ZONES[zone.upper()])))


def _crowdtangle(row: dict[str, Any], source: str, channel: str, now: datetime) -> Mention:
    text = " ".join(filter(None, (row.get("Message"), row.get("Description") or row.get("Link Text"))))
    engagement = sum(count(row.get(k)) or 0 for k in _CROWDTANGLE_REACTIONS)
    url = row.get("URL") or row.get("Link") or None
    return _required(
        build_mention(
            source=source,
            channel=channel,
            now=now,
            text=text,
            url=url,
            platform_id=url,
            namespace="facebook",
            published=crowdtangle_time(str(row.get("Post Created") or "")),
            author=row.get("User Name") or row.get("Page Name"),
            author_name=row.get("Page Name"),
            engagement=count(row.get("Total Interactions")) or engagement,
            reach=count(row.get("Followers at Posting")),
        )
    )
