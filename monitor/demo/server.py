"""A local HTTP server that plays the demo's outlets and social feed on simulated time.

Feeds grow as the simulated clock moves, like real ones: an item appears once its time has
come. It answers conditional GETs (ETag) so the collector's 304 path runs for real too.
"""

from __future__ import annotations

import hashlib
import json
import threading
from datetime import datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

from monitor.clock import Clock
from monitor.demo.scenario import ITEMS, DemoItem

FEEDS = {"warta": "Warta Tirtamulya", "kabar": "Kabar Nusantara"}


def _slug(item: DemoItem) -> str:
    return hashlib.sha1(f"{item.minute}|{item.author}|{item.text}".encode()).hexdigest()[:10]


class DemoServer:
    def __init__(self, clock: Clock, start: datetime, items: tuple[DemoItem, ...] = ITEMS):
        self.clock = clock
        self.start = start
        self.items = items
        handler = self._handler()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> DemoServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def published(self, item: DemoItem) -> datetime:
        return self.start + timedelta(minutes=item.minute)

    def visible(self, feed: str) -> list[DemoItem]:
        now = self.clock.now()
        return [i for i in self.items if i.feed == feed and self.published(i) <= now]

    def rss(self, feed: str) -> bytes:
        entries = "".join(
            f"<item><title>{escape(i.title)}</title><link>https://{feed}.contoh.id/berita/{_slug(i)}</link>"
            f"<guid>{_slug(i)}</guid><pubDate>{format_datetime(self.published(i))}</pubDate>"
            f"<author>{escape(i.author)}</author><description>{escape(i.text)}</description></item>"
            for i in reversed(self.visible(feed))
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            f"<title>{FEEDS[feed]}</title><link>https://{feed}.contoh.id/</link>{entries}</channel></rss>"
        ).encode()

    def posts(self) -> bytes:
        lines = [
            json.dumps(
                {
                    "id": _slug(i),
                    "text": i.text,
                    "author": i.author,
                    "published_at": self.published(i).isoformat(),
                    "url": f"https://sosmed.contoh.id/{i.author}/{_slug(i)}",
                    "likes": i.likes,
                    "shares": i.shares,
                    "reach": i.reach,
                },
                ensure_ascii=False,
            )
            for i in self.visible("posts")
        ]
        return ("\n".join(lines) + "\n").encode("utf-8")

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = self.path.strip("/")
                if path == "posts.jsonl":
                    body, kind = server.posts(), "application/x-ndjson"
                elif path.startswith("rss/") and path[4:].removesuffix(".xml") in FEEDS:
                    body, kind = server.rss(path[4:].removesuffix(".xml")), "application/rss+xml; charset=utf-8"
                else:
                    self.send_error(404)
                    return
                etag = '"' + hashlib.sha1(body).hexdigest() + '"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:  # keep the demo's output readable
                pass

        return Handler
