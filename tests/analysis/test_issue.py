"""One issue up close: spread across sources, amplifiers, sentiment over time, representative
posts; an incident's own mentions as the engine linked them, and a story's."""

from __future__ import annotations

from datetime import timedelta

import pytest
from timeline import Timeline, at, enriched, rule

from monitor.analysis.issue import Issue, biggest_incident, incident_issue, story_issue
from monitor.analysis.workspace import open_workspace
from monitor.store.base import MentionFilter

POSTS = [
    enriched("pompa di RT 04 mati lg, air udh selutut 😭", minutes=0, source="x", author="warga_rt04", reach=900),
    enriched(
        "Banjir Sukasari: pompa pintu air tidak berfungsi",
        minutes=12,
        source="warta",
        channel="news",
        author="Redaksi Warta",
        reach=40_000,
        sentiment="neutral",
    ),
    enriched(
        "parah bgt pemkot, pompa rusak dibiarin",
        minutes=20,
        source="x",
        author="bang_jali",
        reach=15_000,
        sentiment="negative",
    ),
    enriched(
        "pompa rusak dibiarin, RT kita kebanjiran",
        minutes=25,
        source="x",
        author="bang_jali",
        reach=3_000,
        sentiment="negative",
    ),
    enriched(
        "Alhamdulillah pompa cadangan udah dateng, makasih petugas 🙏",
        minutes=50,
        source="ig",
        author="bu_ratna",
        reach=500,
        sentiment="positive",
    ),
]


def test_spread_follows_the_order_the_issue_reached_each_source():
    issue = Issue("pompa", tuple(POSTS))
    assert issue.first is POSTS[0]
    assert [(s.source, s.mentions, s.reach, s.authors) for s in issue.spread()] == [
        ("x", 3, 18_900, 2),
        ("warta", 1, 40_000, 1),
        ("ig", 1, 500, 1),
    ]
    assert [(n, sources) for _, n, sources in issue.cumulative()] == [(1, 1), (2, 2), (3, 2), (4, 2), (5, 3)]
    assert issue.period == (at(0), at(50))


def test_amplifiers_are_ranked_by_how_far_they_carried_it():
    ranked = Issue("pompa", tuple(POSTS)).amplifiers(3)
    assert [(a.author, a.mentions, a.reach) for a in ranked] == [
        ("Redaksi Warta", 1, 40_000),
        ("bang_jali", 2, 18_000),
        ("warga_rt04", 1, 900),
    ]


def test_sentiment_over_time_shares_one_axis_with_empty_buckets():
    series = Issue("pompa", tuple(POSTS)).sentiment_over_time(timedelta(minutes=30))
    assert {label: [n for _, n in points] for label, points in series.items()} == {
        "negative": [2, 0],
        "neutral": [2, 0],
        "positive": [0, 1],
    }


def test_representative_posts_are_the_most_reached_of_each_sentiment():
    chosen = Issue("pompa", tuple(POSTS)).representative(per_sentiment=1)
    assert [m.mention.author for m in chosen] == ["bang_jali", "Redaksi Warta", "bu_ratna"]


def test_an_empty_issue_says_nothing():
    issue = Issue("kosong", ())
    assert issue.first is None and issue.period is None
    assert issue.spread() == [] and issue.amplifiers() == [] and issue.sentiment_over_time(timedelta(hours=1)) == {}


def test_an_incidents_mentions_are_the_ones_its_findings_were_made_of(tmp_path):
    tl = Timeline(tmp_path, [rule(name="keluhan", type="threshold", threshold=3, sentiment=["negative"])])
    try:
        complaints = [
            enriched(f"bansos blm cair, kecewa #{i}", minutes=-10 + i, sentiment="negative", author=f"warga{i}")
            for i in range(4)
        ]
        tl.add(*complaints, enriched("jadwal bansos minggu depan", minutes=-5))
        tl.run(10)
        incident = biggest_incident(tl.book)
        assert incident is not None
        issue = incident_issue(tl.store, tl.book, incident.id[:8])
        assert [m.id for m in issue.mentions] == [m.id for m in complaints]  # oldest first, no bystander
        assert issue.incident == incident and [e.event for e in issue.events] == ["opened"]
        with pytest.raises(KeyError):
            incident_issue(tl.store, tl.book, "zzzz")
    finally:
        tl.close()


def test_a_story_is_every_mention_sharing_its_id(demo_config):
    with open_workspace(demo_config) as ws:
        (story_id, count), *_ = ws.store.terms("story_id", MentionFilter(), size=1)
        story = story_issue(ws.store, story_id)
        assert len(story.mentions) == count > 1
        assert {m.story_id for m in story.mentions} == {story_id}
        assert story.title and story.first is story.mentions[0]
        incident = biggest_incident(ws.incidents)
        assert incident is not None and incident_issue(ws.store, ws.incidents, incident.id).mentions
