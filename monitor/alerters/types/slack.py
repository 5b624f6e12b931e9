"""Slack alerter over the Web API: one thread per incident, header kept current with chat.update.

Exactly-once from the channel's point of view. Every message the alerter posts carries Slack
message metadata (`event_type` = EVENT_TYPE, `event_payload.alert_id`). Before posting it looks
for that alert id where the message would be: the channel history since just before the alert
fired (first alert of an incident) or the incident's thread (later alerts). So when an earlier
attempt timed out after Slack had stored the message, or the process died before the outbox
recorded the success, the retry finds the message and returns its `ts` instead of posting again.
This works because (1) the metadata is stored atomically with the message, (2) a message posted
for an alert is never older than the alert itself (less CLOCK_SKEW), so the search window
always covers it, and (3) the outbox delivers one alert per (alert, alerter) at a time.
`chat.update` sets the whole header each time, so repeating it is harmless.
The bot therefore needs `channels:history` (`groups:history` for private channels) besides
`chat:write`; see the README's Slack section.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from pydantic import Field, SecretStr, field_validator
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from monitor.alerters.slack_blocks import MessageRenderer, RenderOptions, SlackMessage
from monitor.alerters.slack_http import (
    TRANSPORT_ERRORS,
    SlackDeliveryError,
    TransportOptions,
    client_error,
    delivery_error,
    retry_after,
    transport_error,
)
from monitor.plugin import Plugin, PluginContext
from monitor.records import Alert, ThreadRef
from monitor.values import utc

EVENT_TYPE = "humas_monitor_alert"
# Slack's clock and ours may disagree a little; search history from this long before firing.
CLOCK_SKEW = timedelta(minutes=10)
HISTORY_PAGE = 200
_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{6,}$")


class SlackOptions(RenderOptions, TransportOptions):
    """`[alerters.NAME]` with `type = "slack"`."""

    # Bot token (xoxb-...), written in the config as "${SLACK_BOT_TOKEN}" and expanded at load.
    token: SecretStr
    # The channel ID (C0123ABCD; G... for older private channels): history lookups need the ID.
    channel: str
    # Web API root; only tests and proxies change it.
    base_url: str | None = Field(default=None, pattern=r"^https?://")
    # How many pages of channel history (200 messages each) the duplicate check may read.
    history_pages: int = Field(default=10, ge=1, le=100)

    @field_validator("token")
    @classmethod
    def _looks_like_token(cls, value: SecretStr) -> SecretStr:
        if not value.get_secret_value().startswith("xox"):
            raise ValueError('bukan token Slack (harus diawali xoxb-); tulis sebagai "${SLACK_BOT_TOKEN}"')
        return value

    @field_validator("channel")
    @classmethod
    def _channel_id(cls, value: str) -> str:
        if not _CHANNEL_ID.match(value):
            raise ValueError(f"pakai ID kanal (misalnya C0123ABCD, lihat detail kanal di Slack), bukan {value!r}")
        return value


class SlackAlerter:
    """Posts an incident's first alert as a Block Kit message, later ones as thread replies,
    and keeps that first message (the header) showing the latest numbers and status."""

    def __init__(
        self,
        client: WebClient,
        channel: str,
        renderer: MessageRenderer,
        *,
        name: str = "slack",
        history_pages: int = 10,
    ):
        self.client = client
        self.channel = channel
        self.renderer = renderer
        self.name = name
        self.history_pages = history_pages

    @classmethod
    def build(cls, name: str, options: SlackOptions, context: PluginContext) -> SlackAlerter:
        client = WebClient(
            token=options.token.get_secret_value(),
            base_url=options.base_url or WebClient.BASE_URL,
            timeout=options.timeout.total_seconds(),  # type: ignore[arg-type]  # urllib takes floats
            retry_handlers=options.retry_handlers(context.sleep),
        )
        return cls(client, options.channel, options.renderer(context), name=name, history_pages=options.history_pages)

    # -- the Alerter protocol ----------------------------------------------------------------

    def deliver(self, alert: Alert, thread: ThreadRef | None) -> ThreadRef:
        if thread is None:
            return self._open(alert)
        return self._follow_up(alert, thread)

    def check(self) -> dict[str, str]:
        """Verify token, scopes and channel access (for `monitor alerters check`)."""
        identity = self._call("auth.test", "memeriksa token")
        self._call("conversations.history", "membaca kanal", channel=self.channel, limit=1)
        return {"team": str(identity.get("team", "")), "user": str(identity.get("user", "")), "channel": self.channel}

    # -- steps -------------------------------------------------------------------------------

    def _open(self, alert: Alert) -> ThreadRef:
        ts = self._find_in_history(alert)
        if ts is None:
            message = self.renderer.render(alert, "header", opened_at=alert.fired_at)
            ts = self._post(alert, message, channel=self.channel)
        return ThreadRef(self.channel, ts, utc(alert.fired_at))

    def _follow_up(self, alert: Alert, thread: ThreadRef) -> ThreadRef:
        channel, ts, opened_at = thread.channel, thread.message, thread.opened_at
        if not self._find_in_thread(alert, channel, ts):
            reply = self.renderer.render(alert, "reply")
            # An escalation also shows in the channel, not only inside the thread.
            self._post(alert, reply, channel=channel, thread_ts=ts, reply_broadcast=alert.event == "escalated")
        header = self.renderer.render(alert, "header", opened_at=opened_at)
        self._call(
            "chat.update", "memperbarui pesan insiden", channel=channel, ts=ts, text=header.text, blocks=header.blocks
        )
        return thread

    def _post(self, alert: Alert, message: SlackMessage, *, channel: str, **extra: Any) -> str:
        response = self._call(
            "chat.postMessage",
            "mengirim pesan",
            channel=channel,
            text=message.text,
            blocks=message.blocks,
            metadata={
                "event_type": EVENT_TYPE,
                "event_payload": {"alert_id": alert.id, "incident_id": alert.incident_id or "", "event": alert.event},
            },
            # Post text is escaped already; keep Slack from parsing names or unfurling links.
            parse="none",
            link_names=False,
            unfurl_links=False,
            unfurl_media=False,
            **extra,
        )
        return str(response["ts"])

    def _find_in_history(self, alert: Alert) -> str | None:
        oldest = f"{(utc(alert.fired_at) - CLOCK_SKEW).timestamp():.6f}"
        cursor = None
        for _ in range(self.history_pages):
            page = self._call(
                "conversations.history",
                "memeriksa pesan yang sudah terkirim",
                channel=self.channel,
                oldest=oldest,
                limit=HISTORY_PAGE,
                include_all_metadata=True,
                cursor=cursor,
            )
            found = _message_for(alert, page.get("messages") or [])
            if found is not None:
                return found
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not page.get("has_more") or not cursor:
                break
        return None

    def _find_in_thread(self, alert: Alert, channel: str, ts: str) -> bool:
        cursor = None
        while True:
            page = self._call(
                "conversations.replies",
                "memeriksa utas insiden",
                channel=channel,
                ts=ts,
                limit=HISTORY_PAGE,
                include_all_metadata=True,
                cursor=cursor,
            )
            if _message_for(alert, page.get("messages") or []) is not None:
                return True
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not page.get("has_more") or not cursor:
                return False

    def _call(self, method: str, action: str, **params: Any) -> Any:
        """One Web API call; every failure becomes a SlackDeliveryError."""
        params = {k: v for k, v in params.items() if v is not None}
        try:
            if method in ("chat.postMessage", "chat.update"):
                response = self.client.api_call(method, json=params)
            else:
                response = self.client.api_call(method, params=params)
        except SlackApiError as exc:
            body = exc.response.data if isinstance(exc.response.data, dict) else {}
            status = exc.response.status_code
            code = "ratelimited" if status == 429 else str(body.get("error") or f"http_{status}")
            detail = ", ".join(str(x) for x in (body.get("needed"), *(body.get("errors") or ())) if x)
            raise delivery_error(
                self.name, action, code, retry_after=retry_after(exc.response.headers), detail=detail
            ) from exc
        except TRANSPORT_ERRORS as exc:
            raise transport_error(self.name, action, exc, self.client.timeout) from exc
        except SlackClientError as exc:
            raise client_error(self.name, action, exc) from exc
        return response


def _message_for(alert: Alert, messages: list[dict[str, Any]]) -> str | None:
    """The ts of the message this alerter posted for `alert`, found by its metadata."""
    for message in messages:
        metadata = message.get("metadata") or {}
        if (
            metadata.get("event_type") == EVENT_TYPE
            and (metadata.get("event_payload") or {}).get("alert_id") == alert.id
        ):
            return str(message["ts"])
    return None


PLUGIN = Plugin(SlackOptions, SlackAlerter.build)

__all__ = ["EVENT_TYPE", "PLUGIN", "SlackAlerter", "SlackDeliveryError", "SlackOptions"]
