"""`type = "rss"`: one RSS 0.9x/1.0/2.0 or Atom feed, fetched politely (monitor/collectors/fetch.py)
and read by feedparser (in worker processes: monitor/collectors/feedparse.py).

- Conditional GET (ETag, Last-Modified): an unchanged feed costs one 304.
- A feed that is cut off or malformed XML is reported as a warning of the source; its last
  entry (probably cut) is not stored, and the ETag is not kept, so the whole feed is read again
  next time instead of a 304 hiding the rest.
- Text: mojibake repaired, HTML read by a real parser, the language identified per entry.
- `full_text = true`: the linked article's text (trafilatura), within `full_text_max` pages and
  `full_text_budget` seconds per run, robots.txt respected; each article is fetched once.
"""

from __future__ import annotations

import calendar
import hashlib
import time
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from pydantic import Field, HttpUrl, model_validator

from monitor.collectors.base import CollectorOptions, CollectResult
from monitor.collectors.feedparse import EntryBuilder, EntryContext, read_feed
from monitor.collectors.fetch import Fetcher, host_of
from monitor.collectors.fulltext import ArticleReader, require_extractor
from monitor.collectors.items import build_mention
from monitor.errors import SourceError
from monitor.plugin import Plugin, PluginContext
from monitor.records import Mention, canonical_url

# Articles already fetched (hashes of canonical URLs) remembered in the cursor: a feed's length
# several times over, so an item staying in the feed is never fetched twice.
_SEEN_LIMIT = 1000


class FeedOptions(CollectorOptions):
    """What every feed source accepts."""

    # The whole fetch (connect, wait, download) must finish within this many seconds.
    timeout: float = Field(default=20.0, gt=0, le=300)
    # Feeds are small; anything bigger is a misconfigured URL (a web page, a dump).
    max_bytes: int = Field(default=5_000_000, ge=1_000)
    # Used when an entry's language cannot be identified (too short).
    language: str = "id"
    full_text: bool = False
    full_text_max: int = Field(default=10, ge=1, le=200)
    full_text_budget: float = Field(default=60.0, gt=0, le=900)
    full_text_timeout: float = Field(default=15.0, gt=0, le=120)
    full_text_max_bytes: int = Field(default=2_000_000, ge=10_000)

    @model_validator(mode="after")
    def _extractor_installed(self) -> FeedOptions:
        if self.full_text:
            try:
                require_extractor()
            except ImportError as exc:
                raise ValueError(str(exc)) from None
        return self


def _entry_time(entry: Any) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            try:
                return datetime.fromtimestamp(calendar.timegm(value), UTC)
            except (OverflowError, ValueError):
                continue
    return None


def _entry_html(entry: Any) -> str:
    """The fullest body the feed gives: content:encoded / Atom content, else the summary."""
    candidates = [" ".join(part.get("value", "") for part in entry.get("content") or [])]
    candidates.append(entry.get("summary") or entry.get("description") or "")
    return max(candidates, key=len)


def _digest(url: str) -> str:
    return hashlib.sha256(canonical_url(url).encode("utf-8")).hexdigest()[:16]


def entry_mention(entry: Mapping[str, Any], source: str, channel: str, now: datetime, language: str) -> Mention | None:
    """One feed entry as a mention (runs in a worker process: see feedparse.py)."""
    url = entry.get("link")
    return build_mention(
        source=source,
        channel=channel,
        now=now,
        title=entry.get("title"),
        text=_entry_html(entry),
        url=url,
        platform_id=None if url else entry.get("id"),
        published=_entry_time(entry),
        author=entry.get("author") or (entry.get("source") or {}).get("title"),
        fallback_language=language,
    )


