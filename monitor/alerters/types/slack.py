"""Slack alerter over the Web API: one thread per incident, header kept current with chat.update.

Exactly-once from the channel's point of view. Every message the alerter posts carries Slack
message metadata (`event_type` = EVENT_TYPE, `event_payload.alert_id`). When an earlier attempt
may have arrived (the outbox says so: it timed out, or the process stopped while it was under
way), the alerter first looks for that alert id where the message would be: the channel history
since just before the alert fired (first alert of an incident) or the incident's thread (later
alerts), and returns the message it finds instead of posting again. On the usual path nothing
is looked up, so posting costs one request however busy the channel is.
This works because (1) the metadata is stored atomically with the message, (2) a message posted
for an alert is never older than the alert itself (less CLOCK_SKEW), so the search window
always covers it, and (3) the outbox delivers one alert per (alert, alerter) at a time and marks
it under way before trying. `chat.update` sets the whole header each time, so repeating it is
harmless. The bot therefore needs `channels:history` (`groups:history` for private channels)
besides `chat:write`; see the README's Slack section.

Slack takes about one message per second per channel. Posts are paced to `rate`; when more new
incidents wait than the channel can take within `group_window`, they go out as one message (an
alert storm), whose thread the incidents then share.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

from pydantic import Field, SecretStr, field_validator
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from monitor.alerters.slack_blocks import MessageRenderer, RenderOptions, SlackMessage
from monitor.alerters.slack_http import (
    HINTS,
    TRANSPORT_ERRORS,
    SlackDeliveryError,
    TransportOptions,
    client_error,
    delivery_error,
    retry_after,
    transport_error,
)
from monitor.clock import Clock, SystemClock
from monitor.delivery.alerter import CheckStep
from monitor.plugin import Plugin, PluginContext
from monitor.records import RESPONSE_EVENT, Alert, ThreadRef
from monitor.values import Duration, utc

EVENT_TYPE = "humas_monitor_alert"
# Slack's clock and ours may disagree a little; search history from this long before firing.
CLOCK_SKEW = timedelta(minutes=10)
HISTORY_PAGE = 200
_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{6,}$")
# What the bot needs: posting, and reading the channel to recover after a lost answer.
NEEDED_SCOPES = ("chat:write",)
HISTORY_SCOPES = ("channels:history", "groups:history")


class SlackOptions(RenderOptions, TransportOptions):
    """`[alerters.NAME]` with `type = "slack"`."""

    # Bot token (xoxb-...), written in the config as "${SLACK_BOT_TOKEN}" and expanded at load.
    token: SecretStr
    # The channel ID (C0123ABCD; G... for older private channels): history lookups need the ID.
    channel: str
    # The Web API's root URL, ending in /api/: for a proxy, or a local test server. Empty: Slack's.
    base_url: str | None = Field(default=None, pattern=r"^https?://")
    # How many pages of channel history (200 messages each) the duplicate check may read.
    history_pages: int = Field(default=10, ge=1, le=100)
    # Messages per second to the channel (Slack allows about one).
    rate: float = Field(default=1.0, gt=0, le=50)
    # New incidents that the channel could not take one by one within this long go out as one.
    group_window: Duration = timedelta(seconds=5)

    @field_validator("token")
    @classmethod
    def _looks_like_token(cls, value: SecretStr) -> SecretStr:
        if not value.get_secret_value().startswith("xox"):
            raise ValueError(
                'bukan token bot Slack (harus diawali xoxb-): salin "Bot User OAuth Token" dari halaman '
                'OAuth & Permissions aplikasi Slack ke variabel lingkungan, lalu tulis "${SLACK_BOT_TOKEN}" di sini'
            )
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
        rate: float = 1.0,
        group_window: timedelta = timedelta(seconds=5),
        sleep: Callable[[float], None] = time.sleep,
        clock: Clock | None = None,
    ):
        self.client = client
        self.channel = channel
        self.renderer = renderer
        self.name = name
        self.history_pages = history_pages
        self.interval = 1 / rate
        self.group_threshold = max(1, int(group_window.total_seconds() * rate))
        self.sleep = sleep
        self.clock = clock or SystemClock()
        self._next_post = 0.0

    @classmethod
    def build(cls, name: str, options: SlackOptions, context: PluginContext) -> SlackAlerter:
        client = WebClient(
            token=options.token.get_secret_value(),
            base_url=options.base_url or WebClient.BASE_URL,
            timeout=options.timeout.total_seconds(),  # type: ignore[arg-type]  # urllib takes floats
            retry_handlers=options.retry_handlers(context.sleep),
        )
        return cls(
            client,
            options.channel,
            options.renderer(context),
            name=name,
            history_pages=options.history_pages,
            rate=options.rate,
            group_window=options.group_window,
            clock=context.clock,
        )

    # -- the Alerter protocol ----------------------------------------------------------------

    def deliver(self, alert: Alert, thread: ThreadRef | None) -> ThreadRef:
        return self.deliver_once(alert, thread, maybe_sent=True)

    def deliver_once(self, alert: Alert, thread: ThreadRef | None, *, maybe_sent: bool) -> ThreadRef:
        if thread is None:
            return self._open(alert, maybe_sent)
        return self._follow_up(alert, thread, maybe_sent)

    def deliver_group(self, alerts: Sequence[Alert], thread: ThreadRef | None, *, maybe_sent: bool) -> ThreadRef:
        key = "grup-" + hashlib.sha256("|".join(a.id for a in alerts).encode()).hexdigest()[:20]
        first = min(alerts, key=lambda a: a.fired_at)
        payload = {"alert_id": key, "incident_id": "", "event": "group"}
        if thread is None:
            ts = self._find_in_history(key, first) if maybe_sent else None
            if ts is None:
                message = self.renderer.render_group(list(alerts), "channel")
                ts = self._post(message, payload, channel=self.channel)
            return ThreadRef(self.channel, ts, utc(first.fired_at), shared=True)
        if not (maybe_sent and self._find_in_thread(key, thread.channel, thread.message)):
            reply = self.renderer.render_group(list(alerts), "reply")
            self._post(reply, payload, channel=thread.channel, thread_ts=thread.message)
        return thread

    def check(self) -> list[CheckStep]:
        """Token, scopes, channel access and a test message, each with how to fix it."""
        say = self.renderer.say
        steps: list[CheckStep] = []
        try:
            identity = self._call("auth.test", say("check.slack.auth.action"))
        except SlackDeliveryError as exc:
            return [self._failed(say("check.slack.auth.fail", code=exc.code), exc)]
        steps.append(CheckStep(True, say("check.slack.auth.ok", user=identity.get("user"), team=identity.get("team"))))
        granted = _scopes(identity.headers)
        if granted is None:
            steps.append(CheckStep(True, say("check.slack.scopes.unknown")))
        else:
            missing = [s for s in NEEDED_SCOPES if s not in granted]
            if not any(s in granted for s in HISTORY_SCOPES):
                missing.append(" / ".join(HISTORY_SCOPES))
            if missing:
                steps.append(
                    CheckStep(
                        False,
                        say("check.slack.scopes.missing", missing=", ".join(missing)),
                        say("check.slack.scopes.fix", missing=", ".join(missing)),
                    )
                )
                return steps
            steps.append(CheckStep(True, say("check.slack.scopes.ok", scopes=", ".join(sorted(granted)))))
        try:
            self._call("conversations.history", say("check.slack.channel.action"), channel=self.channel, limit=1)
        except SlackDeliveryError as exc:
            return [*steps, self._failed(say("check.slack.channel.fail", channel=self.channel, code=exc.code), exc)]
        steps.append(CheckStep(True, say("check.slack.channel.ok", channel=self.channel)))
        text = say("check.message", name=self.name, time=say.time(self.clock.now()))
        try:
            self._call("chat.postMessage", say("check.slack.post.action"), channel=self.channel, text=text)
        except SlackDeliveryError as exc:
            return [*steps, self._failed(say("check.slack.post.fail", code=exc.code), exc)]
        steps.append(CheckStep(True, say("check.slack.post.ok", channel=self.channel)))
        return steps

    def _failed(self, what: str, error: SlackDeliveryError) -> CheckStep:
        say = self.renderer.say
        key = f"check.slack.fix.{error.code}"
        if say.has(key):
            fix = say(key, channel=self.channel)
        elif error.code == "transport":
            fix = say("check.slack.fix.transport", url=self.client.base_url)
        else:
            fix = HINTS.get(error.code, str(error))
        return CheckStep(False, what, fix)

    # -- steps -------------------------------------------------------------------------------

    def _open(self, alert: Alert, maybe_sent: bool) -> ThreadRef:
        ts = self._find_in_history(alert.id, alert) if maybe_sent else None
        if ts is None:
            message = self.renderer.render(alert, "header", opened_at=alert.fired_at)
            ts = self._post(message, _payload(alert), channel=self.channel)
        return ThreadRef(self.channel, ts, utc(alert.fired_at))

    def _follow_up(self, alert: Alert, thread: ThreadRef, maybe_sent: bool) -> ThreadRef:
        channel, ts, opened_at = thread.channel, thread.message, thread.opened_at
        if not (maybe_sent and self._find_in_thread(alert.id, channel, ts)):
            reply = self.renderer.render(alert, "reply")
            # An escalation also shows in the channel, not only inside the thread.
            broadcast = alert.event == "escalated"
            self._post(reply, _payload(alert), channel=channel, thread_ts=ts, reply_broadcast=broadcast)
        if thread.shared or alert.event == RESPONSE_EVENT:
            # The message heads several incidents: it is not one incident's header; or the alert
            # is a line for the thread that changes nothing the header shows.
            return thread
        header = self.renderer.render(alert, "header", opened_at=opened_at)
        self._call(
            "chat.update", "memperbarui pesan insiden", channel=channel, ts=ts, text=header.text, blocks=header.blocks
        )
        return thread

    def _post(self, message: SlackMessage, payload: dict[str, str], *, channel: str, **extra: Any) -> str:
        # Slack takes about one message per second per channel: wait for our turn.
        wait = self._next_post - time.monotonic()
        if wait > 0:
            self.sleep(wait)
        try:
            response = self._call(
                "chat.postMessage",
                "mengirim pesan",
                channel=channel,
                text=message.text,
                blocks=message.blocks,
                metadata={"event_type": EVENT_TYPE, "event_payload": payload},
                # Post text is escaped already; keep Slack from parsing names or unfurling links.
                parse="none",
                link_names=False,
                unfurl_links=False,
                unfurl_media=False,
                **extra,
            )
        finally:
            self._next_post = time.monotonic() + self.interval
        return str(response["ts"])

    def _find_in_history(self, key: str, alert: Alert) -> str | None:
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
            found = _message_for(key, page.get("messages") or [])
            if found is not None:
                return found
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not page.get("has_more") or not cursor:
                break
        return None

    def _find_in_thread(self, key: str, channel: str, ts: str) -> bool:
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
            if _message_for(key, page.get("messages") or []) is not None:
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
                self.name, action, code, retry_after=retry_after(exc.response.headers), detail=detail, status=status
            ) from exc
        except TRANSPORT_ERRORS as exc:
            raise transport_error(self.name, action, exc, self.client.timeout) from exc
        except SlackClientError as exc:
            raise client_error(self.name, action, exc) from exc
        return response


def _payload(alert: Alert) -> dict[str, str]:
    return {"alert_id": alert.id, "incident_id": alert.incident_id or "", "event": alert.event}


def _scopes(headers: Any) -> set[str] | None:
    """The scopes Slack says the token has (`X-OAuth-Scopes`), or None when it did not say."""
    for key, value in dict(headers or {}).items():
        if key.lower() == "x-oauth-scopes":
            text = value[0] if isinstance(value, list | tuple) else value
            return {s.strip() for s in str(text).split(",") if s.strip()}
    return None


def _message_for(key: str, messages: list[dict[str, Any]]) -> str | None:
    """The ts of the message this alerter posted for `key` (an alert or group id), by its metadata."""
    for message in messages:
        metadata = message.get("metadata") or {}
        if metadata.get("event_type") == EVENT_TYPE and (metadata.get("event_payload") or {}).get("alert_id") == key:
            return str(message["ts"])
    return None


PLUGIN = Plugin(SlackOptions, SlackAlerter.build)

__all__ = ["EVENT_TYPE", "PLUGIN", "SlackAlerter", "SlackDeliveryError", "SlackOptions"]
