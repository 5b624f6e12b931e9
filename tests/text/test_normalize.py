from __future__ import annotations

from monitor.text.dedupe import story_id
from monitor.text.normalize import normalize_for_match


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
