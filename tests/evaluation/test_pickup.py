"""Release pickup on a written week: twelve outlets carry the Ministry's release, two of them
change a number; posts quote it in slang; the week's other talk about floods and social aid does
not count, nor does a copy published before the release or after the window."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from monitor.config import EvaluationConfig
from monitor.evaluation.pickup import PickupFinder, ReleaseReport, find_release, official_posts, releases_between
from monitor.store.types.sqlite import SqliteStore
from tests.evaluation.world import CHANGED_OUTLETS, OUTLETS, QUOTING_POSTS, RELEASED, release_week


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteStore]:
    store = SqliteStore(tmp_path / "mentions.sqlite3")
    store.upsert(release_week())
    yield store
    store.close()


def report_of(store: SqliteStore, after: timedelta = timedelta(days=5)) -> ReleaseReport:
    [release] = official_posts(store, RELEASED - timedelta(days=2), RELEASED + timedelta(days=2))
    return PickupFinder(store).report(release, RELEASED + after)


def test_a_release_picked_up_by_12_outlets_of_which_2_change_a_number(store: SqliteStore) -> None:
    report = report_of(store)

    assert report.complete
    assert set(report.outlets) == {host for host, *_ in OUTLETS}
    assert len(report.outlets) == 12
    assert report.posts == len(QUOTING_POSTS)
    assert report.first_pickup == timedelta(minutes=38)
    assert report.reach == sum(reach for *_, reach in OUTLETS) + 2_000 * len(QUOTING_POSTS)
    assert report.sentiment == {"positive": 1, "neutral": 12, "negative": 1}
    # Both changes flagged with both texts; the ten faithful outlets and the posts are not.
    flagged = {p.outlet: [(c.kind, c.release.text, c.report.text) for c in p.changes] for p in report.changed}
    assert flagged == {
        "tempo.co": [("amount", "Rp300 Ribu", "Rp3 Juta")],
        "liputan6.com": [("count", "1,2 juta", "12 Juta")],
    }
    assert set(flagged) == CHANGED_OUTLETS
    [tempo] = [p for p in report.changed if p.outlet == "tempo.co"]
    [change] = tempo.changes
    assert change.release.sentence == "Kemensos Salurkan Bantuan Pangan Rp300 Ribu per Keluarga mulai 1 Desember."
    assert change.report.sentence == "Kemensos Beri Bantuan Pangan Rp3 Juta untuk Korban Banjir."


def test_while_the_window_is_open_the_report_says_so(store: SqliteStore) -> None:
    report = report_of(store, after=timedelta(hours=2))
    assert not report.complete
    assert report.outlets == (
        "detik.com",
        "kompas.com",
        "antaranews.com",
        "tempo.co",
        "cnnindonesia.com",
        "liputan6.com",
    )
    assert [p.outlet for p in report.changed] == ["tempo.co", "liputan6.com"]


def test_a_stricter_similarity_keeps_the_news_and_drops_the_posts(store: SqliteStore) -> None:
    [release] = official_posts(store, RELEASED - timedelta(days=2), RELEASED + timedelta(days=2))
    strict = PickupFinder(store, EvaluationConfig(pickup_similarity=0.3)).report(release, RELEASED + timedelta(days=5))
    assert len(strict.outlets) == 12 and strict.posts == 0


def test_listing_and_finding_releases(store: SqliteStore) -> None:
    [report] = releases_between(
        store, RELEASED - timedelta(days=1), RELEASED + timedelta(days=1), now=RELEASED + timedelta(days=5)
    )
    assert report.title.startswith("Kemensos Salurkan Bantuan Pangan")
    assert find_release(store, report.id[:8], RELEASED).id == report.id
    with pytest.raises(KeyError, match="tidak ditemukan"):
        find_release(store, "zzzz", RELEASED)
