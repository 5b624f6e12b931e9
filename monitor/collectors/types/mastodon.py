"""`type = "mastodon"`: hashtag timelines (and optionally the public timeline) of one instance.

Each timeline's cursor is the newest status id seen. The next run asks for what came after it
(`min_id`: the statuses right after, oldest page first) and follows the `Link` header's
`prev` page towards the newest, so a run that stops at `max_pages` leaves no gap: the next one
starts where it stopped. The first run takes only the newest page (no backfill).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field, HttpUrl, model_validator

from monitor.collectors.base import CollectResult
from monitor.collectors.items import build_mention, count
from monitor.collectors.platform import Pages, PlatformAPI, PlatformOptions, parse_time
from monitor.errors import SourceError
from monitor.plugin import Plugin, PluginContext
from monitor.records import Mention


class MastodonOptions(PlatformOptions):
    instance: HttpUrl
    hashtags: tuple[str, ...] = ()
    # "local": the instance's own public posts; "federated": everything it knows; "none".
    public: Literal["none", "local", "federated"] = "none"
    # Optional: instances that only show timelines to logged-in apps need one (read:statuses).
    access_token: str = ""
    limit: int = Field(default=40, ge=1, le=40)

    @model_validator(mode="after")
    def _something_to_read(self) -> MastodonOptions:
        if not self.hashtags and self.public == "none":
            raise ValueError("isi 'hashtags' dan/atau 'public'")
        return self


def _id_key(value: str) -> tuple[int, str]:
    return (len(value), value)  # Mastodon ids are numeric strings: compare as numbers


class MastodonCollector:
    def __init__(self, name: str, options: MastodonOptions, context: PluginContext):
        self.name = name
        self.options = options
        self.api = PlatformAPI(name, options, context, str(options.instance), "Mastodon")
        self.host = self.api.host
        self.missing_credentials: tuple[str, ...] = ()

    def _timelines(self) -> dict[str, tuple[str, dict[str, Any]]]:
        lines: dict[str, tuple[str, dict[str, Any]]] = {
            f"tag:{tag.lstrip('#').lower()}": (f"/api/v1/timelines/tag/{tag.lstrip('#')}", {})
            for tag in self.options.hashtags
        }
        if self.options.public != "none":
            lines["public"] = ("/api/v1/timelines/public", {"local": "true"} if self.options.public == "local" else {})
        return lines

    def collect(self, cursor: dict[str, Any], now: datetime) -> CollectResult:
        headers = {"Authorization": f"Bearer {self.options.access_token}"} if self.options.access_token else {}
        marks: dict[str, str] = dict(cursor.get("min_id") or {})
        pages = Pages()
        for key, (path, extra) in self._timelines().items():
            try:
                self._timeline(key, path, extra, headers, marks, pages, now)
            except SourceError as exc:
                if exc.retry_after is None or not (pages.mentions or marks):
                    raise
                pages.retry_after, pages.warnings = exc.retry_after, [*pages.warnings, str(exc)]
                break
        return pages.result({"min_id": marks})

    def _timeline(
        self,
        key: str,
        path: str,
        extra: dict[str, Any],
        headers: dict[str, str],
        marks: dict[str, str],
        pages: Pages,
        now: datetime,
    ) -> None:
        since = marks.get(key)
        url: str | None = path
        params: dict[str, Any] | None = {**extra, "limit": self.options.limit, "min_id": since}
        for _ in range(self.options.max_pages):
            if url is None:
                return
            fetched = self.api.call(url, params=params, headers=headers)
            statuses = fetched.json() or []
            if not statuses:
                return
            for status in statuses:
                mention = self._mention(status, now)
                if mention is not None:
                    pages.mentions.append(mention)
                sid = str(status.get("id") or "")
                if sid and (key not in marks or _id_key(sid) > _id_key(marks[key])):
                    marks[key] = sid
            if since is None:
                return  # the first run: the newest page is enough
            # `prev` is the page of newer statuses; its URL carries min_id and our parameters.
            url, params = fetched.links().get("prev"), None
        pages.warnings.append(f"{key}: berhenti setelah {self.options.max_pages} halaman; dilanjutkan berikutnya")

    def _mention(self, status: dict[str, Any], now: datetime) -> Mention | None:
        if status.get("reblog"):
            return None  # a boost: the original is collected in its own right
        account = status.get("account") or {}
        text = " ".join(filter(None, [status.get("spoiler_text"), status.get("content")]))
        engagement = sum(count(status.get(k)) or 0 for k in ("favourites_count", "reblogs_count", "replies_count"))
        return build_mention(
            source=self.name,
            channel=self.options.channel,
            now=now,
            text=text,
            url=status.get("url") or status.get("uri"),
            platform_id=str(status.get("uri") or status.get("id") or "") or None,
            namespace="activitypub",
            published=parse_time(status.get("created_at")),
            author=account.get("acct"),
            author_name=account.get("display_name"),
            language=status.get("language"),
            engagement=engagement,
            reach=count(account.get("followers_count")),
        )


PLUGIN = Plugin(MastodonOptions, MastodonCollector)
