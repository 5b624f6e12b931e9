"""Key facts read from Indonesian text as releases, news and posts write them, and the changes
between a release and a report that matter (and those that do not)."""

from __future__ import annotations

import pytest

from monitor.evaluation.facts import extract, parse_number, parse_number_words
from monitor.evaluation.fidelity import changes


def facts(text: str) -> list[tuple[str, object]]:
    return [(f.kind, f.value) for f in extract(text)]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("bantuan Rp300 ribu per keluarga", 300_000),
        ("bantuan Rp 300.000 per keluarga", 300_000),
        ("bantuan Rp. 300.000,- per keluarga", 300_000),
        ("bantuan Rp300.000,00 per keluarga", 300_000),
        ("bantuan sebesar 300 ribu rupiah per keluarga", 300_000),
        ("bantuan tiga ratus ribu rupiah per keluarga", 300_000),
        ("bansos 300rb/KK cair", 300_000),
        ("bansos 300k per KK cair", 300_000),
        ("bantuan IDR 300,000 per family", 300_000),
        ("bantuan Rp3 juta per keluarga", 3_000_000),
        ("bantuan 3jt per keluarga", 3_000_000),
        ("anggaran Rp1,08 triliun", 1_080_000_000_000),
        ("anggaran Rp 1,08 T", 1_080_000_000_000),
        ("anggaran Rp2,5 M untuk desa", 2_500_000_000),
        ("anggaran Rp2.500 juta untuk desa", 2_500_000_000),
        ("anggaran Rp1,250 juta", 1_250_000),
        ("dana Rp 1.250.000,50 per orang", 1_250_000.5),
        ("dana setengah juta rupiah", 500_000),
        ("dana Rp sejuta", 1_000_000),
    ],
)
def test_amounts_in_every_way_people_write_them(text: str, value: float):
    assert [(k, v) for k, v in facts(text) if k == "amount"] == [("amount", value)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("untuk 1,2 juta keluarga penerima manfaat", [("count", 1_200_000)]),
        ("untuk 1.200.000 KPM", [("count", 1_200_000)]),
        ("untuk 1,2 jt KPM", [("count", 1_200_000)]),
        ("sebanyak 12 ribu orang hadir", [("count", 12_000)]),
        ("sebanyak dua belas ribu orang hadir", [("count", 12_000)]),
        ("warga di 14 provinsi", [("count", 14)]),
        ("naik 12,5% dari bulan lalu", [("percent", 12.5)]),
        ("naik 12,5 persen dari bulan lalu", [("percent", 12.5)]),
        ("naik dua belas persen dari bulan lalu", [("percent", 12)]),
        ("turun 2.5% saja", [("percent", 2.5)]),
        ("mulai 1 Desember 2026", [("date", (1, 12, 2026))]),
        ("mulai tgl 1 Des", [("date", (1, 12, 0))]),
        ("mulai Selasa (1/12/2026)", [("date", (1, 12, 2026))]),
        ("mulai 2026-12-01", [("date", (1, 12, 2026))]),
        ("pendaftaran 1-5 Desember 2026", [("date", (1, 12, 2026))]),
        ("mulai 1 Pebruari", [("date", (1, 2, 0))]),
    ],
)
def test_counts_percentages_and_dates(text: str, expected: list[tuple[str, object]]):
    assert facts(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "layanan dibuka pukul 08.00 WIB sampai 16.00 WIB",
        "dibuka jam 8 pagi",
        "sesuai Peraturan Menteri Nomor 12 Tahun 2024 Pasal 3 ayat 2",
        "warga RT 05 RW 03 antre sejak subuh",
        "penyaluran tahap ke-3 tahun 2026",
        "hubungi call center 081234567890",
        "salah satu warga bilang dua hari belum makan",
        "kerugian 2 M katanya",
    ],
)
def test_labels_times_years_and_phone_numbers_are_not_facts(text: str):
    assert facts(text) == []


def test_a_name_after_an_officials_title():
    found = extract("Menteri Sosial Tri Wahyuni Saputri memastikan bantuan tepat sasaran.")
    assert [(f.kind, f.value, f.unit) for f in found] == [("name", "tri wahyuni saputri", "menteri")]
    office = extract("Kepala Dinas Kesehatan DKI Jakarta Budi Santoso, Senin (30/11/2026)")
    assert ("name", "budi santoso") in [(f.kind, f.value) for f in office]
    assert extract("Menteri Sosial memastikan bantuan tepat sasaran.") == ()


