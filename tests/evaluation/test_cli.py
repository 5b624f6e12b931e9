"""`monitor releases list|show` and `monitor incidents respond` on the written release week, and
the service's evaluation judging a response (Pipeline.evaluate runs the tracker)."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest

from monitor.app import load_config
from monitor.cli import main
from monitor.clock import SimulatedClock
from monitor.db import StateDB
from monitor.evaluation.responses import ResponseBook
from monitor.incidents.book import IncidentBook
from monitor.pipeline import build_pipeline
from monitor.records import OFFICIAL
from monitor.store.types.sqlite import SqliteStore
from tests.evaluation.world import RELEASED, hourly_posts, item, ordinary_weeks, release_week

CONFIG = """
[watchlists]
bansos = ["bansos", "bantuan pangan"]
layanan = ["layanan", "antrean", "sim"]
"""
RULES = {"keluhan": 'type = "negative_surge"\nwatchlists = ["layanan"]\nresolve_after = "3h"\n'}
LATER = RELEASED + timedelta(days=5)


@pytest.fixture
def config_path(write_config) -> Path:
    return write_config(CONFIG, rules=RULES)


def run(path: Path, *argv: str, at=LATER) -> tuple[int, str]:
    out = io.StringIO()
    code = main([*argv, "--config", str(path)], out=out, clock=SimulatedClock(at))
    return code, out.getvalue()


def fill(path: Path) -> None:
    config = load_config(path)
    store = SqliteStore(config.data_dir / "mentions.sqlite3")
    store.upsert(release_week())
    store.close()


def test_releases_list_and_show(config_path: Path) -> None:
    fill(config_path)

    code, listed = run(config_path, "releases", "list", "--since", "30d")
    assert code == 0
    head, line = listed.strip().splitlines()
    assert "23 Nov 2026, 10.00 WIB  Kemensos Salurkan Bantuan Pangan Rp300 Ribu per Keluarga mulai 1 Desember" in head
    assert line.strip() == (
        "12 media · 2 unggahan · pertama dimuat 38 menit kemudian · jangkauan 2.104.000 · 2 mengubah fakta kunci"
    )

    code, shown = run(config_path, "releases", "show", head.split()[0])
    assert code == 0
    assert (
        "Fakta kunci: Rp300 Ribu (jumlah uang), 1 Desember 2026 (tanggal), 1,2 juta (jumlah), 14 (jumlah), "
        "Menteri Sosial Tri Wahyuni Saputri (nama), Rp1,08 triliun (jumlah uang), 23/11/2026 (tanggal)\n"
    ) in shown
    assert "Mengubah fakta kunci (2):" in shown
    assert "    rilis: “Kemensos Salurkan Bantuan Pangan Rp300 Ribu per Keluarga mulai 1 Desember.”" in shown
    assert "    liputan: “Kemensos Beri Bantuan Pangan Rp3 Juta untuk Korban Banjir.”" in shown
    assert "    liputan: “Kemensos Salurkan Bantuan Pangan untuk 12 Juta Keluarga Korban Banjir.”" in shown
    assert shown.count("⚠") == 2


def test_in_english_and_while_the_window_is_still_open(write_config) -> None:
    path = write_config(CONFIG, name="en.toml")
    path.write_text(path.read_text().replace('data_dir = "var"', 'data_dir = "var"\nlanguage = "en"'))
    fill(path)
    code, listed = run(path, "releases", "list", "--since", "7d", at=RELEASED + timedelta(hours=2))
    assert code == 0
    assert "6 outlets · 0 posts · first carried 38 minutes later" in listed
    assert "2 changed a key fact (still counting until 26 Nov 2026, 10:00 WIB)" in listed


def test_no_releases_and_unknown_ids(config_path: Path) -> None:
    code, listed = run(config_path, "releases", "list")
    assert code == 0 and 'role = "official"' in listed
    assert run(config_path, "releases", "show", "zzzz")[0] == 2
    assert run(config_path, "incidents", "respond", "zzzz", "--url", "https://x.id/a")[0] == 2


def test_incidents_respond_records_a_link_by_hand(config_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = load_config(config_path)
    state = StateDB(config.data_dir / "state.sqlite3")
    row, _ = IncidentBook(state).apply(config.rule("keluhan"), "", 40, RELEASED, "Keluhan antrean layanan SIM")
    state.close()

    code, said = run(
        config_path,
        "incidents",
        "respond",
        row.incident.id[:8],
        "--url",
        "https://www.instagram.com/p/klarifikasi-sim/",
        "--at",
        "2026-11-23T12:10",
        "--by",
        "rina",
    )
    assert code == 0
    assert said.strip() == (
        f"Tanggapan untuk insiden {row.incident.id[:8]} dicatat: https://instagram.com/p/klarifikasi-sim "
        "(23 Nov 2026, 12.10 WIB). Dampaknya dinilai 6 jam setelah tanggapan pertama."
    )
    state = StateDB(config.data_dir / "state.sqlite3")
    [response] = ResponseBook(state).responses(row.incident.id)
    state.close()
    assert (response.how, response.by, response.published_at) == (
        "hand",
        "rina",
        RELEASED + timedelta(hours=2, minutes=10),
    )
    assert run(config_path, "incidents", "respond", row.incident.id[:8], "--url", "instagram.com/p/x")[0] == 2
    assert (
        run(config_path, "incidents", "respond", row.incident.id[:8], "--url", "https://x.id", "--at", "kemarin")[0]
        == 2
    )
    # Each refusal says what was wrong, in the user's terms.
    err = capsys.readouterr().err
    assert "instagram.com/p/x" in err and "kemarin" in err


def test_the_service_judges_a_response_when_it_evaluates(config_path: Path) -> None:
    config = load_config(config_path)
    onset = RELEASED
    store = SqliteStore(config.data_dir / "mentions.sqlite3")
    store.upsert(ordinary_weeks(onset, 4, topic="Antrean layanan SIM"))
    store.upsert(hourly_posts(onset, 10, lambda h: (30, 0.75 if h < 3 else 0.35), topic="Antrean layanan SIM"))
    store.upsert(
        [
            item(
                "Polres menambah loket layanan SIM, antrean diatur dengan nomor urut daring",
                at=onset + timedelta(hours=3),
                source="rilis-polres",
                role=OFFICIAL,
                watchlists=("layanan",),
            )
        ]
    )
    clock = SimulatedClock(onset)
    pipeline = build_pipeline(config, clock=clock, store=store, alerters={})
    try:
        lines = []
        while clock.now() < onset + timedelta(hours=10):
            clock.advance(timedelta(minutes=20))
            lines += [a.summary for a in pipeline.evaluate().alerts if a.event == "response"]
        [line] = lines
        assert line.startswith("Tanggapan resmi ") and "porsi negatif 7" in line and "tanggapan berpengaruh" in line
    finally:
        pipeline.close()
