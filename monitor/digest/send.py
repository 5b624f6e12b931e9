"""The digest as an email, sent over SMTP, recorded durably so a day goes out once per group.

`DigestLedger` owns the `digest_deliveries` table of the state file: one row per (group, day),
queued, retried with the outbox's backoff after a failure, and marked sent in the same
moment the server accepts the message. A restart finds the row: a sent day is never sent
again, a pending one is retried. The Message-ID is derived from group and day, so in the one
window where a crash could repeat a send (after the server accepted, before the row was
written) the copy carries the same Message-ID, which mailboxes such as Gmail fold into one.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from pathlib import Path
from typing import Protocol

from monitor.config import SmtpConfig
from monitor.db import StateDB
from monitor.delivery.outbox import backoff
from monitor.digest.compose import RenderedDigest
from monitor.errors import DigestDeliveryError

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS digest_deliveries (
    group_name TEXT NOT NULL,
    day TEXT NOT NULL,
    -- pending (queued or retrying), sent, failed (permanent), skipped (an empty day, send_empty off)
    status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error TEXT,
    sent_at TEXT,
    message_id TEXT,
    PRIMARY KEY (group_name, day)
);
"""


@dataclass(frozen=True)
class Delivery:
    group: str
    day: date
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    sent_at: datetime | None
    message_id: str | None


class DigestLedger:
    """Which group got which day's digest, and what is still to be sent."""

    _COLUMNS = "group_name, day, status, attempts, next_attempt_at, last_error, sent_at, message_id"

    def __init__(self, state: StateDB):
        self.state = state
        state.ensure(_SCHEMA)

    @staticmethod
    def _row(row: tuple[object, ...]) -> Delivery:
        group, day, status, attempts, due, error, sent, message_id = row
        return Delivery(
            str(group),
            date.fromisoformat(str(day)),
            str(status),
            int(str(attempts)),
            datetime.fromisoformat(str(due)),
            str(error) if error is not None else None,
            datetime.fromisoformat(str(sent)) if sent else None,
            str(message_id) if message_id else None,
        )

    def get(self, group: str, day: date) -> Delivery | None:
        rows = self.state.query(
            f"SELECT {self._COLUMNS} FROM digest_deliveries WHERE group_name = ? AND day = ?", (group, day.isoformat())
        )
        return self._row(rows[0]) if rows else None

    def queue(self, group: str, day: date, now: datetime) -> Delivery:
        """The row of (group, day), created pending and due now if there was none."""
        with self.state.transaction() as db:
            db.execute(
                "INSERT OR IGNORE INTO digest_deliveries (group_name, day, next_attempt_at) VALUES (?,?,?)",
                (group, day.isoformat(), now.isoformat()),
            )
        found = self.get(group, day)
        assert found is not None
        return found

    def reopen(self, group: str, day: date, now: datetime) -> None:
        """Send a day again on purpose (`monitor digest send --again`)."""
        self.queue(group, day, now)
        self._set(group, day, "status = 'pending', next_attempt_at = ?, last_error = NULL", now.isoformat())

    def due(self, now: datetime) -> list[Delivery]:
        rows = self.state.query(
            f"SELECT {self._COLUMNS} FROM digest_deliveries WHERE status = 'pending' ORDER BY day, group_name"
        )
        return [d for d in map(self._row, rows) if d.next_attempt_at <= now]

    def sent(self, group: str, day: date, now: datetime, message_id: str) -> None:
        self._set(
            group,
            day,
            "status = 'sent', sent_at = ?, message_id = ?, attempts = attempts + 1, last_error = NULL",
            now.isoformat(),
            message_id,
        )

    def skipped(self, group: str, day: date) -> None:
        self._set(group, day, "status = 'skipped'")

    def failed(self, delivery: Delivery, now: datetime, error: DigestDeliveryError) -> Delivery:
        """Count the attempt; a temporary failure is due again after the outbox's backoff."""
        status = "failed" if error.permanent else "pending"
        due = now + backoff(delivery.attempts)
        self._set(
            delivery.group,
            delivery.day,
            "status = ?, attempts = attempts + 1, last_error = ?, next_attempt_at = ?",
            status,
            str(error),
            due.isoformat(),
        )
        found = self.get(delivery.group, delivery.day)
        assert found is not None
        return found

    def _set(self, group: str, day: date, assignments: str, *values: object) -> None:
        with self.state.transaction() as db:
            db.execute(
                f"UPDATE digest_deliveries SET {assignments} WHERE group_name = ? AND day = ?",
                (*values, group, day.isoformat()),
            )


