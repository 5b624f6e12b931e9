"""`type = "youtube"`: YouTube Data API v3 — videos found by `search.list` (`regionCode=ID`,
`relevanceLanguage=id`, newest first), their statistics from `videos.list` (views as reach,
likes and comments as engagement) and, with `comments = true`, each video's top-level comments
(`commentThreads.list`).

Quota: search costs 100 units, the other calls 1; a project has 10,000 units a day, reset at
midnight Pacific time. The cursor counts what this source spent today and the run stops
before `daily_quota` (a warning says so) instead of failing on `quotaExceeded`; if the API
says the quota is gone anyway, the source waits until the reset.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import Field, HttpUrl

from monitor.collectors.base import CollectResult
from monitor.collectors.items import build_mention, count
from monitor.collectors.platform import Pages, PlatformAPI, PlatformOptions, parse_time
from monitor.errors import SourceError
from monitor.plugin import Plugin, PluginContext
from monitor.records import Mention

COSTS = {"search": 100, "videos": 1, "commentThreads": 1}
_PACIFIC = ZoneInfo("America/Los_Angeles")


class YoutubeOptions(PlatformOptions):
    query: str = Field(min_length=1)
    api_key: str = ""
    api_base: HttpUrl = HttpUrl("https://www.googleapis.com/youtube/v3")
    region_code: str = "ID"
    relevance_language: str = "id"
    max_pages: int = Field(default=2, ge=1, le=20)
    comments: bool = False
    comments_per_video: int = Field(default=20, ge=1, le=100)
    # Units this source may spend per day (the project's whole quota is 10,000 by default).
    daily_quota: int = Field(default=3000, ge=101)
    credentials = ("api_key",)


def _until_reset(now: datetime) -> float:
    local = now.astimezone(_PACIFIC)
    midnight = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return (midnight - local).total_seconds()


class YoutubeCollector:
    def __init__(self, name: str, options: YoutubeOptions, context: PluginContext):
        self.name = name
        self.options = options
        self.api = PlatformAPI(name, options, context, str(options.api_base), "YouTube")
        self.host = self.api.host
        self.missing_credentials = options.missing_credentials()

    def collect(self, cursor: dict[str, Any], now: datetime) -> CollectResult:
        if self.missing_credentials:
            raise SourceError(self.name, "API key YouTube belum diisi", permanent=True)
        day = now.astimezone(_PACIFIC).date().isoformat()
        used = int(cursor.get("quota_used", 0)) if cursor.get("quota_day") == day else 0
        published_after = cursor.get("published_after")
        newest = published_after
        pages = Pages()
        state: dict[str, Any] = {"quota_day": day, "quota_used": used}

        def spend(method: str, **params: Any) -> dict[str, Any] | None:
            cost = COSTS[method]
            if state["quota_used"] + cost > self.options.daily_quota:
                pages.warnings.append(
                    f"kuota harian sumber ini ({self.options.daily_quota} unit) habis; dilanjutkan setelah pergantian hari (waktu Pasifik)"
                )
                pages.retry_after = _until_reset(now)
                return None
            state["quota_used"] += cost
            try:
                data: dict[str, Any] = self.api.call(
                    f"/{method}", params={**params, "key": self.options.api_key}
                ).json()
            except SourceError as exc:
                if "quota" in str(exc).lower():
                    raise SourceError(self.name, f"kuota YouTube habis: {exc}", retry_after=_until_reset(now)) from None
                raise
            return data

        token = None
        for _ in range(self.options.max_pages):
            found = spend(
                "search",
                part="snippet",
                q=self.options.query,
                type="video",
                order="date",
                regionCode=self.options.region_code,
                relevanceLanguage=self.options.relevance_language,
                publishedAfter=published_after,
                maxResults=50,
                pageToken=token,
            )
            if found is None:
                break
            ids = [
                str((item.get("id") or {}).get("videoId"))
                for item in found.get("items") or []
                if (item.get("id") or {}).get("videoId")
            ]
            videos = spend("videos", part="snippet,statistics", id=",".join(ids)) if ids else {"items": []}
            for video in (videos or {}).get("items") or []:
                mention = self._video(video, now)
                if mention is None:
                    continue
                pages.mentions.append(mention)
                stamp = mention.published_at.isoformat().replace("+00:00", "Z")
                newest = max(newest or stamp, stamp)
                if self.options.comments:
                    threads = spend(
                        "commentThreads",
                        part="snippet",
                        videoId=mention.platform_id,
                        order="relevance",
                        maxResults=self.options.comments_per_video,
                        textFormat="plainText",
                    )
                    pages.mentions += [
                        m for t in (threads or {}).get("items") or [] if (m := self._comment(t, mention, now))
                    ]
            token = found.get("nextPageToken")
            if not token or videos is None:
                break
        return pages.result({**state, **({"published_after": newest} if newest else {})})

    def _video(self, video: dict[str, Any], now: datetime) -> Mention | None:
        snippet = video.get("snippet") or {}
        stats = video.get("statistics") or {}
        video_id = str(video.get("id") or "")
        engagement = sum(count(stats.get(k)) or 0 for k in ("likeCount", "commentCount"))
        return build_mention(
            source=self.name,
            channel="video",
            now=now,
            title=snippet.get("title"),
            text=snippet.get("description") or snippet.get("title"),
            url=f"https://www.youtube.com/watch?v={video_id}",
            platform_id=video_id,
            namespace="youtube",
            published=parse_time(snippet.get("publishedAt")),
            author=snippet.get("channelId"),
            author_name=snippet.get("channelTitle"),
            language=snippet.get("defaultAudioLanguage") or snippet.get("defaultLanguage"),
            engagement=engagement,
            reach=count(stats.get("viewCount")),
        )

    def _comment(self, thread: dict[str, Any], video: Mention, now: datetime) -> Mention | None:
        top = ((thread.get("snippet") or {}).get("topLevelComment")) or {}
        snippet = top.get("snippet") or {}
        comment_id = str(top.get("id") or thread.get("id") or "")
        return build_mention(
            source=self.name,
            channel=self.options.channel,
            now=now,
            text=snippet.get("textOriginal") or snippet.get("textDisplay"),
            url=f"{video.url}&lc={comment_id}",
            platform_id=comment_id,
            namespace="youtube",
            published=parse_time(snippet.get("publishedAt")),
            author=str(snippet.get("authorDisplayName") or "").lstrip("@"),
            author_name=snippet.get("authorDisplayName"),
            engagement=count(snippet.get("likeCount")),
        )


PLUGIN = Plugin(YoutubeOptions, YoutubeCollector)
