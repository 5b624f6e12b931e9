"""The shipped default model: loads offline with numpy only, keeps its labels and its scores."""

from __future__ import annotations

import pytest

from models.evaluate import DOMAIN, SOCIAL, neutral_as_negative
from models.metrics import macro_f1
from monitor.classify import CLASSIFIERS, build_classifier, datasets
from monitor.classify.model import LightClassifier
from monitor.classify.options import DEFAULT_MODEL_DIR
from monitor.plugin import PluginContext

# Loads the shipped model and scores whole datasets: the model tier.
pytestmark = pytest.mark.model

SHARED_DATA = DEFAULT_MODEL_DIR.parents[3] / "shared" / "data"
# The shipped model must beat 0.77 macro-F1 on SmSA test (MODEL_CARD.md has what it measured);
# the score is deterministic for the shipped files, so no slack is needed.
SMSA_TEST_FLOOR = 0.77
# Issue 12's bar on the team's social test split (never trained on, never used for choices):
# these guard against a retrain that falls below it.
SOCIAL_TEST_FLOOR = 0.70
NEUTRAL_AS_NEGATIVE_CEILING = 0.15


@pytest.fixture(scope="module")
def default_model() -> LightClassifier:
    return LightClassifier(DEFAULT_MODEL_DIR)


def test_the_default_configuration_loads_the_shipped_model(tmp_path):
    context = PluginContext(base_dir=tmp_path, data_dir=tmp_path / "var")  # no trained copy there
    classifier = build_classifier("default", CLASSIFIERS.validate("default", {}), context)
    assert isinstance(classifier, LightClassifier)
    assert classifier.name == "sentiment-id-small-v5" and classifier.priors is None


def test_labels_parts_and_calibration_of_the_shipped_model(default_model):
    assert default_model.labels == ["negative", "neutral", "positive"]
    assert default_model.parts.ngram is not None and default_model.parts.wordvec is not None
    assert default_model.parts.ngram.labels == default_model.labels == default_model.parts.wordvec.labels
    assert default_model.parts.mix.weight("transformer") == 0
    assert 0.2 < default_model.info.temperature < 5 and len(default_model.info.bias) == 3
    assert default_model.tagger is not None and "flags/klarifikasi" in default_model.tagger.labels


def predicted(model: LightClassifier, texts: list[str]) -> list[str]:
    return [model.labels[i] for i in model.probabilities(texts).argmax(1)]


@pytest.mark.skipif(not (SHARED_DATA / datasets.SMSA).is_dir(), reason=f"SmSA not found under {SHARED_DATA}")
def test_smsa_test_macro_f1_does_not_regress(default_model):
    examples = datasets.smsa(SHARED_DATA, "test")
    found = predicted(default_model, [e.text for e in examples])
    assert macro_f1([e.label for e in examples], found, default_model.labels) > SMSA_TEST_FLOOR


def test_social_test_split_macro_f1_and_neutral_bias(default_model):
    posts = datasets.posts(SOCIAL, "test")
    gold = [p.sentiment for p in posts]
    found = predicted(default_model, [p.text for p in posts])
    assert macro_f1(gold, found, default_model.labels) >= SOCIAL_TEST_FLOOR
    assert neutral_as_negative(gold, found) <= NEUTRAL_AS_NEGATIVE_CEILING


def test_the_unfamiliar_domain_is_unfamiliar(default_model):
    # The feedback-loop test (tests/feedback/test_loop.py) needs a domain the model does not
    # know: the shipped model must never train on it.
    posts = datasets.posts(DOMAIN, "test")
    found = predicted(default_model, [p.text for p in posts])
    assert macro_f1([p.sentiment for p in posts], found, default_model.labels) < 0.8


def test_clear_posts_in_slang_get_the_obvious_label(default_model):
    results = default_model.classify(
        [
            "jalan rusak parah, pemda kemana 😡",
            "pelayanan dukcapil lemot bgt, antri dr subuh ga kelar2",
            "Makasih pemkot, bansos udah cair 🙏",
            "Info: pendaftaran PPDB SMP negeri dibuka 1-5 Juni, cek jadwal di web disdik ya",
            "4.600 rumah terendam banjir di Kab. Bandung, 1.200 warga mengungsi ke posko",
        ]
    )
    assert [r.sentiment.value for r in results] == ["negative", "negative", "positive", "neutral", "neutral"]
    assert all(abs(sum(r.scores.values()) - 1) < 1e-3 for r in results)


def test_a_hoax_spread_and_its_debunk_get_different_flags(default_model):
    spread, debunk = default_model.classify(
        [
            "BREAKING!! vaksin campak bikin anak mandul, sudah banyak korban. sebarkan ke grup keluarga sebelum dihapus!!",
            "Baca info resmi dari Kemenkes, jangan percaya hoaks vaksin campak bikin mandul. Itu tidak benar.",
        ]
    )
    assert "hoaks" in spread.flags and "klarifikasi" not in spread.flags
    assert "klarifikasi" in debunk.flags and "hoaks" not in debunk.flags


def test_broken_or_huge_text_gets_a_label_not_a_crash(default_model):
    results = default_model.classify(["rusak \ud83d parah banget", "banjir lagi " * 20000, "😡😡😡", "   "])
    assert results[0].sentiment is not None and results[1].sentiment is not None
    assert results[2].sentiment is None and results[2].reason
    assert results[3].sentiment is None and results[3].reason
    assert default_model.classify([]) == []
