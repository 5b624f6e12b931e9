"""`monitor report monthly --month 2026-11` on the written November (tests/evaluation/month.py):
the page and the CSV tables, in Indonesian and in English; the month's figures checked against
how the world was written; the net sentiment's interval checked by simulation."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from monitor.app import load_config
from monitor.cli import main
from monitor.clock import SimulatedClock
from monitor.db import StateDB
from monitor.evaluation.monthly import Month, MonthlyEvaluation, NetSentiment
from monitor.evaluation.responses import ResponseTracker
from monitor.i18n import Messages
from monitor.records import OFFICIAL
from monitor.report import monthly
from monitor.rules.base import subject_filter
from monitor.store.base import MentionStore
from monitor.store.types.sqlite import SqliteStore
from tests.evaluation.month import BANSOS_DAILY, NOVEMBER, REPORT_DAY, WIB, november
from tests.evaluation.world import item
from tests.store.conftest import _es_store

CONFIG = """
[monitor]
data_dir = "var"
language = "{language}"
[classifier]
type = "lexicon"
[watchlists]
bansos = ["bansos", "bantuan pangan"]
layanan = ["layanan", "antrean", "kantor pos"]
"""
RULE = 'type = "negative_surge"\nwatchlists = ["layanan"]\nresolve_after = "3h"\n'


def config_file(folder: Path, language: str) -> Path:
    path = folder / f"monitor-{language}.toml"
    path.write_text('rules_dir = "rules"\n' + CONFIG.format(language=language), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ministry's data folder holding the written November (filled once for the module)."""
    folder = tmp_path_factory.mktemp("kemensos")
    (folder / "rules").mkdir()
    (folder / "rules" / "keluhan-layanan.toml").write_text(RULE, encoding="utf-8")
    config = load_config(config_file(folder, "id"))
    config.data_dir.mkdir(parents=True)
    store = SqliteStore(config.data_dir / "mentions.sqlite3")
    state = StateDB(config.data_dir / "state.sqlite3")
    november(store, state)
    state.close()
    store.close()
    return folder


def report(office: Path, language: str, out: Path, *extra: str) -> tuple[int, str]:
    printed = io.StringIO()
    argv = ["report", "monthly", "--month", "2026-11", "--out", str(out), *extra]
    code = main([*argv, "--config", str(config_file(office, language))], out=printed, clock=SimulatedClock(REPORT_DAY))
    return code, printed.getvalue()