def test_each_fact_keeps_its_sentence_and_the_words_around_it():
    text = "Bantuan pangan Rp300 ribu per keluarga. Penyaluran mulai 1 Desember 2026 lewat kantor pos!"
    amount, date = extract(text)
    assert amount.sentence == "Bantuan pangan Rp300 ribu per keluarga."
    assert {"bantu", "pang", "luarga"} <= amount.context  # stems
    assert date.sentence == "Penyaluran mulai 1 Desember 2026 lewat kantor pos!"
    assert "kantor" in date.context


@pytest.mark.parametrize(
    ("written", "value"),
    [("300.000", 300_000), ("1,2", 1.2), ("1.250.000,50", 1_250_000.5), ("1,250,000", 1_250_000), ("2.5", 2.5),
     ("1,250", 1_250), ("12,5", 12.5), ("1.2.3", None), ("12.34.567", None)],
)  # fmt: skip
def test_separators(written: str, value: float | None):
    assert parse_number(written) == value


def test_spelled_numbers():
    assert parse_number_words("seratus dua puluh lima ribu") == 125_000
    assert parse_number_words("dua juta tiga ratus ribu") == 2_300_000
    assert parse_number_words("sebelas ribu lima ratus") == 11_500
    assert parse_number_words("sembilan puluh sembilan") == 99
    assert parse_number_words("tiga ratus warga") is None


RELEASE = (
    "Kementerian Sosial menyalurkan bantuan pangan Rp300 ribu per keluarga kepada 1,2 juta keluarga di 14 "
    "provinsi mulai 1 Desember 2026. Menteri Sosial Tri Wahyuni Saputri mengatakan anggaran Rp1,08 triliun."
)


def changed(report: str) -> list[tuple[str, str]]:
    return [(c.release.text, c.report.text) for c in changes(extract(RELEASE), extract(report))]


def test_a_changed_amount_is_flagged_with_both_sentences():
    [change] = changes(extract(RELEASE), extract("Kemensos memberi bantuan pangan Rp3 juta per keluarga."))
    assert (change.kind, change.release.text, change.report.text) == ("amount", "Rp300 ribu", "Rp3 juta")
    assert change.release.sentence.startswith("Kementerian Sosial menyalurkan bantuan pangan Rp300 ribu")
    assert change.report.sentence == "Kemensos memberi bantuan pangan Rp3 juta per keluarga."


@pytest.mark.parametrize(
    ("report", "expected"),
    [
        ("Bantuan untuk 12 juta keluarga di 14 provinsi.", [("1,2 juta", "12 juta")]),
        ("Bantuan pangan mulai disalurkan 1 Januari 2027 ke keluarga di 14 provinsi.", [("1 Desember 2026", "1 Januari 2027")]),
        ("Bantuan pangan untuk keluarga di 41 provinsi mulai 1 Desember.", [("14", "41")]),
        ("Menteri Sosial Tri Wahyudi Saputri menyebut bantuan pangan cair.", [("Menteri Sosial Tri Wahyuni Saputri", "Menteri Sosial Tri Wahyudi Saputri")]),
    ],
)  # fmt: skip
def test_changed_counts_dates_and_misspelt_names(report: str, expected: list[tuple[str, str]]):
    assert changed(report) == expected


@pytest.mark.parametrize(
    "report",
    [
        # The same facts, written otherwise.
        "Bantuan pangan Rp 300.000/keluarga bagi 1.200.000 keluarga di 14 provinsi, mulai Selasa (1/12/2026).",
        "bansos pangan 300rb per KK cair tgl 1 Des buat 1,2 jt keluarga 🙏",
        # Rounded: Rp1,1 triliun for Rp1,08 triliun.
        "Anggaran bantuan pangan sekitar Rp1,1 triliun.",
        # A number of the report's own beside the release's.
        "Bantuan Rp300 ribu per keluarga; tahun lalu bantuan serupa hanya Rp200 ribu per keluarga.",
        # A number about something else.
        "Harga beras naik Rp1.000 per kilogram di pasar induk.",
        # The name shortened, and another official quoted.
        "Mensos Tri Wahyuni memastikan bantuan pangan tepat sasaran. Gubernur Jawa Barat Dedi Mulyana mendukung.",
    ],
)
def test_what_a_report_may_do_without_being_flagged(report: str):
    assert changed(report) == []
