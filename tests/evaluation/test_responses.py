"""Response effectiveness on written crises: the rule engine opens the incident from the public's
posts, the ministry answers, and the tracker judges the hours around the answer against four
earlier weeks of the same hours. The incident's Slack thread (a fake Slack speaking the Web API
to the real client) gets one line.

- a response 2 hours 10 minutes after the incident opened, after which the negative share falls;
- a response after which nothing changes;
- a response to a crisis that was already fading: the share falls, as the trend said; not
  credited;
- too few mentions after the response to judge.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from slack_sdk import WebClient
from timeline import Timeline, rule

from monitor.alerters.slack_blocks import MessageRenderer
from monitor.alerters.types.slack import SlackAlerter
from monitor.evaluation.effect import Effect, Hour, judge, projection
from monitor.evaluation.responses import ResponseTracker
from monitor.i18n import Messages
from monitor.records import OFFICIAL, RESPONSE_EVENT, Alert
from monitor.rules.base import subject_filter
from tests.alerters.fake_slack import FakeSlack
from tests.evaluation.world import HourPlan, hourly_posts, item, ordinary_weeks

CHANNEL = "C0KRISIS01"  # the channel the fake Slack knows
# Monday 23 November 2026, 09:00 WIB: the queue at the licensing office goes wrong.
ONSET = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
TOPIC = "Layanan SIM Satpas Kota Tirtamulya"
STEP = 10  # minutes between evaluations


@dataclass
class Crisis:
    timeline: Timeline
    tracker: ResponseTracker
    slack: SlackAlerter
    queued: list[Alert]

    @property
    def incident(self):
        [row] = self.timeline.incidents()
        return row.incident

    def effect(self) -> Effect:
        effect = self.tracker.book.effect(self.incident.id)
        assert effect is not None
        return effect


def live_through(
    folder: Path, slack: FakeSlack, plan: HourPlan, *, respond_after: timedelta, hours: int = 14
) -> Crisis:
    """Four ordinary weeks, an ordinary day before, then `plan` from ONSET; the ministry answers
    `respond_after` the incident opened. The monitor evaluates every STEP minutes, tracks
    responses and delivers to Slack, as the service does."""
    complaints = rule(
        type="negative_surge",
        name="keluhan-layanan",
        description="Keluhan antrean layanan SIM",
        watchlists=["layanan"],
        resolve_after="3h",
        alerters=["krisis"],
    )
    timeline = Timeline(folder, [complaints], start=ONSET - timedelta(hours=1))
    timeline.add(*ordinary_weeks(ONSET, 4, topic=TOPIC))
    timeline.add(*hourly_posts(ONSET - timedelta(hours=24), 24, lambda h: (4, 0.2), topic=TOPIC, prefix="kemarin"))
    timeline.add(*hourly_posts(ONSET, hours, plan, topic=TOPIC, prefix="krisis"))
    client = WebClient(token=slack.token, base_url=slack.base_url)
    alerter = SlackAlerter(client, CHANNEL, MessageRenderer(Messages()), name="krisis", rate=50)
    tracker = ResponseTracker(
        timeline.config, timeline.store, timeline.state, outbox=timeline.outbox, subject=subject_filter
    )
    queued: list[Alert] = []
    answered = False
    while timeline.clock.now() < ONSET + timedelta(hours=hours):
        timeline.run(STEP, step=STEP)
        rows = timeline.incidents()
        if rows and not answered and timeline.clock.now() >= rows[0].incident.opened_at + respond_after:
            timeline.add(
                item(
                    "Polres Tirtamulya menambah loket dan petugas layanan SIM mulai siang ini; antrean diatur "
                    "dengan nomor urut daring",
                    title="Klarifikasi antrean layanan SIM",
                    at=rows[0].incident.opened_at + respond_after,
                    source="rilis-polres",
                    url="https://tirtamulya.polri.go.id/rilis/antrean-sim",
                    role=OFFICIAL,
                    watchlists=("layanan",),
                )
            )
            answered = True
        queued += tracker.track(timeline.clock.now())
        timeline.outbox.deliver({"krisis": alerter}, timeline.clock.now())
    return Crisis(timeline, tracker, alerter, queued)


def steady(share: float, *, after: float | None = None, answered_in: int = 3) -> HourPlan:
    """30 posts an hour, `share` of them negative; `after` from hour
    `answered_in` on."""
    return lambda h: (30, share if after is None or h < answered_in else after)


def fading(h: int) -> tuple[int, float]:
    """A crisis that peaked at once and halves every two hours; 85 % of its posts are negative,
    20 % of the ordinary four."""
    excess = 60 * 0.5 ** (h / 2)
    total = 4 + round(excess)
    return total, (4 * 0.2 + excess * 0.85) / total


def thread_texts(slack: FakeSlack) -> tuple[dict, list[str]]:
    """The incident's header message and what its replies say (their plain-text sections, which
    Slack shows as written)."""
    [header] = [m for m in slack.messages(CHANNEL) if m.get("thread_ts") in (None, m["ts"])]
    said = [
        " ".join(b["text"]["text"] for b in m["blocks"] if b.get("text", {}).get("type") == "plain_text")
        for m in slack.thread(CHANNEL, header["ts"])
    ]
    return header, said


def test_a_response_after_two_hours_that_lowers_the_negative_share_is_credited(tmp_path: Path, slack: FakeSlack):
    crisis = live_through(tmp_path, slack, steady(0.72, after=0.41), respond_after=timedelta(hours=2, minutes=10))

    effect = crisis.effect()
    j = effect.judgement
    assert effect.delay == timedelta(hours=2, minutes=10)
    assert j.verdict == "helped"
    assert round(j.before_share * 100) == 75 and round(j.after_share * 100) == 40
    assert j.expected_share is not None and j.expected_share > 0.7  # the crisis was not fading
    line = (
        "Tanggapan resmi 2 jam 10 menit setelah insiden dibuka; porsi negatif 75 % -> 40 % dalam 6 jam setelahnya"
        " (tanpa tanggapan diperkirakan 73 %: tanggapan berpengaruh)"
    )
    assert [a.summary for a in crisis.queued] == [line]
    # One line in the incident's thread; the header still shows the incident, not the line.
    header, replies = thread_texts(slack)
    assert sum(line in text for text in replies) == 1
    assert "Tanggapan resmi" not in header["text"]
    [reply] = [m for m in slack.thread(CHANNEL, header["ts"]) if "Tanggapan resmi" in m["text"]]
    assert "porsi negatif 75 % -&gt; 40 %" in reply["text"]  # the notification text, escaped for mrkdwn
    assert "tirtamulya.polri.go.id/rilis/antrean-sim" in str(reply["blocks"])
    assert RESPONSE_EVENT in [e.event for e in crisis.timeline.book.events(crisis.incident.id)]
    # Judged once: later evaluations neither judge again nor post again.
    assert crisis.tracker.track(crisis.timeline.clock.now() + timedelta(hours=1)) == []


def test_a_response_after_which_nothing_changes(tmp_path: Path, slack: FakeSlack):
    crisis = live_through(tmp_path, slack, steady(0.72), respond_after=timedelta(hours=2, minutes=10))

    j = crisis.effect().judgement
    assert j.verdict == "unchanged"
    assert abs(j.after_share - j.before_share) < 0.05
    [alert] = crisis.queued
    assert "porsi negatif 75 % -> 73 %" in alert.summary and "tidak berubah" in alert.summary


def test_a_crisis_already_fading_is_not_credited_to_the_response(tmp_path: Path, slack: FakeSlack):
    crisis = live_through(tmp_path, slack, fading, respond_after=timedelta(hours=5))

    j = crisis.effect().judgement
    # The share did fall, by more than the credit margin ...
    assert j.before_share - j.after_share >= 0.2
    # ... but no further than the fading before the response said it would.
    assert abs(j.after_share - j.expected_share) < 0.05
    assert j.verdict == "fading"
    [alert] = crisis.queued
    assert "bukan dampak tanggapan" in alert.summary


def test_too_few_mentions_after_the_response_are_not_judged(tmp_path: Path, slack: FakeSlack):
    def dies_out(h: int) -> tuple[int, float]:
        return (30, 0.8) if h < 2 else (1, 0.0)

    crisis = live_through(tmp_path, slack, dies_out, respond_after=timedelta(hours=1))
    j = crisis.effect().judgement
    assert j.after_total < 20 <= j.before_total
    assert j.verdict == "too_few"
    [alert] = crisis.queued
    assert "terlalu sedikit mention untuk dinilai" in alert.summary


def test_a_response_linked_by_hand_counts_from_its_own_time(tmp_path: Path, slack: FakeSlack):
    crisis = live_through(tmp_path, slack, steady(0.72), respond_after=timedelta(hours=4))
    incident = crisis.incident
    earlier = incident.opened_at + timedelta(minutes=50)
    response = crisis.tracker.respond(
        incident.id[:8],
        "https://www.instagram.com/p/klarifikasi-sim/?igsh=abc",
        crisis.timeline.clock.now(),
        at=earlier,
        by="humas",
    )
    assert (response.how, response.published_at, response.by) == ("hand", earlier, "humas")
    # The earlier response replaces the judged effect; the next evaluation judges it again.
    assert crisis.tracker.book.effect(incident.id) is None
    [alert] = crisis.tracker.track(crisis.timeline.clock.now())
    assert alert.summary.startswith("Tanggapan resmi 50 menit setelah insiden dibuka")
    status = crisis.tracker.book.status(incident)
    assert [r.how for r in status.responses] == ["hand", "auto"]
    assert status.first.url == "https://www.instagram.com/p/klarifikasi-sim/?igsh=abc"


# -- the arithmetic, on its own -------------------------------------------------------------------


def test_projection_carries_a_fading_excess_forward_and_a_growing_one_flat():
    assert [round(v) for v in projection([80, 40, 20, 10], 2)] == [5, 2]
    assert projection([10, 20, 40], 3) == pytest.approx([40, 40, 40], rel=0.01)
    assert projection([], 2) == [0.0, 0.0]


def hours(*pairs: tuple[int, int]) -> list[Hour]:
    return [Hour(t, n) for t, n in pairs]


@pytest.mark.parametrize(
    ("post", "verdict"),
    [
        (hours((30, 12), (30, 12), (30, 12)), "helped"),
        (hours((30, 21), (30, 22), (30, 21)), "unchanged"),
        (hours((3, 1), (2, 1), (1, 0)), "too_few"),
    ],
)
def test_judge(post: list[Hour], verdict: str):
    pre = hours((34, 25), (34, 25), (34, 25))
    result = judge(pre, post, [4.0] * 6, 0.2, before_hours=3, min_drop=0.1, min_mentions=20)
    assert result.verdict == verdict
