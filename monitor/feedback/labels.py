"""The analysts' labels: stored durably in their own table of the state file, applied everywhere.

Every `monitor label` call adds rows (the history stays: who said what, when); the label that
counts for a mention is the merge of its rows, field by field, the latest word winning. The
row also keeps the text the label is about and what the model said then, so `monitor train`
can learn from it even after the mention left the store (retention).

`applied` is set once the store holds the label; rows the store could not take (an outage)
are applied again by the next `monitor label` run, and the enrich stage applies the labels to
any mention it classifies again, so a person's label outlives re-classification.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from monitor.db import SqliteDB
from monitor.records import Label
from monitor.values import Sentiment

_SCHEMA = """
CREATE TABLE IF NOT EXISTS labels (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    mention_id TEXT NOT NULL,
    labelled_by TEXT NOT NULL,
    labelled_at REAL NOT NULL,
    sentiment TEXT,
    topics TEXT,
    flags TEXT,
    text TEXT NOT NULL,
    model TEXT,
    model_sentiment TEXT,
    applied INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS labels_mention ON labels(mention_id, seq);
CREATE INDEX IF NOT EXISTS labels_pending ON labels(applied) WHERE applied = 0;
"""


@dataclass(frozen=True)
class LabelledText:
    """A mention's merged label with the text it is about: one training example."""

    label: Label
    text: str
    model_sentiment: str | None


def _label_of(row: tuple[object, ...]) -> Label:
    mention_id, by, at, sentiment, topics, flags = row[:6]
    return Label(
        mention_id=str(mention_id),
        by=str(by),
        at=datetime.fromtimestamp(float(str(at)), UTC),
        sentiment=Sentiment(str(sentiment)) if sentiment else None,
        topics=tuple(json.loads(str(topics))) if topics is not None else None,
        flags=tuple(json.loads(str(flags))) if flags is not None else None,
    )


class LabelBook:
    """The `labels` table of the state file."""

    _COLUMNS = "mention_id, labelled_by, labelled_at, sentiment, topics, flags"

    def __init__(self, db: SqliteDB):
        self.db = db
        db.ensure(_SCHEMA)

    def add(self, label: Label, *, text: str, model: str | None = None, model_sentiment: str | None = None) -> None:
        with self.db.transaction() as db:
            db.execute(
                "INSERT INTO labels (mention_id, labelled_by, labelled_at, sentiment, topics, flags, text, model,"
                " model_sentiment) VALUES (?,?,?,?,?,?,?,?,?)",
                (
                    label.mention_id,
                    label.by,
                    label.at.timestamp(),
                    label.sentiment.value if label.sentiment else None,
                    json.dumps(list(label.topics)) if label.topics is not None else None,
                    json.dumps(list(label.flags)) if label.flags is not None else None,
                    text,
                    model,
                    model_sentiment,
                ),
            )

    def for_mentions(self, mention_ids: Sequence[str]) -> dict[str, Label]:
        """The merged label of each of these mentions that has one."""
        rows = self.db.query_in(
            f"SELECT {self._COLUMNS} FROM labels WHERE mention_id IN ({{marks}}) ORDER BY seq", (), list(mention_ids)
        )
        return _merge(rows)

    def pending(self) -> list[Label]:
        """Merged labels of the mentions with rows the store has not taken yet."""
        ids = [str(r[0]) for r in self.db.query("SELECT DISTINCT mention_id FROM labels WHERE applied = 0")]
        return list(self.for_mentions(ids).values())

    def mark_applied(self, mention_ids: Iterable[str]) -> None:
        ids = list(mention_ids)
        with self.db.transaction():
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                self.db.db.execute(
                    f"UPDATE labels SET applied = 1 WHERE mention_id IN ({','.join('?' * len(chunk))})", chunk
                )

    def labelled_texts(self) -> list[LabelledText]:
        """Every labelled mention, merged, with its latest text: what `monitor train` learns from."""
        rows = self.db.query(f"SELECT {self._COLUMNS}, text, model_sentiment FROM labels ORDER BY seq")
        merged = _merge(rows)
        latest = {str(r[0]): str(r[6]) for r in rows}
        # What the model said before any person touched the mention: the first row that knows.
        model_said: dict[str, str] = {}
        for r in rows:
            if r[7]:
                model_said.setdefault(str(r[0]), str(r[7]))
        return [LabelledText(label, latest[mid], model_said.get(mid)) for mid, label in merged.items()]

    def labelled_ids(self) -> set[str]:
        return {str(r[0]) for r in self.db.query("SELECT DISTINCT mention_id FROM labels")}

    def count(self) -> int:
        return int(self.db.query("SELECT COUNT(DISTINCT mention_id) FROM labels")[0][0])


def _merge(rows: Sequence[tuple[object, ...]]) -> dict[str, Label]:
    merged: dict[str, Label] = {}
    for row in rows:
        label = _label_of(row)
        merged[label.mention_id] = merged[label.mention_id].merged(label) if label.mention_id in merged else label
    return merged
