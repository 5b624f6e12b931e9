"""Content words of Indonesian posts: function words dropped, affixes trimmed.

Used where texts are compared by what they are about (a hoax and its clarification, the phrases a
campaign shares, the words behind a burst), not by how they are phrased. The list is ours: the
function words, pronouns, particles and chat filler of everyday Indonesian posts (standard
spelling, as `normalize_for_match` writes them). The stemmer is deliberately crude (common
prefixes and suffixes, kept only when at least four letters remain): "pelacak" and "melacak"
meet at "lacak"; nothing needs it to be a real morphological analysis.
"""

from __future__ import annotations

import re
from functools import lru_cache

STOPWORDS = frozenset(
    """
    ada adalah agar akan aku aja amat anda antara apa apakah atas atau bagai bagaimana bagi bahkan
    bahwa banyak baru beberapa begini begitu belum benar berapa bersama beserta betul bila bisa
    boleh bukan buat cuma dalam dan dapat dari demi dengan di dia dong engkau gimana hal hanya hari
    harus ia ini itu jadi jangan jika juga kah kalau kalian kami kamu kan kapan karena kata katanya
    ke kecuali kemudian kenapa kepada ketika kita kok lagi lah lain lalu mana masih mau maupun
    melalui memang mereka meski mungkin nah namun nanti nya oleh pada padahal para per perlu pula
    pun saat saja sama sambil sampai sangat saya se sebab sebagai sebelum sedang sedangkan sehingga
    sejak sekali seperti serta setelah sih siapa sini situ soal sudah supaya tadi tapi tentang
    terhadap tersebut tetapi tidak toh untuk walau yaitu yakni yang ya yg udah gak ga nggak aja deh
    loh lho tuh gitu gini kayak banget bgt kak min admin bapak ibu pak bu mas mbak bang guys gaes
    wkwk wkwkwk haha hehe amp rt via
    """.split()
)
_PREFIXES = ("meng", "meny", "mem", "men", "me", "peng", "peny", "pem", "pen", "pe", "ber", "ter", "di", "ke", "se")
_SUFFIXES = ("kannya", "nya", "kan", "lah", "kah", "an", "i")
_WORD = re.compile(r"^[a-z][a-z-]*$")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A crude root: one prefix and one suffix trimmed while four letters or more remain."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)]
            break
    for prefix in _PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 4:
            return word[len(prefix) :]
    return word


def is_content(token: str) -> bool:
    """A word worth comparing: letters, three or more, not a function word."""
    return len(token) >= 3 and token not in STOPWORDS and bool(_WORD.match(token))


def content_stems(normalized: str) -> frozenset[str]:
    """The stems of a normalized text's content words (hashtags and @handles left out)."""
    return frozenset(stem(t) for t in normalized.split() if is_content(t))
