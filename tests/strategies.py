"""Hypothesis strategies for the property tests: text the way people here write it, and text
nobody should write but someone will (control characters, odd quotes, emoji, every script).

The word lists are our own: slang, alay spellings, Javanese and Sundanese mixing, hashtags.
"""

from __future__ import annotations

from hypothesis import strategies as st

WORDS = (
    "banjir", "B4NJ1R", "longsor", "pemkot", "Pemkot", "dinas", "PU", "bansos", "BLT", "gak", "ga", "nggak",
    "tdk", "knp", "kmn", "bgt", "parah", "parahhh", "surut2", "anak-anak", "warga", "camat", "lurah", "antri",
    "antre", "piye", "iki", "ora", "mantap", "euy", "teu", "aya", "naon", "kumaha", "hoaks", "HOAX", "korupsi",
    "Pémkot", "kafé", "#BanjirBandung", "#bansos", "@PemkotBDG", "@dinkes_jabar", "RSUD", "Cibiru", "Ciliwung",
    "org", "yg", "sdh", "blm", "lg", "dr", "kmrn", "2", "100rb", "Rp50.000", "08:30", "wkwk", "😭", "🙏", "🔥🔥",
)  # fmt: skip

# Any character a string may hold except lone surrogates (they cannot be written to a file).
characters = st.characters(exclude_categories=["Cs"])
any_text = st.text(characters, max_size=20)
word = st.sampled_from(WORDS)
# Words and stray characters run together with spaces or without.
indonesian_text = st.lists(word | any_text, max_size=8).map(" ".join)
