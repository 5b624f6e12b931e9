"""Macro-F1, the score every dataset is reported in (each class counts equally)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence


def f1_per_class(
    gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str], weights: Mapping[str, float] | None = None
) -> dict[str, float]:
    """F1 per class; `weights` (gold class -> weight of each of its examples) count examples unequally."""
    out = {}
    for label in labels:
        tp = fp = fn = 0.0
        for g, p in zip(gold, predicted, strict=True):
            w = weights[g] if weights is not None else 1.0
            tp += w if g == label and p == label else 0.0
            fp += w if g != label and p == label else 0.0
            fn += w if g == label and p != label else 0.0
        out[label] = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return out


def macro_f1(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]) -> float:
    scores = f1_per_class(gold, predicted, labels)
    return sum(scores.values()) / len(scores)


def balanced_macro_f1(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]) -> float:
    """Macro-F1 of the set re-weighted so every gold class weighs the same: what a test split
    with balanced classes would score, estimated on a split that leans towards one class
    (SmSA valid is 58 % positive; SmSA test is balanced). Precision depends on the class
    balance, recall does not; re-weighting puts the precision on the balanced footing."""
    counts = Counter(gold)
    weights = {label: 1.0 / n for label, n in counts.items()}
    scores = f1_per_class(gold, predicted, labels, weights)
    return sum(scores.values()) / len(scores)
