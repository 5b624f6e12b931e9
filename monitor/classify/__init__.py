"""Classifiers: sentiment, topics and flags for Indonesian text. Types live in `types/`.

`build_classifier` never fails to give one: a missing or broken model directory is logged with
its path and the lexicon classifier takes over, its `model` field saying it is a fallback.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace

from monitor.classify.base import Classifier
from monitor.classify.options import ClassifierOptions
from monitor.errors import ClassifierError
from monitor.plugin import PluginContext, Registry
from monitor.records import Classification

log = logging.getLogger(__name__)

CLASSIFIERS: Registry[Classifier] = Registry("classifier", "monitor.classify.types")
FALLBACK_PREFIX = "fallback:"


class FallbackClassifier:
    """Another classifier's answers, marked in `model` so no one mistakes them for the model's."""

    def __init__(self, inner: Classifier, reason: str):
        self.inner = inner
        self.reason = reason
        self.name = f"{FALLBACK_PREFIX}{inner.name}"

    def classify(self, texts: Sequence[str]) -> list[Classification]:
        return [replace(c, model=self.name) for c in self.inner.classify(texts)]


def build_classifier(type_name: str, options: ClassifierOptions, context: PluginContext) -> Classifier:
    """The configured classifier, or the lexicon marked as a fallback when it cannot load."""
    try:
        return CLASSIFIERS.build(type_name, type_name, options, context)
    except (ClassifierError, ImportError) as exc:
        where = options.describe(context)
        log.error("model sentimen di %s tidak bisa dipakai (%s); memakai leksikon sebagai cadangan", where, exc)
        lexicon = CLASSIFIERS.build("lexicon", "lexicon", ClassifierOptions(taxonomy=options.taxonomy), context)
        return FallbackClassifier(lexicon, str(exc))


__all__ = ["CLASSIFIERS", "FALLBACK_PREFIX", "Classifier", "FallbackClassifier", "build_classifier"]
