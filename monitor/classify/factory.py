"""Choose the classifier the configuration asks for, and never fail to give one.

A missing or broken model directory must not stop the service: the error is logged with the
path and the lexicon classifier takes over, its `model` field saying it is a fallback.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from monitor.classify.base import Classifier
from monitor.classify.lexicon import LexiconClassifier
from monitor.classify.taxonomy import load_taxonomy
from monitor.config import ClassifierConfig
from monitor.errors import ClassifierError
from monitor.records import Classification

log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
DEFAULT_MODEL_DIR = REPO_ROOT / "models" / "sentiment-id-small"
FALLBACK_PREFIX = "fallback:"


class FallbackClassifier:
    """Another classifier's answers, marked in `model` so no one mistakes them for the model's."""

    def __init__(self, inner: Classifier, reason: str):
        self.inner = inner
        self.reason = reason
        self.name = f"{FALLBACK_PREFIX}{inner.name}"

    def classify(self, texts: Sequence[str]) -> list[Classification]:
        return [replace(c, model=self.name) for c in self.inner.classify(texts)]


def model_dir(config: ClassifierConfig, base_dir: Path) -> Path:
    """The configured model path (relative to the config file), or the shipped default."""
    if config.model_path:
        path = Path(config.model_path).expanduser()
        return path if path.is_absolute() else (base_dir / path).resolve()
    return DEFAULT_MODEL_DIR


def build_classifier(config: ClassifierConfig, *, base_dir: Path) -> Classifier:
    topics = load_taxonomy(base_dir / config.taxonomy if config.taxonomy else None)
    lexicon = LexiconClassifier(topics=topics)
    if config.sentiment == "lexicon":
        return lexicon
    if config.sentiment == "transformer" and not config.model_path:
        log.error("classifier.sentiment = 'transformer' butuh classifier.model_path; memakai leksikon")
        return FallbackClassifier(lexicon, "model_path kosong")
    path = model_dir(config, base_dir)
    try:
        from monitor.classify.transformer import TransformerClassifier

        return TransformerClassifier(
            path, labels=config.labels, batch_size=config.batch_size, max_length=config.max_length, topics=topics
        )
    except (ClassifierError, ImportError) as exc:
        log.error("model sentimen di %s tidak bisa dipakai (%s); memakai leksikon sebagai cadangan", path, exc)
        return FallbackClassifier(lexicon, f"{path}: {exc}")
