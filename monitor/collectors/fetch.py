"""Every HTTP request a collector makes goes through `Fetcher`: one place for the total
deadline, the size cap, the per-host limits, Retry-After, and keeping one source's broken
response from hurting the next source's request.

- **Total deadline per fetch.** httpx's timeouts count each read; a server dripping a byte
  every two seconds never trips them. A watchdog closes the socket when the fetch's own
  deadline passes, so a fetch never takes much longer than its `timeout`.
- **Size cap.** The body is streamed and the fetch stops once it passes `max_bytes`.
- **Politeness.** Each request holds a slot of its host (`HostLimits`: requests at once, least
  gap); a 429 or 503 with Retry-After blocks the host for every collector, and the fetch fails
  with `retry_after` so the source is tried again only after it.
- **Isolation.** A response that must not have a body (204, 304) but announces one leaves bytes
  on the pooled connection that would read as the next response's status line; such a
  connection is closed instead of reused. A request that fails on a reused connection before
  any answer is retried once on a fresh one.
"""

from __future__ import annotations

import contextlib
import email.utils
import json
import re
import socket
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import httpx

from monitor.collectors.hosts import HostBusy, HostLimits
from monitor.errors import SourceError
from monitor.plugin import PluginContext

# A 429 without Retry-After: wait this long before asking that host again.
DEFAULT_RETRY_AFTER = 60.0
# Never believe a server asking for more than a day.
MAX_RETRY_AFTER = 24 * 3600.0
_LINK = re.compile(r"<([^>]*)>\s*((?:;\s*[^;,]+)*)")
_REL = re.compile(r'rel\s*=\s*"?([^";,]+)"?', re.IGNORECASE)


class HttpStatusError(SourceError):
    """The server answered with an error status; the answer is kept for the collector to read
    (a platform's error JSON says which token or quota is wrong)."""

    def __init__(
        self,
        source: str,
        url: str,
        status: int,
        headers: httpx.Headers,
        body: bytes,
        *,
        retry_after: float | None = None,
    ):
        self.url = url
        self.status = status
        self.headers = headers
        self.body = body
        super().__init__(source, f"HTTP {status} dari {url}", retry_after=retry_after)

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError:
            return None


@dataclass(frozen=True)
class Fetched:
    """A complete response: status, headers and the whole (capped) body."""

    url: str
    status: int
    headers: httpx.Headers
    content: bytes
    elapsed: float

    @property
    def text(self) -> str:
        charset = httpx.Response(self.status, headers=self.headers).charset_encoding or "utf-8"
        try:
            return self.content.decode(charset, errors="replace")
        except LookupError:
            return self.content.decode("utf-8", errors="replace")

    def json(self) -> Any:
        return json.loads(self.content)

    def links(self) -> dict[str, str]:
        """The `Link` header by relation: {"next": url, "prev": url} (Mastodon, GitHub paging)."""
        found: dict[str, str] = {}
        for match in _LINK.finditer(self.headers.get("link", "")):
            rel = _REL.search(match.group(2))
            if rel:
                for name in rel.group(1).split():
                    found.setdefault(name.lower(), match.group(1))
        return found


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After as seconds: a number of seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


class _Watchdog:
    """Closes the request's socket when the fetch's deadline passes, waking a blocked read."""

    def __init__(self, seconds: float):
        self.fired = False
        self._streams: list[Any] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True

    def __enter__(self) -> _Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()

    def attach(self, stream: Any) -> None:
        if stream is None:
            return
        with self._lock:
            self._streams.append(stream)
            if self.fired:
                _shutdown(stream)

    def trace(self, event: str, info: dict[str, Any]) -> None:
        # httpcore reports each new connection's stream; reused ones come with the response.
        if event in ("connection.connect_tcp.complete", "connection.start_tls.complete"):
            self.attach(info.get("return_value"))

    def drop(self) -> None:
        """Close the connection now so the pool discards it (see the module docstring)."""
        with self._lock:
            for stream in self._streams:
                _shutdown(stream)

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            for stream in self._streams:
                _shutdown(stream)


def _shutdown(stream: Any) -> None:
    sock = stream.get_extra_info("socket") if hasattr(stream, "get_extra_info") else None
    if isinstance(sock, socket.socket):
        with contextlib.suppress(OSError):  # already closed
            sock.shutdown(socket.SHUT_RDWR)


