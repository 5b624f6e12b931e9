"""Options every classifier accepts, and where the shipped and the trained model live."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field

from monitor.plugin import PluginContext, PluginOptions

# The model shipped inside the package, so a wheel installed anywhere finds it.
DEFAULT_MODEL_DIR = Path(__file__).resolve().parent / "sentiment-id-small"
# In the data folder: what `monitor train` writes (the trained copy, the estimated priors).
DEPLOYMENT_DIR = "classifier"
TRAINED_MODEL = "model"

SentimentName = Literal["positive", "neutral", "negative"]


def deployment_dir(data_dir: Path) -> Path:
    return data_dir / DEPLOYMENT_DIR


def trained_model_dir(data_dir: Path) -> Path:
    return deployment_dir(data_dir) / TRAINED_MODEL


class ClassifierOptions(PluginOptions):
    # Optional TOML file with the agency's own topic taxonomy (seed terms per topic).
    taxonomy: str | None = None

    def describe(self, context: PluginContext) -> str:
        """What the classifier loads, for people reading a log."""
        return "daftar kata"


class DefaultOptions(ClassifierOptions):
    """`type = "default"`: the shipped model, or the copy `monitor train` wrote, numpy only."""

    # A model directory (relative to the config file); empty: the trained copy in the data
    # folder when there is one, else the shipped model.
    model_path: str | None = None
    # Correct the scores to the class priors `monitor train` estimated on the stored mentions.
    use_priors: bool = True

    def directory(self, context: PluginContext) -> Path:
        if self.model_path:
            return context.resolve(self.model_path)
        trained = trained_model_dir(context.data_dir)
        return trained if (trained / "model.json").is_file() else DEFAULT_MODEL_DIR

    def describe(self, context: PluginContext) -> str:
        return str(self.directory(context))


class ModelOptions(ClassifierOptions):
    """A transformer model directory run in batches (`type = "transformer"`)."""

    model_path: str | None = None
    # Model label -> positive/neutral/negative, for models whose labels differ.
    labels: dict[str, SentimentName] = Field(default_factory=dict)
    batch_size: int = Field(default=64, ge=1, le=4096)
    max_length: int = Field(default=128, ge=8, le=4096)

    def directory(self, context: PluginContext) -> Path:
        return context.resolve(self.model_path) if self.model_path else DEFAULT_MODEL_DIR

    def describe(self, context: PluginContext) -> str:
        return str(self.directory(context))
