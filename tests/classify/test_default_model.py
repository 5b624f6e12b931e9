"""The shipped default model: loads offline from the repository, keeps its labels and its score."""

from __future__ import annotations

import importlib.util

import pytest

from models.evaluate import EVAL_SET, own_posts
from models.metrics import macro_f1
from monitor.classify import CLASSIFIERS, build_classifier, datasets
from monitor.classify.mix import SentimentMix
from monitor.classify.options import DEFAULT_MODEL_DIR
from monitor.classify.transformer import TransformerClassifier
from monitor.plugin import PluginContext

pytestmark = [
    pytest.mark.model,
    pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="torch tidak terpasang (extra [ml])"),
]

SHARED_DATA = DEFAULT_MODEL_DIR.parents[3] / "shared" / "data"
# The shipped model must beat 0.77 macro-F1 on SmSA test (it measured 0.7997 when trained,
# MODEL_CARD.md); the score is deterministic for the shipped files, so no slack is needed.
SMSA_TEST_FLOOR = 0.77


@pytest.fixture(scope="module")
def default_model() -> TransformerClassifier:
    return TransformerClassifier(DEFAULT_MODEL_DIR)


def test_the_default_configuration_loads_the_shipped_model(tmp_path):
    classifier = build_classifier("default", CLASSIFIERS.validate("default", {}), PluginContext(base_dir=tmp_path))
    assert isinstance(classifier, TransformerClassifier)
    assert classifier.name == "sentiment-id-small-v2"


def test_label_mapping_of_the_shipped_model(default_model):
    assert default_model.labels == ["negative", "neutral", "positive"]
    assert default_model.preprocess and default_model.ngram is not None and default_model.wordvec is not None
    assert default_model.ngram.labels == default_model.labels == default_model.wordvec.labels
    assert dict(default_model.mix.weights) == {"ngram": 0.4, "wordvec": 0.4, "lexicon": 0.2}


def test_onnx_runtime_runs_the_shipped_transformer_like_torch(default_model):
    pytest.importorskip("onnxruntime")
    assert default_model.session is not None
    texts = [e.text for e in own_posts(EVAL_SET)]
    transformer_only = SentimentMix({"transformer": 1.0})
    onnx = default_model.probabilities(texts, transformer_only)
    session, default_model.session = default_model.session, None
    try:
        eager = default_model.probabilities(texts, transformer_only)
    finally:
        default_model.session = session
    # int8 weights: the top label may differ only on near-ties
    assert (onnx.argmax(1) == eager.argmax(1)).mean() >= 0.95


@pytest.mark.skipif(not (SHARED_DATA / datasets.SMSA).is_dir(), reason=f"SmSA not found under {SHARED_DATA}")
def test_smsa_test_macro_f1_does_not_regress(default_model):
    examples = datasets.smsa(SHARED_DATA, "test")
    probs = default_model.probabilities([e.text for e in examples])
    predicted = [default_model.labels[i] for i in probs.argmax(1)]
    assert macro_f1([e.label for e in examples], predicted, default_model.labels) > SMSA_TEST_FLOOR


def test_clear_posts_in_slang_get_the_obvious_label(default_model):
    results = default_model.classify(
        [
            "jalan rusak parah, pemda kemana 😡",
            "pelayanan dukcapil lemot bgt, antri dr subuh ga kelar2",
            "Makasih pemkot, bansos udah cair 🙏",
        ]
    )
    assert [r.sentiment.value for r in results] == ["negative", "negative", "positive"]


def test_broken_or_huge_text_gets_a_label_not_a_crash(default_model):
    results = default_model.classify(["rusak \ud83d parah banget", "banjir lagi " * 20000, "😡😡😡", "   "])
    assert results[0].sentiment is not None and results[1].sentiment is not None
    assert results[2].sentiment is None and results[2].reason
    assert results[3].sentiment is None and results[3].reason
