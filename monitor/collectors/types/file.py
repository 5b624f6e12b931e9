"""`type = "file"`: JSON Lines of posts from a local file (read incrementally) or a URL.

The line format is described in monitor/collectors/posts.py.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
from pydantic import Field, model_validator

from monitor.collectors.base import CollectorOptions, CollectResult
from monitor.collectors.posts import parse_jsonl
from monitor.errors import SourceError
from monitor.plugin import Plugin, PluginContext


class FileOptions(CollectorOptions):
    """`type = "file"`: exactly one of `path` (relative to the config file) or `url`."""

    path: str | None = None
    url: str | None = None
    timeout: float = Field(default=20.0, gt=0)
    max_bytes: int = Field(default=20_000_000, ge=1_000)

    @model_validator(mode="after")
    def _one_location(self) -> FileOptions:
        if (self.path is None) == (self.url is None):
            raise ValueError("isi tepat satu dari 'path' atau 'url'")
        return self


class PostsCollector:
    """JSON Lines of posts from a local file (read incrementally) or an HTTP URL."""

    def __init__(self, name: str, options: FileOptions, path: Path | None, client: httpx.Client):
        self.name = name
        self.channel = options.channel
        self.options = options
        self.path = path
        self.client = client

    @classmethod
    def build(cls, name: str, options: FileOptions, context: PluginContext) -> PostsCollector:
        path = context.resolve(options.path) if options.path else None
        return cls(name, options, path, context.http)

    def collect(self, cursor: dict[str, Any], now: datetime) -> CollectResult:
        if self.path is not None:
            return self._collect_file(cursor, now)
        assert self.options.url is not None
        try:
            response = self.client.get(self.options.url, timeout=self.options.timeout)
        except httpx.HTTPError as exc:
            raise SourceError(self.name, f"tidak bisa mengambil {self.options.url}: {exc}") from None
        if response.status_code >= 400:
            raise SourceError(self.name, f"HTTP {response.status_code} dari {self.options.url}")
        if len(response.content) > self.options.max_bytes:
            raise SourceError(self.name, f"respons lebih dari {self.options.max_bytes} byte")
        text = response.content.decode("utf-8", errors="replace")
        parsed = parse_jsonl(text.splitlines(), source=self.name, channel=self.channel, now=now)
        return CollectResult(parsed.mentions, {}, parsed.problems)

    def _collect_file(self, cursor: dict[str, Any], now: datetime) -> CollectResult:
        assert self.path is not None
        try:
            lines = self.path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError as exc:
            raise SourceError(self.name, f"tidak bisa membaca {self.path}: {exc.strerror}") from None
        # The cursor is the number of lines already taken: appended lines are read next time.
        done = int(cursor.get("lines", 0))
        if done > len(lines):  # the file was replaced by a shorter one: start over
            done = 0
        parsed = parse_jsonl(lines[done:], source=self.name, channel=self.channel, now=now, first_line=done + 1)
        return CollectResult(parsed.mentions, {"lines": len(lines)}, parsed.problems)


PLUGIN = Plugin(FileOptions, PostsCollector.build)
