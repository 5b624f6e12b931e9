"""`monitor classify`: JSONL or plain text lines in, JSONL with sentiment, topics and flags out."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from monitor.cli.common import EXIT_OK, Subparsers, config_arg, config_of

if TYPE_CHECKING:
    from monitor.classify.base import Classifier

# Lines read before they are classified together (the classifier batches within).
READ_BATCH = 256


def register(sub: Subparsers) -> None:
    classify = sub.add_parser(
        "classify",
        help="klasifikasi teks dari JSONL atau baris teks",
        description='Masukan: JSONL ({"id":..., "text":...} per baris) atau baris teks biasa. '
        "Keluaran: JSONL dengan sentiment, scores, topics, flags.",
    )
    config_arg(classify)
    classify.add_argument("--input", "-i", type=Path, default=None, help="file masukan (bawaan: stdin)")
    classify.add_argument("--output", "-o", type=Path, default=None, help="file keluaran (bawaan: stdout)")
    classify.set_defaults(handler=_classify)


def _classify(args: argparse.Namespace, out: TextIO) -> int:
    from monitor.app import build_classifier

    classifier = build_classifier(config_of(args))
    source = args.input.open(encoding="utf-8", errors="replace") if args.input else sys.stdin
    sink = args.output.open("w", encoding="utf-8") if args.output else out
    try:
        _classify_lines(classifier, source, sink)
    finally:
        if args.input:
            source.close()
        if args.output:
            sink.close()
    return EXIT_OK


def _classify_lines(classifier: Classifier, lines: Iterable[str], sink: TextIO) -> None:
    batch: list[tuple[str, str]] = []
    for number, line in enumerate(lines, start=1):
        if line.strip():
            batch.append(read_input(line, number))
        if len(batch) >= READ_BATCH:
            _write(classifier, batch, sink)
            batch = []
    _write(classifier, batch, sink)


def read_input(line: str, number: int) -> tuple[str, str]:
    """(id, text): a JSON object with `text` (and maybe `id`), or else the line itself as text."""
    stripped = line.strip()
    if stripped.startswith("{"):
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError:
            data = None
        if isinstance(data, dict):
            return (str(data["id"]) if "id" in data else str(number)), str(data.get("text") or "")
    return str(number), stripped


def _write(classifier: Classifier, batch: list[tuple[str, str]], sink: TextIO) -> None:
    if not batch:
        return
    for (item_id, _text), result in zip(batch, classifier.classify([text for _, text in batch]), strict=True):
        print(json.dumps({"id": item_id, **result.to_json()}, ensure_ascii=False), file=sink)
