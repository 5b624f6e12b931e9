from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from monitor.text.dedupe import story_id
from monitor.text.normalize import fold_accents, normalize_for_match

# Texts with accents, full-width letters, circled digits, emoji with skin tones and ZWJ.
FOLDED = ["Kédiri 🙏🏽", "ｍａｎｔｕｌ", "①②", "e\u0301\u0323", "👨‍👩‍👧 banjir", "Øresund ß ǅ"]


def test_alay_spelling_slang_and_repeated_letters():
    assert (
        normalize_for_match("B4NJ1R lagiii di Kemang, gak gercep bgt!!!") == "banjir lagi di kemang tidak cepat banget"
    )
    assert normalize_for_match("anak2 sekolah kebanjiran") == "anak-anak sekolah kebanjiran"


def test_numbers_stay_numbers():
    assert normalize_for_match("Harga cabai Rp 50000 per kg tahun 2026") == "harga cabai rp 50000 per kg tahun 2026"


def test_urls_dropped_handles_and_hashtags_kept():
    text = "Cek https://t.co/abc123 @pemkot_tirta #BanjirTirtamulya"
    assert normalize_for_match(text) == "cek @pemkot_tirta #banjirtirtamulya"


def test_accents_javanese_and_english_mix():
    assert normalize_for_match("Café ora iso buka, thanks pak") == "cafe tidak bisa buka terima kasih pak"


def test_story_id_groups_syndicated_copies():
    a = story_id("banjir rendam sukasari bpbd tetapkan siaga", "isi versi outlet a")
    b = story_id("banjir rendam sukasari bpbd tetapkan siaga", "isi versi outlet b berbeda")
    c = story_id("harga cabai naik tiga puluh persen", "")
    assert a == b != c


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=60) | st.sampled_from(FOLDED))
def test_fold_accents_drops_exactly_the_combining_marks(text):
    # The definition, character by character; fold_accents asks only the distinct non-ASCII ones.
    decomposed = unicodedata.normalize("NFKD", text)
    assert fold_accents(text) == "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def test_fold_accents_keeps_emoji_and_folds_what_people_type():
    assert fold_accents("Café di Bandung 😭 résumé naïve") == "Cafe di Bandung 😭 resume naive"
    assert fold_accents("pelayanan ｐｏｌｉｓｉ ① e\u0301") == "pelayanan polisi 1 e"
