"""Feeds are parsed by feedparser, and their entries made into mentions, in worker processes.

feedparser is pure Python: a 20-entry feed takes ~20 ms of one interpreter, and cleaning and
identifying the language of its entries ~5 ms more. With dozens of sources collected at once,
threads would queue on one interpreter lock and this, not the network, would set the pace; a
small process pool (one worker per core, started once, with `spawn` so no thread state is
forked) uses every core, and only the finished mentions travel back. A document that makes the parser crawl
is cut off by the source's deadline instead of holding a collector forever. Where worker
processes cannot start (a sandbox without them) the feed is parsed in-process.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
import threading
import xml.sax
from collections.abc import Callable, Mapping
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import feedparser

from monitor.records import Mention

# (entry, source name, channel, now, fallback language) -> the mention, or None without text.
# A module-level function, so that it can be sent to a worker process by name.
EntryBuilder = Callable[[Mapping[str, Any], str, str, datetime, str], Mention | None]

# Below this size the trip to a worker costs more than the parse.
_IN_PROCESS_BELOW = 4_000
_pool: concurrent.futures.ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()


@dataclass(frozen=True)
class FeedRead:
    """What a feed held: its mentions, the entries skipped (numbers from 1, no title or text)."""

    mentions: list[Mention]
    skipped: list[int]
    entries: int
    bozo: bool
    # The parser's complaint, if any; `malformed`: the XML itself is broken (cut off, invalid),
    # not one of the harmless notes (an encoding declared wrong, a text/html content type). The
    # entry the parser was reading where the XML broke is likely cut: it is not kept.
    problem: str | None
    malformed: bool


@dataclass(frozen=True)
class EntryContext:
    source: str
    channel: str
    now: datetime
    language: str


def read_here(content: bytes, headers: dict[str, str], build: EntryBuilder, context: EntryContext) -> FeedRead:
    # No HTML sanitizing or URI rewriting: clean_text reads every HTML field with a real parser
    # anyway (scripts and styles dropped), and it saves a quarter of the parse.
    parsed = feedparser.parse(content, response_headers=headers, sanitize_html=False, resolve_relative_uris=False)
    exc = parsed.get("bozo_exception")
    malformed = bool(parsed.bozo) and isinstance(exc, xml.sax.SAXException)
    entries = list(parsed.entries)[:-1] if malformed else list(parsed.entries)
    mentions, skipped = [], []
    for number, entry in enumerate(entries, start=1):
        mention = build(entry, context.source, context.channel, context.now, context.language)
        if mention is None:
            skipped.append(number)
        else:
            mentions.append(mention)
    return FeedRead(
        mentions, skipped, len(parsed.entries), bool(parsed.bozo), str(exc) if exc is not None else None, malformed
    )


def _workers() -> concurrent.futures.ProcessPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = concurrent.futures.ProcessPoolExecutor(
                max_workers=max(1, os.cpu_count() or 1), mp_context=multiprocessing.get_context("spawn")
            )
        return _pool


def _discard(broken: concurrent.futures.ProcessPoolExecutor) -> None:
    global _pool
    with _pool_lock:
        if _pool is broken:
            _pool = None
    broken.shutdown(wait=False, cancel_futures=True)


def read_feed(
    content: bytes, headers: dict[str, str], build: EntryBuilder, context: EntryContext, timeout: float
) -> FeedRead:
    """The feed's mentions; raises TimeoutError when reading takes longer than `timeout` seconds."""
    if len(content) < _IN_PROCESS_BELOW:
        return read_here(content, headers, build, context)
    try:
        pool = _workers()
        future = pool.submit(read_here, content, headers, build, context)
    except (OSError, RuntimeError, BrokenProcessPool):
        return read_here(content, headers, build, context)
    try:
        return future.result(timeout=timeout)
    except concurrent.futures.TimeoutError:
        future.cancel()
        raise TimeoutError(f"membaca feed lebih dari {timeout:g} detik") from None
    except BrokenProcessPool:  # a worker died (killed, out of memory): a fresh pool next time
        _discard(pool)
        return read_here(content, headers, build, context)
