"""The label book (durable, merged field by field) and reading labels from CSV/JSONL files."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from monitor.db import StateDB
from monitor.feedback.importer import BadRow, LabelRow, read_rows
from monitor.feedback.labels import LabelBook
from monitor.records import Classification, Label
from monitor.values import Sentiment

AT = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)


def test_labels_survive_a_reopen_and_merge_field_by_field(tmp_path):
    state = StateDB(tmp_path / "state.sqlite3")
    book = LabelBook(state)
    book.add(
        Label("m1", "rina", AT, sentiment=Sentiment.NEUTRAL),
        text="Info: PPDB dibuka 1 Juni",
        model_sentiment="negative",
    )
    book.add(Label("m1", "budi", AT + timedelta(hours=1), topics=("pendidikan",)), text="Info: PPDB dibuka 1 Juni")
    book.add(Label("m2", "rina", AT, flags=()), text="hoaks! vaksin bikin mandul, sebarkan")
    state.close()

    book = LabelBook(StateDB(tmp_path / "state.sqlite3"))
    merged = book.for_mentions(["m1", "m2", "m3"])
    assert set(merged) == {"m1", "m2"}
    assert merged["m1"].sentiment is Sentiment.NEUTRAL and merged["m1"].topics == ("pendidikan",)
    assert merged["m1"].by == "budi" and merged["m1"].flags is None
    assert merged["m2"].flags == () and merged["m2"].fields == ("flags",)
    assert {p.mention_id for p in book.pending()} == {"m1", "m2"}
    book.mark_applied(["m1"])
    assert [p.mention_id for p in book.pending()] == ["m2"]
    texts = {t.label.mention_id: t for t in book.labelled_texts()}
    assert texts["m1"].text == "Info: PPDB dibuka 1 Juni" and texts["m1"].model_sentiment == "negative"
    assert book.count() == 2 and book.labelled_ids() == {"m1", "m2"}


def test_a_label_overrides_the_model_and_keeps_its_scores():
    model = Classification(
        Sentiment.NEGATIVE, {"negative": 0.6, "neutral": 0.3, "positive": 0.1}, ("bencana",), {}, (), "m"
    )
    labelled = Label("m1", "rina", AT, sentiment=Sentiment.NEUTRAL).apply(model)
    assert labelled.sentiment is Sentiment.NEUTRAL and labelled.scores == model.scores
    assert labelled.topics == ("bencana",) and labelled.labelled_by == "rina"
    assert labelled.labelled_fields == ("sentiment",)
    again = Label("m1", "budi", AT, flags=("hoaks",)).apply(labelled)
    assert again.labelled_fields == ("sentiment", "flags") and again.sentiment is Sentiment.NEUTRAL
    assert Classification.from_json(json.loads(json.dumps(again.to_json()))) == again


def test_csv_with_indonesian_words_separators_and_bad_lines(tmp_path):
    path = tmp_path / "label.csv"
    path.write_text(
        "id,sentiment,topics,flags\n"
        "m1,netral,pendidikan;pelayanan_publik,\n"
        "m2,,,-\n"
        "m3,marah,,\n"
        ",positif,,\n"
        "m4,Positif,,hoaks|klarifikasi\n",
        encoding="utf-8",
    )
    rows = read_rows(path)
    assert rows[0] == LabelRow(2, "m1", Sentiment.NEUTRAL, ("pendidikan", "pelayanan_publik"), None)
    assert rows[1] == LabelRow(3, "m2", None, None, ())
    assert isinstance(rows[2], BadRow) and rows[2].line == 4 and "marah" in rows[2].problem
    assert isinstance(rows[3], BadRow) and "id" in rows[3].problem
    assert rows[4] == LabelRow(6, "m4", Sentiment.POSITIVE, None, ("hoaks", "klarifikasi"))


def test_jsonl_export_of_search_with_edits(tmp_path):
    exported = {
        "mention": {"id": "m9", "text": "Dinkes: vaksinasi campak gratis di 30 posyandu"},
        "classification": {"sentiment": "negative", "topics": ["kesehatan"], "flags": []},
        "score": 0.0,
    }
    edited = {**exported, "sentiment": "neutral"}
    path = tmp_path / "export.jsonl"
    path.write_text(json.dumps(exported) + "\n" + json.dumps(edited) + "\n{rusak\n", encoding="utf-8")
    first, second, broken = read_rows(path)
    assert first == LabelRow(1, "m9", Sentiment.NEGATIVE, ("kesehatan",), (), exported=True)
    assert second == LabelRow(2, "m9", Sentiment.NEUTRAL, ("kesehatan",), (), exported=True)
    assert isinstance(broken, BadRow) and broken.line == 3 and "JSON" in broken.problem
