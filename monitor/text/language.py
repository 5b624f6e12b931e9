"""A small language guess for Indonesian vs English vs other, from function words.

Good enough to keep an English press release or a Malay/Tagalog post from being scored by an
Indonesian sentiment model; not a general language identifier.
"""

from __future__ import annotations

import re

_INDONESIAN = frozenset(
    "yang dan di ke dari ini itu dengan untuk tidak ada pada juga akan sudah saya kami kita mereka "
    "bisa karena atau oleh dalam belum masih banget aja saja lagi sangat tapi tetapi agar bagi "
    "para kalau jadi apa bagaimana kenapa mohon tolong warga pemerintah kota".split()
)
_JAVANESE = frozenset("ora opo piye wis uwis durung iso sampeyan kowe aku ning karo lan".split())
_ENGLISH = frozenset(
    "the and of to in is are was were for with this that it on be by not have has from at "
    "will would can an as or but they we you our their".split()
)
_WORD = re.compile(r"[a-z]+")


def detect_language(text: str) -> str | None:
    """'id', 'en', or None when there are too few words to tell (short posts, emoji only)."""
    words = _WORD.findall(text.lower())
    if len(words) < 3:
        return None
    indonesian = sum(w in _INDONESIAN or w in _JAVANESE for w in words)
    english = sum(w in _ENGLISH for w in words)
    if indonesian == english == 0:
        return None
    return "id" if indonesian >= english else "en"
