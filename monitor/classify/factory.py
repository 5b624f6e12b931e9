"""Choose the classifier the configuration asks for."""

from __future__ import annotations

from pathlib import Path

from monitor.classify.base import Classifier
from monitor.classify.lexicon import LexiconClassifier
from monitor.classify.taxonomy import load_taxonomy
from monitor.config import ClassifierConfig


def build_classifier(config: ClassifierConfig, *, base_dir: Path) -> Classifier:
    taxonomy = load_taxonomy(base_dir / config.taxonomy if config.taxonomy else None)
    return LexiconClassifier(topics=taxonomy)
