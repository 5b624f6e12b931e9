"""The alerter protocol: what the outbox hands an alert to. Alerters themselves are plugins
(monitor/alerters/types/)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

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


@runtime_checkable
class VerifyingAlerter(Protocol):
    """An alerter that can look for an alert at the destination before sending it again.

    The outbox says whether an earlier attempt may have arrived (`maybe_sent`: it timed out, or
    the process stopped while it was under way); only then does the alerter look, so the
    duplicate check costs nothing on the usual path. `deliver` alone must always look."""

    name: str

    def deliver(self, alert: Alert, thread: ThreadRef | None) -> ThreadRef | None: ...

    def deliver_once(self, alert: Alert, thread: ThreadRef | None, *, maybe_sent: bool) -> ThreadRef | None: ...


@runtime_checkable
class GroupingAlerter(Protocol):
    """An alerter that can carry several alerts in one message (Slack, in an alert storm)."""

    name: str
    # New incidents due at once that it still posts one by one; more go out as one message.
    group_threshold: int

    def deliver(self, alert: Alert, thread: ThreadRef | None) -> ThreadRef | None: ...

    def deliver_group(self, alerts: Sequence[Alert], thread: ThreadRef | None, *, maybe_sent: bool) -> ThreadRef:
        """One message for `alerts`: in the channel (thread None; the new incidents then share
        the returned thread) or one reply in `thread`."""


@dataclass(frozen=True)
class CheckStep:
    """One step of `monitor alerters check`: what was tried, whether it worked, how to fix it."""

    ok: bool
    what: str
    fix: str = ""


@runtime_checkable
class CheckableAlerter(Protocol):
    name: str

    def check(self) -> list[CheckStep]:
        """Try the destination for real (for Slack: the token, its scopes, the channel, a test
        message); stop at the first step that fails."""