class Fetcher:
    """The one way collectors make HTTP requests (see the module docstring)."""

    def __init__(self, client: httpx.Client, hosts: HostLimits, user_agent: str):
        self.client = client
        self.hosts = hosts
        self.user_agent = user_agent

    @classmethod
    def of(cls, context: PluginContext) -> Fetcher:
        """The fetcher every collector built with `context` shares (one set of host limits)."""
        return context.shared(
            "collectors.fetcher",
            lambda: cls(
                context.http,
                HostLimits(context.fetch.per_host, context.fetch.per_host_gap),
                context.agent,
            ),
        )

    def get(
        self,
        url: str,
        *,
        source: str,
        timeout: float,
        max_bytes: int,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> Fetched:
        return self.request(
            "GET", url, source=source, timeout=timeout, max_bytes=max_bytes, headers=headers, params=params
        )

    def request(
        self,
        method: str,
        url: str,
        *,
        source: str,
        timeout: float,
        max_bytes: int,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
    ) -> Fetched:
        """One request, whole: raises SourceError (HttpStatusError for an error status) with a
        reason that names the URL, never an httpx exception."""
        started = time.monotonic()
        deadline = started + timeout
        host = host_of(url)
        all_headers = {"User-Agent": self.user_agent, **(headers or {})}
        for attempt in (1, 2):
            try:
                with self.hosts.slot(host, deadline):
                    return self._once(method, url, source, deadline, max_bytes, all_headers, params, json_body)
            except HostBusy as busy:
                if busy.asked:
                    raise SourceError(
                        source, f"{host} meminta jeda {busy.wait:.0f} detik (Retry-After)", retry_after=busy.wait
                    ) from None
                raise SourceError(source, f"waktu habis ({timeout:g} detik) menunggu giliran ke {host}") from None
            except (httpx.RemoteProtocolError, httpx.ReadError) as exc:
                # A pooled connection a previous response left broken: once more, fresh.
                if attempt == 2 or time.monotonic() >= deadline:
                    raise SourceError(source, f"tidak bisa mengambil {url}: {exc}") from None
        raise AssertionError("unreachable")

    def _once(
        self,
        method: str,
        url: str,
        source: str,
        deadline: float,
        max_bytes: int,
        headers: Mapping[str, str],
        params: Mapping[str, Any] | None,
        json_body: Any,
    ) -> Fetched:
        remaining = max(0.05, deadline - time.monotonic())
        limits = httpx.Timeout(remaining, connect=min(remaining, 15.0))
        started = time.monotonic()
        with _Watchdog(remaining) as watchdog:
            try:
                with self.client.stream(
                    method,
                    url,
                    headers=headers,
                    params=params,
                    json=json_body,
                    timeout=limits,
                    extensions={"trace": watchdog.trace},
                ) as response:
                    watchdog.attach(response.extensions.get("network_stream"))
                    if response.status_code in (204, 304) and (
                        int(response.headers.get("content-length") or 0) > 0 or "transfer-encoding" in response.headers
                    ):
                        watchdog.drop()  # bytes may follow that belong to no response
                    body = self._read(response, url, source, deadline, max_bytes, watchdog)
            except httpx.TimeoutException:
                raise self._late(source, url, deadline - started) from None
            except (httpx.RemoteProtocolError, httpx.ReadError) as exc:
                if watchdog.fired:
                    raise self._late(source, url, deadline - started) from None
                raise exc
            except httpx.HTTPError as exc:
                if watchdog.fired:
                    raise self._late(source, url, deadline - started) from None
                raise SourceError(source, f"tidak bisa mengambil {url}: {exc}") from None
        fetched = Fetched(str(response.url), response.status_code, response.headers, body, time.monotonic() - started)
        if response.status_code >= 400:
            self._refuse(source, fetched)
        return fetched

    def _read(
        self,
        response: httpx.Response,
        url: str,
        source: str,
        deadline: float,
        max_bytes: int,
        watchdog: _Watchdog,
    ) -> bytes:
        if response.status_code in (204, 304) or response.request.method == "HEAD":
            return b""
        chunks, size = [], 0
        try:
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    watchdog.drop()  # the rest is never read: the connection cannot be reused
                    raise SourceError(source, f"respons lebih dari {max_bytes} byte dari {url}; dihentikan")
                if time.monotonic() > deadline:
                    watchdog.drop()
                    raise self._late(source, url, None)
                chunks.append(chunk)
        except (httpx.RemoteProtocolError, httpx.ReadError) as exc:
            # The answer had started, so this is no stale pooled connection: no second try.
            if watchdog.fired:
                raise self._late(source, url, None) from None
            raise SourceError(source, f"respons dari {url} terputus di tengah jalan: {exc}") from None
        return b"".join(chunks)

    @staticmethod
    def _late(source: str, url: str, seconds: float | None) -> SourceError:
        took = f" ({seconds:.0f} detik)" if seconds else ""
        return SourceError(source, f"waktu habis{took} saat mengambil {url}")

    def _refuse(self, source: str, fetched: Fetched) -> None:
        retry_after = None
        if fetched.status in (429, 503):
            retry_after = retry_after_seconds(fetched.headers.get("retry-after"))
            if retry_after is None and fetched.status == 429:
                retry_after = DEFAULT_RETRY_AFTER
            if retry_after is not None:
                self.hosts.block(host_of(fetched.url), retry_after)
        raise HttpStatusError(
            source, fetched.url, fetched.status, fetched.headers, fetched.content, retry_after=retry_after
        )
