"""`type = "google_news"`: a Google News RSS search (`hl=id&gl=ID&ceid=ID:id`), the news about
a name across every outlet Google indexes.

Each item names its publisher (`<source url="https://www.detik.com">detikNews</source>`): it
becomes the mention's author, and the " - detikNews" Google appends to titles is removed. Links
point at news.google.com; where the article's own URL is inside the link (the older
`CBMi...` article ids carry it), that URL is used, so the story is one mention with the
outlet's own feed's copy.
"""

from __future__ import annotations

import base64
import re
from dataclasses import replace
from datetime import datetime
from typing import Any
from urllib.parse import quote_plus, urlsplit

from pydantic import Field, HttpUrl

from monitor.collectors.types.rss import FeedOptions, RssCollector
from monitor.plugin import Plugin, PluginContext
from monitor.records import Mention, mention_id

_EMBEDDED_URL = re.compile(rb"https?://[\x21-\x7e]+")


class GoogleNewsOptions(FeedOptions):
    query: str = Field(min_length=1)
    region: str = "ID"
    base_url: HttpUrl = HttpUrl("https://news.google.com/rss/search")


def publisher_url(link: str) -> str | None:
    """The article URL inside a Google News link, when the link carries it."""
    parts = urlsplit(link)
    if not parts.hostname or not parts.hostname.endswith("news.google.com"):
        return None
    token = parts.path.rstrip("/").rsplit("/", 1)[-1]
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (ValueError, TypeError):
        return None
    match = _EMBEDDED_URL.search(raw)
    if not match:
        return None
    # A protobuf string: the byte before it is its length (when under 128), which tells where
    # the URL ends even when printable bytes of the next field follow.
    start, size = match.start(), raw[match.start() - 1] if match.start() else 0
    end = start + size if 0 < size < 128 and start + size <= match.end() else match.end()
    url = raw[start:end].decode("ascii")
    return url if urlsplit(url).hostname else None


class GoogleNewsCollector(RssCollector):
    def _mention(self, entry: Any, now: datetime) -> Mention | None:
        mention = super()._mention(entry, now)
        if mention is None:
            return None
        publisher = str((entry.get("source") or {}).get("title") or "").strip()
        title = mention.title
        if publisher and title.endswith(f" - {publisher}"):
            title = title[: -len(publisher) - 3].rstrip()
        text = mention.text if mention.text != mention.title else title
        # Google's summary is the title again with the publisher: nothing more to read.
        if publisher and text.startswith(title) and len(text) <= len(title) + len(publisher) + 3:
            text = title
        url = publisher_url(mention.url or "") or mention.url
        return replace(
            mention,
            id=mention_id(self.name, url=url, text=title + text),
            url=url,
            title=title,
            text=text,
            author=publisher or mention.author,
            author_name=publisher or mention.author_name,
        )


def build(name: str, options: GoogleNewsOptions, context: PluginContext) -> GoogleNewsCollector:
    lang = options.language
    url = (
        f"{str(options.base_url).rstrip('/')}?q={quote_plus(options.query)}"
        f"&hl={lang}&gl={options.region}&ceid={options.region}:{lang}"
    )
    return GoogleNewsCollector(name, options, url, context)


PLUGIN = Plugin(GoogleNewsOptions, build)
