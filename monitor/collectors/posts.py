"""Posts as JSON Lines, from a file or a URL: exports of social platforms, replays, the demo.

One JSON object per line:
  {"id": "...", "text": "...", "published_at": "2026-11-20T08:15:00+07:00",
   "url": "...", "author": "...", "source": "...", "channel": "social",
   "title": "...", "likes": 10, "shares": 3, "comments": 2, "reach": 1200}
Only `text` is required; `published_at` defaults to the collection time (flagged as estimated).
A line that cannot be used is reported with its line number and skipped; the rest go on.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
from pydantic import BaseModel, ConfigDict, Field, model_validator

from monitor.collectors.base import CollectResult
from monitor.errors import SourceError
from monitor.records import Mention, mention_id, utc
from monitor.text.normalize import clean_text

if TYPE_CHECKING:
    from monitor.config import MonitorConfig, SourceConfig

_ENGAGEMENT_KEYS = ("likes", "shares", "comments", "retweets", "replies", "engagement")


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
    counts = [data.get(k) for k in _ENGAGEMENT_KEYS if data.get(k) is not None]
    try:
        engagement = sum(int(c) for c in counts) if counts else None
        reach = int(data["reach"]) if data.get("reach") is not None else None
    except (TypeError, ValueError):
        raise ValueError("angka engagement/reach tidak valid") from None
    post_source = str(data.get("source") or source)
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
        language=data.get("language"),
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
        except ValueError as exc:
            problems.append(f"baris {number}: {exc}")
    return ParsedLines(tuple(mentions), tuple(problems))


class PostsCollector:
    """JSON Lines of posts from a local file (read incrementally) or an HTTP URL."""

    class Options(BaseModel):
        model_config = ConfigDict(extra="forbid")
        path: str | None = None
        url: str | None = None
        timeout: float = Field(default=20.0, gt=0)
        max_bytes: int = Field(default=20_000_000, ge=1_000)

        @model_validator(mode="after")
        def _one_location(self) -> PostsCollector.Options:
            if (self.path is None) == (self.url is None):
                raise ValueError("isi tepat satu dari 'path' atau 'url'")
            return self

    def __init__(self, source: SourceConfig, options: Options, base_dir: Path, client: httpx.Client):
        self.name = source.name
        self.channel = source.channel
        self.options = options
        self.path = (base_dir / options.path) if options.path else None
        self.client = client

    @classmethod
    def from_config(cls, source: SourceConfig, config: MonitorConfig, client: httpx.Client) -> PostsCollector:
        return cls(source, cls.Options.model_validate(source.options()), config.base_dir, client)

    def collect(self, cursor: dict[str, Any], now: datetime) -> CollectResult:
        if self.path is not None:
            return self._collect_file(cursor, now)
        try:
            response = self.client.get(self.options.url, timeout=self.options.timeout)
        except httpx.HTTPError as exc:
            raise SourceError(self.name, f"tidak bisa mengambil {self.options.url}: {exc}") from None
        if response.status_code >= 400:
            raise SourceError(self.name, f"HTTP {response.status_code} dari {self.options.url}")
        if len(response.content) > self.options.max_bytes:
            raise SourceError(self.name, f"respons lebih dari {self.options.max_bytes} byte")
        text = response.content.decode("utf-8", errors="replace")
        parsed = parse_jsonl(text.splitlines(), source=self.name, channel=self.channel, now=now)
        return CollectResult(parsed.mentions, {}, parsed.problems)

    def _collect_file(self, cursor: dict[str, Any], now: datetime) -> CollectResult:
        assert self.path is not None
        try:
            lines = self.path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError as exc:
            raise SourceError(self.name, f"tidak bisa membaca {self.path}: {exc.strerror}") from None
        # The cursor is the number of lines already taken: appended lines are read next time.
        done = int(cursor.get("lines", 0))
        if done > len(lines):  # the file was replaced by a shorter one: start over
            done = 0
        parsed = parse_jsonl(lines[done:], source=self.name, channel=self.channel, now=now, first_line=done + 1)
        return CollectResult(parsed.mentions, {"lines": len(lines)}, parsed.problems)
