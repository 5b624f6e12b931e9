"""Scores that mean what they say: temperature calibration and the deployment's class priors.

Two corrections, applied in this order to the mix's probabilities:

1. **Temperature** (Guo et al., 2017): logits divided by one number `T` fitted on labelled
   development posts (the team's social dev split), so that a score of 0.8 is right about 80 %
   of the time. It never changes which label is on top.
2. **Class priors** (Saerens, Latinne and Decaestecker, 2002): the model was trained with a
   class-balanced loss, so its posteriors assume the classes are equally frequent
   (`train_prior`). A deployment's stream is not: tweets about an agency are about half neutral.
   The EM procedure below estimates the stream's own priors from the model's posteriors on the
   stored mentions, with no labels, and the posteriors are re-weighted by new / train prior.
   This moves borderline posts (a news share with one negative word) to the class the stream
   actually holds more of, instead of a hand-set offset.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

PRIORS_FILE = "priors.json"


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    result: np.ndarray = exp / exp.sum(axis=1, keepdims=True)
    return result


def nll(probs: np.ndarray, gold: np.ndarray) -> float:
    """Mean negative log-likelihood of the gold classes."""
    return float(-np.log(np.maximum(probs[np.arange(len(gold)), gold], 1e-12)).mean())


def fit_temperature(log_probs: np.ndarray, gold: np.ndarray) -> float:
    """The T in [0.05, 20] minimising the dev NLL of softmax(log_probs / T) (golden-section on log T)."""
    lo, hi = np.log(0.05), np.log(20.0)
    ratio = (np.sqrt(5) - 1) / 2

    def loss(log_t: float) -> float:
        return nll(softmax(log_probs / np.exp(log_t)), gold)

    a, b = hi - ratio * (hi - lo), lo + ratio * (hi - lo)
    fa, fb = loss(a), loss(b)
    for _ in range(60):
        if fa < fb:
            hi, b, fb = b, a, fa
            a = hi - ratio * (hi - lo)
            fa = loss(a)
        else:
            lo, a, fa = a, b, fb
            b = lo + ratio * (hi - lo)
            fb = loss(b)
    return float(np.exp((lo + hi) / 2))


def fit_scaling(log_probs: np.ndarray, gold: np.ndarray, *, steps: int = 2000) -> tuple[float, np.ndarray]:
    """Temperature and a bias per class ("vector scaling" with one shared scale, Guo et al. 2017):
    softmax(log_probs / T + b), both fitted by maximum likelihood on labelled dev posts.

    The bias is what the temperature alone cannot fix: a model trained mostly on reviews
    leans towards `negative` on social posts (a complaint word in a news share); the dev posts,
    labelled by people, say by how much. Fitted, not hand-set; b is centred (sums to 0).
    """
    log_t = np.log(fit_temperature(log_probs, gold))
    bias = np.zeros(log_probs.shape[1])
    onehot = np.eye(log_probs.shape[1])[gold]
    m, v = np.zeros(1 + len(bias)), np.zeros(1 + len(bias))
    for t in range(1, steps + 1):
        scaled = log_probs / np.exp(log_t)
        residual = (softmax(scaled + bias) - onehot) / len(gold)
        grad = np.concatenate(([-(residual * scaled).sum()], residual.sum(0)))
        m = 0.9 * m + 0.1 * grad
        v = 0.999 * v + 0.001 * grad * grad
        step = 0.01 * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
        log_t -= step[0]
        bias -= step[1:]
    return float(np.exp(log_t)), bias - bias.mean()


def expected_calibration_error(probs: np.ndarray, gold: np.ndarray, bins: int = 10) -> float:
    """Top-label ECE: |accuracy - confidence| per confidence bin, weighted by the bin's size."""
    confidence = probs.max(axis=1)
    correct = probs.argmax(axis=1) == gold
    edges = np.linspace(0, 1, bins + 1)
    total = 0.0
    for low, high in itertools.pairwise(edges):
        inside = (confidence > low) & (confidence <= high)
        if inside.any():
            total += inside.mean() * abs(correct[inside].mean() - confidence[inside].mean())
    return float(total)


def adjust_to_priors(probs: np.ndarray, train_prior: np.ndarray, new_prior: np.ndarray) -> np.ndarray:
    """Posteriors re-weighted from the training priors to the deployment's (Saerens et al., eq. 2.4)."""
    weighted = probs * (np.asarray(new_prior) / np.asarray(train_prior))[None, :]
    result: np.ndarray = weighted / np.maximum(weighted.sum(axis=1, keepdims=True), 1e-12)
    return result


def estimate_priors(
    probs: np.ndarray, train_prior: np.ndarray, *, iterations: int = 200, tolerance: float = 1e-6
) -> np.ndarray:
    """The class priors of an unlabelled set, by EM on its posteriors (Saerens et al., 2002, §2.3).

    E-step: each post's posterior re-weighted to the current prior estimate; M-step: the new
    estimate is the mean of those posteriors. Converges to the maximum-likelihood priors when
    the posteriors are calibrated (hence the temperature first).
    """
    train = np.asarray(train_prior, dtype=np.float64)
    prior = train.copy()
    if len(probs) == 0:
        return prior
    probs = np.asarray(probs, dtype=np.float64)
    for _ in range(iterations):
        updated = adjust_to_priors(probs, train, prior).mean(axis=0)
        updated = np.maximum(updated, 1e-4)
        updated /= updated.sum()
        converged = bool(np.abs(updated - prior).max() < tolerance)
        prior = updated
        if converged:
            break
    result: np.ndarray = prior
    return result


@dataclass(frozen=True)
class DeploymentPriors:
    """Class priors estimated on one deployment's stored mentions (written by `monitor train`)."""

    labels: tuple[str, ...]
    priors: tuple[float, ...]
    mentions: int
    estimated_at: str

    def as_array(self, labels: Sequence[str]) -> np.ndarray:
        by_label = dict(zip(self.labels, self.priors, strict=True))
        return np.array([by_label[label] for label in labels], dtype=np.float64)

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        data = {
            "labels": list(self.labels),
            "priors": [round(p, 6) for p in self.priors],
            "mentions": self.mentions,
            "estimated_at": self.estimated_at,
        }
        (directory / PRIORS_FILE).write_text(json.dumps(data, indent=1), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> DeploymentPriors | None:
        path = directory / PRIORS_FILE
        if not path.is_file():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(
            tuple(data["labels"]), tuple(float(p) for p in data["priors"]), int(data["mentions"]), data["estimated_at"]
        )
