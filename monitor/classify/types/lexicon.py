"""`type = "lexicon"`: the team's word list with negation; no model files, instant start."""

from __future__ import annotations

from monitor.classify.lexicon import LexiconClassifier
from monitor.classify.options import ClassifierOptions
from monitor.classify.taxonomy import load_taxonomy
from monitor.plugin import Plugin, PluginContext


def build(name: str, options: ClassifierOptions, context: PluginContext) -> LexiconClassifier:
    return LexiconClassifier(topics=load_taxonomy(context.resolve(options.taxonomy) if options.taxonomy else None))


PLUGIN = Plugin(ClassifierOptions, build)
