"""Delivery that survives a day without Slack, storms of new incidents, and `monitor alerters check`.

The real Slack alerter (slack-sdk) against the local fake Slack, driven by the durable outbox on
simulated time; the log alerter writes to a buffer that the tests read.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from monitor.alerters import Alerter
from monitor.alerters.types.log import LogAlerter
from monitor.app import build_alerters, load_config
from monitor.cli import main
from monitor.db import StateDB
from monitor.delivery.outbox import MAX_BACKOFF, Outbox, backoff
from monitor.i18n import Messages
from monitor.records import Alert

from .fake_slack import FakeSlack, Fault
from .test_slack import CHANNEL, FIRED, make_alert

Start = Callable[..., tuple[dict[str, Alerter], Outbox, io.StringIO]]


@pytest.fixture
def start(slack: FakeSlack, write_config: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> Start:
    """A config with the Slack alerter `krisis` and `log` as heartbeat; each call is a (re)start."""
    monkeypatch.setenv("SLACK_BOT_TOKEN", slack.token)

    def run(rate: float = 50, group_window: str = "0.1s", overdue: str = "15m") -> tuple:
        path = write_config(
            f"""
            [delivery]
            overdue_after = "{overdue}"
            heartbeat = ["log"]
            [alerters.log]
            type = "log"
            [alerters.krisis]
            type = "slack"
            token = "${{SLACK_BOT_TOKEN}}"
            channel = "{CHANNEL}"
            base_url = "{slack.base_url}"
            timeout = "0.5s"
            rate = {rate}
            group_window = "{group_window}"
            """
        )
        config = load_config(path)
        printed = io.StringIO()
        alerters = build_alerters(config)
        alerters["log"] = LogAlerter("log", Messages(), stream=printed)
        outbox = Outbox(StateDB(config.data_dir / "state.sqlite3"), config.delivery)
        return alerters, outbox, printed

    return run


def incident_alerts(n: int, *, first: int = 0, minutes: float = 0) -> list[Alert]:
    """The opening alerts of n incidents, a minute apart."""
    return [
        make_alert(
            id=f"buka-{i}",
            incident_id=f"inc-{i}",
            title=f"Lonjakan keluhan kecamatan {i}",
            fired_at=FIRED + timedelta(minutes=minutes + i - first),
            alerters=("krisis", "log"),
        )
        for i in range(first, first + n)
    ]


def alert_ids_in_slack(slack: FakeSlack) -> list[str]:
    """The alert ids Slack holds, in the order they were posted (a group lists its members)."""
    found = []
    for message in slack.messages(CHANNEL):
        payload = (message.get("metadata") or {}).get("event_payload") or {}
        if payload.get("event") == "group":
            found += [f"buka-{n}" for n in re.findall(r"kecamatan (\d+)", message["text"])]
        elif payload:
            found.append(payload["alert_id"])
    return found


def test_backoff_is_capped_before_it_is_computed() -> None:
    assert backoff(0) == timedelta(seconds=30) and backoff(1) == timedelta(minutes=1)
    # 42 attempts is about 18 hours of outage: 30 s * 2**42 used to overflow timedelta.
    assert backoff(42) == backoff(10**9) == MAX_BACKOFF


def test_a_day_without_slack_delivers_every_alert_once_in_order_marked_late(slack: FakeSlack, start: Start) -> None:
    alerters, outbox, printed = start()
    sent_alerts = incident_alerts(6)
    follow_up = replace(sent_alerts[0], id="naik-0", event="escalated", fired_at=FIRED + timedelta(hours=3))
    slack.down = True
    for alert in sent_alerts:
        outbox.enqueue(alert)
    now = FIRED
    while now < FIRED + timedelta(hours=24):
        if now == FIRED + timedelta(hours=3):
            outbox.enqueue(follow_up)
        outbox.deliver(alerters, now)
        now += timedelta(minutes=5)

    assert slack.messages(CHANNEL) == []
    # One attempt per retry of the oldest alert, not one per queued alert: about 24 h / 30 min.
    # After the first 503 Slack may have it, so each later attempt looks in the history first.
    assert len(slack.calls("chat.postMessage")) == 1
    assert 40 <= len(slack.calls("conversations.history")) <= 60
    log = printed.getvalue()
    assert log.count("Alerter 'krisis' tertinggal") == 1
    assert "peringatan untuk 'krisis' belum terkirim sejak 17 Agu 2025, 14.05 WIB" in log
    assert "service_unavailable" in log
    assert log.count("Lonjakan keluhan kecamatan") == 7  # the log alerter was never held up

    # Slack comes back; the first answer is lost although Slack stored the message.
    slack.down = False
    slack.script("chat.postMessage", Fault(delay=1.5))
    alerters, outbox, printed = start()  # and the monitor restarts meanwhile
    while outbox.counts().get("pending"):
        outbox.deliver(alerters, now)
        now += timedelta(minutes=1)

    assert alert_ids_in_slack(slack) == [a.id for a in sent_alerts] + ["naik-0"]
    # The six openings came due together, more than the channel takes at once: one message,
    # whose thread the escalation then joins. Each says how late it is.
    group, escalated = slack.messages(CHANNEL)
    assert group["text"].startswith("⏰ Terlambat 24 jam") and "menyala 17 Agu 2025, 14.05 WIB" in group["text"]
    assert escalated["thread_ts"] == group["ts"] and "Terlambat 21 jam" in escalated["text"]
    assert outbox.counts() == {"sent": 16}  # 7 to Slack, 7 + 2 heartbeats to the log
    assert "Alerter 'krisis' tersambung lagi" in printed.getvalue()
    assert "7 peringatan yang tertunda sudah terkirim berurutan" in printed.getvalue()


def test_a_storm_of_new_incidents_becomes_one_message_and_its_follow_ups_one_reply(
    slack: FakeSlack, start: Start
) -> None:
    alerters, outbox, _ = start(rate=10, group_window="1s")  # the channel takes 10 in a second
    for alert in incident_alerts(40):
        outbox.enqueue(alert)

    outbox.deliver(alerters, FIRED + timedelta(minutes=40))

    [group] = slack.messages(CHANNEL)
    assert group["blocks"][0]["text"]["text"] == "🟠 40 insiden baru"
    assert "… dan 25 lainnya" in json.dumps(group["blocks"], ensure_ascii=False)
    assert slack.calls("conversations.history") == []  # nothing may have arrived: no lookup
    thread = outbox.thread("inc-7", "krisis")
    assert thread is not None and thread.shared and thread.message == group["ts"]

    for i in range(40):
        outbox.enqueue(make_alert(id=f"tutup-{i}", incident_id=f"inc-{i}", event="resolved", alerters=("krisis",)))
    outbox.deliver(alerters, FIRED + timedelta(hours=7))

    [reply] = slack.thread(CHANNEL, group["ts"])
    assert "40 kabar untuk insiden di utas ini" in reply["text"]
    assert slack.calls("chat.update") == []  # the group message is nobody's header


def test_a_few_new_incidents_still_get_a_message_each(slack: FakeSlack, start: Start) -> None:
    alerters, outbox, _ = start(rate=10, group_window="1s")
    for alert in incident_alerts(4):
        outbox.enqueue(alert)

    outbox.deliver(alerters, FIRED + timedelta(minutes=5))

    assert [m["blocks"][0]["text"]["text"] for m in slack.messages(CHANNEL)] == [
        f"🟠 PERINGATAN · Lonjakan keluhan kecamatan {i}" for i in range(4)
    ]


# -- monitor alerters check -----------------------------------------------------------------


@pytest.fixture
def check_config(slack: FakeSlack, write_config: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SLACK_BOT_TOKEN", slack.token)
    monkeypatch.setenv("SLACK_WEBHOOK_URL", slack.webhook_url)
    return write_config(
        f"""
        [alerters.log]
        type = "log"
        [alerters.krisis]
        type = "slack"
        token = "${{SLACK_BOT_TOKEN}}"
        channel = "{CHANNEL}"
        base_url = "{slack.base_url}"
        [alerters.cadangan]
        type = "slack_webhook"
        url = "${{SLACK_WEBHOOK_URL}}"
        """
    )


def check(config: Path, *names: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(["alerters", "check", "--config", str(config), *names], out=out), out.getvalue()


def test_alerters_check_tries_each_alerter_for_real(slack: FakeSlack, check_config: Path) -> None:
    code, text = check(check_config)

    assert code == 0, text
    assert "Alerter 'krisis' (tipe slack):" in text and "✓ token diterima: bot monitor di workspace Humas Uji" in text
    assert "✓ pesan uji terkirim ke kanal C0KRISIS01" in text and "✓ pesan uji terkirim lewat webhook" in text
    assert "3 dari 3 alerter siap." in text
    assert "Uji alerter 'krisis'" in slack.messages(CHANNEL)[0]["text"]
    assert "Uji alerter 'cadangan'" in slack.webhook_payloads[0]["text"]


def test_alerters_check_says_what_to_fix(slack: FakeSlack, check_config: Path, capsys) -> None:
    slack.scopes = "chat:write,channels:history"
    slack.outside.add(CHANNEL)

    code, text = check(check_config, "krisis")

    assert code == 1
    assert "✗ kanal C0KRISIS01 tidak bisa dibaca (not_in_channel)" in text
    assert "cara memperbaiki: bot belum masuk kanal C0KRISIS01: di kanal itu ketik /invite @nama-bot" in text
    assert "0 dari 1 alerter siap." in text
    assert check(check_config, "surel")[0] == 2
    assert "alerter 'surel' tidak ada" in capsys.readouterr().err


def test_an_unset_token_variable_is_named_with_the_fix(check_config: Path, monkeypatch, capsys) -> None:
    monkeypatch.delenv("SLACK_BOT_TOKEN")

    assert check(check_config)[0] == 2

    [problem] = [line for line in capsys.readouterr().err.splitlines() if "alerters.krisis" in line]
    assert "SLACK_BOT_TOKEN belum di-set: jalankan export SLACK_BOT_TOKEN='...'" in problem
    assert "xoxb" not in problem  # no second, misleading complaint about the token's shape
