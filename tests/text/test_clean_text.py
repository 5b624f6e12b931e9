"""clean_text: properties over generated text (Hypothesis) and the cases feeds really send."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.text.normalize import clean_text

# Words the way Indonesian posts write them: standard, slang, alay digits, Javanese and
# Sundanese, hashtags and handles, numbers, emoji.
WORDS = st.sampled_from(
    [
        "banjir",
        "warga",
        "Pemkot",
        "bansos",
        "blm",
        "cair",
        "gercep",
        "b4nj1r",
        "anak2",
        "piye",
        "iki",
        "teu",
        "acan",
        "#BanjirBandung",
        "@pemkot_tirta",
        "Rp50.000",
        "2026",
        "usia",
        "tahun",
        "😡",
        "🙏",
        "café",
        "L’Oreal",
        "“Tapi",
        "kata",
        "dia”",
        "x",
        "AT&T",
        "Jl.",
    ]
) | st.text(
    # Any script's letters and digits except accented Latin ones (U+0080-U+024F): random runs of
    # those *are* mojibake ("Âª" is the UTF-8 of "ª" read as Latin-1; "Ń²" is Cyrillic read as
    # cp1250), which clean_text repairs on purpose (test_mojibake_is_repaired).
    alphabet=st.characters(categories=("L", "N"), exclude_characters=[chr(c) for c in range(0x80, 0x250)]),
    min_size=1,
    max_size=12,
)
# What stands between words in prose, brackets and ampersands included.
GLUE = st.sampled_from([" ", "  ", ", ", ". ", " - ", " < ", " > ", " <", " >", " & ", "\n", "\t", " (", ") "])


def prose() -> st.SearchStrategy[tuple[list[str], str]]:
    @st.composite
    def build(draw: st.DrawFn) -> tuple[list[str], str]:
        words = draw(st.lists(WORDS, min_size=1, max_size=25))
        text = words[0]
        for word in words[1:]:
            text += draw(GLUE) + word
        return words, text

    return build()


def _letters(text: str) -> list[str]:
    # Compared in NFC, the form clean_text stores (compatibility ideographs fold to their base).
    return re.findall(r"[^\W_]+", unicodedata.normalize("NFC", text))


@settings(max_examples=150, deadline=None)
@given(st.text())
def test_any_unicode_comes_out_clean_and_storable(text):
    out = clean_text(text)
    out.encode("utf-8")  # no lone surrogates: JSON and SQLite take it
    assert out == out.strip() and "  " not in out
    assert not any(ord(ch) < 32 or 0x7F <= ord(ch) <= 0x9F for ch in out)


@settings(max_examples=200, deadline=None)
@given(prose())
def test_no_word_of_prose_is_lost_and_brackets_stay(sample):
    words, text = sample
    out = clean_text(text)
    assert _letters(out) == _letters(" ".join(words))
    assert out.count("<") == text.count("<") and out.count(">") == text.count(">")
    assert clean_text(out) == out  # cleaning clean text changes nothing


@settings(max_examples=150, deadline=None)
@given(prose(), st.sampled_from(["p", "div", "b", "a href='https://contoh.id/x'", 'span class="x"', "li"]))
def test_markup_is_removed_and_its_text_kept(sample, tag):
    words, text = sample
    name = tag.split()[0]
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    out = clean_text(f"<{tag}>{escaped}</{name}><br/><{tag}>akhir</{name}>")
    assert _letters(out) == [*_letters(" ".join(words)), "akhir"]
    # The markup is gone: what is left is exactly the prose cleaned on its own.
    assert out == f"{clean_text(text)} akhir".strip()


def test_prose_brackets_are_text_not_tags():
    assert clean_text("vaksin untuk usia <18 tahun dan >60 tahun") == "vaksin untuk usia <18 tahun dan >60 tahun"
    assert clean_text("vaksin untuk usia &lt;18 tahun dan &gt;60 tahun") == "vaksin untuk usia <18 tahun dan >60 tahun"
    assert clean_text("<p>bantuan untuk keluarga <Rp2 juta/bulan</p>") == "bantuan untuk keluarga <Rp2 juta/bulan"
    assert clean_text("nilai x<y, jadi a>b") == "nilai x<y, jadi a>b"


def test_markup_entities_and_double_escaping():
    assert clean_text("<p>Warga &amp;amp; relawan&nbsp;gotong   royong</p>") == "Warga & relawan gotong royong"
    assert clean_text("&lt;p&gt;Air setinggi lutut&lt;/p&gt;") == "Air setinggi lutut"
    assert clean_text("<p>Satu</p><p>Dua<br>Tiga <b>Ja</b>karta</p>") == "Satu Dua Tiga Jakarta"
    assert clean_text("<script>alert('x')</script><style>p{}</style>Isi berita") == "Isi berita"
    assert clean_text("<o:p>Teks dari Word</o:p>") == "Teks dari Word"


def test_mojibake_is_repaired():
    assert clean_text("Lâ€™Oreal") == "L’Oreal"
    assert clean_text("â€œTapi kami sudah lapor,â€\x9d kata warga") == "“Tapi kami sudah lapor,” kata warga"
    assert clean_text("Caf\u00c3\u00a9 di alun-alun") == "Café di alun-alun"
    # Correct text with the same letters is left alone.
    assert clean_text("Café “Tirta” – buka lagi") == "Café “Tirta” – buka lagi"


def test_broken_unicode_and_controls():
    assert clean_text("rusak \ud800 teks") == "rusak ? teks"
    assert clean_text("tab\tdan\x00nol") == "tab dan nol"
    assert clean_text("Ja\u200bkarta") == "Jakarta"
    assert clean_text(None) == ""


def test_every_character_the_control_patterns_remove_is_one_a_printable_text_cannot_hold():
    # clean_text and detect_language skip their control patterns for printable texts.
    from monitor.text import language, normalize

    every = "".join(map(chr, range(0x110000)))
    removed = [
        *normalize._CONTROL.findall(every),
        *normalize._ZERO_WIDTH.findall(every),
        *language._CONTROL.findall(every),
    ]
    assert removed and not any(ch.isprintable() for ch in removed)
    assert clean_text("Banjir\u2060 di Rungkut\u00a0😭\r\nsudah surut") == "Banjir di Rungkut 😭 sudah surut"
