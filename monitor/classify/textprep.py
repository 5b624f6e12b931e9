"""Model-side text preparation, versioned with the shipped model.

Deliberately independent of `monitor.text.normalize` (which may grow new slang rules): a
trained model must see at inference exactly the text shape it saw in training, so this
function only changes when the model is retrained and its `monitor_preprocess` tag bumps.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

PREPROCESS_VERSION = "social-v2"

_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_HANDLE = re.compile(r"(?<![\w@])@\w{1,30}")
# "bangeeeet" and "bangeeet" become one token shape; two letters stay ("saat", "maaf").
_REPEAT = re.compile(r"(\w)\1{2,}")
# Skin tones would add "warna kulit sedang" to a thumbs-up: the tone says nothing of the stance.
_SKIN_TONE = re.compile("[\U0001f3fb-\U0001f3ff]")
# Runs of the characters emoji are made of (every sequence in the emoji package's data matches;
# tests/classify/test_textprep.py checks it). The package's tokenizer walks a text in Python one
# character at a time, a fifth of `classify`'s time on posts with any non-ASCII letter; handing
# it only these runs keeps its matching and its names at a fraction of that.
_EMOJI_RUN = re.compile(
    "(?:[#*0-9]\ufe0f?\u20e3|[\u00a9\u00ae\u203c-\u3299\ufe0f\u200d\U0001f000-\U0001faff\U000e0020-\U000e007f])+"
)


def repair_unicode(text: str) -> str:
    """Lone surrogates (broken encoders, bad JSON escapes) would crash tokenizers."""
    return text.encode("utf-8", "replace").decode("utf-8")


@cache
def _emoji_module() -> Any:
    # Imported on the first post with an emoji (40 ms), with its Indonesian names loaded once.
    # The names are part of what the model was trained on: the package is pinned (pyproject).
    import emoji

    emoji.config.load_language("id")
    return emoji


def _indonesian_name(chars: str, data: dict[str, Any]) -> str:
    # The toneless emoji's name where there is one (a couple's tones have none of their own).
    toneless = _emoji_module().EMOJI_DATA.get(_SKIN_TONE.sub("", chars))
    name = (toneless or data).get("id") or data.get("id") or data.get("en") or chars
    return f" {name.strip(':').replace('_', ' ')} "


def emoji_words(text: str) -> str:
    """Each emoji as its Indonesian CLDR name ("😡" -> "wajah sangat marah"). Emoji carry much
    of a post's stance, but the corpus the word vectors come from has almost none; their names
    are words those vectors know ("marah", "menangis", "jempol")."""
    if text.isascii():
        return text
    return _EMOJI_RUN.sub(_named_run, text)


def _named_run(run: re.Match[str]) -> str:
    named: str = _emoji_module().replace_emoji(run.group(), replace=_indonesian_name)
    return named


def prepare(text: str) -> str:
    """The text as the default model sees it: URLs and @handles as placeholders, emoji as their
    Indonesian names, floods squeezed."""
    text = emoji_words(repair_unicode(text))
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
