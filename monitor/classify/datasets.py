"""Readers for the labelled Indonesian data in `../shared/data` (training and evaluation only).

The data is never copied into the repository; every reader takes the data directory.
"""

from __future__ import annotations

import csv
import gzip
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SENTIMENT_LABELS = ("negative", "neutral", "positive")
SMSA = Path("indonlu/smsa_doc-sentiment-prosa")
INDOLEM = Path("indolem-sentiment")
EMOT = Path("indonlu/emot_emotion-twitter")
CORPUS = Path("corpus")


@dataclass(frozen=True)
class Example:
    text: str
    label: str


def smsa(data_dir: Path, split: str) -> list[Example]:
    """SmSA (IndoNLU): `text<TAB>label`, labels positive/neutral/negative."""
    rows = []
    with open(data_dir / SMSA / f"{split}_preprocess.tsv", encoding="utf-8") as handle:
        for line in handle:
            text, _, label = line.rstrip("\n").rpartition("\t")
            if text:
                rows.append(Example(text, label))
    return rows


def indolem(data_dir: Path, split: str) -> list[Example]:
    """IndoLEM sentiment fold file (`train0`, `dev3`, `test4`, ...): 1 positive, 0 negative."""
    with open(data_dir / INDOLEM / f"{split}.csv", encoding="utf-8", newline="") as handle:
        return [
            Example(row["sentence"], "positive" if row["sentiment"].strip() == "1" else "negative")
            for row in csv.DictReader(handle)
        ]


def emot(data_dir: Path, split: str) -> list[Example]:
    """EmoT (IndoNLU) tweets: CSV `label,tweet` with five emotions."""
    with open(data_dir / EMOT / f"{split}_preprocess.csv", encoding="utf-8", newline="") as handle:
        return [Example(row["tweet"], row["label"]) for row in csv.DictReader(handle)]


def corpus_lines(data_dir: Path) -> Iterator[str]:
    """Every non-empty line of the unlabelled corpus, files in name order (reproducible)."""
    for path in sorted((data_dir / CORPUS).glob("*.txt.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            for raw in handle:
                line = raw.strip()
                if line:
                    yield line


EMOT_POLARITY = {
    "happy": "positive",
    "love": "positive",
    "anger": "negative",
    "sadness": "negative",
    "fear": "negative",
}


def emot_polarity(data_dir: Path, split: str) -> list[Example]:
    """EmoT tweets as binary sentiment: happy and love positive, anger, sadness and fear negative."""
    return [Example(e.text, EMOT_POLARITY[e.label]) for e in emot(data_dir, split)]


@dataclass(frozen=True)
class Post:
    """A labelled post of the team's own sets (`models/eval/social_id`, `models/eval/domain_shift`)."""

    id: str
    text: str
    sentiment: str
    topics: tuple[str, ...]
    flags: tuple[str, ...]
    split: str
    kind: str

    @property
    def example(self) -> Example:
        return Example(self.text, self.sentiment)


def posts(paths: list[Path], split: str | None = None) -> list[Post]:
    """The posts of JSON Lines files (fields as in models/eval/social_id/README.md), one split or all."""
    import json

    out = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            if split is None or row.get("split") == split:
                out.append(
                    Post(
                        str(row["id"]),
                        row["text"],
                        row["sentiment"],
                        tuple(row.get("topics") or ()),
                        tuple(row.get("flags") or ()),
                        str(row.get("split") or ""),
                        str(row.get("kind") or ""),
                    )
                )
    return out
