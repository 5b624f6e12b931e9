"""`type = "telegram"`: a public channel's web preview (`https://t.me/s/<username>`), read with
an HTML parser; older messages come with `?before=<id>`.

Cursor: the newest message id seen. A run reads the newest page and pages back until it
reaches that id (at most `max_pages`); if it stops short, `resume` remembers where, and the
next run finishes the gap first. Views are the reach.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field, HttpUrl
from selectolax.lexbor import LexborHTMLParser, LexborNode

from monitor.collectors.base import CollectResult
from monitor.collectors.items import build_mention, count
from monitor.collectors.platform import Pages, PlatformAPI, PlatformOptions, parse_time
from monitor.plugin import Plugin, PluginContext
from monitor.records import Mention
from monitor.text.normalize import html_to_text


class TelegramOptions(PlatformOptions):
    # The channel's public username, as in t.me/<username> (without "@").
    username: str = Field(pattern=r"^@?[A-Za-z0-9_]{4,64}$")
    base_url: HttpUrl = HttpUrl("https://t.me")
    max_pages: int = Field(default=3, ge=1, le=50)


def _message_id(node: LexborNode) -> int | None:
    post = node.attributes.get("data-post") or ""
    tail = post.rsplit("/", 1)[-1]
    return int(tail) if tail.isdigit() else None


class TelegramCollector:
    def __init__(self, name: str, options: TelegramOptions, context: PluginContext):
        self.name = name
        self.options = options
        self.api = PlatformAPI(name, options, context, str(options.base_url), "Telegram")
        self.host = self.api.host
        self.missing_credentials: tuple[str, ...] = ()

    def collect(self, cursor: dict[str, Any], now: datetime) -> CollectResult:
        last = int(cursor.get("last_id", 0))
        resume = cursor.get("resume") or {}
        # Finish a gap a previous run left first; otherwise start from the newest page.
        before, floor = (resume.get("before"), int(resume.get("until", last))) if resume else (None, last)
        newest = last
        pages = Pages()
        for _ in range(self.options.max_pages):
            fetched = self.api.call(f"/s/{self.options.username.lstrip('@')}", params={"before": before})
            messages = LexborHTMLParser(fetched.text).css("div.tgme_widget_message[data-post]")
            ids = []
            for node in messages:
                message_id = _message_id(node)
                if message_id is None or message_id <= floor:
                    continue
                ids.append(message_id)
                mention = self._mention(node, message_id, now)
                if mention is not None:
                    pages.mentions.append(mention)
            newest = max([newest, *ids])
            oldest = min(ids, default=None)
            if oldest is None or oldest <= floor + 1 or len(ids) < len(messages):
                state: dict[str, Any] = {"last_id": max(newest, int(resume.get("newest", 0)) if resume else newest)}
                return pages.result(state)
            before = oldest
        pages.warnings.append(f"berhenti setelah {self.options.max_pages} halaman; sisa pesan diambil berikutnya")
        return pages.result(
            {
                "last_id": newest,
                "resume": {
                    "before": before,
                    "until": floor,
                    "newest": max(newest, int(resume.get("newest", 0)) if resume else newest),
                },
            }
        )

    def _mention(self, node: LexborNode, message_id: int, now: datetime) -> Mention | None:
        text_node = node.css_first(".tgme_widget_message_text")
        owner = node.css_first(".tgme_widget_message_owner_name")
        views = node.css_first(".tgme_widget_message_views")
        when = node.css_first("time[datetime]")
        channel = self.options.username.lstrip("@")
        return build_mention(
            source=self.name,
            channel=self.options.channel,
            now=now,
            text=html_to_text(text_node.html or "") if text_node is not None else "",
            url=f"https://t.me/{channel}/{message_id}",
            platform_id=f"{channel.lower()}/{message_id}",
            namespace="telegram",
            published=parse_time(when.attributes.get("datetime")) if when is not None else None,
            author=channel,
            author_name=owner.text(strip=True) if owner is not None else None,
            reach=count(views.text(strip=True)) if views is not None else None,
        )


PLUGIN = Plugin(TelegramOptions, TelegramCollector)
