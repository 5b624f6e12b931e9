"""RSS/Atom feeds over httpx + feedparser, with conditional GET and a size cap."""

from __future__ import annotations

import calendar
from datetime import UTC, datetime
from typing import Any

import feedparser
import httpx
from pydantic import Field, HttpUrl

from monitor.collectors.base import CollectorOptions, CollectResult
from monitor.errors import SourceError
from monitor.plugin import Plugin, PluginContext
from monitor.records import Mention, mention_id
from monitor.text.normalize import clean_text


class FeedOptions(CollectorOptions):
    """What every feed source accepts."""

    timeout: float = Field(default=20.0, gt=0, le=300)
    # Feeds are small; anything bigger is a misconfigured URL (a web page, a dump).
    max_bytes: int = Field(default=5_000_000, ge=1_000)
    language: str = "id"


def _entry_time(entry: Any) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            return datetime.fromtimestamp(calendar.timegm(value), UTC)
    return None


def _entry_text(entry: Any) -> str:
    if entry.get("content"):
        return clean_text(" ".join(part.get("value", "") for part in entry["content"]))
    return clean_text(entry.get("summary") or entry.get("description") or "")


class RssOptions(FeedOptions):
    """`type = "rss"`: one RSS 0.9x/1.0/2.0 or Atom feed."""

    url: HttpUrl


class RssCollector:
    """One RSS or Atom feed."""

    def __init__(self, name: str, options: FeedOptions, url: str, client: httpx.Client):
        self.name = name
        self.channel = options.channel
        self.options = options
        self.url = url
        self.client = client

    @classmethod
    def build(cls, name: str, options: RssOptions, context: PluginContext) -> RssCollector:
        return cls(name, options, str(options.url), context.http)

    def collect(self, cursor: dict[str, Any], now: datetime) -> CollectResult:
        headers = {}
        if cursor.get("etag"):
            headers["If-None-Match"] = cursor["etag"]
        if cursor.get("last_modified"):
            headers["If-Modified-Since"] = cursor["last_modified"]
        body, response = self._fetch(headers)
        if response.status_code == 304:
            return CollectResult(mentions=(), cursor=cursor, not_modified=True)
        parsed = feedparser.parse(body, response_headers={k.lower(): v for k, v in response.headers.items()})
        if parsed.bozo and not parsed.entries:
            reason = getattr(parsed, "bozo_exception", "isi tidak dikenali")
            raise SourceError(self.name, f"bukan feed RSS/Atom yang valid ({self.url}): {reason}")
        mentions, skipped = [], []
        for index, entry in enumerate(parsed.entries):
            mention = self._mention(entry, parsed.feed, now)
            if mention is None:
                skipped.append(f"entri #{index + 1} tanpa judul dan isi dilewati")
            else:
                mentions.append(mention)
        new_cursor = {
            "etag": response.headers.get("etag"),
            "last_modified": response.headers.get("last-modified"),
        }
        return CollectResult(tuple(mentions), {k: v for k, v in new_cursor.items() if v}, tuple(skipped))

    def _fetch(self, headers: dict[str, str]) -> tuple[bytes, httpx.Response]:
        try:
            with self.client.stream("GET", self.url, headers=headers, timeout=self.options.timeout) as response:
                if response.status_code == 304:
                    return b"", response
                if response.status_code >= 400:
                    raise SourceError(self.name, f"HTTP {response.status_code} dari {self.url}")
                chunks, size = [], 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > self.options.max_bytes:
                        raise SourceError(
                            self.name, f"respons lebih dari {self.options.max_bytes} byte dari {self.url}; dihentikan"
                        )
                    chunks.append(chunk)
                return b"".join(chunks), response
        except httpx.TimeoutException:
            raise SourceError(
                self.name, f"waktu habis ({self.options.timeout:g} detik) saat mengambil {self.url}"
            ) from None
        except httpx.HTTPError as exc:
            raise SourceError(self.name, f"tidak bisa mengambil {self.url}: {exc}") from None

    def _mention(self, entry: Any, feed: Any, now: datetime) -> Mention | None:
        title = clean_text(entry.get("title"))
        text = _entry_text(entry)
        if not title and not text:
            return None
        url = entry.get("link")
        published = _entry_time(entry)
        author = clean_text(entry.get("author") or (entry.get("source") or {}).get("title")) or None
        return Mention(
            id=mention_id(self.name, platform_id=None if url else entry.get("id"), url=url, text=title + text),
            source=self.name,
            channel=self.channel,
            url=url,
            title=title,
            text=text or title,
            published_at=published or now,
            collected_at=now,
            author=author,
            language=self.options.language,
            date_estimated=published is None,
        )


PLUGIN = Plugin(RssOptions, RssCollector.build)
