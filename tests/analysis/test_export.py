"""Mentions as a report table (CSV, Excel) and analysts' corrections read back from it."""

from __future__ import annotations

import csv

import pytest
from openpyxl import load_workbook
from timeline import enriched

from monitor.analysis.export import export_mentions, header, read_corrections, write_table
from monitor.i18n import Messages

SAY = Messages()
ROWS = [
    enriched(
        "Pompa air di pintu air kok ga nyala?? 😡 @pemkot",
        minutes=0,
        sentiment="negative",
        reach=5200,
        watchlists=("banjir", "pemkot"),
        topics=("bencana",),
        flags=("kegagalan_layanan",),
    ),
    enriched("Info: posko pengungsian dibuka di SDN 3 Sukasari", minutes=30, sentiment="neutral"),
]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_table_has_indonesian_headers_local_times_and_every_mention(tmp_path, suffix):
    path = export_mentions(tmp_path / f"laporan{suffix}", ROWS, SAY)
    if suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
    else:
        rows = [[cell if cell is not None else "" for cell in row] for row in load_workbook(path).active.values]
    assert rows[0][:3] == ["waktu", "sumber", "kanal"] and rows[0][-1] == "koreksi_sentimen"
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["waktu"] == "2026-11-23 08:00"  # 01:00 UTC in WIB
    assert first["teks"] == ROWS[0].mention.text  # emoji intact
    assert first["sentimen"] == "negatif" and first["watchlist"] == "banjir, pemkot"
    assert str(first["jangkauan"]) == "5200" and first["koreksi_sentimen"] == ""
    assert len(rows) == 3


def test_english_offices_get_english_headers():
    assert header(Messages("en"))[:3] == ["time", "source", "channel"]


def _exported(mention_id: str, text: str, sentiment: str, correction: str) -> list[str]:
    """A row as the export writes it (COLUMNS order), with what the analyst typed last."""
    return ["2026-11-20 06:38", "x", "social", "warga", "", text, sentiment, *[""] * 6, mention_id, correction]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_corrections_are_the_rows_an_analyst_filled_in(tmp_path, suffix):
    rows = [
        _exported("id-1", "pompa mati lg", "netral", "Negatif"),
        _exported("id-2", "info posko", "netral", ""),
        _exported("id-3", "mantap pemkot 👏", "positif", "negative"),
        _exported("id-4", "??", "positif", "entahlah"),
    ]
    path = write_table(tmp_path / f"koreksi{suffix}", header(SAY), rows)
    corrections = read_corrections(path, SAY)
    assert [(c.mention_id, c.model, c.corrected) for c in corrections] == [
        ("id-1", "neutral", "negative"),
        ("id-3", "positive", "negative"),
    ]
    assert corrections[1].text == "mantap pemkot 👏"


def test_an_unknown_format_is_refused(tmp_path):
    with pytest.raises(ValueError, match=r"\.csv atau \.xlsx"):
        write_table(tmp_path / "laporan.pdf", ["a"], [[1]])
