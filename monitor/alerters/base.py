"""The alerter protocol. Delivery goes through the durable outbox (monitor/alerters/outbox.py)."""

from __future__ import annotations

from typing import Protocol

from monitor.records import Alert


class Alerter(Protocol):
    """Delivers alerts to one destination.

    `deliver` gets the thread reference returned when the incident's first alert was delivered
    (None for the first one) and returns the reference to keep, for example a Slack channel and
    `ts`. It raises AlertDeliveryError on failure; the outbox keeps the alert and retries later.
    """

    name: str

    def deliver(self, alert: Alert, thread: dict[str, str] | None) -> dict[str, str]: ...
