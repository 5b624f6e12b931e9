"""Properties of the key-fact reader (monitor.evaluation.facts): any text is read without a crash,
every fact quotes its sentence, and amounts and dates written in any of the usual forms mean
what they say."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st
from strategies import any_text, indonesian_text

from monitor.evaluation.facts import extract

MONTH_NAMES = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
               "November", "Desember"]  # fmt: skip
SHORT_MONTHS = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]
SCALES = {"ribu": 1_000, "juta": 1_000_000, "miliar": 1_000_000_000}
SHORT = {"ribu": "rb", "juta": "jt"}


@given(indonesian_text | any_text)
@example("Rp. 300.000,- Rp")
@example("1,,2 juta ... 12%% 31/02/2026 Menteri Menteri")
def test_any_text_is_read_and_every_fact_quotes_its_sentence(text: str) -> None:
    for fact in extract(text):
        assert fact.kind in ("amount", "percent", "count", "date", "name")
        assert fact.text and fact.text in fact.sentence


def _thousands(value: int) -> str:
    return f"{value:,}".replace(",", ".")


@given(st.integers(1, 999), st.sampled_from(sorted(SCALES)), st.integers(0, 5), st.sampled_from(["Rp", "Rp ", "Rp. "]))
@example(300, "ribu", 0, "Rp")
@example(1, "juta", 2, "Rp")
def test_an_amount_means_the_same_in_every_form(whole: int, scale: str, tenths: int, currency: str) -> None:
    value = (whole * 10 + tenths) * SCALES[scale] // 10
    decimal = f"{whole},{tenths}" if tenths else str(whole)
    forms = [
        f"{currency}{decimal} {scale}",
        f"{currency}{_thousands(value)}",
        f"{currency}{_thousands(value)},-",
        f"{decimal} {scale} rupiah",
    ]
    if scale in SHORT:
        forms.append(f"{decimal}{SHORT[scale]}")
    for written in forms:
        found = [(f.kind, f.value) for f in extract(f"Bantuan pangan {written} per keluarga diterima warga.")]
        assert found == [("amount", value)], written


@given(
    st.integers(1, 28), st.integers(1, 12), st.integers(2020, 2030), st.sampled_from(["long", "short", "slash", "iso"])
)
def test_a_date_means_the_same_in_every_form(day: int, month: int, year: int, form: str) -> None:
    written = {
        "long": f"{day} {MONTH_NAMES[month - 1]} {year}",
        "short": f"{day} {SHORT_MONTHS[month - 1]} {year}",
        "slash": f"{day}/{month}/{year}",
        "iso": f"{year}-{month:02d}-{day:02d}",
    }[form]
    found = [(f.kind, f.value) for f in extract(f"Penyaluran bantuan dimulai {written} di kantor pos.")]
    assert found == [("date", (day, month, year))], written
