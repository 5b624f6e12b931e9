"""`type = "default"`: the Indonesian model shipped in the package (sentiment-id-small), numpy
only. When `monitor train` has written a trained copy into the data folder, that copy is used;
if it cannot be loaded, the shipped model is (the trained copy never leaves a deployment
without a model). `model_path` names another directory of the same kind."""

from __future__ import annotations

import logging

from monitor.classify.calibration import DeploymentPriors
from monitor.classify.model import LightClassifier
from monitor.classify.options import DEFAULT_MODEL_DIR, DefaultOptions, deployment_dir
from monitor.classify.taxonomy import load_taxonomy
from monitor.errors import ClassifierError
from monitor.plugin import Plugin, PluginContext

log = logging.getLogger(__name__)


def build(name: str, options: DefaultOptions, context: PluginContext) -> LightClassifier:
    topics = load_taxonomy(context.resolve(options.taxonomy) if options.taxonomy else None)
    priors = DeploymentPriors.load(deployment_dir(context.data_dir)) if options.use_priors else None
    directory = options.directory(context)
    try:
        return LightClassifier(directory, topics=topics, priors=priors)
    except ClassifierError as exc:
        if options.model_path or directory == DEFAULT_MODEL_DIR:
            raise
        log.error("model terlatih di %s tidak bisa dipakai (%s); memakai model bawaan", directory, exc)
        return LightClassifier(DEFAULT_MODEL_DIR, topics=topics, priors=priors)


PLUGIN = Plugin(DefaultOptions, build)
