"""The transformer classifier with any local model: label mapping, fallback, bad input."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError

from monitor.classify import CLASSIFIERS, FALLBACK_PREFIX, build_classifier
from monitor.classify.lexicon import lexicon_log_probs
from monitor.classify.mix import SentimentMix, log_softmax
from monitor.classify.ngram import NgramHead, NgramSpec
from monitor.classify.textprep import prepare
from monitor.classify.transformer import TransformerClassifier, label_mapping
from monitor.errors import ClassifierError
from monitor.plugin import PluginContext
from monitor.text.normalize import normalize_for_match

pytestmark = pytest.mark.model
MAPPING = {"LABEL_0": "negative", "LABEL_1": "neutral", "LABEL_2": "positive"}


def classifier_from(type_name: str, base_dir: Path, **options: object):
    """The classifier a `[classifier]` table with these keys gives, relative to `base_dir`."""
    validated = CLASSIFIERS.validate(type_name, options)
    return build_classifier(type_name, validated, PluginContext(base_dir=base_dir))


def test_label_mapping_knows_common_names_and_takes_overrides():
    assert label_mapping({0: "NEG", 1: "Netral", 2: "positif"}, {}) == ["negative", "neutral", "positive"]
    assert label_mapping({0: "LABEL_0", 1: "LABEL_1"}, {"LABEL_0": "positive", "LABEL_1": "negative"}) == [
        "positive",
        "negative",
    ]


def test_label_mapping_rejects_unknown_or_one_sided_labels():
    with pytest.raises(ClassifierError, match="LABEL_0"):
        label_mapping({0: "LABEL_0", 1: "LABEL_1"}, {})
    with pytest.raises(ClassifierError, match="positif dan negatif"):
        label_mapping({0: "positive", 1: "neutral"}, {})


@pytest.mark.model
def test_a_user_model_replaces_the_default_through_configuration(tiny_model_dir: Path, tmp_path: Path):
    classifier = classifier_from("transformer", tmp_path, model_path=str(tiny_model_dir), labels=MAPPING)
    assert isinstance(classifier, TransformerClassifier)
    assert classifier.name == "tiny-indobert"
    results = classifier.classify(["jalan rusak parah, warga kesal sekali", "pelayanan bagus mantap sekali pokoknya"])
    for result in results:
        assert result.model == "tiny-indobert"
        assert set(result.scores) == {"negative", "neutral", "positive"}
        assert abs(sum(result.scores.values()) - 1) < 1e-3
        assert result.sentiment is not None and result.sentiment.value == max(result.scores, key=result.scores.get)


@pytest.mark.model
def test_relative_model_path_resolves_against_the_config_directory(tiny_model_dir: Path):
    classifier = classifier_from("transformer", tiny_model_dir.parent, model_path=tiny_model_dir.name, labels=MAPPING)
    assert classifier.name == "tiny-indobert"


@pytest.mark.model
def test_two_model_labels_may_map_to_one_sentiment(tiny_model_dir: Path):
    classifier = TransformerClassifier(
        tiny_model_dir, labels={"LABEL_0": "negative", "LABEL_1": "positive", "LABEL_2": "positive"}
    )
    (result,) = classifier.classify(["banjir lagi di jalan rusak warga pelayanan"])
    assert set(result.scores) == {"negative", "positive"}
    assert abs(sum(result.scores.values()) - 1) < 1e-3


@pytest.mark.model
def test_a_mix_of_parts_is_applied_and_each_part_can_be_scored_alone(tiny_model_dir: Path):
    labels = ["negative", "neutral", "positive"]
    rng = np.random.default_rng(1)
    NgramHead(rng.normal(size=(1 << 10, 3)), rng.normal(size=3), labels, NgramSpec(bits=10)).save(tiny_model_dir)
    SentimentMix({"transformer": 0.25, "ngram": 0.5, "lexicon": 0.25}).save(tiny_model_dir)
    classifier = TransformerClassifier(tiny_model_dir, labels=MAPPING)
    texts = ["jalan rusak parah, kecewa", "pelayanan bagus mantap"]
    parts = {
        "transformer": log_softmax(classifier.transformer_logits([prepare(t) for t in texts])),
        "ngram": log_softmax(classifier.ngram.logits(texts)),
        "lexicon": lexicon_log_probs([normalize_for_match(t) for t in texts], labels),
    }
    expected = np.exp(log_softmax(0.25 * parts["transformer"] + 0.5 * parts["ngram"] + 0.25 * parts["lexicon"]))
    assert np.allclose(classifier.probabilities(texts), expected, atol=1e-5)
    alone = classifier.probabilities(texts, SentimentMix({"ngram": 1.0}))
    assert np.allclose(alone, np.exp(parts["ngram"]), atol=1e-5)


@pytest.mark.model
def test_results_keep_input_order_whatever_the_length_sorting(tiny_model_dir: Path):
    classifier = TransformerClassifier(tiny_model_dir, labels=MAPPING, batch_size=2)
    texts = [("jalan rusak parah " * n).strip() + " warga ya" for n in (9, 1, 5, 2, 7)]
    batched = classifier.probabilities(texts)
    one_by_one = [classifier.probabilities([t])[0] for t in texts]
    for row, single in zip(batched, one_by_one, strict=False):
        assert row == pytest.approx(single, abs=1e-5)


@pytest.mark.parametrize(
    "setup,needle",
    [
        (lambda d: d / "does-not-exist", "does-not-exist"),
        (lambda d: (d / "config.json").write_text("{ rusak") and d, "config.json"),
        (lambda d: (d / "model.safetensors").write_bytes(b"bukan safetensors") and d, "tiny-indobert"),
        (lambda d: (d / "sentiment_mix.json").write_text('{"wordvec": 1.0}') and d, "wordvec"),
        (lambda d: (d / "sentiment_mix.json").write_text('{"ngram": 0.5, "bert": 0.5}') and d, "bert"),
        (lambda d: (d / "wordvec_head.safetensors").write_bytes(b"terpotong") and d, "tiny-indobert"),
    ],
)
@pytest.mark.model
def test_missing_or_broken_model_falls_back_labelled_with_the_path_logged(
    tiny_model_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture, setup, needle
):
    path = setup(tiny_model_dir)
    with caplog.at_level(logging.ERROR):
        classifier = classifier_from("transformer", tmp_path, model_path=str(path), labels=MAPPING)
    assert classifier.name.startswith(FALLBACK_PREFIX)
    assert needle in caplog.text and str(path) in caplog.text
    (result,) = classifier.classify(["Pelayanan dukcapil cepat dan ramah, mantap"])
    assert result.model.startswith(FALLBACK_PREFIX)
    assert result.sentiment is not None


@pytest.mark.model
def test_unmapped_labels_fall_back_and_say_which_label(tiny_model_dir: Path, tmp_path: Path, caplog):
    with caplog.at_level(logging.ERROR):
        classifier = classifier_from("transformer", tmp_path, model_path=str(tiny_model_dir))
    assert classifier.name.startswith(FALLBACK_PREFIX)
    assert "LABEL_0" in caplog.text


def test_transformer_without_model_path_is_a_configuration_error(tmp_path: Path):
    with pytest.raises(ValidationError, match="model_path"):
        CLASSIFIERS.validate("transformer", {})


def test_lexicon_is_chosen_explicitly_and_not_labelled_fallback(tmp_path: Path):
    classifier = classifier_from("lexicon", tmp_path)
    assert classifier.name == "lexicon-id-v1"


BAD_INPUT = [
    ("", "teks kosong"),
    ("   \n\t ", "teks kosong"),
    ("😡😡😡🔥🔥", "emoji"),
    ("The flood response was slow and the officers did not answer our calls", "bukan bahasa Indonesia"),
]


@pytest.mark.parametrize("text,reason", BAD_INPUT)
@pytest.mark.model
def test_unscorable_text_gets_a_reason_not_a_score(tiny_model_dir: Path, text: str, reason: str):
    classifier = TransformerClassifier(tiny_model_dir, labels=MAPPING)
    (result,) = classifier.classify([text])
    assert result.sentiment is None and result.scores == {}
    assert result.reason is not None and reason in result.reason


@pytest.mark.parametrize(
    "text",
    [
        "jalan rusak parah " * 3000,  # far past max_length: truncated, still classified
        "jalan rusak \ud83d parah \udc00 warga kesal",  # lone surrogates from a broken encoder
        "Jalan rusak parah 😡 warga kesal bgt!!! #perbaikijalan @pemkot",
    ],
)
@pytest.mark.model
def test_odd_but_indonesian_text_is_classified(tiny_model_dir: Path, text: str):
    classifier = TransformerClassifier(tiny_model_dir, labels=MAPPING, max_length=16)
    (result,) = classifier.classify([text])
    assert result.sentiment is not None and result.reason is None


@pytest.mark.model
def test_empty_batch(tiny_model_dir: Path):
    assert TransformerClassifier(tiny_model_dir, labels=MAPPING).classify([]) == []


@pytest.mark.model
def test_onnx_export_runs_under_onnx_runtime_and_matches_torch(tiny_model_dir: Path):
    pytest.importorskip("onnxruntime")
    from models.export_onnx import export_onnx

    texts = ["jalan rusak parah", "pelayanan bagus mantap warga senang sekali", "banjir"]
    eager = TransformerClassifier(tiny_model_dir, labels=MAPPING).probabilities(texts)
    export_onnx(tiny_model_dir, quantize=False)
    onnx = TransformerClassifier(tiny_model_dir, labels=MAPPING)
    assert onnx.session is not None
    assert onnx.probabilities(texts) == pytest.approx(eager, abs=1e-4)


@pytest.mark.model
def test_corrupt_onnx_file_falls_back_to_torch(tiny_model_dir: Path, caplog):
    pytest.importorskip("onnxruntime")
    (tiny_model_dir / "model.onnx").write_bytes(b"bukan onnx")
    with caplog.at_level(logging.ERROR):
        classifier = TransformerClassifier(tiny_model_dir, labels=MAPPING)
    assert classifier.session is None and "model.onnx" in caplog.text
    (result,) = classifier.classify(["jalan rusak parah sekali di kampung"])
    assert result.sentiment is not None
