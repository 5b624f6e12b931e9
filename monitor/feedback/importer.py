"""Labels in bulk from a file: CSV (`id,sentiment,topics,flags`) or JSON Lines.

JSON Lines may be an export of `monitor search --json` or `monitor label queue --json` edited
by an analyst: a line's top-level `sentiment`, `topics`, `flags` win; otherwise the values under
`classification`. The mention id is `id` or `mention.id`. In CSV, topics and flags are
separated by `;` or `|`; an empty cell leaves that field as the model said. A bad line is
reported with its number and the rest are still read.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from monitor.values import Sentiment

_SEPARATORS = (";", "|")
_SENTIMENT_WORDS = {
    "positive": "positive",
    "positif": "positive",
    "neutral": "neutral",
    "netral": "neutral",
    "negative": "negative",
    "negatif": "negative",
}


@dataclass(frozen=True)
class LabelRow:
    line: int
    mention_id: str
    sentiment: Sentiment | None
    topics: tuple[str, ...] | None
    flags: tuple[str, ...] | None
    # A line of an exported mention (it has the model's `classification`): an unedited field
    # repeats the model's answer and is not a person's judgement.
    exported: bool = False


@dataclass(frozen=True)
class BadRow:
    line: int
    problem: str


def parse_sentiment(value: Any) -> Sentiment | None:
    """A sentiment in English or Indonesian; None for empty; ValueError for anything else."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    word = _SENTIMENT_WORDS.get(str(value).strip().lower())
    if word is None:
        raise ValueError(f"sentimen '{value}' tidak dikenal (pilihan: positif, netral, negatif)")
    return Sentiment(word)


def _names(value: Any) -> tuple[str, ...] | None:
    if value is None:
        return None
    if isinstance(value, list):
        return tuple(str(v).strip() for v in value if str(v).strip())
    text = str(value).strip()
    if not text:
        return None
    if text == "-":  # an explicit "none of them"
        return ()
    for separator in _SEPARATORS:
        text = text.replace(separator, ",")
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _row(line: int, data: dict[str, Any]) -> LabelRow | BadRow:
    nested: dict[str, Any] = data["classification"] if isinstance(data.get("classification"), dict) else {}
    mention: dict[str, Any] = data["mention"] if isinstance(data.get("mention"), dict) else {}
    mention_id = str(data.get("id") or data.get("mention_id") or mention.get("id") or "").strip()
    if not mention_id:
        return BadRow(line, "tidak ada id mention (kolom id)")

    def pick(key: str) -> Any:
        return data[key] if key in data else nested.get(key)

    try:
        sentiment = parse_sentiment(pick("sentiment"))
    except ValueError as exc:
        return BadRow(line, str(exc))
    row = LabelRow(line, mention_id, sentiment, _names(pick("topics")), _names(pick("flags")), bool(nested))
    if row.sentiment is None and row.topics is None and row.flags is None:
        return BadRow(line, "tidak ada label (sentiment, topics atau flags)")
    return row


def read_rows(path: Path) -> list[LabelRow | BadRow]:
    text = path.read_text(encoding="utf-8-sig", errors="replace")
    if path.suffix.lower() in (".jsonl", ".json", ".ndjson") or text.lstrip().startswith("{"):
        return list(_jsonl(text.splitlines()))
    return list(_csv(text))


def _jsonl(lines: Iterable[str]) -> Iterable[LabelRow | BadRow]:
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            yield BadRow(number, f"JSON tidak valid: {exc.msg}")
            continue
        yield _row(number, data) if isinstance(data, dict) else BadRow(number, "baris harus objek JSON")


def _csv(text: str) -> Iterable[LabelRow | BadRow]:
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "id" not in [f.strip().lower() for f in reader.fieldnames]:
        yield BadRow(1, "CSV harus punya kepala kolom: id,sentiment,topics,flags")
        return
    for number, raw in enumerate(reader, start=2):
        data = {str(k).strip().lower(): v for k, v in raw.items() if k is not None}
        yield _row(number, data)
