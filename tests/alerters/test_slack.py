"""The Slack alerters driven through the real slack-sdk client against a local fake Slack."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from localhttp import unused_url
from pydantic import ValidationError
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from monitor.alerters.slack_http import SlackDeliveryError
from monitor.alerters.types.slack import EVENT_TYPE, SlackAlerter, SlackOptions
from monitor.alerters.types.slack_webhook import SlackWebhookAlerter, SlackWebhookOptions
from monitor.plugin import PluginContext
from monitor.records import Alert, PostRef, ThreadRef
from monitor.values import Severity

from .fake_slack import FakeSlack, Fault, markup

CHANNEL = "C0KRISIS01"
# 14.05 WIB on 17 August 2025: a fixed moment in the past, so history lookups cover it.
FIRED = datetime(2025, 8, 17, 7, 5, tzinfo=UTC)
KIBANA = "https://kibana.humas.example/app/discover#/?rule={rule}&from={from}"

POSTS = (
    PostRef(
        "m1",
        "Antri dr subuh smp siang blm dipanggil, RSUD Sehat Sentosa parah bgt 😡",
        "https://x.com/wargabdg/status/1",
        "twitter",
        "@warga_bdg",
        120_000,
        datetime(2025, 8, 17, 6, 40, tzinfo=UTC),
    ),
    PostRef(
        "m2",
        "Pasien BPJS ditolak krn kamar penuh. Piye iki pelayanane, ora mutu blas",
        "https://www.tiktok.com/@rina/video/2",
        "tiktok",
        "rina.kw",
        45_000,
    ),
    PostRef(
        "m3",
        "RSUD Sehat Sentosa Tanggapi Keluhan Antrean Pasien",
        "https://news.detik.example/berita/3?id=5&hal=2",
        "detik.com",
        None,
        30_000,
    ),
    PostRef("m4", "Postingan keempat, jangkauannya kecil", "https://x.com/lain/status/4", "twitter", "@lain", 10),
)


def make_alert(**changes: Any) -> Alert:
    alert = Alert(
        id="al-0001",
        rule="lonjakan-negatif-rsud",
        severity=Severity.WARNING,
        title="Keluhan antrean RSUD Sehat Sentosa melonjak",
        summary="Sebutan negatif soal antrean RSUD Sehat Sentosa naik tajam sejak pagi.",
        fired_at=FIRED,
        incident_id="inc-42",
        event="opened",
        count=48,
        baseline=12.0,
        window_start=FIRED - timedelta(hours=1),
        window_end=FIRED,
        sentiment_split={"negative": 35, "neutral": 10, "positive": 3},
        top_sources=(("twitter", 30), ("detik.com", 10), ("tiktok", 8)),
        top_posts=POSTS,
        watchlists=("rsud-sehat-sentosa",),
        alerters=("slack",),
    )
    return replace(alert, **changes)


def escalation() -> Alert:
    return make_alert(
        id="al-0002",
        event="escalated",
        severity=Severity.CRITICAL,
        count=130,
        fired_at=FIRED + timedelta(minutes=30),
        summary="Sebutan negatif terus naik dan mulai diangkat media daring.",
    )


def resolution() -> Alert:
    return make_alert(
        id="al-0003",
        event="resolved",
        severity=Severity.CRITICAL,
        count=4,
        fired_at=FIRED + timedelta(hours=7),
        summary="Sudah enam jam tidak ada sebutan baru.",
    )


def no_waiting(seconds: float) -> None:
    """The sleep of tests that expect no retry: a wait would be a surprise, and a slow test."""
    raise AssertionError(f"unexpected wait of {seconds:g} s before a retry")


def make_slack(slack: FakeSlack, context: PluginContext | None = None, **options: Any) -> SlackAlerter:
    values = {
        "token": slack.token,
        "channel": CHANNEL,
        "base_url": slack.base_url,
        "kibana_url": KIBANA,
        "timeout": "5s",
        # Faster than Slack's pace so the tests need not wait; pacing has its own test.
        "rate": 50,
        **options,
    }
    return SlackAlerter.build("slack", SlackOptions.model_validate(values), context or PluginContext(sleep=no_waiting))


def texts(message: dict[str, Any]) -> str:
    """The top-level text and every text object, joined: what a reader can see."""
    found = [message.get("text", "")]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") in ("plain_text", "mrkdwn"):
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(message.get("blocks", []))
    return "\n".join(found)


def header_of(slack: FakeSlack, ts: str) -> dict[str, Any]:
    return next(m for m in slack.messages(CHANNEL) if m["ts"] == ts)


# -- first message ---------------------------------------------------------------------------


def test_first_alert_posts_an_indonesian_block_kit_message(slack: FakeSlack) -> None:
    thread = make_slack(slack).deliver(make_alert(), None)

    [message] = slack.messages(CHANNEL)
    assert thread.channel == CHANNEL and thread.message == message["ts"]
    assert message["blocks"][0] == {
        "type": "header",
        "text": {
            "type": "plain_text",
            "text": "🟠 PERINGATAN · Keluhan antrean RSUD Sehat Sentosa melonjak",
            "emoji": True,
        },
    }
    shown = texts(message)
    for expected in (
        "Sebutan negatif soal antrean RSUD Sehat Sentosa naik tajam sejak pagi.",
        "48 mention · biasanya 12 · naik 300%",
        "negatif 35 · netral 10 · positif 3",
        "17 Agu 2025, 13.05–14.05 WIB",  # the window, in WIB
        "Dibuka 17 Agu 2025, 14.05 WIB",
        "• detik.com: 10",
        "jangkauan 120.000",
        "17 Agu 2025, 13.40 WIB",  # when the top post was published
        "Berlangsung",
        "rsud-sehat-sentosa",
        "Unggahan dengan jangkauan terbesar",
        "twitter · @warga_bdg · jangkauan 120.000",  # a mid-word underscore is left alone
    ):
        assert expected in shown, expected
    assert "Postingan keempat" not in shown  # three posts only
    assert markup(message).links == [
        "https://x.com/wargabdg/status/1",
        "https://www.tiktok.com/@rina/video/2",
        "https://news.detik.example/berita/3?id=5&hal=2",
        "https://kibana.humas.example/app/discover#/?rule=lonjakan-negatif-rsud&from=2025-08-17T06%3A05%3A00%2B00%3A00",
    ]
    assert message["metadata"] == {
        "event_type": EVENT_TYPE,
        "event_payload": {"alert_id": "al-0001", "incident_id": "inc-42", "event": "opened"},
    }
    assert message["unfurl_links"] is False
    # chat.postMessage goes as JSON, the history lookup as a form body: the fake parsed both.
    assert {r.content_type for r in slack.calls("chat.postMessage")} == {"application/json"}
    assert {r.content_type for r in slack.calls("conversations.history")} == {"application/x-www-form-urlencoded"}


def test_later_alerts_reply_in_the_thread_and_edit_the_header(slack: FakeSlack) -> None:
    alerter = make_slack(slack)
    thread = alerter.deliver(make_alert(), None)

    assert alerter.deliver(escalation(), thread) == thread
    [reply] = slack.thread(CHANNEL, thread.message)
    assert reply["subtype"] == "thread_broadcast"  # an escalation also shows in the channel
    assert "⏫ Eskalasi" in texts(reply) and "130 mention" in texts(reply)
    header = header_of(slack, thread.message)
    assert header["blocks"][0]["text"]["text"].startswith("🔴 KRITIS · ")
    assert "130 mention · biasanya 12 · naik 983%" in texts(header)
    assert "Dibuka 17 Agu 2025, 14.05 WIB" in texts(header)  # opening time kept
    assert "Diperbarui 17 Agu 2025, 14.35 WIB" in texts(header)
    assert header["metadata"]["event_payload"]["alert_id"] == "al-0001"  # the update keeps it

    alerter.deliver(resolution(), thread)
    header = header_of(slack, thread.message)
    assert header["blocks"][0]["text"]["text"].startswith("✅ SELESAI · ")
    assert "✅ Selesai" in texts(header)
    replies = slack.thread(CHANNEL, thread.message)
    assert len(replies) == 2 and "subtype" not in replies[1]
    assert len([m for m in slack.messages(CHANNEL) if "thread_ts" not in m or m["thread_ts"] == m["ts"]]) == 1
    assert len(slack.calls("chat.update")) == 2


def test_a_new_alerter_after_a_restart_continues_the_same_thread(slack: FakeSlack) -> None:
    thread = make_slack(slack).deliver(make_alert(), None)
    stored = ThreadRef.from_json(thread.to_json())  # what the outbox keeps across the restart

    make_slack(slack).deliver(escalation(), stored)

    assert len(slack.thread(CHANNEL, thread.message)) == 1
    assert header_of(slack, thread.message)["blocks"][0]["text"]["text"].startswith("🔴 KRITIS")
    # Delivering the first alert again (the outbox never recorded it) finds the same message.
    assert make_slack(slack).deliver(make_alert(), None).message == thread.message
    assert len(slack.calls("chat.postMessage")) == 2


# -- escaping --------------------------------------------------------------------------------


def test_text_from_posts_cannot_ping_or_inject_links(slack: FakeSlack) -> None:
    hostile = (
        PostRef(
            "h1",
            "<!channel> Menkes <@U024BE7LH> bohong!! cek <http://evil.example|situs resmi>",
            "https://ok.example/a|<!channel>",
            "twitter",
            "@here",
            9_000,
        ),
        PostRef(
            "h2", "```semua di bawah ini jadi kode", "javascript:alert(1)", "`forum`", "*admin* _resmi_ ~palsu~", 8_000
        ),
    )
    alert = make_alert(
        title="<!here> Hoaks vaksin <@U0BOSS>",
        summary="<!everyone> Akun @channel menyebar <https://evil.example|tautan palsu> & ajakan demo",
        group_key="<#C0UMUM|umum>",
        top_posts=hostile,
        top_sources=(("<!subteam^S123>", 3),),
        watchlists=("vaksin <@U1>",),
    )
    alerter = make_slack(slack, kibana_url=None)
    thread = alerter.deliver(alert, None)
    alerter.deliver(replace(alert, id="al-0002", event="updated"), thread)

    for message in slack.messages(CHANNEL):
        found = markup(message)
        assert found.mentions == []
        assert found.links == ["https://ok.example/a%7C%3C!channel%3E"]
    header = header_of(slack, thread.message)
    # Shown literally: plain_text as written, mrkdwn escaped so Slack displays the characters.
    assert "<!here> Hoaks vaksin <@U0BOSS>" in header["blocks"][0]["text"]["text"]
    assert "&lt;!everyone&gt; Akun @\u2060channel" in header["text"]
    shown = texts(header)
    assert "&lt;!channel&gt; Menkes &lt;@U024BE7LH&gt; bohong!! cek &lt;http://evil.example|situs resmi&gt;" in shown
    assert "```" not in shown and "*admin*" not in shown and "ˋˋˋsemua di bawah ini" in shown
    assert "∗admin∗ ˍresmiˍ ∼palsu∼" in shown


# -- retries and idempotency -----------------------------------------------------------------


def test_a_429_is_waited_out_and_retried_without_a_duplicate(slack: FakeSlack) -> None:
    slack.script("chat.postMessage", Fault(status=429, retry_after=7))
    waits: list[float] = []

    thread = make_slack(slack, PluginContext(sleep=waits.append)).deliver(make_alert(), None)

    assert waits == [7.0]  # what Slack's Retry-After asked for, once
    assert [r.status for r in slack.calls("chat.postMessage")] == [429, 200]
    assert [m["ts"] for m in slack.messages(CHANNEL)] == [thread.message]


def test_a_long_retry_after_goes_back_to_the_outbox(slack: FakeSlack) -> None:
    slack.script("chat.postMessage", Fault(status=429, retry_after=120))

    with pytest.raises(SlackDeliveryError) as caught:
        make_slack(slack).deliver(make_alert(), None)  # no wait in-process: no_waiting would fail

    assert caught.value.retry_after == 120 and not caught.value.permanent
    assert "rate limit" in str(caught.value) and "120 detik" in str(caught.value)
    assert len(slack.calls("chat.postMessage")) == 1 and slack.messages(CHANNEL) == []


def test_a_timeout_after_slack_stored_the_message_is_not_posted_twice(slack: FakeSlack) -> None:
    alerter = make_slack(slack, timeout="0.5s")
    slack.script("chat.postMessage", Fault(delay=1.5))

    with pytest.raises(SlackDeliveryError) as caught:
        alerter.deliver(make_alert(), None)
    assert caught.value.code == "transport" and not caught.value.permanent
    assert "belum pasti" in str(caught.value)
    [stored] = slack.messages(CHANNEL)  # Slack has it although the client gave up

    thread = alerter.deliver(make_alert(), None)  # the outbox retries

    assert thread.message == stored["ts"]
    assert len(slack.messages(CHANNEL)) == 1
    assert len(slack.calls("chat.postMessage")) == 1


def test_a_timed_out_thread_reply_is_not_repeated(slack: FakeSlack) -> None:
    alerter = make_slack(slack, timeout="0.5s")
    thread = alerter.deliver(make_alert(), None)
    slack.script("chat.postMessage", Fault(delay=1.5))

    with pytest.raises(SlackDeliveryError):
        alerter.deliver(escalation(), thread)
    alerter.deliver(escalation(), thread)

    assert len(slack.thread(CHANNEL, thread.message)) == 1
    assert header_of(slack, thread.message)["blocks"][0]["text"]["text"].startswith("🔴 KRITIS")


def test_the_duplicate_check_reads_past_the_first_page_of_a_busy_channel(slack: FakeSlack) -> None:
    alerter = make_slack(slack)
    thread = alerter.deliver(make_alert(), None)
    slack.chatter(CHANNEL, 450)  # the alert's message is now on the third page of history

    assert alerter.deliver(make_alert(), None) == thread  # a retry after a lost success
    assert len(slack.calls("chat.postMessage")) == 1
    assert [r.params.get("cursor") for r in slack.calls("conversations.history")] == [None, None, "200", "400"]


def test_a_failed_header_update_is_completed_on_retry_without_a_second_reply(slack: FakeSlack) -> None:
    alerter = make_slack(slack)
    thread = alerter.deliver(make_alert(), None)
    slack.script("chat.update", Fault(error="internal_error"))

    with pytest.raises(SlackDeliveryError) as caught:
        alerter.deliver(escalation(), thread)
    assert not caught.value.permanent
    alerter.deliver(escalation(), thread)

    assert len(slack.thread(CHANNEL, thread.message)) == 1
    assert "130 mention" in texts(header_of(slack, thread.message))


# -- errors ----------------------------------------------------------------------------------


def test_an_invalid_token_is_a_permanent_error_in_indonesian(slack: FakeSlack) -> None:
    alerter = make_slack(slack, token="xoxb-dicabut")

    with pytest.raises(SlackDeliveryError) as caught:
        alerter.deliver(make_alert(), None)

    assert caught.value.code == "invalid_auth" and caught.value.permanent
    assert caught.value.alerter == "slack"
    assert "token Slack ditolak" in str(caught.value)
    assert slack.messages(CHANNEL) == []


def test_an_unknown_channel_is_a_permanent_error(slack: FakeSlack) -> None:
    alerter = make_slack(slack, channel="C0HILANG99")

    with pytest.raises(SlackDeliveryError) as caught:
        alerter.deliver(make_alert(), None)

    assert caught.value.code == "channel_not_found" and caught.value.permanent
    assert "kanal Slack tidak ditemukan" in str(caught.value)


def test_a_deleted_header_is_a_permanent_error(slack: FakeSlack) -> None:
    with pytest.raises(SlackDeliveryError) as caught:
        make_slack(slack).deliver(escalation(), ThreadRef(CHANNEL, "1.000001"))

    assert caught.value.code == "thread_not_found" and caught.value.permanent


def test_check_tries_token_scopes_channel_and_a_test_message(slack: FakeSlack) -> None:
    steps = make_slack(slack).check()

    assert [s.ok for s in steps] == [True, True, True, True]
    assert "bot monitor di workspace Humas Uji" in steps[0].what
    [test_message] = slack.messages(CHANNEL)
    assert "Uji alerter 'slack' dari humas-monitor" in test_message["text"]

    [refused] = make_slack(slack, token="xoxb-salah").check()
    assert not refused.ok and "invalid_auth" in refused.what and "Bot User OAuth Token" in refused.fix


def test_check_names_the_missing_scope_and_how_to_add_it(slack: FakeSlack) -> None:
    slack.scopes = "chat:write"

    *_, missing = make_slack(slack).check()

    assert not missing.ok and "channels:history / groups:history" in missing.what
    assert "Bot Token Scopes" in missing.fix and "Reinstall to Workspace" in missing.fix
    assert slack.messages(CHANNEL) == []  # no test message before the permissions are right


def test_check_tells_how_to_invite_the_bot(slack: FakeSlack) -> None:
    slack.outside.add(CHANNEL)

    *passed, failed = make_slack(slack).check()

    assert all(s.ok for s in passed) and len(passed) == 2
    assert "not_in_channel" in failed.what and "/invite" in failed.fix
    [unknown] = make_slack(slack, channel="C0HILANG99").check()[2:]
    assert "ID kanal" in unknown.fix


def test_posts_to_a_channel_are_paced(slack: FakeSlack) -> None:
    waits: list[float] = []
    alerter = make_slack(slack, rate=1)
    alerter.sleep = waits.append
    for i in range(3):
        alerter.deliver_once(make_alert(id=f"al-{i}", incident_id=f"inc-{i}"), None, maybe_sent=False)

    assert len(waits) == 2 and all(0.9 < w <= 1.0 for w in waits)
    assert slack.calls("conversations.history") == []  # nothing may have arrived: no lookup


def test_options_explain_mistakes_in_indonesian() -> None:
    with pytest.raises(ValidationError) as caught:
        SlackOptions.model_validate(
            {
                "token": "https://hooks.slack.com/x",
                "channel": "#krisis-humas",
                "timezone": "Asia/Jakrta",
                "colour": "red",
            }
        )
    problems = {e["loc"][0]: e["msg"] for e in caught.value.errors()}
    assert "SLACK_BOT_TOKEN" in problems["token"]
    assert "pakai ID kanal" in problems["channel"]
    assert "zona waktu tidak dikenal" in problems["timezone"]
    assert problems["colour"].startswith("Extra inputs")
    with pytest.raises(ValidationError, match="harus berupa URL"):
        SlackWebhookOptions.model_validate(
            {"url": "https://hooks.slack.com/services/T/B/x", "kibana_url": "kibana.lokal"}
        )


# -- settings --------------------------------------------------------------------------------


def test_english_and_another_time_zone_by_setting(slack: FakeSlack) -> None:
    config = PluginContext(language="en")
    make_slack(slack, config, timezone="Asia/Makassar").deliver(make_alert(severity=Severity.CRITICAL), None)

    [message] = slack.messages(CHANNEL)
    shown = texts(message)
    assert message["blocks"][0]["text"]["text"].startswith("🔴 CRITICAL · ")
    assert "48 mentions · usually 12 · up 300%" in shown
    assert "negative 35 · neutral 10 · positive 3" in shown
    assert "17 Aug 2025, 14:05–15:05 WITA" in shown
    assert "reach 120,000" in shown and "Most-reached posts" in shown
    # The general language is a default; the alerter's own setting wins.
    make_slack(slack, config, language="id").deliver(make_alert(id="al-9"), None)
    assert "48 mention · biasanya" in texts(slack.messages(CHANNEL)[-1])


def test_an_alert_without_summary_or_baseline_still_says_what_happened(slack: FakeSlack) -> None:
    make_slack(slack).deliver(make_alert(summary="", baseline=None, top_posts=(), top_sources=(), watchlists=()), None)

    shown = texts(slack.messages(CHANNEL)[0])
    assert "48 mention cocok dengan aturan lonjakan-negatif-rsud pada 17 Agu 2025, 13.05–14.05 WIB." in shown
    assert "biasanya" not in shown


def test_the_fake_accepts_form_bodies_and_checks_the_token(slack: FakeSlack) -> None:
    client = WebClient(token=slack.token, base_url=slack.base_url)
    response = client.api_call(
        "chat.postMessage", data={"channel": CHANNEL, "text": "uji form", "blocks": '[{"type": "divider"}]'}
    )
    assert response["ok"] and slack.calls("chat.postMessage")[0].content_type == "application/x-www-form-urlencoded"
    assert slack.messages(CHANNEL)[0]["blocks"] == [{"type": "divider"}]
    with pytest.raises(SlackApiError, match="invalid_auth"):
        WebClient(token="xoxb-lain", base_url=slack.base_url).api_call("auth.test")
    with pytest.raises(SlackApiError, match="not_authed"):
        WebClient(base_url=slack.base_url).api_call("auth.test")


# -- incoming webhook ------------------------------------------------------------------------


def make_webhook(
    slack: FakeSlack, url: str | None = None, *, sleep: Callable[[float], None] = no_waiting, **options: Any
) -> SlackWebhookAlerter:
    values = {"url": url or slack.webhook_url, "timeout": "5s", **options}
    return SlackWebhookAlerter.build(
        "slack_webhook", SlackWebhookOptions.model_validate(values), PluginContext(sleep=sleep)
    )


def test_the_webhook_alerter_posts_each_alert_as_a_whole_message(slack: FakeSlack) -> None:
    alerter = make_webhook(slack)
    assert alerter.deliver(make_alert(), None) is None
    alerter.deliver(escalation(), None)

    first, second = slack.webhook_payloads
    assert first["blocks"][0]["text"]["text"] == "🟠 PERINGATAN · Keluhan antrean RSUD Sehat Sentosa melonjak"
    assert "48 mention · biasanya 12 · naik 300%" in texts(first)
    assert "⏫ Eskalasi" in texts(second) and "130 mention" in texts(second)
    assert markup(second).mentions == []


def test_the_webhook_alerter_retries_a_429_and_reports_a_dead_url(slack: FakeSlack) -> None:
    slack.script("webhook", Fault(status=429, retry_after=3))
    waits: list[float] = []
    make_webhook(slack, sleep=waits.append).deliver(make_alert(), None)
    assert len(slack.webhook_payloads) == 1 and len(slack.calls("webhook")) == 2
    assert waits == [3.0]

    with pytest.raises(SlackDeliveryError) as caught:
        make_webhook(slack, url=slack.webhook_url.replace("s3cr3t", "dicabut")).deliver(make_alert(), None)
    assert caught.value.code == "no_service" and caught.value.permanent
    assert "webhook" in str(caught.value)


def test_the_webhook_alerter_reports_a_timeout_as_retryable(slack: FakeSlack) -> None:
    slack.script("webhook", Fault(delay=1.5))

    with pytest.raises(SlackDeliveryError) as caught:
        make_webhook(slack, timeout="0.5s").deliver(make_alert(), None)

    assert caught.value.code == "transport" and not caught.value.permanent
    # Slack has it anyway: a webhook cannot be asked, so the retry may repeat it (documented).
    assert len(slack.webhook_payloads) == 1


def test_an_unreachable_slack_is_a_retryable_error() -> None:
    waits: list[float] = []
    alerter = SlackAlerter.build(
        "slack",
        SlackOptions.model_validate({"token": "xoxb-x", "channel": CHANNEL, "base_url": unused_url() + "/api/"}),
        PluginContext(sleep=waits.append),
    )

    with pytest.raises(SlackDeliveryError) as caught:
        alerter.deliver(make_alert(), None)

    assert waits == [0.5, 1.0]  # the request never reached Slack: tried three times, backing off
    assert caught.value.code == "transport" and not caught.value.permanent
    assert "koneksi gagal" in str(caught.value)
