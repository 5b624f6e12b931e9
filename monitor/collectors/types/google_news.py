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
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any, Literal
from urllib.parse import quote_plus, urlsplit

from pydantic import HttpUrl, model_validator

from monitor.collectors.types.rss import FeedOptions, RssCollector, entry_mention
from monitor.plugin import Plugin, PluginContext
from monitor.records import Mention, mention_id

_EMBEDDED_URL = re.compile(rb"https?://[\x21-\x7e]+")


class GoogleNewsOptions(FeedOptions):
    # A Google News query ('"Kementerian Sosial" OR Kemensos'), or `terms`: the query built
    # from the agency's `[agency]` names, programmes or officials, each quoted, joined by OR.
    query: str = ""
    terms: Literal["names", "programmes", "officials"] | None = None
    region: str = "ID"
    base_url: HttpUrl = HttpUrl("https://news.google.com/rss/search")

    @model_validator(mode="after")
    def _query_or_terms(self) -> GoogleNewsOptions:
        if bool(self.query.strip()) == (self.terms is not None):
            raise ValueError("isi tepat satu dari 'query' atau 'terms' (names, programmes, officials)")
        return self


def agency_query(terms: tuple[str, ...]) -> str:
    """'"Kementerian Sosial" OR "PKH" OR "Menteri Sosial"': Google News' OR of quoted phrases."""
    return " OR ".join(f'"{t.strip()}"' if " " in t.strip() else t.strip() for t in terms if t.strip())


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


def publisher_mention(
    entry: Mapping[str, Any], source: str, channel: str, now: datetime, language: str
) -> Mention | None:
    """A Google News item: the publisher as author, its name off the title, the article's own URL."""
    mention = entry_mention(entry, source, channel, now, language)
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
        id=mention_id(source, url=url, text=title + text),
        url=url,
        title=title,
        text=text,
        author=publisher or mention.author,
        author_name=publisher or mention.author_name,
    )


class GoogleNewsCollector(RssCollector):
    entry_builder = staticmethod(publisher_mention)


def build(name: str, options: GoogleNewsOptions, context: PluginContext) -> GoogleNewsCollector:
    lang = options.language
    query = options.query
    if options.terms is not None:
        query = agency_query(context.agency.get(options.terms, ()))
        if not query:
            raise ValueError(f"{name}: terms = '{options.terms}' tetapi [agency] {options.terms} kosong")
    url = (
        f"{str(options.base_url).rstrip('/')}?q={quote_plus(query)}"
        f"&hl={lang}&gl={options.region}&ceid={options.region}:{lang}"
    )
    return GoogleNewsCollector(name, options, url, context)


PLUGIN = Plugin(GoogleNewsOptions, build)
