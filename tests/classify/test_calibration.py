"""Calibration and prior correction on synthetic posteriors whose truth is known."""

from __future__ import annotations

import numpy as np
import pytest

from monitor.classify.calibration import (
    DeploymentPriors,
    adjust_to_priors,
    estimate_priors,
    expected_calibration_error,
    fit_scaling,
    fit_temperature,
    nll,
    softmax,
)

UNIFORM = np.full(3, 1 / 3)


def stream(priors: list[float], n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Posts drawn with these class priors and a calibrated model's posteriors for them (the
    model was trained on balanced classes: it knows p(x|y), assumes uniform priors)."""
    gold = rng.choice(3, size=n, p=priors)
    means = np.eye(3) * 2.0
    x = means[gold] + rng.normal(size=(n, 3))
    # log p(x|y) up to a constant, for unit-variance Gaussians around each mean
    log_lik = -0.5 * ((x[:, None, :] - means[None, :, :]) ** 2).sum(-1)
    return softmax(log_lik), gold


def test_em_recovers_the_stream_priors_from_unlabelled_posteriors():
    rng = np.random.default_rng(7)
    truth = [0.2, 0.55, 0.25]  # a stream that is about half neutral
    probs, _ = stream(truth, 6000, rng)
    assert np.abs(probs.mean(0) - truth).max() > 0.05  # the plain average is biased towards uniform
    estimated = estimate_priors(probs, UNIFORM)
    assert np.abs(estimated - truth).max() < 0.03


def test_prior_correction_raises_accuracy_on_a_shifted_stream():
    rng = np.random.default_rng(8)
    probs, gold = stream([0.2, 0.6, 0.2], 6000, rng)
    corrected = adjust_to_priors(probs, UNIFORM, estimate_priors(probs, UNIFORM))
    assert (corrected.argmax(1) == gold).mean() > (probs.argmax(1) == gold).mean() + 0.02
    assert nll(corrected, gold) < nll(probs, gold)
    assert np.allclose(corrected.sum(1), 1.0)


def test_equal_priors_change_nothing_and_empty_input_keeps_the_training_prior():
    probs = softmax(np.random.default_rng(1).normal(size=(50, 3)))
    assert np.allclose(adjust_to_priors(probs, UNIFORM, UNIFORM), probs)
    assert np.allclose(estimate_priors(np.zeros((0, 3)), UNIFORM), UNIFORM)


def test_temperature_undoes_overconfidence():
    rng = np.random.default_rng(3)
    probs, gold = stream([1 / 3] * 3, 4000, rng)
    overconfident = np.log(probs) * 3.0
    t = fit_temperature(overconfident, gold)
    assert t == pytest.approx(3.0, rel=0.15)
    before, after = softmax(overconfident), softmax(overconfident / t)
    assert nll(after, gold) < nll(before, gold)
    assert expected_calibration_error(after, gold) < expected_calibration_error(before, gold)
    assert (after.argmax(1) == before.argmax(1)).all()  # never changes the top label


def test_scaling_learns_a_lean_towards_one_class():
    rng = np.random.default_rng(4)
    probs, gold = stream([1 / 3] * 3, 4000, rng)
    leaning = np.log(probs) + np.array([0.8, -0.4, -0.4])  # reads too much "negative"
    t, bias = fit_scaling(leaning, gold)
    assert bias[0] < bias[1] and bias[0] < bias[2] and abs(bias.sum()) < 1e-6
    fixed = softmax(leaning / t + bias)
    assert nll(fixed, gold) < nll(softmax(leaning), gold)


def test_deployment_priors_round_trip(tmp_path):
    priors = DeploymentPriors(("negative", "neutral", "positive"), (0.3, 0.5, 0.2), 1234, "2026-11-30T08:00:00+00:00")
    priors.save(tmp_path)
    loaded = DeploymentPriors.load(tmp_path)
    assert loaded == priors
    assert list(loaded.as_array(["positive", "negative", "neutral"])) == [0.2, 0.3, 0.5]
    assert DeploymentPriors.load(tmp_path / "tidak-ada") is None
