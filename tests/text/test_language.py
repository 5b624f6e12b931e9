"""Language identification: Indonesian told from Malay, Javanese, Sundanese, English, Japanese."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.text.language import detect_language
from monitor.text.normalize import normalize_for_match
from tests.text.language_samples import SAMPLES

CASES = [(lang, text) for lang, texts in SAMPLES.items() for text in texts]


@pytest.mark.parametrize(("language", "text"), CASES, ids=[f"{lang}-{i}" for i, (lang, _) in enumerate(CASES)])
def test_each_sample_gets_its_language(language, text):
    assert detect_language(text) == language


def test_every_language_a_humas_team_meets_is_covered():
    assert {"id", "ms", "jv", "su", "en", "ja"} <= set(SAMPLES)
    assert min(len(texts) for texts in SAMPLES.values()) >= 5


@pytest.mark.parametrize(
    "post",
    [
        "Pompa di Sukasari ga nyala lg 😡",
        "Bansos blm cair nih, katanya minggu lalu, piye iki",
        "BPBD lemot bgt, udah 3 jam nunggu perahu, parah",
        "Pelayanan dukcapil skrg cepet bgt, mantul",
    ],
)
def test_short_indonesian_slang_is_never_taken_for_another_language(post):
    # Too short for certainty is fine (None: the classifier reads it as Indonesian); Malay or
    # Dutch is not.
    assert detect_language(post) in ("id", None)
    assert detect_language(normalize_for_match(post)) in ("id", None)


def test_a_short_malaysian_post_stays_malay():
    assert detect_language("Kerajaan kena buat sesuatu pasal jerebu ni") == "ms"


def test_too_little_text_is_no_guess():
    for text in ("ok 👍", "wkwkwk", "🙏🙏🙏", "", "https://t.co/abc #banjir @pemkot"):
        assert detect_language(text) is None


def test_links_handles_and_broken_characters_do_not_matter():
    text = "@pemkot_tirta https://t.co/x1 Warga mengeluhkan pelayanan kelurahan yang lambat sekali \x00 #BanjirTirta"
    assert detect_language(text) == "id"


@given(st.text(alphabet="ab é1_ 2!😭ñ\u0301\nア", max_size=30))
def test_enough_letters_is_the_same_as_counting_them(text):
    # The short-text cut-off searches for the eighth letter instead of listing all of them.
    import re

    from monitor.text.language import _ENOUGH_LETTERS, _MIN_LETTERS

    counted = len(re.findall(r"[^\W\d_]", text)) >= _MIN_LETTERS
    assert bool(_ENOUGH_LETTERS.search(text)) == counted
