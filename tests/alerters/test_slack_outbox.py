"""The Slack alerter configured from TOML and driven by the durable outbox, against the fake Slack."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from monitor.alerters import Alerter
from monitor.alerters.types.slack import SlackAlerter
from monitor.app import build_alerters, load_config
from monitor.db import StateDB
from monitor.delivery.outbox import Outbox
from monitor.records import ThreadRef

from .fake_slack import FakeSlack, Fault
from .test_slack import CHANNEL, FIRED, escalation, make_alert, resolution

Build = Callable[[], tuple[dict[str, Alerter], Outbox]]


@pytest.fixture
def build(slack: FakeSlack, write_config: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> Build:
    """Load a config with a Slack alerter named `krisis`; each call is a fresh start (a restart)."""
    monkeypatch.setenv("SLACK_BOT_TOKEN", slack.token)
    path = write_config(
        f"""
        [alerters.log]
        type = "log"
        [alerters.krisis]
        type = "slack"
        token = "${{SLACK_BOT_TOKEN}}"
        channel = "{CHANNEL}"
        base_url = "{slack.base_url}"
        timeout = "0.5s"
        """
    )

    def start() -> tuple[dict[str, Alerter], Outbox]:
        config = load_config(path)
        return build_alerters(config), Outbox(StateDB(config.data_dir / "state.sqlite"))

    return start


def test_outbox_retries_slack_alone_and_a_restart_keeps_the_thread(slack: FakeSlack, build: Build) -> None:
    alerters, outbox = build()
    assert isinstance(alerters["krisis"], SlackAlerter) and alerters["krisis"].name == "krisis"
    opened = make_alert(alerters=("log", "krisis"))
    outbox.enqueue(opened)
    slack.script("chat.postMessage", Fault(delay=1.5))  # Slack stores it, the answer comes too late

    first = outbox.deliver(alerters, FIRED)
    assert (first.sent, first.failed) == (1, 1)  # the log alerter is done; Slack is not
    assert len(slack.messages(CHANNEL)) == 1

    second = outbox.deliver(alerters, FIRED + timedelta(hours=1))
    assert (second.sent, second.failed) == (1, 0)
    [header] = slack.messages(CHANNEL)
    assert outbox.thread("inc-42", "krisis") == ThreadRef(CHANNEL, header["ts"], FIRED)

    outbox.enqueue(replace(escalation(), alerters=("krisis",)))
    outbox.deliver(alerters, FIRED + timedelta(hours=2))

    alerters, outbox = build()  # restart: new clients, state read back from disk
    outbox.enqueue(replace(resolution(), alerters=("krisis",)))
    outbox.deliver(alerters, FIRED + timedelta(hours=8))

    assert len(slack.messages(CHANNEL)) == 3  # one header, two replies: nothing twice
    assert len(slack.thread(CHANNEL, header["ts"])) == 2
    updated = next(m for m in slack.messages(CHANNEL) if m["ts"] == header["ts"])
    assert updated["blocks"][0]["text"]["text"].startswith("✅ SELESAI")
    assert outbox.counts() == {"sent": 4}


def test_a_permanent_slack_error_is_not_retried_by_the_outbox(slack: FakeSlack, build: Build) -> None:
    alerters, outbox = build()
    slack.token = "xoxb-token-baru"  # the configured token was revoked
    outbox.enqueue(make_alert(alerters=("krisis",)))

    report = outbox.deliver(alerters, FIRED)

    assert report.failed == 1 and "token Slack ditolak" in report.errors[0]
    assert outbox.counts() == {"failed": 1}
    assert outbox.deliver(alerters, FIRED + timedelta(days=1)).failed == 0
