"""The class-balanced macro-F1 that models/train.py can choose the sentiment mix by."""

from __future__ import annotations

import numpy as np

from models.metrics import balanced_macro_f1, macro_f1
from models.train import Scorer, choose_mix
from monitor.classify.datasets import Example

LABELS = ["negative", "neutral", "positive"]


def test_on_a_balanced_set_it_is_plain_macro_f1():
    gold = ["negative", "neutral", "positive"] * 4
    predicted = ["negative", "negative", "positive", "neutral", "neutral", "positive"] * 2
    assert balanced_macro_f1(gold, predicted, LABELS) == macro_f1(gold, predicted, LABELS)


def test_it_scores_a_leaning_set_as_the_same_set_resampled_to_balance():
    # 6 positive, 3 negative, 2 neutral (like SmSA valid, which leans positive); repeating each
    # class up to 6 gives the balanced set a balanced test split would be.
    gold = ["positive"] * 6 + ["negative"] * 3 + ["neutral"] * 2
    predicted = ["positive"] * 5 + ["negative"] + ["negative", "negative", "positive"] + ["neutral", "negative"]
    balanced_gold = gold[:6] + gold[6:9] * 2 + gold[9:] * 3
    balanced_predicted = predicted[:6] + predicted[6:9] * 2 + predicted[9:] * 3
    expected = macro_f1(balanced_gold, balanced_predicted, LABELS)
    assert abs(balanced_macro_f1(gold, predicted, LABELS) - expected) < 1e-12
    assert abs(balanced_macro_f1(gold, predicted, LABELS) - macro_f1(gold, predicted, LABELS)) > 0.01


def test_reading_the_rare_class_as_the_common_one_costs_more_once_balanced():
    # Half the neutral posts read as negative: on a set with few neutral posts plain macro-F1
    # barely notices the negatives it wrongly gained; a balanced test would.
    gold = ["negative"] * 20 + ["neutral"] * 4 + ["positive"] * 20
    predicted = ["negative"] * 20 + ["negative", "negative", "neutral", "neutral"] + ["positive"] * 20
    assert balanced_macro_f1(gold, predicted, LABELS) < macro_f1(gold, predicted, LABELS)


# The mix choice itself (models/train.py): a dev set that leans positive, like SmSA valid, and two
# parts. "ngram" reads 1 of the 4 neutral posts as negative; "wordvec" keeps every neutral post
# but reads 3 of the 16 positive ones as neutral. Plain macro-F1 prefers the first (0.915 vs
# 0.875); a balanced test split would prefer the second (0.937 vs 0.915).
CONFIDENT = {"negative": [0.8, 0.1, 0.1], "neutral": [0.1, 0.8, 0.1], "positive": [0.1, 0.1, 0.8]}


def dev_set(gold: list[str], first: dict[int, str], second: dict[int, str]) -> tuple[Scorer, list[Example], bool]:
    def part(misread: dict[int, str]) -> np.ndarray:
        return np.log([CONFIDENT[misread.get(i, label)] for i, label in enumerate(gold)])

    uniform = np.log(np.full((len(gold), 3), 1 / 3))
    parts = {"ngram": part(first), "wordvec": part(second), "lexicon": uniform}
    return Scorer(parts), [Example(f"post {i}", label) for i, label in enumerate(gold)], False


def test_the_balanced_objective_chooses_the_part_that_keeps_the_rare_class():
    leaning = ["positive"] * 16 + ["negative"] * 4 + ["neutral"] * 4
    balanced = ["negative", "neutral", "positive"] * 6  # the calibration set: both parts agree
    checks = {
        "valid": dev_set(leaning, {20: "negative"}, {0: "neutral", 1: "neutral", 2: "neutral"}),
        "social dev": dev_set(balanced, {0: "neutral", 1: "negative"}, {0: "neutral", 1: "negative"}),
    }
    grid = [
        {"ngram": 0.7, "wordvec": 0.3},
        {"ngram": 0.3, "wordvec": 0.7},
        {"ngram": 0.3, "wordvec": 0.6, "lexicon": 0.1},
    ]
    plain, _ = choose_mix(checks, "raw", grid=grid)
    chosen, summary = choose_mix(checks, "balanced-calibrated", grid=grid)
    assert plain.weight("ngram") > plain.weight("wordvec")
    assert chosen.weight("wordvec") > chosen.weight("ngram")
    assert summary["objective"] == "balanced-calibrated" and summary["dev_scores"]["valid"] > 0.93
