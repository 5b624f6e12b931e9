"""What the social-platform collectors (bluesky, mastodon, x, youtube) share: their options,
JSON requests through the one Fetcher with the platform's own rate-limit headers, a clear
message for a rejected credential, and paging that keeps what it read when a platform says
"enough for now"."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar

from pydantic import Field

from monitor.collectors.base import CollectorOptions, CollectResult
from monitor.collectors.fetch import Fetched, Fetcher, HttpStatusError, host_of
from monitor.errors import SourceError
from monitor.plugin import PluginContext
from monitor.records import Mention


class PlatformOptions(CollectorOptions):
    """Keys every social-platform source accepts."""

    channel: str = "social"
    # One request, whole (see monitor/collectors/fetch.py).
    timeout: float = Field(default=20.0, gt=0, le=300)
    max_bytes: int = Field(default=10_000_000, ge=1_000)
    # Pages read per run at most; the cursor goes on from where a run stopped.
    max_pages: int = Field(default=5, ge=1, le=100)
    # Option names that must be filled for the source to run (credentials); empty ones switch
    # the source off with a message saying where to get them (`monitor config check`).
    credentials: ClassVar[tuple[str, ...]] = ()

    def missing_credentials(self) -> tuple[str, ...]:
        return tuple(key for key in self.credentials if not str(getattr(self, key) or "").strip())


def reset_seconds(headers: Mapping[str, str], now: datetime | None = None) -> float | None:
    """Seconds until a platform's rate-limit window resets: X and Bluesky send an epoch time
    (`x-rate-limit-reset`, `ratelimit-reset`), Mastodon an ISO time (`x-ratelimit-reset`)."""
    now = now or datetime.now(UTC)
    for key in ("x-rate-limit-reset", "ratelimit-reset", "x-ratelimit-reset"):
        value = headers.get(key)
        if not value:
            continue
        try:
            number = float(value)
        except ValueError:
            try:
                when = datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                continue
            return max(0.0, (when - now).total_seconds())
        return max(0.0, number - now.timestamp()) if number > 1e9 else max(0.0, number)
    return None


def exhausted(headers: Mapping[str, str]) -> bool:
    """The platform says no request is left in this window."""
    for key in ("x-rate-limit-remaining", "ratelimit-remaining", "x-ratelimit-remaining"):
        if headers.get(key, "").strip() == "0":
            return True
    return False


@dataclass
class Pages:
    """What a run read across pages, and why it stopped early when it did."""

    mentions: list[Mention] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    retry_after: float | None = None

    def result(self, cursor: dict[str, Any], skipped: list[str] | None = None) -> CollectResult:
        return CollectResult(
            tuple(self.mentions),
            cursor,
            tuple(skipped or ()),
            warnings=tuple(self.warnings),
            retry_after=self.retry_after,
        )


class PlatformAPI:
    """JSON requests to one platform for one source."""

    def __init__(self, name: str, options: PlatformOptions, context: PluginContext, base_url: str, platform: str):
        self.name = name
        self.options = options
        self.fetcher = Fetcher.of(context)
        self.base_url = base_url.rstrip("/")
        self.host = host_of(self.base_url)
        self.platform = platform

    def url(self, path: str) -> str:
        return path if path.startswith("http") else f"{self.base_url}{path}"

    def call(
        self,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        method: str = "GET",
        json_body: Any = None,
    ) -> Fetched:
        try:
            return self.fetcher.request(
                method,
                self.url(path),
                source=self.name,
                timeout=self.options.timeout,
                max_bytes=self.options.max_bytes,
                headers=headers,
                # None, not {}: an empty mapping would erase the query of a paging URL (Link header).
                params={k: v for k, v in params.items() if v is not None} if params else None,
                json_body=json_body,
            )
        except HttpStatusError as exc:
            raise self.refusal(exc) from None

    def refusal(self, exc: HttpStatusError) -> SourceError:
        """The platform's error as one readable reason; a rate limit carries its reset time."""
        detail = _detail(exc.json())
        if exc.status == 429:
            wait = reset_seconds(exc.headers) or exc.retry_after or 60.0
            self.fetcher.hosts.block(self.host, wait)
            return SourceError(
                self.name,
                f"{self.platform} membatasi permintaan (HTTP 429); dicoba lagi setelah {wait:.0f} detik",
                retry_after=wait,
            )
        if exc.status in (401, 403) or (exc.status == 400 and "key" in detail.lower() and "valid" in detail.lower()):
            return SourceError(
                self.name,
                f"{self.platform} menolak kredensial (HTTP {exc.status}{': ' + detail if detail else ''}); "
                "periksa token di konfigurasi (monitor config check)",
                permanent=True,
            )
        return SourceError(
            self.name,
            f"{self.platform}: HTTP {exc.status} dari {exc.url}{': ' + detail if detail else ''}",
            retry_after=exc.retry_after,
        )


def _detail(body: Any) -> str:
    """The human part of a platform's error JSON."""
    if not isinstance(body, dict):
        return ""
    error = body.get("error")
    if isinstance(error, dict):  # Google
        return str(error.get("message") or "")
    parts = [
        str(body.get(key)) for key in ("error", "message", "title", "detail", "error_description") if body.get(key)
    ]
    return " - ".join(dict.fromkeys(parts))


def parse_time(value: Any) -> datetime | None:
    """An ISO 8601 time from a platform ("2026-11-20T01:02:03.000Z"); None if absent or unreadable."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
