"""Hashed character n-gram features with a linear softmax head.

Part of the default sentiment model: a compact transformer pretrained on little text misses
the spelling variety of Indonesian posts (*alay*, elongations, typos) that character n-grams
catch, so the shipped model mixes both (`monitor.classify.mix`). N-grams run across word boundaries ("k enak" in
"tidak enak") so short negation phrases count too. Extraction is vectorised over the UTF-8
bytes of a whole batch with numpy (a Python loop per n-gram costs more than the transformer),
and hashing keeps the head a fixed-size array with no vocabulary file.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from monitor.classify.textprep import prepare

HEAD_FILE = "ngram_head.safetensors"
HEAD_CONFIG = "ngram_head.json"
_MULT = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing spreads the rolling hash over buckets
_BASE = np.uint64(257)
_BASE_INVERSE = np.uint64(pow(257, -1, 1 << 64))  # 257 is odd, so it has an inverse modulo 2^64
_WORD_SALT = np.uint64(0x5851F42D4C957F2D)  # keeps word keys apart from the byte n-gram keys
# Bytes inside a word: ASCII letters and digits, and every non-ASCII byte (letters with
# accents, emoji); everything else (spaces, punctuation) separates words.
_WORD_BYTE = np.zeros(256, dtype=bool)
for _chars in (
    range(ord("a"), ord("z") + 1),
    range(ord("A"), ord("Z") + 1),
    range(ord("0"), ord("9") + 1),
    range(128, 256),
):
    _WORD_BYTE[list(_chars)] = True


@dataclass(frozen=True)
class NgramSpec:
    # n_min must stay <= 2: the padding bigram guarantees every text a feature.
    bits: int = 18
    n_min: int = 2
    n_max: int = 5
    # Word n-grams of 1..words (0: none), hashed into the same table: whole long words
    # ("mengecewakan") and word pairs ("tidak enak") that byte n-grams of up to n_max only cut up.
    words: int = 0


@dataclass(frozen=True)
class SparseBatch:
    """CSR rows: features of text i are ids[indptr[i]:indptr[i+1]] with their weights."""

    indptr: np.ndarray
    ids: np.ndarray
    weights: np.ndarray


def featurize(texts: list[str], spec: NgramSpec, *, prepared: bool = False) -> SparseBatch:
    """Sublinear-tf, L2-normalised hashed byte n-grams of each text (lower-cased, padded).
    `prepared`: the texts already went through `prepare`."""
    encoded = [f" {(t if prepared else prepare(t)).lower()} ".encode() for t in texts]
    sizes = np.fromiter((len(e) for e in encoded), dtype=np.int64, count=len(encoded))
    data = np.frombuffer(b"".join(encoded), dtype=np.uint8).astype(np.uint64)
    starts = np.concatenate(([0], np.cumsum(sizes)))
    doc_of = np.repeat(np.arange(len(texts), dtype=np.int64), sizes)
    keys, docs = [], []
    rolling = np.zeros(len(data), dtype=np.uint64)
    shift = np.uint64(64 - spec.bits)
    for n in range(1, spec.n_max + 1):
        # rolling[i] hashes data[i : i + n]; positions whose n-gram runs past the text are dropped.
        rolling[: len(data) - n + 1] = rolling[: len(data) - n + 1] * np.uint64(257) + data[n - 1 :] + np.uint64(n)
        if n < spec.n_min:
            continue
        valid = np.arange(len(data)) + n <= starts[doc_of + 1]
        keys.append((rolling[valid] * _MULT) >> shift)
        docs.append(doc_of[valid])
    if spec.words:
        word_keys, word_docs = _word_ngrams(data, doc_of, spec.words)
        keys.append((word_keys * _MULT) >> shift)
        docs.append(word_docs)
    key = np.concatenate(keys).astype(np.int64) if keys else np.zeros(0, dtype=np.int64)
    doc = np.concatenate(docs) if docs else np.zeros(0, dtype=np.int64)
    pairs = doc * (1 << spec.bits) + key
    if len(texts) << spec.bits <= np.iinfo(np.int32).max:
        # The same values sorted as 32-bit integers: three times faster (the sort is most of
        # featurizing a batch); at 18 bits a batch of up to 8,191 texts fits.
        pairs = pairs.astype(np.int32)
    pairs, counts = np.unique(pairs, return_counts=True)
    pairs = pairs.astype(np.int64)
    doc_ids, ids = pairs >> spec.bits, pairs & ((1 << spec.bits) - 1)
    weights = (1.0 + np.log(counts)).astype(np.float32)
    indptr = np.searchsorted(doc_ids, np.arange(len(texts) + 1))
    # Every text has at least the bigram of its two padding spaces, so no row is empty.
    norms = np.sqrt(np.add.reduceat(weights**2, indptr[:-1]))
    weights /= np.repeat(norms, np.diff(indptr)).astype(np.float32)
    return SparseBatch(indptr=indptr, ids=ids, weights=weights)


def _word_ngrams(data: np.ndarray, doc_of: np.ndarray, n_max: int) -> tuple[np.ndarray, np.ndarray]:
    """Hashes (before bucketing) of the word 1..n_max-grams of a padded batch, and their texts.

    A word's hash is the polynomial hash of its bytes, from prefix sums modulo 2^64:
    (P[end] - P[start]) * 257^-start. Texts are padded with spaces, so no word spans two texts.
    """
    inside = _WORD_BYTE[data]
    before = np.concatenate(([False], inside[:-1]))
    after = np.concatenate((inside[1:], [False]))
    starts = np.flatnonzero(inside & ~before)
    ends = np.flatnonzero(inside & ~after) + 1
    one = np.ones(1, dtype=np.uint64)
    # 257^i and 257^-i modulo 2^64 (uint64 products wrap, which is the modulus)
    powers = np.concatenate((one, np.cumprod(np.full(len(data) - 1, _BASE, dtype=np.uint64))))
    inverse = np.concatenate((one, np.cumprod(np.full(len(data) - 1, _BASE_INVERSE, dtype=np.uint64))))
    prefix = np.concatenate(([np.uint64(0)], np.cumsum(data * powers, dtype=np.uint64)))
    word: np.ndarray = (prefix[ends] - prefix[starts]) * inverse[starts] + _WORD_SALT
    doc: np.ndarray = doc_of[starts]
    keys, docs = [word], [doc]
    gram: np.ndarray = word
    for n in range(2, n_max + 1):
        same = doc[n - 1 :] == doc[: len(doc) - n + 1]
        gram = gram[:-1] * _MULT + word[n - 1 :] + np.uint64(n)
        keys.append(gram[same])
        docs.append(doc[n - 1 :][same])
    return np.concatenate(keys), np.concatenate(docs)


def sparse_dot(batch: SparseBatch, weight: np.ndarray, fold: int = 0) -> np.ndarray:
    """[N, C] = rows of `batch` times `weight` ([buckets >> fold, C]); `fold` drops low hash bits,
    so a smaller table can reuse features hashed for a larger one."""
    ids = batch.ids >> fold if fold else batch.ids
    if weight.flags.f_contiguous and weight.shape[1] > 1:
        # Column by column from a column-major table: each gather reads one column (1 MB at
        # 2^18 buckets, cache-resident) instead of scattered rows of the whole table, which
        # was most of the default model's time at 40 tagger labels (see column_major).
        dtype = np.result_type(weight, batch.weights)
        out = np.empty((len(batch.indptr) - 1, weight.shape[1]), dtype=dtype)
        # Two buffers for every column, gathered with `take` and multiplied in place: the same
        # products and sums as `weight[:, c][ids] * weights`, a third faster without the copies.
        gathered, products = np.empty(len(ids), dtype=weight.dtype), np.empty(len(ids), dtype=dtype)
        for c in range(weight.shape[1]):
            np.take(weight[:, c], ids, out=gathered)
            np.multiply(gathered, batch.weights, out=products)
            out[:, c] = np.add.reduceat(products, batch.indptr[:-1])
        return out
    contrib = weight[ids] * batch.weights[:, None]
    result: np.ndarray = np.add.reduceat(contrib, batch.indptr[:-1], axis=0)
    return result


def column_major(weight: np.ndarray) -> np.ndarray:
    """`weight` ([buckets, C]) stored column by column, the layout `sparse_dot` reads fastest
    for inference (training keeps row-major tables it updates in place)."""
    return np.asfortranarray(weight)


def sparse_transpose_dot(batch: SparseBatch, residual: np.ndarray, buckets: int, fold: int = 0) -> np.ndarray:
    """[buckets, C] = the transpose of `batch` times `residual` ([N, C]): the gradient of a linear head."""
    ids = batch.ids >> fold if fold else batch.ids
    rows = np.repeat(np.arange(len(batch.indptr) - 1), np.diff(batch.indptr))
    out = np.empty((buckets, residual.shape[1]), dtype=np.float64)
    for c in range(residual.shape[1]):
        out[:, c] = np.bincount(ids, weights=batch.weights * residual[rows, c], minlength=buckets)
    return out


class NgramHead:
    """Linear softmax over hashed n-grams: logits = sum(weight_i * W[bucket_i]) + b."""

    def __init__(self, weight: np.ndarray, bias: np.ndarray, labels: list[str], spec: NgramSpec):
        self.weight = column_major(weight.astype(np.float32, order="C"))
        self.bias = bias.astype(np.float32)
        self.labels = labels
        self.spec = spec

    def logits(self, texts: list[str]) -> np.ndarray:
        return self.logits_of(featurize(texts, self.spec))

    def logits_of(self, batch: SparseBatch) -> np.ndarray:
        """Logits of already featurized texts (the tagger shares the same features)."""
        return sparse_dot(batch, self.weight) + self.bias

    def save(self, directory: Path) -> None:
        from safetensors.numpy import save_file

        # float16 halves the file; the logits change far less than the decision margins.
        save_file(
            {"weight": np.ascontiguousarray(self.weight, dtype=np.float16), "bias": self.bias},
            str(directory / HEAD_FILE),
        )
        (directory / HEAD_CONFIG).write_text(
            json.dumps({"labels": self.labels, "spec": asdict(self.spec)}, indent=1), encoding="utf-8"
        )

    @classmethod
    def load(cls, directory: Path) -> NgramHead | None:
        """The head stored next to a transformer, or None when the directory has none."""
        if not (directory / HEAD_FILE).exists():
            return None
        from safetensors.numpy import load_file

        tensors = load_file(str(directory / HEAD_FILE))
        meta = json.loads((directory / HEAD_CONFIG).read_text(encoding="utf-8"))
        return cls(tensors["weight"], tensors["bias"], list(meta["labels"]), NgramSpec(**meta["spec"]))
