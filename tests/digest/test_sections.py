"""Each section's data against the store, and the section family itself."""

from __future__ import annotations

from monitor.digest.day import DigestDay, StateIncidentLog
from monitor.digest.sections import DEFAULT_SECTIONS, SECTIONS, emerging, hoaxes, top_stories
from monitor.i18n import Messages
from tests.digest.world import DAY


def day_of(world) -> DigestDay:
    return DigestDay(
        "pimpinan", DAY, world.store, Messages("id"), StateIncidentLog(world.state, ["krisis"]), ("pemkot", "banjir")
    )


def test_the_family_is_the_default_list():
    assert SECTIONS.names() == sorted(DEFAULT_SECTIONS)


def test_emerging_issues_rise_against_the_week_before(make_world):
    day = day_of(make_world())
    issues = {(i.kind, i.name): i for i in emerging.gather(day, emerging.Options())}
    assert ("topic", "bencana") in issues and issues[("topic", "bencana")].usual == 0
    assert ("watchlist", "bansos") not in issues  # not the group's watchlist
    assert ("topic", "sosial_bantuan") not in issues  # the usual level, not rising
    pemkot = issues[("watchlist", "pemkot")]
    assert pemkot.today == day.count(day.filter(watchlists=("pemkot",)))
    assert pemkot.usual == day.count(day.baseline(watchlists=("pemkot",))) / 7


def test_hoaxes_list_clarifications_apart(make_world):
    h = hoaxes.gather(day_of(make_world()), hoaxes.Options())
    assert h.count == 2 and h.clarifications == 1
    assert [m.mention.author for m in h.posts] == ["info_tirta"]
    assert [m.mention.author for m in h.clarification_posts] == ["pemkot_tirtamulya"]


def test_top_story_is_the_syndicated_one_with_its_first_copy(make_world):
    [story, *_rest] = top_stories.gather(day_of(make_world()), 3)
    assert story.story_id == "s-banjir" and story.count == 4
    assert story.first is not None and story.first.mention.source == "warta-kota"


def test_incidents_of_the_day_with_their_slack_link(make_world):
    day = day_of(make_world())
    [activity] = day.incidents.activity(day.since, day.until)
    assert [e.event for e in activity.events] == ["opened", "escalated", "acknowledged"]
    assert activity.acked_by == "Rina"
    assert activity.links == ("https://slack.com/archives/C0KRISIS1/p1763881200123456",)
    # The day before and the day after have none of it.
    before = day.bounds(1)
    assert day.incidents.activity(*before) == []


def test_the_official_response_to_each_incident_of_the_day(make_world):
    from datetime import timedelta

    from monitor.digest.sections import responses
    from monitor.evaluation.effect import Effect, Judgement
    from monitor.evaluation.responses import Response, ResponseBook

    world = make_world()
    day = day_of(world)
    section = responses.build("responses", responses.Options(), None)
    [activity] = day.incidents.activity(day.since, day.until)
    assert "Belum ada tanggapan resmi" in section.build(day).text

    incident = activity.incident
    answered = incident.opened_at + timedelta(hours=2, minutes=10)
    book = ResponseBook(world.state)
    book.add(
        Response(
            incident.id,
            "r1",
            answered,
            "auto",
            "Pemkot tambah pompa di Sukasari",
            "https://tirtamulya.go.id/r1",
            "rilis-pemkot",
            None,
            answered,
        )
    )
    assert "Tanggapan resmi 2 jam 10 menit setelah insiden dibuka; dampaknya belum dinilai" in section.build(day).text
    judged = Judgement(90, 65, 3, 160, 66, 170.0, 0.71, 24.0, 0.2, 9.1, "helped")
    book.record(
        Effect(incident.id, answered, answered - incident.opened_at, timedelta(hours=6), judged), answered, None
    )
    part = section.build(day)
    assert (
        "Tanggapan resmi 2 jam 10 menit setelah insiden dibuka; porsi negatif 72 % -> 41 % dalam 6 jam setelahnya"
        " (tanpa tanggapan diperkirakan 71 %: tanggapan berpengaruh)"
    ) in part.text
    assert '<a href="https://tirtamulya.go.id/r1">Pemkot tambah pompa di Sukasari</a>' in str(part.html)
    # A day without incidents has no such section.
    assert section.build(DigestDay("pimpinan", DAY, world.store, Messages("id"))) is None
