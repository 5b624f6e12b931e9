"""The digest's world: a SQLite store with world.the_day(), the state file with an incident and
its Slack thread, a real SMTP server (aiosmtpd) on 127.0.0.1, and the configuration."""

from __future__ import annotations

import email
import email.policy
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from conftest import upserted
from localhttp import free_port

from monitor.app import load_config
from monitor.clock import SimulatedClock
from monitor.config import MonitorConfig, RuleOptions
from monitor.db import StateDB
from monitor.delivery.outbox import Outbox
from monitor.digest.service import DigestService
from monitor.incidents.book import IncidentBook
from monitor.records import Alert, ThreadRef
from monitor.store.types.sqlite import SqliteStore
from monitor.values import Severity
from tests.digest.world import MIDNIGHT, the_day

# 07:00 WIB the morning after the digest's day.
SEND_TIME = MIDNIGHT + timedelta(days=1, hours=7)


@dataclass
class Mailbox:
    """What the SMTP server received; `reply` (a status line) makes it refuse messages."""

    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    reply: str | None = None

    async def handle_DATA(self, server: object, session: object, envelope) -> str:
        if self.reply:
            return self.reply
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"


class SmtpServer:
    def __init__(self) -> None:
        self.port = free_port()
        self.mailbox = Mailbox()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


CONFIG = """
[watchlists]
pemkot = ["pemkot", "wali kota"]
banjir = "banjir OR tergenang"
bansos = ["bansos"]

[alerters.krisis]
type = "slack"
token = "xoxb-uji"
channel = "C0KRISIS1"

[digest.smtp]
host = "127.0.0.1"
port = {port}
security = "none"
sender = "Humas Monitor <monitor@tirtamulya.go.id>"
timeout = "5s"

[[digest.groups]]
name = "pimpinan"
recipients = ["kabag.humas@tirtamulya.go.id", "sekda@tirtamulya.go.id"]
watchlists = ["pemkot", "banjir"]
{extra}
"""


@dataclass
class World:
    folder: Path
    config: MonitorConfig
    store: SqliteStore
    clock: SimulatedClock
    state: StateDB

    def service(self) -> DigestService:
        return DigestService(self.config, self.store, self.state, clock=self.clock)

    def restart(self) -> DigestService:
        """The monitor stops and starts again on the same files."""
        self.state.close()
        self.state = StateDB(self.folder / "var" / "state.sqlite3")
        return self.service()


def add_incident(state: StateDB) -> str:
    """A critical incident opened, escalated and acknowledged on the day, posted to Slack."""
    book, outbox = IncidentBook(state), Outbox(state)
    rule = RuleOptions(name="keluhan-banjir", type="threshold", severity=Severity.WARNING)
    opened = MIDNIGHT + timedelta(hours=7, minutes=15)
    row, event = book.apply(rule, "", 12, opened, "Keluhan banjir melonjak")
    assert event == "opened"
    book.log_event(row.incident, "opened", opened, "12 mention", alert_id="a1", suppressed=None)
    later = opened + timedelta(hours=1)
    row, event = book.apply(rule, "", 30, later, "Keluhan banjir melonjak")
    assert event == "escalated"
    book.log_event(row.incident, "escalated", later, "30 mention", alert_id="a2", suppressed=None)
    book.acknowledge(row.incident.id[:8], now=later + timedelta(minutes=20), by="Rina", note="tim turun ke lokasi")
    alert = Alert(
        id="a1",
        rule=rule.name,
        severity=Severity.WARNING,
        title="t",
        summary="s",
        fired_at=opened,
        incident_id=row.incident.id,
        alerters=("krisis",),
    )
    outbox.enqueue(alert)

    class PostedToSlack:
        name = "krisis"

        def deliver(self, alert: Alert, thread: ThreadRef | None) -> ThreadRef:
            return ThreadRef("C0KRISIS1", "1763881200.123456", opened)

    outbox.deliver({"krisis": PostedToSlack()}, opened)
    return row.incident.id


@pytest.fixture
def make_world(tmp_path: Path, smtp_server: SmtpServer) -> Iterator[Callable[..., World]]:
    made: list[World] = []

    def make(extra: str = "", *, mentions: bool = True, incident: bool = True) -> World:
        config_path = tmp_path / "monitor.toml"
        head = '[monitor]\ndata_dir = "var"\n[classifier]\ntype = "lexicon"\n'
        body = textwrap.dedent(CONFIG).format(port=smtp_server.port, extra=textwrap.dedent(extra))
        config_path.write_text(head + body, encoding="utf-8")
        config = load_config(config_path)
        store = SqliteStore(tmp_path / "var" / "mentions.sqlite3")
        if mentions:
            upserted(store, the_day())
        state = StateDB(tmp_path / "var" / "state.sqlite3")
        if incident:
            add_incident(state)
        world = World(tmp_path, config, store, SimulatedClock(SEND_TIME), state)
        made.append(world)
        return world

    yield make
    for world in made:
        world.state.close()
        world.store.close()
