"""`type = "transformer"`: any local Hugging Face sequence-classification model (`model_path`),
with a label mapping for models whose labels are not positive/neutral/negative."""

from __future__ import annotations

from pydantic import model_validator

from monitor.classify.options import ModelOptions
from monitor.classify.taxonomy import load_taxonomy
from monitor.classify.transformer import TransformerClassifier
from monitor.plugin import Plugin, PluginContext


class TransformerOptions(ModelOptions):
    @model_validator(mode="after")
    def _needs_a_path(self) -> TransformerOptions:
        if not self.model_path:
            raise ValueError("tipe 'transformer' butuh model_path: folder model Hugging Face lokal")
        return self


def build(name: str, options: ModelOptions, context: PluginContext) -> TransformerClassifier:
    path = options.directory(context)
    topics = load_taxonomy(context.resolve(options.taxonomy) if options.taxonomy else None)
    return TransformerClassifier(
        path, labels=options.labels, batch_size=options.batch_size, max_length=options.max_length, topics=topics
    )


PLUGIN = Plugin(TransformerOptions, build)
