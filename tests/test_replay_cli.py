"""`monitor replay` and `monitor rules test` as a team uses them to tune rules on its own history."""

from __future__ import annotations

import csv
import io
import json
import logging
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alerters.fake_slack import FakeSlack, Fault
from localhttp import LocalHTTPServer

from monitor.cli import main
from monitor.clock import SimulatedClock

CONFIG = """
rules_dir = "rules"
[monitor]
data_dir = "var"
[classifier]
type = "lexicon"
[watchlists]
bansos = ["bansos", "blt"]
"""
KELUHAN = """
description = "Keluhan bansos"
type = "threshold"
watchlists = ["bansos"]
sentiment = ["negative"]
window = "1h"
threshold = 3
resolve_after = "1h"
"""
SEMUA = """
description = "Semua soal bansos"
type = "threshold"
watchlists = ["bansos"]
window = "1h"
threshold = 6
resolve_after = "1h"
"""


def post(i: int, text: str, at: str, **extra: object) -> str:
    return json.dumps({"id": str(i), "text": text, "published_at": at, "author": f"akun{i}", **extra})


HISTORY = [
    post(1, "BLT belum cair, kecewa bgt 😤", "2026-11-20T08:00:00+07:00"),
    post(2, "Antre bansos dari subuh, petugas lambat parah", "2026-11-20T08:10:00+07:00"),
    "",
    post(3, "bansos dipotong oknum, marah warga sini", "2026-11-20T08:20:00+07:00"),
    json.dumps({"id": "9", "text": "", "published_at": "2026-11-20T08:25:00+07:00"}),
    post(4, "Info BLT tahap 4 disalurkan lewat kantor pos", "2026-11-20T08:30:00+07:00"),
    post(5, "BLT cair alhamdulillah, makasih pak lurah", "2026-11-20T08:40:00+07:00"),
    post(6, "Jadwal bansos minggu depan sudah keluar", "2026-11-20T08:45:00+07:00"),
]


