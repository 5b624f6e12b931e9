"""`narrative`: a paraphrased campaign found by shared rare phrases and similar meaning."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from synthetic import WIB, Talk, campaign, launch_day
from timeline import Timeline, enriched, rule

from monitor.rules.narratives import markers, narratives
from monitor.rules.types import narrative as narrative_type
from monitor.text.normalize import normalize_for_match
from monitor.values import utc

ONSET = datetime(2021, 9, 2, 7, 0, tzinfo=WIB)


def as_mentions(posts):
    return [
        enriched(p.text, published=p.published_at, author=p.author, key=p.id, watchlists=("vaksin",)) for p in posts
    ]


@pytest.fixture
def weeks(tmp_path: Path):
    narasi = rule(name="narasi", type="narrative", watchlists=["vaksin"], resolve_after="1h")
    copies = rule(name="salinan", type="coordinated", watchlists=["vaksin"], window="30m", min_accounts=8)
    tl = Timeline(tmp_path, [narasi, copies], start=utc(ONSET - timedelta(hours=1)))
    tl.add(*as_mentions(Talk(seed=4, per_day=10).posts(ONSET - timedelta(days=20), ONSET + timedelta(hours=3))))
    yield tl
    tl.close()


def test_markers_are_hashtags_and_phrases_of_content_words() -> None:
    found = markers(normalize_for_match("Vaksin Merah Putih bukti kemandirian bangsa kita! #VaksinMerahPutih"))
    assert {"#vaksinmerahputih", "merah putih", "vaksin merah putih", "kemandirian bangsa"} <= found
    assert not any("kita" in m.split() for m in found)  # function words make no phrase


def test_a_paraphrased_campaign_is_one_narrative_with_its_evidence(weeks: Timeline) -> None:
    weeks.add(*as_mentions(campaign(ONSET, accounts=80, posts=90, within=timedelta(hours=2))))

    alerts = weeks.run(3 * 60)

    opened = [a for a in alerts if a.event == "opened"]
    assert [a.rule for a in opened] == ["narasi"]  # near-duplicate text sees nothing: they paraphrase
    assert ONSET < opened[0].fired_at <= ONSET + timedelta(minutes=30)
    evidence = "\n".join(opened[0].evidence)
    assert "'vaksin merah putih' (" in evidence and "akun) " not in evidence
    assert "@" in evidence and "*" in evidence and "linimasa: 07.00 " in evidence
    assert len({i.incident.id for i in weeks.incidents()}) == 1  # one campaign, one incident
    assert weeks.incidents()[0].incident.count >= 50


def test_an_organic_launch_day_is_not_a_narrative(weeks: Timeline) -> None:
    weeks.add(*as_mentions(launch_day(ONSET, per_hour=25, hours=3, seed=6)))

    assert [a for a in weeks.run(3 * 60) if a.rule == "narasi"] == []


def test_without_word_vectors_two_shared_rare_phrases_stand_in(weeks: Timeline, monkeypatch) -> None:
    monkeypatch.setattr(narrative_type, "shipped_word_vectors", lambda: None)
    weeks.add(*as_mentions(campaign(ONSET, accounts=80, posts=90, within=timedelta(hours=2))))

    assert [a.rule for a in weeks.run(3 * 60) if a.event == "opened"] == ["narasi"]


def test_groups_need_enough_accounts_and_one_message() -> None:
    posts = as_mentions(campaign(ONSET, accounts=12, posts=12))
    before = as_mentions(Talk(seed=2, per_day=10).posts(ONSET - timedelta(days=7), ONSET))
    [found] = narratives(posts, before, None, similarity=0.5, min_accounts=10)
    assert len(found.members) == 12 and found.shared[0][1] >= 3
    assert narratives(posts, before, None, similarity=0.5, min_accounts=13) == []
