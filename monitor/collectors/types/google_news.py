"""`type = "google_news"`: a Google News RSS search, the news about a name across every outlet
Google indexes."""

from __future__ import annotations

from urllib.parse import quote_plus

from pydantic import Field, HttpUrl

from monitor.collectors.types.rss import FeedOptions, RssCollector
from monitor.plugin import Plugin, PluginContext


class GoogleNewsOptions(FeedOptions):
    query: str = Field(min_length=1)
    region: str = "ID"
    base_url: HttpUrl = HttpUrl("https://news.google.com/rss/search")


def build(name: str, options: GoogleNewsOptions, context: PluginContext) -> RssCollector:
    lang = options.language
    url = (
        f"{str(options.base_url).rstrip('/')}?q={quote_plus(options.query)}"
        f"&hl={lang}&gl={options.region}&ceid={options.region}:{lang}"
    )
    return RssCollector(name, options, url, context.http)


PLUGIN = Plugin(GoogleNewsOptions, build)
