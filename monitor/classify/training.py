"""Fitting the light heads in numpy: the recipe of the shipped model and of `monitor train`.

Everything here runs on the base install (no torch). The heads are small enough for full-batch
optimisation on two cores: a multinomial logistic regression over hashed n-grams, an MLP over
pooled word vectors, and the tagger's one-vs-rest logistic regressions.

`anchor`: when a deployment refits the shipped heads on its analysts' corrections, the shipped
weights are both the starting point and the centre of the L2 penalty (L2-SP, Li et al. 2018),
so a few hundred corrections move the model towards the deployment's domain without it
forgetting what it learned from tens of thousands of labelled texts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from monitor.classify.calibration import softmax
from monitor.classify.ngram import NgramHead, NgramSpec, SparseBatch, sparse_dot, sparse_transpose_dot
from monitor.classify.tagger import LearnedTagger, SeedFeatures, sigmoid
from monitor.classify.wordvec import WordVectorHead, WordVectors


class Adam:
    """Adam over a list of arrays, updated in place (decoupled weight decay optional)."""

    def __init__(self, params: list[np.ndarray], lr: float, weight_decay: float = 0.0):
        self.params = params
        self.lr = lr
        self.weight_decay = weight_decay
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]
        self.t = 0

    def step(self, grads: Sequence[np.ndarray]) -> None:
        self.t += 1
        b1, b2 = 0.9, 0.999
        for i, g in enumerate(grads):
            m, v, p = self.m[i], self.v[i], self.params[i]
            np.multiply(m, b1, out=m)
            np.add(m, (1 - b1) * g, out=m)
            np.multiply(v, b2, out=v)
            np.add(v, (1 - b2) * g * g, out=v)
            m_hat = m / (1 - b1**self.t)
            v_hat = v / (1 - b2**self.t)
            if self.weight_decay:
                np.subtract(p, self.lr * self.weight_decay * p, out=p)
            np.subtract(p, self.lr * m_hat / (np.sqrt(v_hat) + 1e-8), out=p)


def restricted_softmax(logits: np.ndarray, allowed: np.ndarray | None) -> np.ndarray:
    """Softmax over the classes an example's dataset can name ([N, C] of 0/1; None: all).

    IndoLEM and EmoT label only positive or negative: they never say "neutral", so their
    examples are not evidence against it. Their likelihood is p(y) / (p(pos) + p(neg)), whose
    gradient is this restricted softmax minus the one-hot label. Training them as 3-class
    examples taught the model that opinionated-looking text is never neutral, and news shares
    with one sad word read as negative.
    """
    if allowed is None:
        return softmax(logits)
    return softmax(np.where(allowed > 0, logits, -1e9))


def balanced_weights(y: np.ndarray, n_classes: int, groups: np.ndarray | None = None) -> np.ndarray:
    """Per-example weights so every class (within every group) weighs the same; they sum to 1."""
    weights = np.zeros(len(y), dtype=np.float64)
    groups = np.zeros(len(y), dtype=np.int64) if groups is None else groups
    for group in np.unique(groups):
        inside = groups == group
        counts = np.bincount(y[inside], minlength=n_classes).astype(np.float64)
        present = counts > 0
        per_class = np.where(present, 1.0 / np.maximum(counts, 1) / present.sum(), 0.0)
        weights[inside] = per_class[y[inside]]
    result: np.ndarray = weights / weights.sum()
    return result


def fit_ngram(
    batch: SparseBatch,
    y: np.ndarray,
    sample_weight: np.ndarray,
    labels: list[str],
    spec: NgramSpec,
    *,
    l2: float = 1e-6,
    iterations: int = 150,
    lr: float = 0.05,
    anchor: NgramHead | None = None,
    allowed: np.ndarray | None = None,
) -> NgramHead:
    """Weighted multinomial logistic regression on hashed n-grams (full-batch Adam).

    With `anchor`, starts from its weights and penalises the distance to them instead of the norm.
    `allowed` ([N, C], see `restricted_softmax`): the classes each example's dataset can name.
    """
    buckets, n_classes = 1 << spec.bits, len(labels)
    start_w = anchor.weight.astype(np.float64) if anchor else np.zeros((buckets, n_classes))
    start_b = anchor.bias.astype(np.float64) if anchor else np.zeros(n_classes)
    weight, bias = start_w.copy(), start_b.copy()
    onehot = np.eye(n_classes)[y]
    optimizer = Adam([weight, bias], lr=lr)
    for _ in range(iterations):
        probs = restricted_softmax(sparse_dot(batch, weight) + bias, allowed)
        residual = (probs - onehot) * sample_weight[:, None]
        grad_w = sparse_transpose_dot(batch, residual, buckets) + 2 * l2 * (weight - start_w if anchor else weight)
        optimizer.step([grad_w, residual.sum(0)])
    return NgramHead(weight.astype(np.float32), bias.astype(np.float32), labels, spec)


@dataclass
class _Mlp:
    w1: np.ndarray
    b1: np.ndarray
    w2: np.ndarray
    b2: np.ndarray


def _train_mlp(
    x: np.ndarray,
    onehot: np.ndarray,
    sample_weight: np.ndarray,
    mlp: _Mlp,
    rng: np.random.Generator,
    *,
    iterations: int,
    lr: float,
    weight_decay: float,
    dropout: float,
    anchor: _Mlp | None,
    anchor_l2: float,
    allowed: np.ndarray | None = None,
) -> _Mlp:
    params = [mlp.w1, mlp.b1, mlp.w2, mlp.b2]
    optimizer = Adam(params, lr=lr, weight_decay=0.0 if anchor else weight_decay)
    keep = 1.0 - dropout
    for _ in range(iterations):
        mask_in = (rng.random(x.shape, dtype=np.float32) < keep) / keep if dropout else 1.0
        xd = x * mask_in
        pre = xd @ mlp.w1 + mlp.b1
        hidden = np.maximum(pre, 0.0)
        mask_h = (rng.random(hidden.shape, dtype=np.float32) < keep) / keep if dropout else 1.0
        hd = hidden * mask_h
        probs = restricted_softmax(hd @ mlp.w2 + mlp.b2, allowed)
        d_logits = ((probs - onehot) * sample_weight[:, None]).astype(np.float32)
        grad_w2 = hd.T @ d_logits
        grad_b2 = d_logits.sum(0)
        d_hidden = (d_logits @ mlp.w2.T) * mask_h * (pre > 0)
        grad_w1 = xd.T @ d_hidden
        grad_b1 = d_hidden.sum(0)
        grads = [grad_w1, grad_b1, grad_w2, grad_b2]
        if anchor is not None:
            grads = [
                g + 2 * anchor_l2 * (p - a)
                for g, p, a in zip(grads, params, [anchor.w1, anchor.b1, anchor.w2, anchor.b2], strict=True)
            ]
        optimizer.step(grads)
    return mlp


def fit_wordvec(
    words: WordVectors,
    pooled: np.ndarray,
    y: np.ndarray,
    sample_weight: np.ndarray,
    labels: list[str],
    *,
    seed: int = 13,
    members: int = 3,
    hidden: int = 256,
    iterations: int = 250,
    lr: float = 3e-3,
    weight_decay: float = 1e-3,
    dropout: float = 0.2,
    anchor: WordVectorHead | None = None,
    anchor_l2: float = 1e-2,
    allowed: np.ndarray | None = None,
) -> WordVectorHead:
    """MLPs on pooled word vectors, averaged (stored as one wider MLP).

    Several MLPs from different seeds, their logits averaged: one MLP's score moved by points
    with its seed. With `anchor`, the anchor's MLP is refitted as one (its members side by side).
    """
    if anchor is not None:
        mean, scale = anchor.mean, anchor.scale
    else:
        mean, scale = pooled.mean(0), pooled.std(0) + 1e-6
    x = ((pooled - mean) / scale).astype(np.float32)
    onehot = np.eye(len(labels), dtype=np.float32)[y]
    sample_weight = sample_weight.astype(np.float32)
    rng = np.random.default_rng(seed)
    if anchor is not None:
        start = _Mlp(
            anchor.hidden_weight.astype(np.float32).copy(),
            anchor.hidden_bias.astype(np.float32).copy(),
            anchor.out_weight.astype(np.float32).copy(),
            anchor.out_bias.astype(np.float32).copy(),
        )
        frozen = _Mlp(start.w1.copy(), start.b1.copy(), start.w2.copy(), start.b2.copy())
        mlp = _train_mlp(
            x,
            onehot,
            sample_weight,
            start,
            rng,
            iterations=iterations,
            lr=lr / 3,
            weight_decay=0.0,
            dropout=dropout,
            anchor=frozen,
            anchor_l2=anchor_l2,
            allowed=allowed,
        )
        return WordVectorHead(words, mean, scale, mlp.w1, mlp.b1, mlp.w2, mlp.b2, labels)
    dim, n_classes = x.shape[1], len(labels)
    trained: list[_Mlp] = []
    for member in range(members):
        init = np.random.default_rng(seed + member)
        bound1, bound2 = 1 / np.sqrt(dim), 1 / np.sqrt(hidden)
        mlp = _Mlp(
            init.uniform(-bound1, bound1, (dim, hidden)).astype(np.float32),
            init.uniform(-bound1, bound1, hidden).astype(np.float32),
            init.uniform(-bound2, bound2, (hidden, n_classes)).astype(np.float32),
            init.uniform(-bound2, bound2, n_classes).astype(np.float32),
        )
        trained.append(
            _train_mlp(
                x,
                onehot,
                sample_weight,
                mlp,
                rng,
                iterations=iterations,
                lr=lr,
                weight_decay=weight_decay,
                dropout=dropout,
                anchor=None,
                anchor_l2=0.0,
                allowed=allowed,
            )
        )
    return WordVectorHead(
        words,
        mean.astype(np.float32),
        scale.astype(np.float32),
        hidden_weight=np.concatenate([m.w1 for m in trained], axis=1),
        hidden_bias=np.concatenate([m.b1 for m in trained]),
        out_weight=np.concatenate([m.w2 for m in trained], axis=0) / members,
        out_bias=np.mean([m.b2 for m in trained], axis=0),
        labels=labels,
    )


def fit_tagger(
    seeds: SeedFeatures,
    seed_matrix: np.ndarray,
    batch: SparseBatch,
    vectors: np.ndarray,
    gold: np.ndarray,
    sample_weight: np.ndarray,
    labels: list[str],
    *,
    fold: int,
    bits: int,
    l2: float = 1e-4,
    iterations: int = 200,
    lr: float = 0.05,
    anchor: LearnedTagger | None = None,
    positive_weight: float = 3.0,
) -> LearnedTagger:
    """One-vs-rest logistic regressions (weighted binary cross-entropy, Adam, full batch).

    Positives weigh `positive_weight` times more: most labels are rare, and a flag or topic
    missed costs the analysts more than one shown in excess. The seed-term weights start at 2
    for a label's own terms, so training starts from the seed-term tagger.
    """
    n_labels = len(labels)
    buckets = 1 << bits
    if anchor is not None:
        start = [anchor.seed_weight, anchor.ngram_weight, anchor.vector_weight, anchor.bias]
    else:
        seed_init = np.zeros((seed_matrix.shape[1], n_labels))
        for j, label in enumerate(labels):
            if label in seeds.labels:
                seed_init[seeds.labels.index(label), j] = 4.0
        start = [
            seed_init,
            np.zeros((buckets, n_labels)),
            np.zeros((vectors.shape[1], n_labels)),
            np.full(n_labels, -2.0),
        ]
    params = [np.asarray(p, dtype=np.float64).copy() for p in start]
    centre = [np.asarray(p, dtype=np.float64) for p in start] if anchor is not None else None
    optimizer = Adam(params, lr=lr)
    # [N] per post, or [N, L] per post and label (0 where a label is unknown for that post).
    per_label = sample_weight if sample_weight.ndim == 2 else sample_weight[:, None]
    weights = per_label * np.where(gold > 0, positive_weight, 1.0)
    weights = weights / weights.sum() * n_labels
    for _ in range(iterations):
        seed_w, ngram_w, vector_w, bias = params
        logits = seed_matrix @ seed_w + sparse_dot(batch, ngram_w, fold) + vectors @ vector_w + bias
        residual = (sigmoid(logits) - gold) * weights
        grads = [
            seed_matrix.T @ residual,
            sparse_transpose_dot(batch, residual, buckets, fold),
            vectors.T @ residual,
            residual.sum(0),
        ]
        for k in (1, 2):  # the seed weights and bias are not shrunk: they carry the taxonomy
            grads[k] = grads[k] + 2 * l2 * (params[k] - centre[k] if centre is not None else params[k])
        optimizer.step(grads)
    seed_w, ngram_w, vector_w, bias = params
    thresholds = anchor.thresholds.copy() if anchor is not None else np.full(n_labels, 0.5, dtype=np.float32)
    return LearnedTagger(
        labels,
        seeds,
        seed_w.astype(np.float32),
        ngram_w.astype(np.float32),
        vector_w.astype(np.float32),
        bias.astype(np.float32),
        thresholds.astype(np.float32),
        fold,
    )


def best_thresholds(
    probs: np.ndarray, gold: np.ndarray, *, default: float = 0.5, grid: Sequence[float] = ()
) -> np.ndarray:
    """Per label, the threshold with the best F1 on labelled dev posts (ties: the higher one)."""
    grid = grid or [round(x, 2) for x in np.arange(0.2, 0.91, 0.05)]
    out = np.full(probs.shape[1], default, dtype=np.float32)
    for j in range(probs.shape[1]):
        if gold[:, j].sum() < 3:  # too few positives to choose on: keep the default
            continue
        best = (-1.0, default)
        for t in grid:
            predicted = probs[:, j] >= t
            tp = float((predicted & (gold[:, j] > 0)).sum())
            f1 = 2 * tp / max(1.0, predicted.sum() + gold[:, j].sum())
            if f1 >= best[0]:
                best = (f1, t)
        out[j] = best[1]
    return out


Progress = Callable[[str], None]
