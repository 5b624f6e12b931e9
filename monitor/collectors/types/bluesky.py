"""`type = "bluesky"`: posts found by `app.bsky.feed.searchPosts`, newest first, with an
app-password session (`com.atproto.server.createSession`).

Cursor: `since`, the newest post time of the last complete run (the search's own `since`
filter), and `resume` while a run stopped before reaching it (page limit, rate limit): the
next run goes on from that page, so nothing in between is skipped.
"""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Any

from pydantic import Field, HttpUrl

from monitor.collectors.base import CollectResult
from monitor.collectors.items import build_mention, count
from monitor.collectors.platform import Pages, PlatformAPI, PlatformOptions, parse_time
from monitor.errors import SourceError
from monitor.plugin import Plugin, PluginContext
from monitor.records import Mention


class BlueskyOptions(PlatformOptions):
    query: str = Field(min_length=1)
    # The account's handle and an app password (never the account password): ${BLUESKY_...}.
    handle: str = ""
    app_password: str = ""
    service: HttpUrl = HttpUrl("https://bsky.social")
    # Only posts tagged with this language ("" for all).
    lang: str = "id"
    limit: int = Field(default=100, ge=1, le=100)
    credentials = ("handle", "app_password")


class BlueskyCollector:
    def __init__(self, name: str, options: BlueskyOptions, context: PluginContext):
        self.name = name
        self.options = options
        self.api = PlatformAPI(name, options, context, str(options.service), "Bluesky")
        self.host = self.api.host
        self.missing_credentials = options.missing_credentials()
        self._token: str | None = None
        self._lock = threading.Lock()

    def _session(self, renew: bool = False) -> str:
        with self._lock:
            if self._token is None or renew:
                answer = self.api.call(
                    "/xrpc/com.atproto.server.createSession",
                    method="POST",
                    json_body={"identifier": self.options.handle, "password": self.options.app_password},
                ).json()
                self._token = str(answer["accessJwt"])
            return self._token

    def _search(self, params: dict[str, Any]) -> dict[str, Any]:
        for renew in (False, True):
            token = self._session(renew)
            try:
                data: dict[str, Any] = self.api.call(
                    "/xrpc/app.bsky.feed.searchPosts", params=params, headers={"Authorization": f"Bearer {token}"}
                ).json()
                return data
            except SourceError as exc:
                if not (exc.permanent and not renew):  # an expired session is renewed once
                    raise
        raise AssertionError("unreachable")

    def collect(self, cursor: dict[str, Any], now: datetime) -> CollectResult:
        if self.missing_credentials:
            raise SourceError(self.name, "kredensial Bluesky belum diisi", permanent=True)
        resume = cursor.get("resume") or {}
        since = resume.get("since", cursor.get("since"))
        page_cursor = resume.get("cursor")
        newest = resume.get("newest")
        pages = Pages()
        for _ in range(self.options.max_pages):
            params = {
                "q": self.options.query,
                "sort": "latest",
                "limit": self.options.limit,
                "lang": self.options.lang or None,
                "since": since,
                "cursor": page_cursor,
            }
            try:
                data = self._search(params)
            except SourceError as exc:
                if exc.retry_after is None or not pages.mentions:
                    raise
                pages.retry_after, pages.warnings = exc.retry_after, [str(exc)]
                break
            posts = data.get("posts") or []
            for post in posts:
                mention = self._mention(post, now)
                if mention is not None:
                    pages.mentions.append(mention)
                    stamp = mention.published_at.isoformat()
                    newest = max(newest or stamp, stamp)
            page_cursor = data.get("cursor")
            if not page_cursor or not posts:
                return pages.result({"since": newest or since} if (newest or since) else {})
        # Stopped before the end: the next run goes on from this page, then moves `since`.
        if page_cursor:
            pages.warnings.append(
                f"berhenti setelah {self.options.max_pages} halaman; dilanjutkan pada pengambilan berikutnya"
            )
        state: dict[str, Any] = {"since": since} if since else {}
        state["resume"] = {"cursor": page_cursor, "since": since, "newest": newest}
        return pages.result(state)

    def _mention(self, post: dict[str, Any], now: datetime) -> Mention | None:
        record = post.get("record") or {}
        author = post.get("author") or {}
        uri = str(post.get("uri") or "")
        handle = str(author.get("handle") or "")
        rkey = uri.rsplit("/", 1)[-1]
        langs = record.get("langs") or []
        engagement = sum(count(post.get(k)) or 0 for k in ("likeCount", "repostCount", "replyCount", "quoteCount"))
        return build_mention(
            source=self.name,
            channel=self.options.channel,
            now=now,
            text=str(record.get("text") or ""),
            url=f"https://bsky.app/profile/{handle}/post/{rkey}" if handle and rkey else None,
            platform_id=uri or None,
            namespace="bluesky",
            published=parse_time(record.get("createdAt") or post.get("indexedAt")),
            author=handle,
            author_name=author.get("displayName"),
            language=langs[0] if langs else None,
            engagement=engagement,
        )


PLUGIN = Plugin(BlueskyOptions, BlueskyCollector)
