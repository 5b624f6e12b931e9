"""Topics and flags learned from labelled posts, with the seed terms as features.

Seed terms alone (`taxonomy.py`) are precise but miss paraphrases ("air PDAM keruh 3 hari" says
nothing from the list) and cannot read stance: "jangan percaya hoaks, cek info resmi" holds the
seed term "hoaks" but spreads nothing. The tagger keeps the seed terms as the strongest
features and adds what the sentiment model already computes for each text: the hashed
character n-grams (folded into a smaller table) and the pooled word vectors. One logistic
regression per label (one-vs-rest), a threshold per label chosen on development posts.

Every label's seed-term features see every label's hits, so `hoaks` learns that a hit on the
`klarifikasi` cues ("cek fakta", "tidak benar", "jangan percaya") speaks against it.

The tagger stores the seed terms it was trained with (`tagger.json`): a model must see at
inference the features it saw in training, whatever the taxonomy in the code says later.
Labels are `topics/<name>` and `flags/<name>`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from monitor.classify.ngram import SparseBatch, column_major, sparse_dot
from monitor.classify.taxonomy import KeywordTagger

TAGGER_FILE = "tagger.safetensors"
TAGGER_CONFIG = "tagger.json"
# Scores below this are not reported: they only clutter the stored document.
REPORT_FLOOR = 0.2


def split_label(label: str) -> tuple[str, str]:
    kind, _, name = label.partition("/")
    return kind, name


def sigmoid(x: np.ndarray) -> np.ndarray:
    result: np.ndarray = 1.0 / (1.0 + np.exp(-np.clip(x, -30, 30)))
    return result


@dataclass(frozen=True)
class TagResult:
    topics: tuple[str, ...]
    topic_scores: dict[str, float]
    flags: tuple[str, ...]


class SeedFeatures:
    """Per label, 1 - exp(-hits) of its seed terms: the taxonomy as features."""

    def __init__(self, terms: Mapping[str, Sequence[str]]):
        self.terms = {label: list(t) for label, t in terms.items()}
        self.labels = list(terms)
        self._tagger = KeywordTagger(self.terms)
        self._column = {label: i for i, label in enumerate(self.labels)}

    def matrix(self, normalized: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(normalized), len(self.labels)), dtype=np.float32)
        for row, text in enumerate(normalized):
            for label, score in self._tagger.scores(text).items():
                out[row, self._column[label]] = score
        return out


@dataclass
class LearnedTagger:
    """logit[label] = seeds @ seed_weight + ngrams @ ngram_weight + vectors @ vector_weight + bias."""

    labels: list[str]
    seeds: SeedFeatures
    seed_weight: np.ndarray  # [S, L]
    ngram_weight: np.ndarray  # [2^bits, L]
    vector_weight: np.ndarray  # [2D, L]
    bias: np.ndarray  # [L]
    thresholds: np.ndarray  # [L]
    # Hash bits dropped from the sentiment n-gram ids (18 -> 18 - fold bits).
    fold: int

    def logits(self, seeds: np.ndarray, ngrams: SparseBatch, vectors: np.ndarray) -> np.ndarray:
        result: np.ndarray = (
            seeds @ self.seed_weight
            + sparse_dot(ngrams, self.ngram_weight, self.fold)
            + vectors @ self.vector_weight
            + self.bias
        )
        return result

    def probabilities(self, normalized: Sequence[str], ngrams: SparseBatch, vectors: np.ndarray) -> np.ndarray:
        return sigmoid(self.logits(self.seeds.matrix(normalized), ngrams, vectors))

    def results(self, probs: np.ndarray, topics: Sequence[str] | None = None) -> list[TagResult]:
        """Labels at or above their thresholds; `topics` limits the topic names (an agency's own list)."""
        allowed = set(topics) if topics is not None else None
        columns = [
            (i, *split_label(label))
            for i, label in enumerate(self.labels)
            if not (allowed is not None and split_label(label)[0] == "topics" and split_label(label)[1] not in allowed)
        ]
        # Python floats throughout: indexing numpy arrays per element cost more than the model.
        thresholds = self.thresholds.tolist()
        out = []
        for row in probs.tolist():
            found: dict[str, list[tuple[float, str]]] = {"topics": [], "flags": []}
            scores: dict[str, float] = {}
            for i, kind, name in columns:
                p = row[i]
                if kind == "topics" and p >= REPORT_FLOOR:
                    scores[name] = round(p, 4)
                if p >= thresholds[i]:
                    found[kind].append((p, name))
            out.append(
                TagResult(
                    topics=tuple(name for _, name in sorted(found["topics"], reverse=True)),
                    topic_scores=scores,
                    flags=tuple(name for _, name in sorted(found["flags"], reverse=True)),
                )
            )
        return out

    def names(self, kind: str) -> list[str]:
        return [split_label(label)[1] for label in self.labels if split_label(label)[0] == kind]

    def save(self, directory: Path) -> None:
        from safetensors.numpy import save_file

        tensors = {
            "seed_weight": self.seed_weight.astype(np.float32),
            "ngram_weight": self.ngram_weight.astype(np.float16),
            "vector_weight": self.vector_weight.astype(np.float32),
            "bias": self.bias.astype(np.float32),
            "thresholds": self.thresholds.astype(np.float32),
        }
        save_file({k: np.ascontiguousarray(v) for k, v in tensors.items()}, str(directory / TAGGER_FILE))
        meta = {"labels": self.labels, "seed_terms": self.seeds.terms, "fold": self.fold}
        (directory / TAGGER_CONFIG).write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> LearnedTagger | None:
        if not (directory / TAGGER_FILE).exists():
            return None
        from safetensors.numpy import load_file

        t = load_file(str(directory / TAGGER_FILE))
        meta = json.loads((directory / TAGGER_CONFIG).read_text(encoding="utf-8"))
        return cls(
            list(meta["labels"]),
            SeedFeatures(meta["seed_terms"]),
            t["seed_weight"],
            column_major(t["ngram_weight"].astype(np.float32)),
            t["vector_weight"],
            t["bias"],
            t["thresholds"],
            int(meta["fold"]),
        )