class RssCollector:
    """One RSS or Atom feed."""

    # How an entry becomes a mention; google_news adds the publisher.
    entry_builder: EntryBuilder = staticmethod(entry_mention)

    def __init__(self, name: str, options: FeedOptions, url: str, context: PluginContext):
        self.name = name
        self.channel = options.channel
        self.options = options
        self.url = url
        self.host = host_of(url)
        self.fetcher = Fetcher.of(context)
        self.articles = (
            ArticleReader(context, timeout=options.full_text_timeout, max_bytes=options.full_text_max_bytes)
            if options.full_text
            else None
        )

    @classmethod
    def build(cls, name: str, options: RssOptions, context: PluginContext) -> RssCollector:
        return cls(name, options, str(options.url), context)

    def collect(self, cursor: dict[str, Any], now: datetime) -> CollectResult:
        headers = {}
        if cursor.get("etag"):
            headers["If-None-Match"] = cursor["etag"]
        if cursor.get("last_modified"):
            headers["If-Modified-Since"] = cursor["last_modified"]
        fetched = self.fetcher.get(
            self.url, source=self.name, timeout=self.options.timeout, max_bytes=self.options.max_bytes, headers=headers
        )
        if fetched.status in (204, 304):  # 204: the server says there is nothing
            return CollectResult(mentions=(), cursor=cursor, not_modified=True)
        try:
            read = read_feed(
                fetched.content,
                {k.lower(): v for k, v in fetched.headers.items()},
                self.entry_builder,
                EntryContext(self.name, self.channel, now, self.options.language),
                self.options.timeout,
            )
        except TimeoutError as exc:
            raise SourceError(self.name, f"{exc} ({self.url})") from None
        if read.bozo and not read.entries:
            raise SourceError(
                self.name, f"bukan feed RSS/Atom yang valid ({self.url}): {read.problem or 'isi tidak dikenali'}"
            )
        warnings: list[str] = []
        if read.malformed:
            warnings.append(
                f"feed terpotong atau rusak ({read.problem}); {read.entries - 1} entri utuh dibaca, "
                "entri terakhir dilewati dan feed dibaca ulang berikutnya"
            )
        mentions = read.mentions
        skipped = [f"entri #{number} tanpa judul dan isi dilewati" for number in read.skipped]
        new_cursor: dict[str, Any] = {}
        if not read.malformed:  # a broken feed is fetched whole next time, not answered by a 304
            new_cursor = {"etag": fetched.headers.get("etag"), "last_modified": fetched.headers.get("last-modified")}
        seen = list(cursor.get("fulltext_seen") or [])
        if self.articles is not None:
            mentions, seen, notes = self._full_texts(mentions, seen)
            warnings += notes
        if seen:
            new_cursor["fulltext_seen"] = seen[-_SEEN_LIMIT:]
        return CollectResult(
            tuple(mentions),
            {k: v for k, v in new_cursor.items() if v},
            tuple(skipped),
            warnings=tuple(warnings),
        )

    def _full_texts(self, mentions: list[Mention], seen: list[str]) -> tuple[list[Mention], list[str], list[str]]:
        assert self.articles is not None
        done = set(seen)
        started, fetched, failed = time.monotonic(), 0, 0
        out = []
        for mention in mentions:
            key = _digest(mention.url) if mention.url else None
            within = fetched < self.options.full_text_max and time.monotonic() - started < self.options.full_text_budget
            if key is None or key in done or not within:
                out.append(mention)
                continue
            fetched += 1
            try:
                text = self.articles.text(mention.url or "", source=self.name)
            except SourceError:
                text, failed = None, failed + 1
            seen.append(key)
            done.add(key)
            if text and len(text) > len(mention.text):
                cleaned = build_mention(
                    source=self.name, channel=self.channel, now=mention.collected_at, title=mention.title, text=text
                )
                out.append(replace(mention, text=cleaned.text if cleaned else mention.text))
            else:
                out.append(mention)
        notes = [f"teks lengkap: {failed} dari {fetched} artikel gagal diambil"] if failed else []
        return out, seen, notes


class RssOptions(FeedOptions):
    """`type = "rss"`: one RSS 0.9x/1.0/2.0 or Atom feed."""

    url: HttpUrl


PLUGIN = Plugin(RssOptions, RssCollector.build)
