"""How good the classifier is on labelled text: scores, confusion matrix, worst errors.

Labelled sets: the team's own posts (`models/eval/social_id/`, written for this project), the
public datasets in `../shared/data` (read through monitor.classify.datasets; evaluation only
here), and an office's own corrections (monitor.analysis.export.read_corrections).

Sets without a neutral class (IndoLEM, EmoT) are scored as `models/evaluate.py` scores them: a
3-class model's answer is whichever of P(positive) and P(negative) is larger.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from monitor.classify import datasets
from monitor.classify.base import Classifier
from monitor.records import Classification

LABELS = datasets.SENTIMENT_LABELS
BINARY = ("negative", "positive")


@dataclass(frozen=True)
class Labelled:
    text: str
    label: str


@dataclass(frozen=True)
class Miss:
    text: str
    gold: str
    predicted: str
    # The model's probability for what it said: a confident miss is the most instructive.
    confidence: float


@dataclass(frozen=True)
class QualityReport:
    name: str
    labels: tuple[str, ...]
    texts: tuple[str, ...]
    gold: tuple[str, ...]
    predicted: tuple[str, ...]
    confidence: tuple[float, ...]

    @property
    def size(self) -> int:
        return len(self.gold)

    def confusion(self) -> list[list[int]]:
        """Rows: the true label; columns: what the model said (both in `labels` order)."""
        index = {label: i for i, label in enumerate(self.labels)}
        matrix = [[0] * len(self.labels) for _ in self.labels]
        for gold, predicted in zip(self.gold, self.predicted, strict=True):
            matrix[index[gold]][index[predicted]] += 1
        return matrix

    def f1(self) -> dict[str, float]:
        matrix = self.confusion()
        scores = {}
        for i, label in enumerate(self.labels):
            tp = matrix[i][i]
            fp = sum(row[i] for row in matrix) - tp
            fn = sum(matrix[i]) - tp
            scores[label] = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        return scores

    @property
    def macro_f1(self) -> float:
        scores = self.f1()
        return sum(scores.values()) / len(scores) if scores else 0.0

    @property
    def accuracy(self) -> float:
        right = sum(g == p for g, p in zip(self.gold, self.predicted, strict=True))
        return right / self.size if self.size else 0.0

    def worst(self, n: int = 10) -> list[Miss]:
        """The most confident mistakes."""
        misses = [
            Miss(t, g, p, c)
            for t, g, p, c in zip(self.texts, self.gold, self.predicted, self.confidence, strict=True)
            if g != p
        ]
        return sorted(misses, key=lambda m: -m.confidence)[:n]


def _answer(result: Classification, binary: bool) -> tuple[str, float]:
    scores = result.scores
    if binary:
        positive, negative = scores.get("positive", 0.0), scores.get("negative", 0.0)
        label = "positive" if positive >= negative else "negative"
        total = positive + negative
        return label, (max(positive, negative) / total if total else 0.5)
    if result.sentiment is None:
        # Not classified (empty, not Indonesian): counted as neutral, the monitor's reading of it.
        return "neutral", 0.0
    return result.sentiment.value, scores.get(result.sentiment.value, 0.0)


def evaluate(
    classifier: Classifier, examples: Sequence[Labelled], name: str, *, binary: bool = False, batch: int = 256
) -> QualityReport:
    """Classify every example and compare with its label; `binary` for sets without neutral."""
    answers: list[tuple[str, float]] = []
    texts = [e.text for e in examples]
    for start in range(0, len(texts), batch):
        answers += [_answer(r, binary) for r in classifier.classify(texts[start : start + batch])]
    return QualityReport(
        name,
        BINARY if binary else LABELS,
        tuple(texts),
        tuple(e.label for e in examples),
        tuple(a for a, _ in answers),
        tuple(c for _, c in answers),
    )


def team_posts(path: Path, *, split: str | None = "test") -> list[Labelled]:
    """The team's own labelled posts (JSON Lines with `text`, `sentiment`, `split`): every file
    under `path` when it is a folder."""
    files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
    rows = []
    for file in files:
        for line in file.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                if split is None or row.get("split") == split:
                    rows.append(Labelled(row["text"], row["sentiment"]))
    return rows


def save_labelled(path: Path, examples: Sequence[Labelled], *, split: str = "test") -> Path:
    """Labelled texts (an office's corrections) as JSON Lines in the team's format, so
    `team_posts(path)` reads them back as an evaluation set."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps({"text": e.text, "sentiment": e.label, "split": split}, ensure_ascii=False) for e in examples]
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


# name -> (reader, scored as binary): the public test sets, read from the shared data folder.
SHARED_SETS: dict[str, tuple[Callable[[Path], list[datasets.Example]], bool]] = {
    "SmSA test": (lambda d: datasets.smsa(d, "test"), False),
    "IndoLEM test0": (lambda d: datasets.indolem(d, "test0"), True),
    "EmoT test": (lambda d: datasets.emot_polarity(d, "test"), True),
}


def shared_sets(data_dir: Path) -> dict[str, tuple[list[Labelled], bool]]:
    """The public test sets present under `data_dir` (missing ones are left out)."""
    found = {}
    for name, (read, binary) in SHARED_SETS.items():
        try:
            examples = read(data_dir)
        except FileNotFoundError:
            continue
        found[name] = ([Labelled(e.text, e.label) for e in examples], binary)
    return found
