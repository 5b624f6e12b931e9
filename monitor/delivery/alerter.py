"""The alerter protocol: what the outbox hands an alert to. Alerters themselves are plugins
(monitor/alerters/types/)."""

from __future__ import annotations

from typing import Protocol

from monitor.records import Alert, ThreadRef


class Alerter(Protocol):
    """Delivers alerts to one destination.

    `deliver` gets the thread reference returned when the incident's first alert was delivered
    (None for the first one) and returns the reference to keep (a Slack channel and `ts`), or
    None when the destination has no threads. It raises AlertDeliveryError on failure; the
    outbox keeps the alert and retries later (unless the error is permanent).
    """

    name: str

    def deliver(self, alert: Alert, thread: ThreadRef | None) -> ThreadRef | None: ...
