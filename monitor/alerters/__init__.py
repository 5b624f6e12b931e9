"""Alerters, configured once by name and referenced by rules."""

from __future__ import annotations

from typing import TYPE_CHECKING

from monitor.alerters.base import Alerter
from monitor.alerters.log import LogAlerter
from monitor.alerters.slack import SlackAlerter
from monitor.alerters.webhook import SlackWebhookAlerter

if TYPE_CHECKING:
    from monitor.config import MonitorConfig

ALERTERS: dict[str, type] = {"log": LogAlerter, "slack": SlackAlerter, "slack_webhook": SlackWebhookAlerter}


def build_alerters(config: MonitorConfig) -> dict[str, Alerter]:
    built: dict[str, Alerter] = {}
    for name, entry in config.alerters.items():
        plugin = ALERTERS[entry.type]
        built[name] = plugin.from_options(name, plugin.Options.model_validate(entry.options()), config)
    return built


__all__ = ["ALERTERS", "Alerter", "build_alerters"]
