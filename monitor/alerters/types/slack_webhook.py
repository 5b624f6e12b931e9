"""Slack incoming-webhook alerter: the simpler set-up, without threads or header updates.

Each alert is a whole message of its own (same rendering as the Web API alerter). An incoming
webhook can neither read the channel nor attach metadata, so a retry after a timeout cannot be
checked against what Slack already has: delivery here is at-least-once (a rare duplicate rather
than a lost alert). Use the `slack` alerter when duplicates matter.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import SecretStr, field_validator
from slack_sdk.errors import SlackClientError
from slack_sdk.webhook import WebhookClient

from monitor.alerters.slack_blocks import MessageRenderer, RenderOptions
from monitor.alerters.slack_http import (
    TRANSPORT_ERRORS,
    SlackDeliveryError,
    TransportOptions,
    client_error,
    delivery_error,
    retry_after,
    transport_error,
)
from monitor.delivery.alerter import CheckStep
from monitor.plugin import Plugin, PluginContext
from monitor.records import Alert, ThreadRef


class SlackWebhookOptions(RenderOptions, TransportOptions):
    """`[alerters.NAME]` with `type = "slack_webhook"`."""

    # The webhook URL is a secret: write "${SLACK_WEBHOOK_URL}" in the config.
    url: SecretStr

    @field_validator("url")
    @classmethod
    def _webhook_url(cls, value: SecretStr) -> SecretStr:
        if not value.get_secret_value().startswith(("https://", "http://")):
            raise ValueError('URL webhook harus diawali https:// (tulis sebagai "${SLACK_WEBHOOK_URL}")')
        return value


class SlackWebhookAlerter:
    """Posts every alert as its own Block Kit message through an incoming webhook."""

    def __init__(self, client: WebhookClient, renderer: MessageRenderer, *, name: str = "slack_webhook"):
        self.client = client
        self.renderer = renderer
        self.name = name

    @classmethod
    def build(cls, name: str, options: SlackWebhookOptions, context: PluginContext) -> SlackWebhookAlerter:
        client = WebhookClient(
            url=options.url.get_secret_value(),
            timeout=options.timeout.total_seconds(),  # type: ignore[arg-type]  # urllib takes floats
            retry_handlers=options.retry_handlers(context.sleep),
        )
        return cls(client, options.renderer(context), name=name)

    def deliver(self, alert: Alert, thread: ThreadRef | None) -> ThreadRef | None:
        message = self.renderer.render(alert, "standalone")
        self._send({"text": message.text, "blocks": message.blocks, "unfurl_links": False, "unfurl_media": False})
        # No thread to keep: every alert stands alone.
        return None

    def check(self) -> list[CheckStep]:
        say = self.renderer.say
        try:
            self._send({"text": say("check.message", name=self.name, time=say.time(datetime.now(UTC)))})
        except SlackDeliveryError as exc:
            return [CheckStep(False, say("check.webhook.fail", error=exc), say("check.webhook.fix"))]
        return [CheckStep(True, say("check.webhook.ok"))]

    def _send(self, payload: dict[str, Any]) -> None:
        action = "mengirim lewat webhook"
        try:
            response = self.client.send_dict(payload)
        except TRANSPORT_ERRORS as exc:
            raise transport_error(self.name, action, exc, self.client.timeout) from exc
        except SlackClientError as exc:
            raise client_error(self.name, action, exc) from exc
        if response.status_code != 200:
            code = (
                "ratelimited"
                if response.status_code == 429
                else (response.body or "").strip() or f"http_{response.status_code}"
            )
            raise delivery_error(self.name, action, code, retry_after=retry_after(response.headers))


PLUGIN = Plugin(SlackWebhookOptions, SlackWebhookAlerter.build)
