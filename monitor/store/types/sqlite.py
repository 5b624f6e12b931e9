"""The embedded default store: one SQLite file with FTS5 full-text search. Zero set-up."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from monitor.db import Row, SqliteDB
from monitor.errors import StoreError
from monitor.plugin import Plugin, PluginContext, PluginOptions
from monitor.records import EnrichedMention, Label, dumps
from monitor.store.base import MentionFilter, SearchHit, TermField, UpsertResult
from monitor.text.normalize import tokens

_SCHEMA = """
CREATE TABLE IF NOT EXISTS mentions (
    id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    channel TEXT NOT NULL,
    author TEXT,
    sentiment TEXT,
    story_id TEXT,
    published_at REAL NOT NULL,
    topics TEXT NOT NULL,
    flags TEXT NOT NULL,
    watchlists TEXT NOT NULL,
    data TEXT NOT NULL,
    role TEXT
);
CREATE INDEX IF NOT EXISTS mentions_published ON mentions(published_at);
CREATE INDEX IF NOT EXISTS mentions_source ON mentions(source, published_at);
-- Full-text rows share the mention row's rowid: lookups by rowid are O(log n).
CREATE VIRTUAL TABLE IF NOT EXISTS mentions_fts USING fts5(
    title, text, normalized, tokenize = 'unicode61 remove_diacritics 2'
);
-- What a person reads (`monitor explore`, any SQLite browser): one row per mention, newest
-- first, title, text and link as columns. `rowid` is the full-text index's key.
CREATE VIEW IF NOT EXISTS mention_view AS
SELECT m.published_at, m.source, m.channel, m.author,
    json_extract(m.data, '$.mention.title') AS title,
    json_extract(m.data, '$.mention.text') AS text,
    m.sentiment, m.topics, m.flags, m.watchlists,
    json_extract(m.data, '$.mention.reach') AS reach,
    json_extract(m.data, '$.mention.engagement') AS engagement,
    json_extract(m.data, '$.mention.url') AS url,
    m.story_id, m.id, m.rowid AS rowid
