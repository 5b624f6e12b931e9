"""Options every classifier accepts, and where the shipped model lives."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field

from monitor.plugin import PluginContext, PluginOptions

# The model shipped inside the package, so a wheel installed anywhere finds it.
DEFAULT_MODEL_DIR = Path(__file__).resolve().parent / "sentiment-id-small"

SentimentName = Literal["positive", "neutral", "negative"]


class ClassifierOptions(PluginOptions):
    # Optional TOML file with the agency's own topic taxonomy (seed terms per topic).
    taxonomy: str | None = None

    def describe(self, context: PluginContext) -> str:
        """What the classifier loads, for people reading a log."""
        return "daftar kata"


class ModelOptions(ClassifierOptions):
    """A model directory run in batches."""

    # A model directory (relative to the config file); empty: the shipped default.
    model_path: str | None = None
    # Model label -> positive/neutral/negative, for models whose labels differ.
    labels: dict[str, SentimentName] = Field(default_factory=dict)
    batch_size: int = Field(default=64, ge=1, le=4096)
    max_length: int = Field(default=128, ge=8, le=4096)

    def directory(self, context: PluginContext) -> Path:
        return context.resolve(self.model_path) if self.model_path else DEFAULT_MODEL_DIR

    def describe(self, context: PluginContext) -> str:
        return str(self.directory(context))
