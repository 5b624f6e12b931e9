"""A SQLite store written before mentions had a role keeps its data and gains the column."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from monitor.records import OFFICIAL
from monitor.store.base import MentionFilter
from monitor.store.types.sqlite import SqliteStore
from tests.store.samples import BY_ID, MENTIONS


def test_a_file_without_the_role_column_is_upgraded_in_place(tmp_path: Path) -> None:
    path = tmp_path / "mentions.sqlite3"
    store = SqliteStore(path)
    store.upsert(MENTIONS)
    store.close()
    # As the previous version left it: no role column (and so no roles in the filter either).
    with sqlite3.connect(path) as db:
        db.execute("DROP VIEW mention_view")
        db.execute("ALTER TABLE mentions DROP COLUMN role")
        db.execute("CREATE VIEW mention_view AS SELECT id FROM mentions")

    store = SqliteStore(path)
    try:
        assert store.count(MentionFilter()) == len(MENTIONS)
        # Rows from before the upgrade have no role: they pass `exclude_roles` ...
        assert store.count(MentionFilter(exclude_roles=(OFFICIAL,))) == len(MENTIONS)
        # ... until they are stored again, as the pipeline does with every new copy.
        store.upsert([BY_ID["m2"]])
        assert [hit.mention.id for hit in store.search(MentionFilter(roles=(OFFICIAL,)))] == ["m2"]
        assert store.get("m2") == BY_ID["m2"]
    finally:
        store.close()
