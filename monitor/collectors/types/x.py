"""`type = "x"`: X (Twitter) API v2 recent search with an app's bearer token.

`expansions=author_id` brings the authors (handle, name, followers as reach) and
`public_metrics` the engagement. Cursor: `since_id` of the newest post of the last complete
run; `resume` (the page token) while a run stopped early. A page that leaves no requests in
the window (`x-rate-limit-remaining: 0`) ends the run until `x-rate-limit-reset`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field, HttpUrl

from monitor.collectors.base import CollectResult
from monitor.collectors.exports import v2_tweet_mention
from monitor.collectors.platform import Pages, PlatformAPI, PlatformOptions, exhausted, reset_seconds
from monitor.errors import SourceError
from monitor.plugin import Plugin, PluginContext
from monitor.records import Mention

_TWEET_FIELDS = "created_at,lang,public_metrics,author_id,conversation_id"
_USER_FIELDS = "username,name,public_metrics,verified"


class XOptions(PlatformOptions):
    # The search query in X's syntax: '"Kementerian Sosial" OR kemensos lang:id -is:retweet'.
    query: str = Field(min_length=1, max_length=4096)
    bearer_token: str = ""
    api_base: HttpUrl = HttpUrl("https://api.x.com")
    max_results: int = Field(default=100, ge=10, le=100)
    credentials = ("bearer_token",)


def _newer(a: str | None, b: str | None) -> str | None:
    if not a or not b:
        return a or b
    return max(a, b, key=lambda v: (len(v), v))


class XCollector:
    def __init__(self, name: str, options: XOptions, context: PluginContext):
        self.name = name
        self.options = options
        self.api = PlatformAPI(name, options, context, str(options.api_base), "X")
        self.host = self.api.host
        self.missing_credentials = options.missing_credentials()

    def collect(self, cursor: dict[str, Any], now: datetime) -> CollectResult:
        if self.missing_credentials:
            raise SourceError(self.name, "bearer token X belum diisi", permanent=True)
        resume = cursor.get("resume") or {}
        since_id = resume.get("since_id", cursor.get("since_id"))
        token, newest = resume.get("next_token"), resume.get("newest_id")
        headers = {"Authorization": f"Bearer {self.options.bearer_token}"}
        pages = Pages()
        for page in range(self.options.max_pages):
            params = {
                "query": self.options.query,
                "max_results": self.options.max_results,
                "since_id": since_id,
                "next_token": token,
                "tweet.fields": _TWEET_FIELDS,
                "expansions": "author_id",
                "user.fields": _USER_FIELDS,
            }
            try:
                fetched = self.api.call("/2/tweets/search/recent", params=params, headers=headers)
            except SourceError as exc:
                if exc.retry_after is None or page == 0:
                    raise
                pages.retry_after, pages.warnings = exc.retry_after, [str(exc)]
                break
            data = fetched.json()
            users = {u.get("id"): u for u in (data.get("includes") or {}).get("users") or []}
            for tweet in data.get("data") or []:
                mention = self._mention(tweet, users, now)
                if mention is not None:
                    pages.mentions.append(mention)
            meta = data.get("meta") or {}
            newest = _newer(newest, meta.get("newest_id"))
            token = meta.get("next_token")
            if not token:
                return pages.result({"since_id": newest or since_id} if (newest or since_id) else {})
            if exhausted(fetched.headers):
                pages.retry_after = reset_seconds(fetched.headers) or 900.0
                self.api.fetcher.hosts.block(self.host, pages.retry_after)
                pages.warnings.append(f"batas permintaan X habis; dilanjutkan setelah {pages.retry_after:.0f} detik")
                break
        else:
            pages.warnings.append(f"berhenti setelah {self.options.max_pages} halaman; dilanjutkan berikutnya")
        state: dict[str, Any] = {"since_id": since_id} if since_id else {}
        state["resume"] = {"since_id": since_id, "next_token": token, "newest_id": newest}
        return pages.result(state)

    def _mention(self, tweet: dict[str, Any], users: dict[Any, dict[str, Any]], now: datetime) -> Mention | None:
        user = users.get(tweet.get("author_id")) or {}
        return v2_tweet_mention(tweet, user, source=self.name, channel=self.options.channel, now=now)


PLUGIN = Plugin(XOptions, XCollector)
