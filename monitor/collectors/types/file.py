"""`type = "file"`: posts from a local export file (read incrementally) or a URL — JSON Lines,
a JSON array (an X archive's `tweets.js` too) or CSV, in the monitor's own post format or a
platform's export shape (`preset`, see monitor/collectors/exports.py).

A local JSON Lines file is streamed: each run reads at most `chunk` lines from where the last one
stopped (the cursor keeps the byte offset) and says there is more, so a backlog of a million posts
goes to the inbox a chunk at a time in bounded memory. CSV and JSON arrays are read whole.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO, Literal

from pydantic import Field, field_validator, model_validator

from monitor.collectors.base import CollectorOptions, CollectResult
from monitor.collectors.exports import FIELDS, Format, Preset, csv_rows, json_rows, jsonl_rows, to_mentions, undecoded
from monitor.collectors.fetch import Fetcher, host_of
from monitor.errors import SourceError
from monitor.plugin import Plugin, PluginContext
from monitor.records import Mention


class FileOptions(CollectorOptions):
    """`type = "file"`: exactly one of `path` (relative to the config file) or `url`."""

    channel: str = "social"
    path: str | None = None
    url: str | None = None
    # "auto": by the file name (.csv, .json/.js, else JSON Lines).
    format: Literal["auto", "jsonl", "json", "csv"] = "auto"
    # "auto": each record's shape says (X v1.1 or v2 tweets, CrowdTangle rows, our own posts).
    preset: Literal["auto", "generic", "twitter_v1", "twitter_v2", "crowdtangle"] = "auto"
    # CSV columns for our post fields: { text = "isi", published_at = "tanggal" }.
    columns: dict[str, str] = Field(default_factory=dict)
    timeout: float = Field(default=20.0, gt=0)
    max_bytes: int = Field(default=20_000_000, ge=1_000)
    # Lines of a local JSON Lines file read (and committed to the inbox) together.
    chunk: int = Field(default=5_000, ge=1)

    @model_validator(mode="after")
    def _one_location(self) -> FileOptions:
        if (self.path is None) == (self.url is None):
            raise ValueError("isi tepat satu dari 'path' atau 'url'")
        return self

    @field_validator("columns")
    @classmethod
    def _known_fields(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(value) - set(FIELDS))
        if unknown:
            raise ValueError(f"field tidak dikenal: {', '.join(unknown)} (pilihan: {', '.join(FIELDS)})")
        return value

    def file_format(self) -> Format:
        if self.format != "auto":
            return self.format
        name = (self.path or self.url or "").split("?")[0].lower()
        if name.endswith((".csv", ".tsv")):
            return "csv"
        if name.endswith((".json", ".js")):
            return "json"
        return "jsonl"


class PostsCollector:
    """A post export from a local file (read incrementally) or an HTTP URL."""

    def __init__(self, name: str, options: FileOptions, path: Path | None, context: PluginContext):
        self.name = name
        self.channel = options.channel
        self.options = options
        self.path = path
        self.host = host_of(options.url) if options.url else ""
        self.fetcher = Fetcher.of(context) if options.url else None
        self.format = options.file_format()

    @classmethod
    def build(cls, name: str, options: FileOptions, context: PluginContext) -> PostsCollector:
        path = context.resolve(options.path) if options.path else None
        return cls(name, options, path, context)

    def collect(self, cursor: dict[str, Any], now: datetime) -> CollectResult:
        if self.path is None:
            assert self.fetcher is not None and self.options.url is not None
            fetched = self.fetcher.get(
                self.options.url, source=self.name, timeout=self.options.timeout, max_bytes=self.options.max_bytes
            )
            mentions, problems, _ = self._read(fetched.content.decode("utf-8-sig", errors="replace"), 0, now)
            return CollectResult(mentions, {}, problems)
        if self.format == "jsonl":
            return self._stream(cursor, now)
        try:
            text = self.path.read_text(encoding="utf-8-sig", errors="replace")
        except OSError as exc:
            raise SourceError(self.name, f"tidak bisa membaca {self.path}: {exc.strerror}") from None
        # The cursor is how many records were taken: what is appended is read next time.
        done = int(cursor.get("records", 0))
        mentions, problems, total = self._read(text, done, now)
        if total < done:  # the file was replaced by a shorter one: start over
            mentions, problems, total = self._read(text, 0, now)
        return CollectResult(mentions, {"records": total}, problems)

    def _stream(self, cursor: dict[str, Any], now: datetime) -> CollectResult:
        """At most `chunk` lines of a JSON Lines file from the cursor on; the cursor is the lines
        taken and the byte offset after them (a cursor with lines only, from an older version,
        skips that many lines once)."""
        assert self.path is not None
        done, offset = int(cursor.get("lines", 0)), cursor.get("offset")
        try:
            handle = self.path.open("rb")
        except OSError as exc:
            raise SourceError(self.name, f"tidak bisa membaca {self.path}: {exc.strerror}") from None
        with handle:
            size = self.path.stat().st_size
            if isinstance(offset, int) and offset <= size:
                handle.seek(offset)
            elif offset is not None or not _skip_lines(handle, done):
                # The file was replaced by a shorter one: start over.
                handle.seek(0)
                done = 0
            rows: list[tuple[int, str]] = []
            while len(rows) < self.options.chunk:
                raw = handle.readline()
                if not raw:
                    break
                line = raw.decode("utf-8", errors="replace")
                rows.append((done + len(rows) + 1, line.removeprefix("\ufeff") if done + len(rows) == 0 else line))
            position = handle.tell()
        mentions, problems = self._mentions(undecoded(rows), now)
        return CollectResult(mentions, {"lines": done + len(rows), "offset": position}, problems, more=position < size)

    def _rows(self, text: str) -> Iterator[tuple[int, object]]:
        if self.format == "csv":
            generic = self.options.preset in ("generic",) or bool(self.options.columns)
            return csv_rows(text, self.options.columns, mapped=generic)
        if self.format == "json":
            return json_rows(text)
        return jsonl_rows(text)

    def _read(self, text: str, skip: int, now: datetime) -> tuple[tuple[Mention, ...], tuple[str, ...], int]:
        try:
            rows = list(self._rows(text))
        except ValueError as exc:
            raise SourceError(self.name, str(exc)) from None
        lines = self.format == "jsonl"
        wanted = [(n, r) for i, (n, r) in enumerate(rows) if (n if lines else i + 1) > skip]
        mentions, problems = self._mentions(wanted, now)
        return mentions, problems, len(text.splitlines()) if lines else len(rows)

    def _mentions(
        self, rows: Iterable[tuple[int, object]], now: datetime
    ) -> tuple[tuple[Mention, ...], tuple[str, ...]]:
        mentions: list[Mention] = []
        problems: list[str] = []
        preset: Preset = self.options.preset
        if self.format == "csv" and preset == "auto" and self.options.columns:
            preset = "generic"
        for number, record in rows:
            try:
                if isinstance(record, Exception):
                    raise record
                mentions += to_mentions(record, preset, source=self.name, channel=self.channel, now=now)
            except ValueError as exc:
                label = "data" if self.format == "json" else "baris"
                problems.append(f"{label} {number}: {exc}")
        return tuple(mentions), tuple(problems)


def _skip_lines(handle: BinaryIO, count: int) -> bool:
    """Move past `count` lines; False when the file has fewer."""
    return all(handle.readline() for _ in range(count))


PLUGIN = Plugin(FileOptions, PostsCollector.build)