@pytest.fixture
def setup(tmp_path: Path) -> Path:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "keluhan.toml").write_text(KELUHAN, encoding="utf-8")
    (tmp_path / "rules" / "semua.toml").write_text(SEMUA, encoding="utf-8")
    (tmp_path / "monitor.toml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "riwayat.jsonl").write_text("\n".join(HISTORY) + "\n", encoding="utf-8")
    (tmp_path / "kejadian.csv").write_text(
        "onset,name,rules\n2026-11-20T08:00,Keluhan pencairan BLT,keluhan\n2026-11-21T09:00,Yang tidak terjadi,\n",
        encoding="utf-8",
    )
    return tmp_path


def monitor(folder: Path, *argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main([*argv, "--config", str(folder / "monitor.toml")], out=out, clock=SimulatedClock(datetime.now(UTC)))
    return code, out.getvalue()


def test_replay_keeps_its_result_prints_the_table_and_scores_known_events(setup: Path) -> None:
    kept = setup / "hasil"
    code, text = monitor(
        setup, "replay", "--input", str(setup / "riwayat.jsonl"), "--log", "--data-dir", str(kept),
        "--events", str(setup / "kejadian.csv"),
    )  # fmt: skip

    # One unusable line is reported, the rest replayed: not a failed run.
    assert code == 0, text
    assert "! baris 5: kolom 'text' kosong atau tidak ada" in text and "1 baris dilewati" in text
    assert "Diputar: 6 mention" in text and "evaluasi aturan" in text
    # Alerts (what the rules raised) and deliveries (an alert to an alerter) are counted apart.
    assert "Peringatan: 4 dari aturan, 0 dibungkam; 2 insiden." in text
    assert "Pengiriman (satu peringatan ke satu alerter): 4 terkirim (log 4)." in text
    assert "Insiden (2):" in text
    table = text.split("Insiden (2):")[1]
    assert "keluhan" in table and "20 Nov 2026, 08.25 WIB" in table and "semua" in table
    assert "Tabel insiden ditulis ke" in text
    # Scores against the events file: the second event concerns every rule and nobody saw it.
    assert "keluhan: 1/2 terdeteksi (recall 50%), jeda median 25 menit, terlama 25 menit, 0 insiden palsu" in text
    assert "semua: 0/1 terdeteksi (recall 0%), jeda -, 1 insiden palsu" in text
    # What was kept can be read later.
    rows = [json.loads(line) for line in (kept / "incidents.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(r["rule"], r["opened_local"], r["peak"]) for r in rows] == [
        ("keluhan", "20 Nov 2026, 08.25 WIB", 3),
        ("semua", "20 Nov 2026, 08.50 WIB", 6),
    ]
    assert rows[0]["resolved_at"] and rows[0]["alerts"] == 2
    with (kept / "incidents.csv").open(encoding="utf-8") as handle:
        assert [r["rule"] for r in csv.DictReader(handle)] == ["keluhan", "semua"]
    assert (kept / "mentions.sqlite3").exists() and (kept / "state.sqlite3").exists()


def test_a_delivery_that_failed_then_succeeded_is_not_reported_as_failed(
    setup: Path, monkeypatch, local_http: LocalHTTPServer
) -> None:
    slack = FakeSlack(local_http)
    try:
        monkeypatch.setenv("SLACK_BOT_TOKEN", slack.token)
        config = (setup / "monitor.toml").read_text(encoding="utf-8") + textwrap.dedent(
            f"""
            [alerters.krisis]
            type = "slack"
            token = "${{SLACK_BOT_TOKEN}}"
            channel = "C0KRISIS01"
            base_url = "{slack.base_url}"
            rate = 50
            """
        )
        (setup / "monitor.toml").write_text(config, encoding="utf-8")
        (setup / "rules" / "keluhan.toml").write_text(KELUHAN + 'alerters = ["krisis"]\n', encoding="utf-8")
        (setup / "rules" / "semua.toml").unlink()
        slack.script("chat.postMessage", Fault(error="internal_error"))
        logged = io.StringIO()
        handler = logging.StreamHandler(logged)
        logging.getLogger().addHandler(handler)
        try:
            code, text = monitor(setup, "replay", "--input", str(setup / "riwayat.jsonl"))
        finally:
            logging.getLogger().removeHandler(handler)

        assert code == 0, text
        # The failed attempt was logged when it happened in the history, not when the replay ran.
        [failure] = [line for line in logged.getvalue().splitlines() if "pengiriman gagal" in line]
        assert failure.startswith("2026-11-20 08:25 WIB [simulasi] ERROR monitor.delivery.outbox:"), failure
        assert "GAGAL" not in text
        assert (
            "Pengiriman (satu peringatan ke satu alerter): 2 terkirim (krisis 2), 1 di antaranya terkirim setelah dicoba ulang."
            in text
        )
        assert len(slack.messages("C0KRISIS01")) == 2
    finally:
        slack.close()


def test_rules_test_runs_every_rule_at_once_and_scores_events(setup: Path) -> None:
    code, _ = monitor(
        setup, "replay", "--input", str(setup / "riwayat.jsonl"), "--log", "--data-dir", str(setup / "var")
    )
    assert code == 0
    (setup / "rules" / "sepi.toml").write_text('type = "silence"\n', encoding="utf-8")

    code, text = monitor(
        setup, "rules", "test", "--from", "2026-11-20", "--to", "2026-11-20", "--events", str(setup / "kejadian.csv"),
        "--output", str(setup / "uji"),
    )  # fmt: skip

    assert code == 0, text
    assert "aturan 'sepi' (tipe silence) dilewati" in text
    assert "Aturan 'keluhan,semua'" in text and "2 insiden" in text
    assert "keluhan: 1/2 terdeteksi" in text
    assert (setup / "uji" / "incidents.csv").exists()


def test_replay_reports_progress_in_simulated_time(setup: Path) -> None:
    from monitor.app import load_config
    from monitor.replay import ReplayProgress, replay

    seen: list[ReplayProgress] = []
    replay(load_config(setup / "monitor.toml"), setup / "riwayat.jsonl", progress=seen.append, progress_every=0)

    assert seen and seen[0].fraction == 0 and seen[-1].fraction == 1
    assert [p.now for p in seen] == sorted(p.now for p in seen)
    assert seen[-1].now.year == 2026 and seen[-1].stored == 6 and seen[-1].alerts >= 2
