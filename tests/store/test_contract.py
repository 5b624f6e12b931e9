"""One contract for every MentionStore: each test runs on sqlite and on a real Elasticsearch."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from conftest import upserted

from monitor.records import Label
from monitor.store.base import MentionFilter
from monitor.text.normalize import normalize_for_match
from monitor.values import Sentiment
from tests.store.samples import BY_ID, DAY, MENTIONS


def ids(hits) -> list[str]:
    return [hit.mention.id for hit in hits]


@pytest.fixture
def filled(store):
    result = upserted(store, MENTIONS)
    assert sorted(result.stored) == sorted(BY_ID) and result.failed == {}
    return store


def test_get_round_trips_every_field(filled):
    for mention in MENTIONS:
        assert filled.get(mention.id) == mention
    assert filled.get("tidak-ada") is None


def test_reupsert_replaces_and_never_duplicates(filled):
    assert upserted(filled, MENTIONS).stored == tuple(BY_ID)
    changed = replace(BY_ID["m2"], watchlists=("banjir", "pompa"), story_id="s-rob-2")
    assert upserted(filled, [changed]).stored == ("m2",)
    assert filled.count(MentionFilter()) == len(MENTIONS)
    assert filled.get("m2") == changed
    assert filled.count(MentionFilter(watchlists=("pompa",))) == 1


def test_an_edited_text_is_searched_as_edited_and_found_once(filled):
    # The poster edits "antrean bansos" to a complaint about the sembako; stored again.
    m5 = BY_ID["m5"]
    text = "Sembako di kelurahan Cilincing blm dibagiin jg, udah 3 hari nunggu 😡"
    edited = replace(m5, mention=replace(m5.mention, text=text), normalized_text=normalize_for_match(text))
    assert upserted(filled, [edited, BY_ID["m1"]]).stored == ("m5", "m1")
    assert ids(filled.search(MentionFilter(query="sembako"))) == ["m5"]
    assert filled.search(MentionFilter(query="antrean bansos")) == []
    # A new mention after the replaced ones has a full-text row of its own.
    queue = "Antrean bansos ke jalan raya"
    new = replace(m5, mention=replace(m5.mention, id="m9", text=queue), normalized_text=normalize_for_match(queue))
    upserted(filled, [new])
    assert ids(filled.search(MentionFilter(query="antrean bansos"))) == ["m9"]
    assert ids(filled.search(MentionFilter(query="cilincing"))) == ["m5"]
    assert filled.count(MentionFilter()) == len(MENTIONS) + 1


def test_a_corrected_publication_date_moves_the_mention_without_a_copy(filled):
    # A source without dates first got collected_at; the real date is a month earlier.
    m5 = BY_ID["m5"]
    corrected = replace(m5, mention=replace(m5.mention, published_at=m5.mention.published_at - timedelta(days=40)))
    assert upserted(filled, [corrected]).stored == ("m5",)
    assert filled.count(MentionFilter()) == len(MENTIONS)
    assert filled.get("m5") == corrected
    assert filled.count(MentionFilter(since=DAY)) == len(MENTIONS) - 1


def test_the_last_copy_in_one_batch_wins(store):
    first = BY_ID["m4"]
    second = replace(first, classification=replace(first.classification, sentiment=Sentiment.NEGATIVE))
    upserted(store, [first, second])
    assert store.count(MentionFilter()) == 1
    assert store.get("m4") == second


def test_empty_store_and_empty_batch(store):
    assert upserted(store, []).stored == ()
    assert store.count(MentionFilter()) == 0
    assert store.search(MentionFilter(query="banjir")) == []
    assert store.terms("source", MentionFilter()) == []
    window = MentionFilter(since=DAY, until=DAY + timedelta(hours=2))
    assert store.histogram(window, timedelta(hours=1)) == [(DAY, 0), (DAY + timedelta(hours=1), 0)]


def test_windows_are_half_open(filled):
    six = DAY + timedelta(hours=6)  # m6 is published exactly at six
    assert filled.count(MentionFilter(since=six)) == 2  # m6, m7
    assert filled.count(MentionFilter(until=six)) == 5
    assert filled.count(MentionFilter(since=six, until=six)) == 0
    assert filled.count(MentionFilter(since=six, until=six + timedelta(microseconds=1000))) == 1


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        (MentionFilter(sources=("x",)), {"m3", "m4"}),
        (MentionFilter(sources=("detik", "tempo")), {"m1", "m6"}),
        (MentionFilter(channels=("social",)), {"m3", "m4", "m5", "m7"}),
        (MentionFilter(authors=("@wargajkt",)), {"m3", "m4"}),
        (MentionFilter(sentiment=("negative",)), {"m1", "m3", "m5"}),
        (MentionFilter(sentiment=("positive", "neutral")), {"m2", "m4", "m6"}),
        (MentionFilter(topics=("infrastruktur", "bansos")), {"m1", "m5", "m6"}),
        (MentionFilter(flags=("viral",)), {"m3"}),
        (MentionFilter(watchlists=("banjir",), channels=("news",)), {"m1", "m2", "m6"}),
        (MentionFilter(watchlists=("banjir",), sentiment=("negative",), flags=("keluhan",)), {"m1", "m3"}),
        (MentionFilter(topics=("tidak-ada",)), set()),
        (MentionFilter(stories=("s-rob",)), {"m1", "m2"}),
        (MentionFilter(stories=("s-rob",), channels=("social",)), set()),
        (MentionFilter(ids=("m2", "m5", "tidak-ada")), {"m2", "m5"}),
        (MentionFilter(ids=("m1", "m3", "m4"), sentiment=("negative",)), {"m1", "m3"}),
        (MentionFilter(roles=("official",)), {"m2"}),
        (MentionFilter(exclude_roles=("official",)), {"m1", "m3", "m4", "m5", "m6", "m7"}),
        (MentionFilter(exclude_roles=("official",), watchlists=("banjir",), channels=("news",)), {"m1", "m6"}),
        (MentionFilter(roles=("official",), exclude_roles=("official",)), set()),
        (MentionFilter(roles=("partner",)), set()),
    ],
)
def test_filters(filled, flt, expected):
    assert filled.count(flt) == len(expected)
    assert set(ids(filled.search(flt))) == expected
    # Replays judge the same filters in memory (monitor/rules/lazy.py): they must agree.
    assert {m.id for m in MENTIONS if flt.matches(m)} == expected


def test_an_incident_of_thousands_of_ids_is_one_filter(filled):
    many = (*(f"x{i}" for i in range(5000)), "m6")
    assert ids(filled.search(MentionFilter(ids=many))) == ["m6"]
    assert filled.count(MentionFilter(ids=many, query="banjir")) == 1


def test_span_is_the_first_and_last_publication(filled):
    assert filled.span(MentionFilter()) == (DAY + timedelta(hours=1, minutes=15), DAY + timedelta(hours=7, minutes=59))
    assert filled.span(MentionFilter(sources=("x",))) == (
        DAY + timedelta(hours=2, minutes=10),
        DAY + timedelta(hours=3, minutes=5),
    )
    first, last = filled.span(MentionFilter(ids=("m6",)))
    assert first == last == DAY + timedelta(hours=6) and first.utcoffset() == timedelta(0)
    assert filled.span(MentionFilter(topics=("tidak-ada",))) is None


def test_span_of_an_empty_store_is_none(store):
    assert store.span(MentionFilter()) is None


def test_unique_authors_ignore_mentions_without_author(filled):
    assert filled.count(MentionFilter(), unique_authors=True) == 4  # @wargajkt twice, none for m1/m2
    assert filled.count(MentionFilter(sources=("x",)), unique_authors=True) == 1
    assert filled.count(MentionFilter(channels=("news",)), unique_authors=True) == 1


def test_histogram_includes_empty_buckets_inside_the_window(filled):
    window = MentionFilter(since=DAY, until=DAY + timedelta(hours=8))
    counts = [n for _, n in filled.histogram(window, timedelta(hours=1))]
    assert counts == [0, 2, 1, 1, 0, 1, 1, 1]
    buckets = [at for at, _ in filled.histogram(window, timedelta(hours=1))]
    assert buckets == [DAY + timedelta(hours=h) for h in range(8)]
    assert all(at.tzinfo is not None and at.utcoffset() == timedelta(0) for at in buckets)


def test_histogram_without_window_lists_only_buckets_with_mentions(filled):
    result = filled.histogram(MentionFilter(watchlists=("banjir",)), timedelta(hours=1))
    assert result == [(DAY + timedelta(hours=1), 2), (DAY + timedelta(hours=2), 1), (DAY + timedelta(hours=6), 1)]


def test_histogram_can_count_distinct_authors(filled):
    day = MentionFilter(since=DAY, until=DAY + timedelta(days=1))
    mentions = dict(filled.histogram(day, timedelta(days=1)))
    authors = dict(filled.histogram(day, timedelta(days=1), unique_authors=True))
    assert list(authors) == list(mentions)
    assert sum(authors.values()) == filled.count(day, unique_authors=True) < sum(mentions.values())


def test_histogram_buckets_align_to_the_epoch(filled):
    interval = timedelta(minutes=90)
    window = MentionFilter(since=DAY + timedelta(minutes=20), until=DAY + timedelta(hours=3))
    result = filled.histogram(window, interval)
    for at, _ in result:
        assert (at - datetime(1970, 1, 1, tzinfo=UTC)) % interval == timedelta(0)
    # 00:00-01:30 holds m1 (01:15); 01:30-03:00 holds m2, m3; the window cuts off m4 (03:05).
    assert result == [(DAY, 1), (DAY + interval, 2)]


def test_terms_most_frequent_first_ties_by_value(filled):
    assert filled.terms("topics", MentionFilter()) == [
        ("bencana", 4),
        ("infrastruktur", 2),
        ("bansos", 1),
        ("layanan", 1),
    ]
    assert filled.terms("topics", MentionFilter(), size=2) == [("bencana", 4), ("infrastruktur", 2)]
    # Mentions without an author or sentiment are not a bucket.
    assert filled.terms("author", MentionFilter()) == [
        ("@wargajkt", 2),
        ("@sitinur", 1),
        ("Kanal Warga", 1),
        ("Redaksi Tempo", 1),
    ]
    assert filled.terms("sentiment", MentionFilter(channels=("news",))) == [("neutral", 2), ("negative", 1)]
    assert filled.terms("story_id", MentionFilter()) == [("s-rob", 2)]


def test_search_without_query_is_newest_first_and_pages(filled):
    newest = ["m7", "m6", "m5", "m4", "m3", "m2", "m1"]
    assert ids(filled.search(MentionFilter())) == newest
    assert ids(filled.search(MentionFilter(), limit=3)) == newest[:3]
    assert ids(filled.search(MentionFilter(), limit=3, offset=3)) == newest[3:6]
    assert all(hit.highlights == () for hit in filled.search(MentionFilter()))


def test_ids_are_searchs_order_without_the_documents(filled):
    assert filled.ids(MentionFilter()) == ["m7", "m6", "m5", "m4", "m3", "m2", "m1"]
    assert filled.ids(MentionFilter(), limit=2) == ["m7", "m6"]
    assert filled.ids(MentionFilter(watchlists=("banjir",), query="pompa")) == ["m3", "m2", "m1"]
    assert filled.ids(MentionFilter(topics=("tidak-ada",))) == []


def test_search_highlights_matches_in_indonesian_text(filled):
    hits = filled.search(MentionFilter(query="pompa Muara"))
    assert set(ids(hits)) == {"m1", "m2", "m3"}
    for hit in hits:
        assert any("[[pompa]]" in fragment.lower() for fragment in hit.highlights), hit.highlights
    assert all(hit.score > 0 for hit in hits)


def test_search_matches_alay_and_slang_through_the_normalized_text(filled):
    # "b4nj1r" in m3 is normalized to "banjir"; "gk" in the query is normalized to "tidak".
    assert set(ids(filled.search(MentionFilter(query="banjir")))) == {"m1", "m3", "m6"}
    assert ids(filled.search(MentionFilter(query="pompa gk nyala"))) == ["m1"]
    assert ids(filled.search(MentionFilter(query="BANSOS lansia"))) == ["m5"]


def test_search_query_and_filters_combine(filled):
    assert set(ids(filled.search(MentionFilter(query="banjir", channels=("news",))))) == {"m1", "m6"}
    assert ids(
        filled.search(MentionFilter(query="banjir", since=DAY + timedelta(hours=2), until=DAY + timedelta(hours=3)))
    ) == ["m3"]
    assert filled.count(MentionFilter(query="pompa")) == 4  # m1, m2, m3 and the title of m7
    assert filled.search(MentionFilter(query="kebakaran hutan")) == []


def test_a_query_of_only_punctuation_is_no_query(filled):
    assert ids(filled.search(MentionFilter(query="?! …"))) == ["m7", "m6", "m5", "m4", "m3", "m2", "m1"]


def test_describe_says_where_the_data_lives(store):
    assert store.describe().strip()


LABELLED_AT = DAY + timedelta(days=1)


def test_relabel_sets_what_a_person_said_and_every_query_sees_it(filled):
    # An analyst overrides m4's sentiment and m6's topics and flags (the store does not judge
    # the labels; it keeps them and shows them everywhere).
    labels = [
        Label("m4", by="rina", at=LABELLED_AT, sentiment=Sentiment.NEGATIVE),
        Label("m6", by="budi", at=LABELLED_AT, topics=("bencana", "layanan"), flags=("hoaks",)),
    ]
    result = filled.relabel(labels)
    assert sorted(result.stored) == ["m4", "m6"] and result.failed == {}
    m4, m6 = filled.get("m4"), filled.get("m6")
    assert m4.classification.sentiment is Sentiment.NEGATIVE
    assert m4.classification.labelled_by == "rina" and m4.classification.labelled_fields == ("sentiment",)
    # The model's scores and everything not labelled stay as they were.
    assert m4.classification.scores == BY_ID["m4"].classification.scores
    assert m4.classification.topics == BY_ID["m4"].classification.topics
    assert m6.classification.topics == ("bencana", "layanan") and m6.classification.flags == ("hoaks",)
    assert m6.classification.sentiment == BY_ID["m6"].classification.sentiment
    assert m6.mention == BY_ID["m6"].mention and m6.watchlists == BY_ID["m6"].watchlists
    assert filled.count(MentionFilter(sentiment=("negative",))) == 4
    assert "m4" in ids(filled.search(MentionFilter(sentiment=("negative",))))
    assert filled.count(MentionFilter(flags=("hoaks",))) == 1
    assert ("layanan", 2) in filled.terms("topics", MentionFilter())
    # Full-text search still finds the relabelled mention.
    assert "m6" in ids(filled.search(MentionFilter(query="banjir")))


def test_relabel_is_idempotent_and_later_labels_win_field_by_field(filled):
    first = Label("m1", by="rina", at=LABELLED_AT, sentiment=Sentiment.NEUTRAL, topics=("bencana",))
    second = Label("m1", by="budi", at=LABELLED_AT + timedelta(hours=1), sentiment=Sentiment.POSITIVE)
    assert filled.relabel([first, second]).stored == ("m1",)
    assert filled.relabel([first, second]).stored == ("m1",)
    m1 = filled.get("m1").classification
    assert m1.sentiment is Sentiment.POSITIVE and m1.topics == ("bencana",) and m1.labelled_by == "budi"
    assert set(m1.labelled_fields) == {"sentiment", "topics"}
    assert filled.count(MentionFilter()) == len(MENTIONS)


def test_relabel_of_a_mention_not_stored_fails_that_one_only(filled):
    result = filled.relabel(
        [
            Label("tidak-ada", by="rina", at=LABELLED_AT, sentiment=Sentiment.NEGATIVE),
            Label("m2", by="rina", at=LABELLED_AT, sentiment=Sentiment.NEGATIVE),
        ]
    )
    assert result.stored == ("m2",) and set(result.failed) == {"tidak-ada"}
    assert filled.get("tidak-ada") is None
    assert filled.relabel([]).stored == ()
