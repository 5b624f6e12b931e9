"""RSS/Atom feeds over httpx + feedparser, with conditional GET and a size cap."""

from __future__ import annotations

import calendar
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote_plus

import feedparser
import httpx
from pydantic import BaseModel, ConfigDict, Field, HttpUrl

from monitor.collectors.base import CollectResult
from monitor.errors import SourceError
from monitor.records import Mention, mention_id
from monitor.text.normalize import clean_text

if TYPE_CHECKING:
    from monitor.config import MonitorConfig, SourceConfig


class FeedOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
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


class RssCollector:
    """One RSS or Atom feed."""

    class Options(FeedOptions):
        url: HttpUrl

    def __init__(self, source: SourceConfig, options: FeedOptions, url: str, client: httpx.Client):
        self.name = source.name
        self.channel = source.channel
        self.options = options
        self.url = url
        self.client = client

    @classmethod
    def from_config(cls, source: SourceConfig, config: MonitorConfig, client: httpx.Client) -> RssCollector:
        options = cls.Options.model_validate(source.options())
        return cls(source, options, str(options.url), client)

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


class GoogleNewsCollector(RssCollector):
    """A Google News RSS search: the news about a name across every outlet Google indexes."""

    class Options(FeedOptions):
        query: str = Field(min_length=1)
        region: str = "ID"
        base_url: HttpUrl = HttpUrl("https://news.google.com/rss/search")

    @classmethod
    def from_config(cls, source: SourceConfig, config: MonitorConfig, client: httpx.Client) -> GoogleNewsCollector:
        options = cls.Options.model_validate(source.options())
        lang = options.language
        url = (
            f"{str(options.base_url).rstrip('/')}?q={quote_plus(options.query)}"
            f"&hl={lang}&gl={options.region}&ceid={options.region}:{lang}"
        )
        return cls(source, options, url, client)