def message_id(group: str, day: date, sender: str, resend: int = 0) -> str:
    """The same for every attempt at one group's day (a deliberate resend gets a new one)."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "humas-monitor.invalid"
    suffix = f".{resend}" if resend else ""
    return f"<digest.{group}.{day.isoformat()}{suffix}@{domain}>"


def build_message(
    digest: RenderedDigest,
    *,
    sender: str,
    recipients: Sequence[str],
    now: datetime,
    msg_id: str,
) -> EmailMessage:
    """multipart/alternative: the plain text, then the HTML with its charts as related parts
    referenced by Content-ID (Outlook shows no base64 images)."""
    message = EmailMessage()
    message["Subject"] = digest.subject
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message["Date"] = format_datetime(now)
    message["Message-ID"] = msg_id
    message["Content-Language"] = digest.language
    message.set_content(digest.text, cte="quoted-printable")
    message.add_alternative(digest.html, subtype="html", cte="quoted-printable")
    html_part = message.get_body(("html",))
    assert isinstance(html_part, EmailMessage)
    for image in digest.images:
        html_part.add_related(image.png, "image", "png", cid=f"<{image.cid}>", disposition="inline")
    return message


class Sender(Protocol):
    def send(self, message: EmailMessage) -> None:
        """Hand the message to the mail server; raises DigestDeliveryError."""


class SmtpSender:
    """SMTP with STARTTLS (587), implicit TLS (465) or none (25, a local relay)."""

    def __init__(self, settings: SmtpConfig, base_dir: Path = Path(".")):
        self.settings = settings
        self.base_dir = base_dir

    def _tls(self) -> ssl.SSLContext:
        ca_file = self.settings.ca_file
        if not ca_file:
            return ssl.create_default_context()
        path = Path(ca_file) if Path(ca_file).is_absolute() else self.base_dir / ca_file
        return ssl.create_default_context(cafile=str(path))

    def _connect(self) -> smtplib.SMTP:
        s, timeout = self.settings, self.settings.timeout.total_seconds()
        if s.security == "ssl":
            return smtplib.SMTP_SSL(s.host, s.effective_port, timeout=timeout, context=self._tls())
        client = smtplib.SMTP(s.host, s.effective_port, timeout=timeout)
        if s.security == "starttls":
            client.starttls(context=self._tls())
        return client

    def send(self, message: EmailMessage) -> None:
        where = f"{self.settings.host}:{self.settings.effective_port}"
        try:
            with self._connect() as client:
                if self.settings.username:
                    client.login(self.settings.username, self.settings.password.get_secret_value())
                refused = client.send_message(message)
        except smtplib.SMTPAuthenticationError as exc:
            raise DigestDeliveryError(
                f"SMTP {where} menolak login: {exc.smtp_code} {_text(exc.smtp_error)}", permanent=True
            ) from exc
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _reply in exc.recipients.values()]
            raise DigestDeliveryError(
                f"SMTP {where} menolak semua penerima: {', '.join(exc.recipients)}",
                permanent=all(code >= 500 for code in codes),
            ) from exc
        except smtplib.SMTPResponseException as exc:
            raise DigestDeliveryError(
                f"SMTP {where} menjawab {exc.smtp_code} {_text(exc.smtp_error)}", permanent=exc.smtp_code >= 500
            ) from exc
        except ssl.SSLError as exc:
            # A certificate the system does not trust: set ca_file, or fix the server.
            raise DigestDeliveryError(f"TLS ke {where} gagal: {exc}", permanent=True) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise DigestDeliveryError(f"SMTP {where} tidak bisa dihubungi: {exc}") from exc
        if refused:
            # Some addresses were refused, the others have it: reported, not retried.
            log.error("SMTP %s menolak sebagian penerima: %s", where, ", ".join(sorted(refused)))


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
