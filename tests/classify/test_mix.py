from __future__ import annotations

import numpy as np
import pytest

from monitor.classify.mix import SentimentMix, log_softmax


def test_a_directory_without_a_mix_file_is_the_transformer_alone(tmp_path):
    assert SentimentMix.load(tmp_path) == SentimentMix({"transformer": 1.0})


def test_mix_round_trips(tmp_path):
    mix = SentimentMix({"ngram": 0.4, "wordvec": 0.4, "lexicon": 0.2})
    mix.save(tmp_path)
    assert SentimentMix.load(tmp_path) == mix
    assert mix.weight("transformer") == 0.0


@pytest.mark.parametrize("weights", [{"bert": 1.0}, {"ngram": 0.0}, {}])
def test_unknown_parts_or_no_weight_are_rejected(weights):
    with pytest.raises(ValueError, match="campuran sentimen"):
        SentimentMix(weights)


def test_combine_is_a_normalised_weighted_geometric_mean():
    a = log_softmax(np.array([[2.0, 0.0, -1.0]]))
    b = log_softmax(np.array([[-1.0, 0.0, 3.0]]))
    probs = SentimentMix({"ngram": 0.75, "wordvec": 0.25}).combine({"ngram": a, "wordvec": b})
    expected = np.exp(0.75 * a + 0.25 * b)
    assert np.allclose(probs, expected / expected.sum(), atol=1e-6)
    # a part with weight 0 needs no input at all
    assert np.allclose(SentimentMix({"ngram": 1.0}).combine({"ngram": a}), np.exp(a), atol=1e-6)
