"""What the Slack alerters share about talking to Slack: retry handlers and error mapping.

Retrying inside slack-sdk is limited to requests Slack provably did not process:
- HTTP 429: Slack rejected the request; it is repeated after `Retry-After` when that wait is
  short, otherwise the outbox gets the error with `retry_after` and schedules it;
- urllib's `URLError` without a response: raised only while connecting or sending
  (`urllib.request.AbstractHTTPHandler.do_open` wraps exactly that part), so Slack never saw it.
A read timeout or a connection reset after the request was sent is *not* retried here: Slack may
have stored the message. The alerter raises instead, and its next attempt looks for the message
first (see slack.py), so the retry cannot post twice.
The waits between in-process attempts go through the plugin context's `sleep`, so tests see them
without waiting.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import timedelta
from http.client import HTTPException
from typing import Any
from urllib.error import URLError

from pydantic import Field
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from monitor.errors import AlertDeliveryError
from monitor.plugin import PluginOptions
from monitor.values import Duration

# Exceptions that mean "no answer": the request may or may not have been processed.
TRANSPORT_ERRORS = (OSError, HTTPException)


class SlackDeliveryError(AlertDeliveryError):
    """A Slack delivery failed. `permanent` failures will fail again until someone fixes the
    configuration (token, channel, scopes); retrying them only delays the report."""

    def __init__(
        self,
        alerter: str,
        message: str,
        *,
        code: str,
        permanent: bool,
        retry_after: float | None = None,
        uncertain: bool = False,
    ):
        super().__init__(alerter, message, retry_after=retry_after, permanent=permanent, uncertain=uncertain)
        self.code = code


# Error codes (Web API `error`, or an incoming webhook's response body) that retrying cannot fix.
PERMANENT = frozenset(
    {
        "invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired",
        "no_permission", "missing_scope", "not_allowed_token_type", "team_access_not_granted",
        "ekm_access_denied", "channel_not_found", "not_in_channel", "is_archived",
        "channel_is_archived", "restricted_action", "posting_to_general_channel_denied",
        "msg_too_long", "no_text", "too_many_blocks", "invalid_blocks", "invalid_blocks_format",
        "invalid_metadata_format", "invalid_metadata_schema", "metadata_too_large",
        "invalid_arguments", "invalid_payload", "message_not_found", "cant_update_message",
        "edit_window_closed", "thread_not_found", "invalid_token", "no_service", "no_service_id",
        "no_team", "team_disabled", "action_prohibited", "user_not_found",
    }
)  # fmt: skip

HINTS = {
    "invalid_auth": "token Slack ditolak; periksa variabel lingkungan token bot (SLACK_BOT_TOKEN)",
    "not_authed": "token Slack tidak terkirim; periksa konfigurasi token",
    "account_inactive": "akun atau aplikasi Slack sudah tidak aktif",
    "token_revoked": "token Slack sudah dicabut; pasang ulang aplikasi Slack dan perbarui token",
    "token_expired": "token Slack sudah kedaluwarsa; perbarui token",
    "missing_scope": "aplikasi Slack kekurangan izin (scope); jalankan `monitor alerters check` untuk melihat yang kurang",
    "not_allowed_token_type": "jenis token salah; gunakan token bot (xoxb-)",
    "channel_not_found": "kanal Slack tidak ditemukan; periksa ID kanal atau undang bot ke kanal privat",
    "not_in_channel": "bot belum menjadi anggota kanal; undang dengan /invite @nama-bot",
    "is_archived": "kanal Slack sudah diarsipkan",
    "channel_is_archived": "kanal Slack sudah diarsipkan",
    "message_not_found": "pesan induk insiden tidak ditemukan (mungkin dihapus)",
    "thread_not_found": "utas insiden tidak ditemukan (mungkin dihapus)",
    "invalid_blocks": "Slack menolak format Block Kit pesan",
    "invalid_token": "URL webhook Slack tidak valid atau sudah dicabut",
    "no_service": "URL webhook Slack tidak valid atau sudah dinonaktifkan",
    "ratelimited": "Slack membatasi laju pengiriman (rate limit)",
}


def delivery_error(
    alerter: str,
    action: str,
    code: str,
    *,
    retry_after: float | None = None,
    detail: str = "",
    status: int = 200,
) -> SlackDeliveryError:
    """The error for a Slack `error` code, in Indonesian, marked permanent or retryable. A server
    error (HTTP 5xx) leaves open whether Slack stored the message."""
    permanent = code in PERMANENT
    hint = HINTS.get(code, "Slack menolak permintaan")
    message = f"{action} gagal: {hint} ({code}{'; ' + detail if detail else ''})"
    if not permanent:
        message += "; akan dicoba lagi" + (f" setelah {retry_after:g} detik" if retry_after else "")
    return SlackDeliveryError(
        alerter, message, code=code, permanent=permanent, retry_after=retry_after, uncertain=status >= 500
    )


def transport_error(alerter: str, action: str, error: BaseException, timeout: float) -> SlackDeliveryError:
    """No usable answer from Slack: retryable; the next attempt checks what Slack already has."""
    reason = (
        f"tidak ada jawaban dalam {timeout:g} detik" if isinstance(error, TimeoutError) else f"koneksi gagal: {error}"
    )
    return SlackDeliveryError(
        alerter,
        f"{action} gagal: {reason}; status pengiriman belum pasti, dicek sebelum mengirim ulang",
        code="transport",
        permanent=False,
        uncertain=True,
    )


def client_error(alerter: str, action: str, error: Exception) -> SlackDeliveryError:
    """slack-sdk refused to send (for example an unusable URL): a configuration problem."""
    return SlackDeliveryError(alerter, f"{action} gagal: {error}", code="client_error", permanent=True)


def retry_after(headers: Mapping[str, Any] | None) -> float | None:
    """Seconds from a Retry-After header (slack-sdk gives either strings or lists of strings)."""
    for key, value in (headers or {}).items():
        if key.lower() == "retry-after":
            first = value[0] if isinstance(value, list | tuple) else value
            try:
                return float(first)
            except (TypeError, ValueError):
                return None
    return None


Sleep = Callable[[float], None]


class _WaitsThrough(RetryHandler):
    """A slack-sdk retry handler whose wait before the next attempt goes through `self.sleep`
    (slack-sdk's own handlers call time.sleep, with random jitter, inside the library)."""

    sleep: Sleep

    def wait(self, state: RetryState, response: HttpResponse | None) -> float:
        raise NotImplementedError

    def prepare_for_next_attempt(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        state.next_attempt_requested = True
        self.sleep(self.wait(state, response))
        state.increment_current_attempt()


class BoundedRateLimitRetryHandler(_WaitsThrough, RateLimitErrorRetryHandler):
    """Waits out a 429 in-process only when Slack asks for a short pause; a long one goes back
    to the outbox (with `retry_after`) instead of blocking delivery to the other alerters."""

    def __init__(self, max_retry_count: int, max_wait: float, sleep: Sleep):
        super().__init__(max_retry_count=max_retry_count)
        self.max_wait = max_wait
        self.sleep = sleep

    def wait(self, state: RetryState, response: HttpResponse | None) -> float:
        # Exactly what Slack asked for: one monitor per office needs no jitter to spread retries.
        wait = retry_after(response.headers if response is not None else None)
        return 1.0 if wait is None else wait

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if not super()._can_retry(state=state, request=request, response=response, error=error):
            return False
        wait = retry_after(response.headers if response is not None else None)
        return wait is None or wait <= self.max_wait


class ConnectRetryHandler(_WaitsThrough, ConnectionErrorRetryHandler):
    """Repeats a request that never reached Slack (URLError only, see the module docstring),
    after 0.5 s, then 1 s."""

    def __init__(self, max_retry_count: int, sleep: Sleep):
        super().__init__(max_retry_count=max_retry_count, error_types=[URLError])
        self.sleep = sleep

    def wait(self, state: RetryState, response: HttpResponse | None) -> float:
        attempt: int = state.current_attempt
        return 0.5 * 2.0**attempt


class TransportOptions(PluginOptions):
    """The connection options both Slack alerters accept."""

    timeout: Duration = timedelta(seconds=10)
    # In-process 429 retries, and the longest Retry-After waited out in-process.
    rate_limit_retries: int = Field(default=2, ge=0, le=10)
    max_retry_wait: Duration = timedelta(seconds=30)

    def retry_handlers(self, sleep: Sleep) -> list[RetryHandler]:
        return [
            BoundedRateLimitRetryHandler(self.rate_limit_retries, self.max_retry_wait.total_seconds(), sleep),
            ConnectRetryHandler(2, sleep),
        ]
