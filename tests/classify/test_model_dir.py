"""Which model directory `type = "default"` loads, and the learned tagger's files."""

from __future__ import annotations

import logging
import shutil

import numpy as np

from monitor.classify import CLASSIFIERS, build_classifier
from monitor.classify.calibration import DeploymentPriors
from monitor.classify.model import LightClassifier, ModelInfo
from monitor.classify.ngram import NgramSpec, featurize
from monitor.classify.options import DEFAULT_MODEL_DIR, deployment_dir, trained_model_dir
from monitor.classify.tagger import LearnedTagger, SeedFeatures
from monitor.plugin import PluginContext


def default_classifier(tmp_path, **options):
    context = PluginContext(base_dir=tmp_path, data_dir=tmp_path / "var")
    return build_classifier("default", CLASSIFIERS.validate("default", options), context)


def test_a_trained_copy_in_the_data_folder_is_used_with_the_deployment_priors(tmp_path):
    trained = trained_model_dir(tmp_path / "var")
    shutil.copytree(DEFAULT_MODEL_DIR, trained)
    info = ModelInfo.load(trained)
    ModelInfo(**{**info.__dict__, "name": "sentiment-id-small-v5+lokal"}).save(trained)
    DeploymentPriors(("negative", "neutral", "positive"), (0.2, 0.6, 0.2), 500, "2026-11-30T00:00:00+00:00").save(
        deployment_dir(tmp_path / "var")
    )
    classifier = default_classifier(tmp_path)
    assert isinstance(classifier, LightClassifier) and classifier.name == "sentiment-id-small-v5+lokal"
    assert classifier.priors is not None
    text = ["Pemkab gelar vaksinasi gratis di 12 puskesmas, cek jadwalnya"]
    with_priors = classifier.probabilities(text)[0]
    without = default_classifier(tmp_path, use_priors=False).probabilities(text)[0]
    neutral = classifier.labels.index("neutral")
    assert with_priors[neutral] > without[neutral]  # a stream that is 60 % neutral


def test_a_broken_trained_copy_falls_back_to_the_shipped_model(tmp_path, caplog):
    trained = trained_model_dir(tmp_path / "var")
    trained.mkdir(parents=True)
    (trained / "model.json").write_text("{ rusak", encoding="utf-8")
    with caplog.at_level(logging.ERROR):
        classifier = default_classifier(tmp_path)
    assert isinstance(classifier, LightClassifier) and classifier.directory == DEFAULT_MODEL_DIR
    assert str(trained) in caplog.text


def test_a_copy_trained_before_the_text_preparation_changed_gives_way_to_the_shipped_model(tmp_path, caplog):
    # After an upgrade (emoji read as words since social-v2) an old trained copy would misread
    # posts: the shipped model is used until `monitor train` runs again on the kept labels.
    trained = trained_model_dir(tmp_path / "var")
    shutil.copytree(DEFAULT_MODEL_DIR, trained)
    info = ModelInfo.load(trained)
    ModelInfo(**{**info.__dict__, "name": "lama+lokal", "preprocess": "social-v1"}).save(trained)
    with caplog.at_level(logging.ERROR):
        classifier = default_classifier(tmp_path)
    assert isinstance(classifier, LightClassifier) and classifier.directory == DEFAULT_MODEL_DIR
    assert "social-v1" in caplog.text and "latih ulang" in caplog.text


def test_a_missing_model_path_falls_back_to_the_word_list_labelled(tmp_path, caplog):
    with caplog.at_level(logging.ERROR):
        classifier = default_classifier(tmp_path, model_path="tidak-ada")
    assert classifier.name.startswith("fallback:") and "tidak-ada" in caplog.text


def test_tagger_round_trips_and_respects_an_agency_topic_list(tmp_path):
    labels = ["topics/kesehatan", "topics/pendidikan", "flags/hoaks"]
    seeds = SeedFeatures(
        {"topics/kesehatan": ["puskesmas"], "topics/pendidikan": ["sekolah"], "flags/hoaks": ["hoaks"]}
    )
    rng = np.random.default_rng(0)
    tagger = LearnedTagger(
        labels,
        seeds,
        np.eye(3, dtype=np.float32) * 6,
        rng.normal(scale=0.01, size=(1 << 10, 3)).astype(np.float32),
        np.zeros((4, 3), dtype=np.float32),
        np.full(3, -3.0, dtype=np.float32),
        np.array([0.5, 0.5, 0.5], dtype=np.float32),
        fold=NgramSpec().bits - 10,
    )
    tagger.save(tmp_path)
    loaded = LearnedTagger.load(tmp_path)
    assert loaded is not None and loaded.labels == labels and loaded.seeds.terms == seeds.terms
    texts = ["antre di puskesmas lama", "sekolah roboh, hoaks atau bukan?"]
    batch = featurize(texts, NgramSpec())
    probs = loaded.probabilities(texts, batch, np.zeros((2, 4), dtype=np.float32))
    results = loaded.results(probs)
    assert results[0].topics == ("kesehatan",) and results[1].topics == ("pendidikan",)
    assert results[1].flags == ("hoaks",)
    # An agency without a "kesehatan" topic never gets it from the tagger.
    assert loaded.results(probs, topics=["pendidikan"])[0].topics == ()