def table(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.slow  # four months of talk: 15 000 mentions written, then read back (about 7 s)
def test_the_monthly_report_of_november(office: Path, tmp_path: Path) -> None:
    code, printed = report(office, "id", tmp_path)
    assert code == 0
    names = ["laporan-2026-11.html"] + [f"laporan-2026-11-{t}.csv" for t in ("ringkasan", "tren", "rilis", "tanggapan")]
    assert printed.splitlines() == [f"Ditulis: {tmp_path / name}" for name in names]

    # Per programme: volume, change, share of voice, net sentiment with its interval, pickup, responses.
    summary = {row["Program / watchlist"]: row for row in table(tmp_path / names[1])}
    assert list(summary) == ["bansos", "layanan", "Semua mention publik"]
    bansos, layanan, every = summary["bansos"], summary["layanan"], summary["Semua mention publik"]
    # 30 posts a day about social aid, the 12 outlets and 2 posts carrying the food-aid release
    # and the 3 outlets carrying the PKH one; the queue's 4 an hour plus its three crises.
    assert bansos["Mention publik"] == "917" and bansos["vs bulan lalu"] == "+18 %"  # against 775 in October
    # Every public mention: both, and the 8 of the release week that match neither watchlist.
    assert layanan["Mention publik"] == "3.708" and every["Mention publik"] == "4.633"
    assert (bansos["Porsi suara"], layanan["Porsi suara"], every["Porsi suara"]) == ("20 %", "80 %", "–")
    # As many positive as negative posts about social aid; the queue's crises pull it below zero.
    assert bansos["Sentimen bersih (rentang 95 %)"] == "0,00 (−0,05 s.d. +0,05)"
    assert layanan["Sentimen bersih (rentang 95 %)"] == "−0,14 (−0,16 s.d. −0,11)"
    assert (bansos["Rilis dimuat"], bansos["Waktu sampai dimuat (median)"]) == ("2 dari 3", "44 menit")
    # The three crises were about the queue: each answered, one response made a difference.
    assert (bansos["Insiden ditanggapi"], layanan["Insiden ditanggapi"]) == ("0 dari 0", "3 dari 3")
    assert layanan["Waktu sampai tanggapan (median)"] == "2 jam 10 menit"
    assert (layanan["Tanggapan berdampak"], every["Tanggapan berdampak"]) == ("1", "1")

    # The trend: the same figures for the three months before.
    trend = {row["Program / watchlist"]: row for row in table(tmp_path / names[2])}
    expected_days = {"Agu 2026": 31, "Sep 2026": 30, "Okt 2026": 31}
    for (label, days), per_day in zip(expected_days.items(), BANSOS_DAILY, strict=False):
        assert trend["bansos"][label].startswith(f"{per_day * days} · ")
        assert trend["layanan"][label] == f"{4 * 24 * days:,}".replace(",", ".") + " · 0,00"
    assert trend["layanan"]["Nov 2026"] == "3.708 · −0,14"

    # Releases: the food-aid one carried by 12 outlets and 2 posts, 2 outlets changing a number.
    releases = {row["Rilis"]: row for row in table(tmp_path / names[3])}
    food = releases["Kemensos Salurkan Bantuan Pangan Rp300 Ribu per Keluarga mulai 1 Desember"]
    assert (food["Media"], food["Unggahan"], food["Pertama dimuat"], food["Mengubah fakta kunci"]) == (
        "12",
        "2",
        "38 menit",
        "2",
    )
    assert food["Jangkauan"] == "2.104.000"
    assert releases["Kemensos Buka Pendaftaran Program Keluarga Harapan Tahap II"]["Media"] == "3"
    assert releases["Kemensos Gelar Bimbingan Teknis Pendamping Sosial di Makassar"]["Media"] == "0"

    # Responses: one credited, one that changed nothing, one to a crisis already fading.
    responses = table(tmp_path / names[4])
    assert [(r["Tanggapan pertama setelah"], r["Porsi negatif sebelum → sesudah"], r["Perkiraan tanpa tanggapan"],
             r["Penilaian"]) for r in responses] == [
        ("2 jam 10 menit", "75 % → 40 %", "73 %", "berdampak"),
        ("1 jam 35 menit", "73 % → 73 %", "73 %", "tidak berubah"),
        ("5 jam", "78 % → 52 %", "54 %", "sudah mereda sebelumnya (tidak dihitung)"),
    ]  # fmt: skip

    # The page says the same, with both sentences of each changed fact and the chart inside.
    page = (tmp_path / names[0]).read_text(encoding="utf-8")
    assert "<title>Evaluasi Komunikasi Bulanan — Nov 2026</title>" in page
    assert "⚠ tempo.co: Rp300 Ribu menjadi Rp3 Juta" in page
    assert "⚠ liputan6.com: 1,2 juta menjadi 12 Juta" in page
    assert page.count(">⚠ ") == 2  # (the third is in the note on how to read the report)
    assert page.count('src="data:image/png;base64,') == 1 and "<script" not in page
    for row in (*table(tmp_path / names[1]), *responses):
        for cell in row.values():
            assert html_escaped(cell) in page


def html_escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@pytest.mark.slow
def test_in_english_by_setting(office: Path, tmp_path: Path) -> None:
    code, printed = report(office, "en", tmp_path, "--watchlist", "layanan", "--months", "1")
    assert code == 0
    names = ["report-2026-11.html"] + [f"report-2026-11-{t}.csv" for t in ("summary", "trend", "releases", "responses")]
    assert printed.splitlines() == [f"Written: {tmp_path / name}" for name in names]
    summary = table(tmp_path / "report-2026-11-summary.csv")
    assert [row["Programme / watchlist"] for row in summary] == ["layanan", "All public mentions"]
    assert summary[0]["Public mentions"] == "3,708" and summary[0]["Net sentiment (95 % interval)"] == (
        "−0.14 (−0.16 to −0.11)"
    )
    assert list(table(tmp_path / "report-2026-11-trend.csv")[0]) == ["Programme / watchlist", "Oct 2026", "Nov 2026"]
    verdicts = [row["Verdict"] for row in table(tmp_path / "report-2026-11-responses.csv")]
    assert verdicts == ["made a difference", "no change", "already fading (not credited)"]
    page = (tmp_path / "report-2026-11.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in page and "Monthly Communication Review — Nov 2026" in page
    assert "Watchlists: layanan" in page
    # Not a word of the Indonesian catalogue's own.
    for word in ("dari", "menit", "Tanggapan", "Rilis", "sebelum", "berdampak", "s.d."):
        assert not re.search(rf"\b{re.escape(word)}\b", page), word


def test_a_wrong_month_or_watchlist_is_a_usage_error(write_config, capsys) -> None:
    path = write_config('[watchlists]\nbansos = ["bansos"]\n')
    for argv in (["report", "monthly", "--month", "2026-13"], ["report", "monthly", "--watchlist", "pajak"]):
        code = main([*argv, "--config", str(path)], clock=SimulatedClock(REPORT_DAY))
        assert code == 2
    said = capsys.readouterr().err
    assert "bulan tidak dikenal: '2026-13'" in said and "watchlist tidak ada: pajak (yang ada: bansos)" in said
    assert not (path.parent / "var" / "laporan").exists()


def test_months_are_local_calendar_months() -> None:
    since, until = Month.parse("2026-11").bounds(WIB)
    assert (since, until) == (datetime(2026, 10, 31, 17, tzinfo=UTC), datetime(2026, 11, 30, 17, tzinfo=UTC))
    assert Month.parse("2026-1").shifted(-1) == Month(2025, 12) and str(Month(2026, 2).shifted(11)) == "2027-01"
    assert Month.of(datetime(2026, 11, 30, 18, tzinfo=UTC), WIB) == Month(2026, 12)  # 01:00 WIB on 1 December
    for wrong in ("2026-00", "November", "26-11"):
        with pytest.raises(ValueError):
            Month.parse(wrong)


def test_the_net_sentiment_interval_covers_the_truth_95_times_in_100() -> None:
    sentiment = NetSentiment(positive=60, neutral=20, negative=20)
    assert sentiment.value == pytest.approx(0.4)
    low, high = sentiment.interval or (0, 0)
    assert (low, high) == pytest.approx((0.4 - 1.96 * 0.08, 0.4 + 1.96 * 0.08))
    assert NetSentiment(0, 0, 0).interval is None and NetSentiment(5, 0, 0).interval == (1.0, 1.0)

    # Months of 400 mentions drawn from a public that is 35 % positive, 25 % negative.
    truth = (0.35, 0.40, 0.25)
    draws = np.random.default_rng(16).multinomial(400, truth, size=4000)
    covered = 0
    for positive, neutral, negative in draws:
        low, high = NetSentiment(int(positive), int(neutral), int(negative)).interval or (0, 0)
        covered += low <= truth[0] - truth[2] <= high
    assert 0.935 <= covered / len(draws) <= 0.965


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize("width", [360, 1024])
def test_the_page_in_chromium(office: Path, tmp_path: Path, width: int) -> None:
    """On a phone and on a desk: no horizontal scroll, text inside the screen, large enough and
    readable against its background, the chart there (the digest's checks)."""
    from tests.digest.chromium import Chromium, binary
    from tests.digest.test_browser import check_contrast, check_layout

    if binary() is None:
        pytest.skip("chromium tidak terpasang (apt-get install chromium)")
    report(office, "id", tmp_path)
    chromium = Chromium()
    try:
        metrics = check_layout(chromium, tmp_path / "laporan-2026-11.html", width, charts=1)
        check_contrast(chromium, metrics, width, dark=False)
    finally:
        chromium.close()


def test_a_quiet_month_with_markup_in_a_release_title(write_config, tmp_path: Path) -> None:
    """One release nobody carried, whose title holds markup, and no incident: the page shows the
    title as text, says there were no incidents, and the figures without data are dashes."""
    path = write_config('[watchlists]\nbansos = ["bansos"]\n')
    config = load_config(path)
    config.data_dir.mkdir(parents=True)
    store = SqliteStore(config.data_dir / "mentions.sqlite3")
    store.upsert(
        [
            item(
                "Penyaluran bansos beras tahap akhir dimulai pekan depan di seluruh kelurahan.",
                title='<script>alert("x")</script> Bansos & beras',
                at=datetime(2026, 11, 20, 3, tzinfo=UTC),
                source="rilis-kemensos",
                url="https://kemensos.go.id/berita/beras",
                role=OFFICIAL,
                watchlists=("bansos",),
            )
        ]
    )
    store.close()
    printed = io.StringIO()
    argv = ["report", "monthly", "--month", "2026-11", "--months", "0", "--config", str(path)]
    assert main(argv, out=printed, clock=SimulatedClock(REPORT_DAY)) == 0
    page = (config.data_dir / "laporan" / "laporan-2026-11.html").read_text(encoding="utf-8")
    assert "<script" not in page and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Bansos &amp; beras" in page
    assert "Tidak ada insiden bulan ini." in page
    [summary, _every] = table(config.data_dir / "laporan" / "laporan-2026-11-ringkasan.csv")
    assert summary["Mention publik"] == "0" and summary["Sentimen bersih (rentang 95 %)"] == "–"
    assert (summary["Rilis dimuat"], summary["vs bulan lalu"], summary["Porsi suara"]) == ("0 dari 1", "–", "–")


def tables(office: Path, store: MentionStore, state: StateDB) -> list[tuple[str, tuple, dict]]:
    config = load_config(config_file(office, "id"))
    say = Messages("id", config.monitor.timezone)
    tracker = ResponseTracker(config, store, state, say=say, subject=subject_filter)
    figures = MonthlyEvaluation(config, store, tracker).report(NOVEMBER, REPORT_DAY)
    return [(t.name, t.rows, t.notes) for t in monthly.render(figures, say).tables]


@pytest.mark.slow
@pytest.mark.elasticsearch
def test_elasticsearch_gives_the_same_report(office: Path, make_es_store, es_url: str, tmp_path: Path) -> None:
    """The report reads only through the MentionStore protocol: the same November in a real
    Elasticsearch gives the same tables, cell for cell."""
    es = _es_store(make_es_store, es_url)
    es_state = StateDB(tmp_path / "state.sqlite3")
    november(es, es_state)
    data = office / "var"
    sqlite, sqlite_state = SqliteStore(data / "mentions.sqlite3"), StateDB(data / "state.sqlite3")
    try:
        expected = tables(office, sqlite, sqlite_state)
        assert [name for name, *_ in expected] == ["ringkasan", "tren", "rilis", "tanggapan"]
        assert tables(office, es, es_state) == expected
    finally:
        sqlite.close()
        sqlite_state.close()
        es_state.close()
