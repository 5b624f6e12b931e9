"""The article behind a feed entry: fetched politely (robots.txt, per-host limits, a deadline
and a size cap) and reduced to its text by trafilatura.

trafilatura (with lxml, justext, htmldate, dateparser) is ~55 MB installed, so it is the
optional extra `humas-monitor[fulltext]` and imported only when a source sets `full_text = true`.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from monitor.collectors.fetch import Fetcher, HttpStatusError
from monitor.errors import SourceError
from monitor.plugin import PluginContext

# robots.txt is read again after this long.
ROBOTS_TTL = 24 * 3600.0
# Article text kept at most (a long report's opening is what a reader of an alert needs).
MAX_TEXT_CHARS = 20_000
_FORBID_ALL = ["User-agent: *", "Disallow: /"]


def require_extractor() -> Any:
    """The trafilatura module, or a clear error naming the extra to install."""
    try:
        import trafilatura
    except ImportError:
        raise ImportError(
            "full_text = true butuh paket tambahan: pip install 'humas-monitor[fulltext]' (trafilatura)"
        ) from None
    return trafilatura


@dataclass
class _Rules:
    parser: RobotFileParser
    read_at: float


class RobotsCache:
    """robots.txt per site, shared by every collector; read at most once a day per site."""

    def __init__(self, fetcher: Fetcher, agent: str):
        self.fetcher = fetcher
        self.agent = agent
        self._rules: dict[str, _Rules] = {}
        self._lock = threading.Lock()

    @classmethod
    def of(cls, context: PluginContext) -> RobotsCache:
        return context.shared("collectors.robots", lambda: cls(Fetcher.of(context), context.agent))

    def allowed(self, url: str, *, source: str, timeout: float) -> bool:
        parts = urlsplit(url)
        site = f"{parts.scheme}://{parts.netloc}"
        with self._lock:
            rules = self._rules.get(site)
        if rules is None or time.monotonic() - rules.read_at > ROBOTS_TTL:
            rules = _Rules(self._read(site, source, timeout), time.monotonic())
            with self._lock:
                self._rules[site] = rules
        # The product token is the User-Agent's first word ("humas-monitor/0.1" -> "humas-monitor").
        return rules.parser.can_fetch(self.agent.split("/")[0].split()[0], url)

    def _read(self, site: str, source: str, timeout: float) -> RobotFileParser:
        parser = RobotFileParser(f"{site}/robots.txt")
        try:
            fetched = self.fetcher.get(f"{site}/robots.txt", source=source, timeout=timeout, max_bytes=500_000)
            parser.parse(fetched.text.splitlines())
        except HttpStatusError as exc:
            # As RFC 9309 and the stdlib say: 401/403 forbid everything, other 4xx allow everything,
            # a server error forbids everything until it answers.
            parser.parse(_FORBID_ALL if exc.status in (401, 403) or exc.status >= 500 else [])
        except SourceError:
            parser.parse(_FORBID_ALL)  # unreachable: assume we may not, and try another day
        return parser


class ArticleReader:
    """The main text of article pages, within the source's time and size limits."""

    def __init__(self, context: PluginContext, *, timeout: float, max_bytes: int):
        self.extractor = require_extractor()
        self.fetcher = Fetcher.of(context)
        self.robots = RobotsCache.of(context)
        self.timeout = timeout
        self.max_bytes = max_bytes

    def text(self, url: str, *, source: str) -> str | None:
        """The article's text; None when robots.txt forbids it or nothing could be extracted.
        Raises SourceError when the page cannot be fetched."""
        if not self.robots.allowed(url, source=source, timeout=self.timeout):
            return None
        page = self.fetcher.get(url, source=source, timeout=self.timeout, max_bytes=self.max_bytes)
        extracted = self.extractor.extract(
            page.text, url=page.url, include_comments=False, include_tables=False, favor_precision=True
        )
        return str(extracted)[:MAX_TEXT_CHARS] if extracted else None
