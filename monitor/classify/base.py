"""The classifier protocol: texts in, one Classification per text out, in order."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from monitor.records import Classification


class Classifier(Protocol):
    """Any model that labels Indonesian texts with sentiment, topics and flags.

    Implementations must return exactly one Classification per input text, never raise on
    odd input (empty, emoji-only, very long, not Indonesian): they label it with a `reason`.
    """

    name: str

    def classify(self, texts: Sequence[str]) -> list[Classification]: ...
