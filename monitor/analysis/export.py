"""Mentions as a table for a report: CSV (opens in Excel) or an Excel workbook, local times,
column names in the office's language, and an empty column where an analyst writes the right
sentiment when the model got it wrong (`read_corrections` reads those back)."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from monitor.i18n import Messages
from monitor.records import EnrichedMention
from monitor.store.base import MentionFilter, MentionStore
from monitor.values import Sentiment

# Column keys in order; each header is the catalogue word `export.col.<key>`.
COLUMNS = (
    "time",
    "source",
    "channel",
    "author",
    "title",
    "text",
    "sentiment",
    "topics",
    "flags",
    "watchlists",
    "reach",
    "engagement",
    "url",
    "mention_id",
    "correction",
)
# Excel's row limit is about a million; a report is far smaller. Elasticsearch pages up to 10,000.
MAX_ROWS = 10_000


def collect(store: MentionStore, flt: MentionFilter, *, limit: int = MAX_ROWS) -> list[EnrichedMention]:
    """The mentions `flt` matches: best match first with a query, newest first otherwise."""
    return [hit.mention for hit in store.search(flt, limit=min(limit, MAX_ROWS))]


def header(say: Messages) -> list[str]:
    return [say(f"export.col.{key}") for key in COLUMNS]


def mention_rows(mentions: Iterable[EnrichedMention], say: Messages) -> list[list[Any]]:
    """One row per mention, in COLUMNS order; the correction column is left empty."""
    rows = []
    for item in mentions:
        m, c = item.mention, item.classification
        local = m.published_at.astimezone(say.zone)
        rows.append(
            [
                local.strftime("%Y-%m-%d %H:%M"),
                m.source,
                m.channel,
                m.author or "",
                m.title,
                m.text,
                say(f"sentiment.{c.sentiment.value}") if c.sentiment else "",
                ", ".join(c.topics),
                ", ".join(c.flags),
                ", ".join(item.watchlists),
                m.reach if m.reach is not None else "",
                m.engagement if m.engagement is not None else "",
                m.url or "",
                m.id,
                "",
            ]
        )
    return rows


def write_table(
    path: Path | str, head: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet: str = "mention"
) -> Path:
    """Write a CSV (by the suffix `.csv`) or an Excel workbook (`.xlsx`); returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".xlsx":
        from openpyxl import Workbook

        book = Workbook()
        page = book.active
        assert page is not None
        page.title = sheet[:31]
        page.append(list(head))
        for row in rows:
            page.append(list(row))
        page.freeze_panes = "A2"
        book.save(path)
    elif path.suffix.lower() == ".csv":
        # UTF-8 with a byte-order mark: Excel then reads emoji and accents correctly.
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(head)
            writer.writerows(rows)
    else:
        raise ValueError(f"format tidak dikenal: {path.suffix or '(tanpa akhiran)'}; pakai .csv atau .xlsx")
    return path


def export_mentions(path: Path | str, mentions: Iterable[EnrichedMention], say: Messages) -> Path:
    return write_table(path, header(say), mention_rows(mentions, say))


@dataclass(frozen=True)
class Correction:
    """An analyst's verdict on one stored mention."""

    mention_id: str
    text: str
    model: str | None  # the sentiment the model gave, as exported
    corrected: str  # positive, neutral or negative


def _sentiment(value: Any, say: Messages) -> str | None:
    """'negatif', 'Negative', 'negative' -> 'negative'; anything else -> None."""
    text = str(value or "").strip().lower()
    for sentiment in Sentiment:
        if text in (sentiment.value, say(f"sentiment.{sentiment.value}").lower()):
            return sentiment.value
    return None


def _read_rows(path: Path) -> list[list[Any]]:
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True, data_only=True)
        try:
            page = book.active
            assert page is not None
            return [list(row) for row in page.iter_rows(values_only=True)]
        finally:
            book.close()
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [list(row) for row in csv.reader(handle)]


def read_corrections(path: Path | str, say: Messages) -> list[Correction]:
    """The rows of an exported table whose correction column an analyst filled in with a
    sentiment (in the export's language or as positive/neutral/negative); other rows are skipped."""
    rows = _read_rows(Path(path))
    if not rows:
        return []
    names = [str(name or "").strip() for name in rows[0]]
    where = {key: names.index(say(f"export.col.{key}")) for key in ("mention_id", "text", "sentiment", "correction")}
    corrections = []
    for row in rows[1:]:
        cells = [*row, *([None] * (len(names) - len(row)))]
        corrected = _sentiment(cells[where["correction"]], say)
        if corrected and cells[where["mention_id"]]:
            corrections.append(
                Correction(
                    str(cells[where["mention_id"]]),
                    str(cells[where["text"]] or ""),
                    _sentiment(cells[where["sentiment"]], say),
                    corrected,
                )
            )
    return corrections