FROM mentions m ORDER BY m.published_at DESC;
"""

# Columns added after a file's first release (its data keeps them too; the column is for filters).
_MIGRATIONS = (("mentions", "role", "TEXT"),)

_LIST_FIELDS = {"topics", "flags", "watchlists"}
_SCALAR_FIELDS = {"source", "channel", "author", "sentiment", "story_id"}


def _epoch(dt: datetime) -> float:
    return dt.astimezone(UTC).timestamp()


def _fts_query(text: str) -> str:
    """Every normalized word must occur; quoting each keeps FTS5 syntax out of user input."""
    words = [w.strip("#@") for w in tokens(text)]
    return " ".join('"' + w.replace('"', '""') + '"' for w in words if w)


@lru_cache(maxsize=20_000)
def _parsed(data: str) -> EnrichedMention:
    """A stored row as a record. Rules read the same recent rows at every evaluation; records are
    immutable, so the same text gives the same record, parsed once."""
    return EnrichedMention.from_json(json.loads(data))


class SqliteOptions(PluginOptions):
    """`[store]` keys when `type = "sqlite"` (the default)."""

    # Relative to the data directory.
    path: str = "mentions.sqlite3"


class SqliteStore:
    """MentionStore on a local SQLite file (WAL, so readers never block the writer)."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        try:
            # NORMAL: the inbox keeps every mention until the store has it, so a power cut that
            # loses the last commit here only makes those mentions pending again.
            self._db = SqliteDB(self.path, synchronous="NORMAL")
            self._db.ensure(_SCHEMA, _MIGRATIONS)
        except sqlite3.Error as exc:
            raise StoreError(f"tidak bisa membuka penyimpanan {self.path}: {exc}") from exc

    @classmethod
    def build(cls, name: str, options: SqliteOptions, context: PluginContext) -> SqliteStore:
        return cls(context.data_dir / options.path)

    def describe(self) -> str:
        return f"SQLite {self.path.resolve()}"

    def close(self) -> None:
        self._db.close()

    # -- writing -----------------------------------------------------------------------------
    def upsert(self, mentions: Sequence[EnrichedMention]) -> UpsertResult:
        # The last copy of an id in the batch wins, as with one replace after another.
        latest = {item.id: item for item in mentions}
        rows = [self._row(item) for item in latest.values()]
        try:
            with self._db.transaction() as db:
                # A mention stored before keeps its rowid and its full-text row is replaced; new
                # ones take the next rowids. Rowids given, not looked up by id row by row.
                known: dict[str, int] = dict(
                    db.execute(
                        "SELECT id, rowid FROM mentions WHERE id IN (SELECT value FROM json_each(?))",
                        (dumps(list(latest)),),
                    ).fetchall()
                )
                db.executemany("DELETE FROM mentions_fts WHERE rowid = ?", [(r,) for r in known.values()])
                last = int(db.execute("SELECT COALESCE(MAX(rowid), 0) FROM mentions").fetchone()[0])
                rowids: list[int] = []
                for mention_id in latest:
                    if mention_id not in known:
                        last += 1
                    rowids.append(known.get(mention_id, last))
                db.executemany(
                    "INSERT OR REPLACE INTO mentions (rowid, id, source, channel, author, sentiment, story_id,"
                    " published_at, topics, flags, watchlists, data, role) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    [(r, *row) for r, row in zip(rowids, rows, strict=True)],
                )
                db.executemany(
                    "INSERT INTO mentions_fts (rowid, title, text, normalized) VALUES (?,?,?,?)",
                    [
                        (r, i.mention.title, i.mention.text, i.normalized_text)
                        for r, i in zip(rowids, latest.values(), strict=True)
                    ],
                )
        except sqlite3.Error as exc:
            raise StoreError(f"gagal menyimpan ke {self.path}: {exc}") from exc
        return UpsertResult(stored=tuple(dict.fromkeys(item.id for item in mentions)))

    def refresh(self) -> None:
        """Nothing to do: a committed write is visible to every reader at once."""

    def relabel(self, labels: Sequence[Label]) -> UpsertResult:
        stored: list[str] = []
        failed: dict[str, str] = {}
        try:
            with self._db.transaction() as db:
                for label in labels:
                    row = db.execute("SELECT data FROM mentions WHERE id = ?", (label.mention_id,)).fetchone()
                    if row is None:
                        failed[label.mention_id] = "mention tidak ada di penyimpanan"
                        continue
                    item = EnrichedMention.from_json(json.loads(row[0])).with_label(label)
                    c = item.classification
                    # Only the label columns change: the full-text row stays as it is.
                    db.execute(
                        "UPDATE mentions SET sentiment = ?, topics = ?, flags = ?, data = ? WHERE id = ?",
                        (
                            c.sentiment.value if c.sentiment else None,
                            dumps(c.topics),
                            dumps(c.flags),
                            dumps(item.to_json()),
                            item.id,
                        ),
                    )
                    failed.pop(label.mention_id, None)
                    stored.append(label.mention_id)
        except sqlite3.Error as exc:
            raise StoreError(f"gagal menyimpan label ke {self.path}: {exc}") from exc
        return UpsertResult(stored=tuple(dict.fromkeys(stored)), failed=failed)

    @staticmethod
    def _row(item: EnrichedMention) -> tuple[Any, ...]:
        m, c = item.mention, item.classification
        return (
            m.id,
            m.source,
            m.channel,
            m.author,
            c.sentiment.value if c.sentiment else None,
            item.story_id,
            _epoch(m.published_at),
            dumps(c.topics),
            dumps(c.flags),
            dumps(item.watchlists),
            dumps(item.to_json()),
            m.role,
        )

    # -- reading -----------------------------------------------------------------------------
    def _where(self, flt: MentionFilter) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if flt.since:
            clauses.append("m.published_at >= ?")
            params.append(_epoch(flt.since))
        if flt.until:
            clauses.append("m.published_at < ?")
            params.append(_epoch(flt.until))
        scalar = {
            "source": flt.sources,
            "channel": flt.channels,
            "author": flt.authors,
            "sentiment": flt.sentiment,
            "story_id": flt.stories,
            "role": flt.roles,
        }
        for column, values in scalar.items():
            if values:
                clauses.append(f"m.{column} IN ({','.join('?' * len(values))})")
                params.extend(values)
        for column, values in {"topics": flt.topics, "flags": flt.flags, "watchlists": flt.watchlists}.items():
            if values:
                marks = ",".join("?" * len(values))
                clauses.append(f"EXISTS (SELECT 1 FROM json_each(m.{column}) WHERE value IN ({marks}))")
                params.extend(values)
        if flt.exclude_roles:
            # A mention without a role (NULL) is never excluded.
            clauses.append(f"(m.role IS NULL OR m.role NOT IN ({','.join('?' * len(flt.exclude_roles))}))")
            params.extend(flt.exclude_roles)
        if flt.ids:
            # One JSON parameter: an incident's thousands of ids stay under SQLite's variable limit.
            clauses.append("m.id IN (SELECT value FROM json_each(?))")
            params.append(json.dumps(list(flt.ids)))
        if flt.query:
            query = _fts_query(flt.query)
            if query:
                clauses.append("m.rowid IN (SELECT rowid FROM mentions_fts WHERE mentions_fts MATCH ?)")
                params.append(query)
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    def _rows(self, sql: str, params: Sequence[Any]) -> list[Row]:
        try:
            return self._db.query(sql, params)
        except sqlite3.Error as exc:
            raise StoreError(f"kueri gagal pada {self.path}: {exc}") from exc

    def get(self, mention_id: str) -> EnrichedMention | None:
        rows = self._rows("SELECT data FROM mentions WHERE id = ?", (mention_id,))
        return _parsed(rows[0][0]) if rows else None

    def search(self, flt: MentionFilter, *, limit: int = 50, offset: int = 0) -> list[SearchHit]:
        where, params = self._where(flt)
        query = _fts_query(flt.query or "")
        if not query:
            rows = self._rows(
                f"SELECT m.data, 0.0, NULL FROM mentions m{where} ORDER BY m.published_at DESC, m.id LIMIT ? OFFSET ?",
                [*params, limit, offset],
            )
        else:
            # bm25() is lower-is-better; we expose higher-is-better scores like Elasticsearch.
            rows = self._rows(
                "SELECT m.data, -bm25(mentions_fts), snippet(mentions_fts, -1, '[[', ']]', '…', 16) "
                f"FROM mentions_fts JOIN mentions m ON m.rowid = mentions_fts.rowid{where}"
                " AND mentions_fts MATCH ? ORDER BY bm25(mentions_fts), m.published_at DESC LIMIT ? OFFSET ?",
                [*params, query, limit, offset],
            )
        return [
            SearchHit(
                mention=_parsed(data),
                score=float(score),
                highlights=(snippet,) if snippet and "[[" in snippet else (),
            )
            for data, score, snippet in rows
        ]

    def ids(self, flt: MentionFilter, *, limit: int = 50) -> list[str]:
        where, params = self._where(flt)
        sql = f"SELECT m.id FROM mentions m{where} ORDER BY m.published_at DESC, m.id LIMIT ?"
        return [str(row[0]) for row in self._rows(sql, [*params, limit])]

    def count(self, flt: MentionFilter, *, unique_authors: bool = False) -> int:
        where, params = self._where(flt)
        expr = "COUNT(DISTINCT m.author)" if unique_authors else "COUNT(*)"
        return int(self._rows(f"SELECT {expr} FROM mentions m{where}", params)[0][0])

    def span(self, flt: MentionFilter) -> tuple[datetime, datetime] | None:
        where, params = self._where(flt)
        first, last = self._rows(f"SELECT MIN(m.published_at), MAX(m.published_at) FROM mentions m{where}", params)[0]
        if first is None:
            return None
        return datetime.fromtimestamp(first, UTC), datetime.fromtimestamp(last, UTC)

    def histogram(
        self, flt: MentionFilter, interval: timedelta, *, unique_authors: bool = False
    ) -> list[tuple[datetime, int]]:
        step = interval.total_seconds()
        if step <= 0:
            raise ValueError("interval harus positif")
        where, params = self._where(flt)
        expr = "COUNT(DISTINCT m.author)" if unique_authors else "COUNT(*)"
        rows = self._rows(
            f"SELECT CAST(m.published_at / ? AS INTEGER) AS bucket, {expr} FROM mentions m{where}"
            " GROUP BY bucket ORDER BY bucket",
            [step, *params],
        )
        counts = {int(bucket): n for bucket, n in rows}
        if flt.since and flt.until:
            first, last = int(_epoch(flt.since) // step), int((_epoch(flt.until) - 1e-6) // step)
            keys: list[int] = list(range(first, last + 1))
        else:
            keys = sorted(counts)
        return [(datetime.fromtimestamp(k * step, UTC), counts.get(k, 0)) for k in keys]

    def terms(self, field: TermField, flt: MentionFilter, *, size: int = 10) -> list[tuple[str, int]]:
        where, params = self._where(flt)
        if field in _LIST_FIELDS:
            sql = (
                f"SELECT j.value, COUNT(*) AS n FROM mentions m, json_each(m.{field}) j{where}"
                " GROUP BY j.value ORDER BY n DESC, j.value LIMIT ?"
            )
        elif field in _SCALAR_FIELDS:
            null_filter = f"m.{field} IS NOT NULL"
            where = f"{where} AND {null_filter}" if where else f" WHERE {null_filter}"
            sql = f"SELECT m.{field}, COUNT(*) AS n FROM mentions m{where} GROUP BY m.{field} ORDER BY n DESC, m.{field} LIMIT ?"
        else:
            raise ValueError(f"field tidak dikenal: {field}")
        return [(str(value), int(n)) for value, n in self._rows(sql, [*params, size])]


PLUGIN = Plugin(SqliteOptions, SqliteStore.build)
