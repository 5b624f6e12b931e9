"""Word vectors learned from unlabelled Indonesian text, pooled per text, with a small MLP on top.

Part of the default sentiment model. The labelled data (SmSA) covers a few thousand words; the
vectors, learned without labels from the whole corpus (`models/word_vectors.py`: positive PMI
of word co-occurrence, reduced by SVD), place "lemot" near "lambat" and "lelet", so what the
classifier learns for one word carries to its neighbours, including words it never saw
labelled. A text is the mean and the element-wise max of its words' unit vectors; words outside
the vocabulary are skipped (the n-gram head still sees them).

Vectors are stored as int8 with one scale per row: a quarter of float32, and the pooled
features move by far less than the MLP's decision margins.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from monitor.classify.textprep import prepare

HEAD_FILE = "wordvec_head.safetensors"
HEAD_CONFIG = "wordvec_head.json"
VOCAB_FILE = "wordvec_vocab.txt"
# Words, and each other non-space character alone: "!" and "?" carry sentiment too (emoji are
# words by now: `textprep` names them).
_TOKEN = re.compile(r"\w+|[^\w\s]")


def word_tokens(text: str, *, prepared: bool = False) -> list[str]:
    """The tokens the vectors are learned and looked up on (prepared, lower-cased)."""
    return _TOKEN.findall((text if prepared else prepare(text)).lower())


def unit_rows(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    unit: np.ndarray = (vectors / np.maximum(norms, 1e-12)).astype(np.float32)
    return unit


@dataclass
class WordVectors:
    """The corpus vocabulary and its unit vectors; a text is pooled over the words it knows."""

    vocab: list[str]
    vectors: np.ndarray  # [V, D], unit rows

    def __post_init__(self) -> None:
        self._index = {word: i for i, word in enumerate(self.vocab)}

    def ids(self, words: Sequence[str]) -> np.ndarray:
        """The vocabulary rows of the known words (unknown words left out)."""
        return np.fromiter((self._index[w] for w in words if w in self._index), dtype=np.int64)

    def mean_of(self, texts: Sequence[np.ndarray], weights: np.ndarray) -> np.ndarray:
        """[N, D] per text (given as vocabulary rows) the weighted mean of its words' unit
        vectors, `weights` one per vocabulary row; zeros for a text with no known word."""
        out = np.zeros((len(texts), self.vectors.shape[1]), dtype=np.float32)
        rows = [i for i, ids in enumerate(texts) if len(ids)]
        if not rows:
            return out
        ids = np.concatenate([texts[i] for i in rows])
        lengths = np.array([len(texts[i]) for i in rows])
        starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
        gathered = self.vectors[ids] * weights[ids, None].astype(np.float32)
        out[rows] = np.add.reduceat(gathered, starts, axis=0) / lengths[:, None]
        return out

    def pooled(self, texts: list[str], *, prepared: bool = False) -> np.ndarray:
        """[N, 2D] mean and max of the known words' vectors; zeros for a text with none."""
        dim = self.vectors.shape[1]
        out = np.zeros((len(texts), 2 * dim), dtype=np.float32)
        index = self._index
        ids = [[index[w] for w in word_tokens(t, prepared=prepared) if w in index] for t in texts]
        rows = [i for i, row in enumerate(ids) if row]
        if not rows:
            return out
        lengths = np.array([len(ids[i]) for i in rows])
        starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
        gathered = self.vectors[np.concatenate([ids[i] for i in rows])]
        out[rows, :dim] = np.add.reduceat(gathered, starts, axis=0) / lengths[:, None]
        out[rows, dim:] = np.maximum.reduceat(gathered, starts, axis=0)
        return out


@dataclass
class WordVectorHead:
    """logits = MLP((pooled(text) - mean) / scale), pooled = [mean of unit vectors, max of them]."""

    words: WordVectors
    mean: np.ndarray  # [2D]
    scale: np.ndarray  # [2D]
    hidden_weight: np.ndarray  # [2D, H]
    hidden_bias: np.ndarray  # [H]
    out_weight: np.ndarray  # [H, C]
    out_bias: np.ndarray  # [C]
    labels: list[str]

    def logits(self, texts: list[str]) -> np.ndarray:
        return self.logits_of(self.words.pooled(texts))

    def standardized(self, pooled: np.ndarray) -> np.ndarray:
        result: np.ndarray = (pooled - self.mean) / self.scale
        return result

    def logits_of(self, pooled: np.ndarray) -> np.ndarray:
        """Logits of already pooled texts (the tagger shares the pooled vectors)."""
        x = self.standardized(pooled)
        hidden = np.maximum(x @ self.hidden_weight + self.hidden_bias, 0.0)
        logits: np.ndarray = hidden @ self.out_weight + self.out_bias
        return logits

    def save(self, directory: Path) -> None:
        from safetensors.numpy import save_file

        vectors = self.words.vectors
        row_scale = np.maximum(np.abs(vectors).max(axis=1), 1e-12) / 127.0
        quantized = np.round(vectors / row_scale[:, None]).astype(np.int8)
        tensors = {
            "vectors_int8": quantized,
            "row_scale": row_scale.astype(np.float32),
            "mean": self.mean,
            "scale": self.scale,
            # float16: a third of the file's MLP bytes; logits move far less than the margins.
            "hidden_weight": self.hidden_weight.astype(np.float16),
            "hidden_bias": self.hidden_bias,
            "out_weight": self.out_weight.astype(np.float16),
            "out_bias": self.out_bias,
        }
        save_file({k: np.ascontiguousarray(v) for k, v in tensors.items()}, str(directory / HEAD_FILE))
        (directory / VOCAB_FILE).write_text("\n".join(self.words.vocab) + "\n", encoding="utf-8")
        (directory / HEAD_CONFIG).write_text(json.dumps({"labels": self.labels}, indent=1), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> WordVectorHead | None:
        """The head stored in a model directory, or None when the directory has none."""
        if not (directory / HEAD_FILE).exists():
            return None
        from safetensors.numpy import load_file

        t = load_file(str(directory / HEAD_FILE))
        vocab = (directory / VOCAB_FILE).read_text(encoding="utf-8").split("\n")[:-1]
        meta = json.loads((directory / HEAD_CONFIG).read_text(encoding="utf-8"))
        vectors = unit_rows(t["vectors_int8"].astype(np.float32) * t["row_scale"][:, None])
        return cls(
            WordVectors(vocab, vectors),
            t["mean"],
            t["scale"],
            t["hidden_weight"].astype(np.float32),
            t["hidden_bias"],
            t["out_weight"].astype(np.float32),
            t["out_bias"],
            list(meta["labels"]),
        )


@cache
def shipped_word_vectors() -> WordVectors | None:
    """The shipped model's corpus word vectors, loaded once; None (logged) when they cannot be
    read, for example without the `safetensors` package."""
    from monitor.classify.options import DEFAULT_MODEL_DIR

    try:
        head = WordVectorHead.load(DEFAULT_MODEL_DIR)
    except (ImportError, OSError, ValueError) as exc:
        logging.getLogger(__name__).warning("vektor kata tidak bisa dimuat dari %s: %s", DEFAULT_MODEL_DIR, exc)
        return None
    return head.words if head else None
