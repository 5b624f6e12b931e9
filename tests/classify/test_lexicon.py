from __future__ import annotations

import pytest

from monitor.classify.lexicon import LexiconClassifier
from monitor.classify.taxonomy import KeywordTagger, load_taxonomy
from monitor.errors import ConfigError

classifier = LexiconClassifier()


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Makasih BPBD udah gercep evakuasi warga 🙏 mantul", "positive"),
        ("Pelayanan dukcapil skrg cepet, petugasnya ramah bgt", "positive"),
        ("Pompa mati, perahu telat, warga ditelantarkan. Parah!!", "negative"),
        ("pelayanannya gak bagus, ribet", "negative"),
        ("Wis jam 7 durung ono dapur umum, elek tenan", "negative"),
        ("Rapat koordinasi digelar di balai kota pukul 09.00", "neutral"),
    ],
)
def test_sentiment_on_real_phrasing(text, expected):
    (result,) = classifier.classify([text])
    assert result.sentiment is not None and result.sentiment.value == expected
    assert abs(sum(result.scores.values()) - 1) < 1e-3
    assert result.model == "lexicon-id-v1"


def test_topics_and_flags_are_multi_label_with_scores():
    (result,) = classifier.classify(["Anggaran pompa banjir dikorupsi? Warga mau demo ke balai kota"])
    assert {"bencana", "hukum_korupsi"} <= set(result.topics)
    assert {"korupsi", "protes", "bencana"} <= set(result.flags)
    assert all(0 < s <= 1 for s in result.topic_scores.values())


@pytest.mark.parametrize(
    "text,reason",
    [
        ("", "teks kosong"),
        ("   \n ", "teks kosong"),
        ("😡😡🙏", "tidak ada kata (hanya emoji atau simbol)"),
        ("The city council approved the new budget for the flood pumps", "bukan bahasa Indonesia (en)"),
    ],
)
def test_unclassifiable_text_gets_a_reason_not_a_guess(text, reason):
    (result,) = classifier.classify([text])
    assert result.sentiment is None and result.reason == reason


def test_very_long_text_does_not_crash():
    (result,) = classifier.classify(["banjir parah " * 20000])
    assert result.sentiment is not None and result.sentiment.value == "negative"


def test_prefix_terms_and_phrases():
    tagger = KeywordTagger({"korupsi": ["korup*", "uang pelicin"]})
    assert tagger.tag("pejabat korupsi dana")[0] == ("korupsi",)
    assert tagger.tag("ada uang pelicin")[0] == ("korupsi",)
    assert tagger.tag("uang dan pelicin")[0] == ()


def test_agency_taxonomy_file(tmp_path):
    path = tmp_path / "taksonomi.toml"
    path.write_text('[topics]\npariwisata = ["wisata", "turis*"]\n', encoding="utf-8")
    assert load_taxonomy(path) == {"pariwisata": ["wisata", "turis*"]}
    path.write_text('[topics]\npariwisata = "wisata"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="topics"):
        load_taxonomy(path)


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        # Talking about a hoax to debunk it, clarify it or tell people to ignore it.
        (
            "Gaes baca info resmi dari Kemenkes aja, jangan percaya hoaks soal vaksin yg muter di grup WA 🙏",
            "klarifikasi",
        ),
        ("Cek fakta: pesan berantai air kelapa bisa sembuhkan covid itu hoaks ya, jangan disebar", "klarifikasi"),
        ("[HOAKS] Vaksin COVID-19 Mengandung Chip Pelacak. Beredar pesan berantai soal chip.", "klarifikasi"),
        ("[DISINFORMASI] Video Banjir Bandang Ini Rekaman Tahun 2019", "klarifikasi"),
        ("stop hoaks lur, cek dulu ke akun resmi pemkot sebelum share apa2", "klarifikasi"),
        ("Pemprov membantah kabar bantuan 5 juta per KK, itu hoaks yg beredar", "klarifikasi"),
        # Spreading a claim, even one that says "cek fakta" or names official sources.
        ("Vaksin mengandung chip pelacak! Bukan hoaks, sebarkan sebelum dihapus!!", "hoaks"),
        ("ini bukan hoax, cek fakta aja sendiri. viralkan!!", "hoaks"),
        ("katanya sih bendungan mau jebol, tp ga ada sumber resmi. share aja dulu buat jaga2", "hoaks"),
        ("tolong viralkan!! pemkot mau gusur pasar tanpa ganti rugi", "hoaks"),
    ],
)
def test_a_debunk_is_klarifikasi_and_a_spread_claim_is_hoaks(text, flag):
    (result,) = classifier.classify([text])
    other = {"hoaks": "klarifikasi", "klarifikasi": "hoaks"}[flag]
    assert flag in result.flags and other not in result.flags, result.flags
