"""Indonesian text normalization for classification, matching and dedupe.

Two levels:
- `clean_text`: what a human reads: HTML stripped, entities decoded, whitespace collapsed,
  invalid Unicode repaired. Stored as the mention text.
- `normalize_for_match`: what machines compare: lower-case, accents folded, URLs and @handles
  replaced by placeholders, *alay* digits and repeated letters undone, common slang mapped to
  the standard word. Watchlists, dedupe and the lexicon classifier all use this one form.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache

from monitor.text.slang import SLANG

_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_HANDLE = re.compile(r"(?<![\w@])@(\w{1,30})")
_HASHTAG = re.compile(r"(?<![\w#])#(\w+)")
_REPEAT = re.compile(r"([a-z])\1{2,}")
_TOKEN = re.compile(r"[#@]?\w+(?:-\w+)*", re.UNICODE)
# Alay spelling swaps letters for digits: "b4nj1r", "m4l4h", "s3m0g4". Only inside words
# that also hold letters, so "2024" and "rp 5000" stay numbers.
_ALAY_DIGITS = str.maketrans({"4": "a", "3": "e", "1": "i", "0": "o", "5": "s", "7": "t", "6": "g", "9": "g"})
_MIXED = re.compile(r"\b(?=\w*[a-z])(?=\w*\d)\w+\b")
# Reduplication with a number, "anak2" -> "anak-anak".
_REDUP = re.compile(r"\b([a-z]{2,})2\b")


def clean_text(text: str | None) -> str:
    """Readable plain text from whatever a feed or post gave us."""
    if not text:
        return ""
    # Lone surrogates from broken encoders would crash JSON and SQLite later.
    text = text.encode("utf-8", "replace").decode("utf-8")
    for _ in range(2):  # feeds sometimes double-escape (&amp;amp;)
        text = html.unescape(text)
    text = _TAG.sub(" ", text)
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ").replace("\u200b", "")
    return _SPACE.sub(" ", text).strip()


def fold_accents(text: str) -> str:
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _undo_alay(match: re.Match[str]) -> str:
    word = match.group(0)
    redup = _REDUP.fullmatch(word)
    if redup:
        return f"{redup.group(1)}-{redup.group(1)}"
    return word.translate(_ALAY_DIGITS)


@lru_cache(maxsize=65536)  # a few thousand distinct words make up most posts
def normalize_token(token: str) -> str:
    """One lower-case word, repeated letters squeezed ("bangetttt" -> "banget"), slang mapped."""
    token = _REPEAT.sub(r"\1", token.lower())
    return SLANG.get(token, token)


def normalize_for_match(text: str | None) -> str:
    """Canonical lower-case form of a text; the same function normalizes watchlist terms."""
    text = fold_accents(clean_text(text)).lower()
    text = _URL.sub(" ", text)
    text = _HANDLE.sub(lambda m: f" @{m.group(1)} ", text)
    text = _HASHTAG.sub(lambda m: f" #{m.group(1)} ", text)
    text = _MIXED.sub(_undo_alay, text)
    tokens = [normalize_token(t) if t[0] not in "#@" else t for t in _TOKEN.findall(text)]
    return " ".join(tokens)


def tokens(text: str | None) -> list[str]:
    """Normalized tokens of a text, hashtags and @handles kept with their sign."""
    normalized = normalize_for_match(text)
    return normalized.split() if normalized else []
