"""Model-side text preparation, versioned with the shipped model.

Deliberately independent of `monitor.text.normalize` (which may grow new slang rules): a
trained model must see at inference exactly the text shape it saw in training, so this
function only changes when the model is retrained and its `monitor_preprocess` tag bumps.
"""

from __future__ import annotations

import re

PREPROCESS_VERSION = "social-v1"

_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_HANDLE = re.compile(r"(?<![\w@])@\w{1,30}")
# "bangeeeet" and "bangeeet" become one token shape; two letters stay ("saat", "maaf").
_REPEAT = re.compile(r"(\w)\1{2,}")


def repair_unicode(text: str) -> str:
    """Lone surrogates (broken encoders, bad JSON escapes) would crash tokenizers."""
    return text.encode("utf-8", "replace").decode("utf-8")


def prepare(text: str) -> str:
    """The text as the default model sees it: URLs and @handles as placeholders, floods squeezed."""
    text = repair_unicode(text)
    # Each substitution only where it can match (most posts have no link or handle); the
    # result is the same text, which a trained model depends on.
    lowered = text.lower()
    if "http" in lowered or "www." in lowered:
        text = _URL.sub(" url ", text)
    if "@" in text:
        text = _HANDLE.sub(" @user ", text)
    text = _REPEAT.sub(r"\1\1", text)
    # str.split() splits on exactly what `\s` matches, and is several times faster.
    return " ".join(text.split())
