"""Posts as JSON Lines, from a file or a URL: exports of social platforms, replays, the demo.

One JSON object per line:
  {"id": "...", "text": "...", "published_at": "2026-11-20T08:15:00+07:00",
   "url": "...", "author": "...", "source": "...", "channel": "social",
   "title": "...", "likes": 10, "shares": 3, "comments": 2, "reach": 1200}
Only `text` is required; `published_at` defaults to the collection time (flagged as estimated).
`source` names where the post was seen when it is a plain name ("warta", "x"); anything else (a
tweet's HTML link to its client app) is not a source and is ignored. Without `language` the
language is identified from the text. A line that cannot be used is reported with its line
number and skipped; the rest go on. Platform exports in their own shapes: exports.py.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from monitor.records import Mention, mention_id
from monitor.text.language import detect_language
from monitor.text.normalize import clean_text
from monitor.values import utc

_ENGAGEMENT_KEYS = ("likes", "shares", "comments", "retweets", "replies", "engagement")
# What a source name looks like (config.NAME_PATTERN, a little wider): not "<a href=...>".
_SOURCE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_. -]{0,63}$")


@dataclass(frozen=True)
class ParsedLines:
    mentions: tuple[Mention, ...]
    problems: tuple[str, ...]


def post_to_mention(data: Any, *, source: str, channel: str, now: datetime) -> Mention:
    """One post object -> Mention; raises ValueError with a readable reason."""
    if not isinstance(data, dict):
        raise ValueError("bukan objek JSON")
    text = clean_text(str(data.get("text") or ""))
    title = clean_text(str(data.get("title") or ""))
    if not text and not title:
        raise ValueError("kolom 'text' kosong atau tidak ada")
    published_raw = data.get("published_at")
    try:
        published = utc(datetime.fromisoformat(str(published_raw))) if published_raw else None
    except ValueError:
        raise ValueError(f"published_at bukan tanggal ISO 8601: {published_raw!r}") from None
    for key in ("url", "language"):
        if data.get(key) is not None and not isinstance(data[key], str):
            raise ValueError(f"kolom '{key}' harus teks, bukan {type(data[key]).__name__}")
    counts: list[Any] = [data[k] for k in _ENGAGEMENT_KEYS if data.get(k) is not None]
    try:
        engagement = sum(int(c) for c in counts) if counts else None
        reach = int(data["reach"]) if data.get("reach") is not None else None
    except (TypeError, ValueError, OverflowError):  # OverflowError: JSON's Infinity
        raise ValueError("angka engagement/reach tidak valid") from None
    given = str(data.get("source") or "").strip()
    post_source = given if _SOURCE_NAME.match(given) else source
    return Mention(
        id=mention_id(
            post_source, platform_id=str(data["id"]) if data.get("id") else None, url=data.get("url"), text=text
        ),
        source=post_source,
        channel=str(data.get("channel") or channel),
        url=data.get("url") or None,
        title=title,
        text=text or title,
        published_at=published or now,
        collected_at=now,
        author=str(data["author"]) if data.get("author") else None,
        language=data.get("language") or detect_language(f"{title} {text}"),
        engagement=engagement,
        reach=reach,
        date_estimated=published is None,
    )


def parse_jsonl(lines: list[str], *, source: str, channel: str, now: datetime, first_line: int = 1) -> ParsedLines:
    mentions, problems = [], []
    for number, line in enumerate(lines, start=first_line):
        if not line.strip():
            continue
        try:
            mentions.append(post_to_mention(json.loads(line), source=source, channel=channel, now=now))
        except json.JSONDecodeError as exc:
            problems.append(f"baris {number}: JSON tidak valid ({exc.msg})")
        except RecursionError:  # thousands of nested brackets: the decoder gives up, the line is reported
            problems.append(f"baris {number}: JSON bersarang terlalu dalam")
        except ValueError as exc:
            problems.append(f"baris {number}: {exc}")
    return ParsedLines(tuple(mentions), tuple(problems))
