"""How a model directory's sentiment parts are combined: a weighted geometric mean.

The default model has four parts: the transformer, the character n-gram head, the word-vector
head and the team's word list (lexicon). `train.py` chooses their weights on validation data
and writes them to `sentiment_mix.json`; a part with weight 0 is not even run. A directory
without the file (any Hugging Face model a user brings) is the transformer alone.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

MIX_FILE = "sentiment_mix.json"
PARTS = ("transformer", "ngram", "wordvec", "lexicon")


def log_softmax(x: np.ndarray) -> np.ndarray:
    shifted = x - x.max(axis=1, keepdims=True)
    result: np.ndarray = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return result


@dataclass(frozen=True)
class SentimentMix:
    weights: Mapping[str, float] = field(default_factory=lambda: {"transformer": 1.0})

    def __post_init__(self) -> None:
        unknown = set(self.weights) - set(PARTS)
        if unknown or not any(w > 0 for w in self.weights.values()):
            raise ValueError(
                f"{MIX_FILE}: campuran sentimen tidak sah {dict(self.weights)}; bagian yang dikenal: "
                f"{', '.join(PARTS)}, dan setidaknya satu harus berbobot di atas 0"
            )

    def weight(self, part: str) -> float:
        return float(self.weights.get(part, 0.0))

    def combine(self, log_probs: Mapping[str, np.ndarray]) -> np.ndarray:
        """Probabilities from each used part's log-probabilities (every used part must be given)."""
        total = sum(self.weight(part) * log_probs[part] for part in PARTS if self.weight(part) > 0)
        probabilities: np.ndarray = np.exp(log_softmax(np.asarray(total, dtype=np.float32)))
        return probabilities

    def save(self, directory: Path) -> None:
        (directory / MIX_FILE).write_text(json.dumps(dict(self.weights), indent=1), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> SentimentMix:
        path = directory / MIX_FILE
        if not path.exists():
            return cls()
        return cls({str(k): float(v) for k, v in json.loads(path.read_text(encoding="utf-8")).items()})
