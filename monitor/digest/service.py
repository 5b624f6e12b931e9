"""The digest job: which group's day is due, render it, send it once, retry what failed.

The scheduler calls `run` at each group's send time and every minute for retries; the CLI
calls `render` (preview) and `send_now`. Both work over the store and the state file they are
given, so the service, the CLI and the tests run the same code.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from monitor.clock import Clock, SystemClock
from monitor.config import DigestGroupConfig, MonitorConfig
from monitor.db import StateDB
from monitor.digest.compose import RenderedDigest, build_sections, compose
from monitor.digest.day import DigestDay, StateIncidentLog
from monitor.digest.send import Delivery, DigestLedger, Sender, SmtpSender, build_message, message_id
from monitor.errors import DigestDeliveryError
from monitor.i18n import Messages
from monitor.plugin import PluginContext
from monitor.store.base import MentionStore

log = logging.getLogger(__name__)


@dataclass
class DigestReport:
    sent: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    # Sentences for people: what failed, and when it is tried again.
    errors: list[str] = field(default_factory=list)


class DigestService:
    def __init__(
        self,
        config: MonitorConfig,
        store: MentionStore,
        state: StateDB,
        *,
        clock: Clock | None = None,
        sender: Sender | None = None,
        context: PluginContext | None = None,
    ):
        self.config = config
        self.store = store
        self.clock = clock or SystemClock()
        self.context = context or PluginContext(base_dir=config.base_dir, timezone=config.monitor.timezone)
        self.ledger = DigestLedger(state)
        slack = [name for name, entry in config.alerters.items() if entry.type == "slack"]
        self.incidents = StateIncidentLog(state, slack)
        self.sender = sender or SmtpSender(config.digest.smtp, config.base_dir)

    # -- what a group gets -----------------------------------------------------------------------
    def group(self, name: str | None) -> DigestGroupConfig:
        """The named group; without a name the first configured one, or (none configured) a
        group covering every mention, for previews."""
        if name:
            return self.config.digest.group(name)
        if self.config.digest.groups:
            return self.config.digest.groups[0]
        return DigestGroupConfig(name="semua", recipients=("pratinjau@humas-monitor.invalid",))

    def messages(self, group: DigestGroupConfig) -> Messages:
        general = self.config.monitor
        return Messages(group.language or general.language, group.timezone or general.timezone)

    def yesterday(self, group: DigestGroupConfig, now: datetime) -> date:
        return now.astimezone(self.messages(group).zone).date() - timedelta(days=1)

    def render(self, group: DigestGroupConfig, day: date) -> RenderedDigest:
        digest_day = DigestDay(
            group=group.name,
            day=day,
            store=self.store,
            say=self.messages(group),
            incidents=self.incidents,
            watchlists=group.watchlists,
        )
        return compose(digest_day, build_sections(group, self.context))

    # -- sending ---------------------------------------------------------------------------------
    def run(self, group: str | None = None) -> DigestReport:
        """Queue every group (or `group`) whose send time has passed today and whose
        yesterday is not queued yet, then send what is due. Missed send times (the service
        was down at 07:00) are caught up here."""
        now = self.clock.now()
        for entry in self.config.digest.groups:
            if group and entry.name != group:
                continue
            local = now.astimezone(self.messages(entry).zone)
            hour, minute = entry.send_time
            if local.time() >= time(hour, minute):
                day = self.yesterday(entry, now)
                if self.ledger.get(entry.name, day) is None:
                    self.ledger.queue(entry.name, day, now)
        return self.deliver_due()

    def deliver_due(self) -> DigestReport:
        report = DigestReport()
        now = self.clock.now()
        for delivery in self.ledger.due(now):
            try:
                entry = self.config.digest.group(delivery.group)
            except KeyError:
                continue  # a group removed from the configuration: its old rows wait harmlessly
            self._attempt(entry, delivery, now, report)
        return report

    def send_now(self, group: DigestGroupConfig, day: date, *, again: bool = False) -> tuple[DigestReport, Delivery]:
        """`monitor digest send`: this group's day now, unless it was sent already."""
        now = self.clock.now()
        report = DigestReport()
        current = self.ledger.get(group.name, day)
        if current is not None and current.status == "sent" and not again:
            return report, current
        if again or current is None or current.status != "pending":
            self.ledger.reopen(group.name, day, now)
        delivery = self.ledger.get(group.name, day)
        assert delivery is not None
        self._attempt(group, delivery, now, report, resend=again and current is not None)
        final = self.ledger.get(group.name, day)
        assert final is not None
        return report, final

    def _attempt(
        self, group: DigestGroupConfig, delivery: Delivery, now: datetime, report: DigestReport, *, resend: bool = False
    ) -> None:
        say = self.messages(group)
        label = f"{group.name} {delivery.day.isoformat()}"
        digest = self.render(group, delivery.day)
        if digest.total == 0 and not group.send_empty:
            self.ledger.skipped(group.name, delivery.day)
            report.skipped.append(label)
            return
        smtp = self.config.digest.smtp
        msg_id = message_id(group.name, delivery.day, smtp.sender, delivery.attempts if resend else 0)
        message = build_message(digest, sender=smtp.sender, recipients=group.recipients, now=now, msg_id=msg_id)
        try:
            self.sender.send(message)
        except DigestDeliveryError as exc:
            failed = self.ledger.failed(delivery, now, exc)
            error = say(
                "digest.failed", group=group.name, date=delivery.day.isoformat(), attempts=failed.attempts, error=exc
            )
            if failed.status == "pending":
                error += " " + say("digest.retry_at", at=say.time(failed.next_attempt_at))
            log.error("%s", error)
            report.errors.append(error)
            return
        self.ledger.sent(group.name, delivery.day, now, msg_id)
        report.sent.append(label)
        log.info("ringkasan %s terkirim ke %d penerima", label, len(group.recipients))
