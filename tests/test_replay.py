"""`monitor replay`: a recorded history through the whole pipeline on a simulated clock."""

from __future__ import annotations

import io
import json
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest

from monitor.alerters.types.log import LogAlerter
from monitor.app import load_config
from monitor.i18n import Messages
from monitor.replay import load_history, parse_columns, replay

CONFIG = """
[monitor]
data_dir = "var"
evaluate_interval = "5m"
[classifier]
type = "lexicon"
[watchlists]
bansos = ["bansos", "blt", "bantuan sosial"]
"""
RULES = {
    "keluhan-bansos.toml": """
        description = "Keluhan bansos"
        type = "threshold"
        watchlists = ["bansos"]
        sentiment = ["negative"]
        window = "1h"
        threshold = 3
        resolve_after = "1h"
    """,
    "unggahan-melesat.toml": """
        description = "Unggahan bansos melesat"
        type = "viral"
        watchlists = ["bansos"]
        window = "1d"
        min_growth = 1000
    """,
}


def post(i: int, text: str, published: str, **extra) -> str:
    return json.dumps(
        {"id": f"p{i}", "text": text, "published_at": published, "author": f"akun{i}", "source": "ekspor-x", **extra},
        ensure_ascii=False,
    )


HISTORY = [
    post(1, "Pagi ini BLT tahap 4 mulai disalurkan di kantor pos", "2026-11-20T07:00:00+07:00"),
    post(2, "BLT belum cair, kecewa bgt sama pelayanannya 😤", "2026-11-20T08:00:00+07:00", likes=40),
    "{ini bukan json",
    post(3, "Antrean bansos parah, lansia pingsan, petugas lambat!!", "2026-11-20T08:10:00+07:00", likes=900),
    json.dumps({"id": "p9", "published_at": "2026-11-20T08:12:00+07:00"}),
    post(4, "bansos dipotong oknum, kecewa dan marah warga sini", "2026-11-20T08:15:00+07:00"),
    post(5, "tanggal rusak", "kemarin sore"),
    # The antrean post again, collected 40 minutes later with far more engagement.
    post(
        3,
        "Antrean bansos parah, lansia pingsan, petugas lambat!!",
        "2026-11-20T08:10:00+07:00",
        likes=2100,
        shares=800,
        collected_at="2026-11-20T08:50:00+07:00",
    ),
    "",
    json.dumps({"id": "p6", "text": "tanpa tanggal"}),
]


@pytest.fixture
def config(tmp_path: Path):
    rules = tmp_path / "rules"
    rules.mkdir()
    for name, body in RULES.items():
        (rules / name).write_text(textwrap.dedent(body), encoding="utf-8")
    path = tmp_path / "monitor.toml"
    path.write_text(CONFIG, encoding="utf-8")
    return load_config(path)


def test_replay_runs_the_whole_pipeline_and_reports_bad_lines(tmp_path: Path, config):
    source = tmp_path / "riwayat.jsonl"
    source.write_text("\n".join(HISTORY) + "\n", encoding="utf-8")
    out = io.StringIO()
    waits: list[float] = []
    report = replay(
        config,
        source,
        speed=60,
        alerters={"log": LogAlerter("log", Messages("id", "Asia/Jakarta"), stream=out)},
        sleep=waits.append,
    )
    assert report.problems == [
        "baris 3: JSON tidak valid (Expecting property name enclosed in double quotes)",
        "baris 5: kolom 'text' kosong atau tidak ada",
        "baris 7: published_at bukan tanggal ISO 8601: 'kemarin sore'",
        "baris 10: kolom 'published_at' wajib untuk replay (kapan mention ini muncul?)",
    ]
    assert report.read == 5 and report.errors == []
    text = out.getvalue()
    fired = Messages("id", "Asia/Jakarta").time(datetime(2026, 11, 20, 1, 20, tzinfo=UTC))  # 08:20 WIB
    assert f"Insiden baru: Keluhan bansos\n  3 mention dalam 1 jam (ambang 3)\n  {fired}" in text
    assert "Insiden baru: Unggahan bansos melesat — @akun3: Antrean bansos parah" in text
    assert "engagement naik" in text
    assert "Selesai: Keluhan bansos" in text
    assert sorted(r.incident.rule for r in report.incidents) == ["keluhan-bansos", "unggahan-melesat"]
    assert report.sent == report.alerts >= 3
    # 60x real time: a minute of history takes a second, including the stretches the replay
    # jumps over because nothing could happen in them (5-minute steps: multiples of 5 s).
    assert report.start and report.end and len(waits) == report.steps
    assert sum(waits) == (report.end - report.start).total_seconds() / 60
    assert all(w % 5 == 0 for w in waits) and max(waits) > 5
    # Replays never write into the monitor's own data folder.
    assert not (config.data_dir / "mentions.sqlite3").exists()


def test_csv_with_column_mapping_and_line_numbers(tmp_path: Path):
    source = tmp_path / "ekspor.csv"
    source.write_text(
        "tanggal;isi;akun;suka\n"
        '2026-11-20T08:00:00+07:00;"BLT cair, alhamdulillah\nmakasih pak lurah";budi;1.200\n'
        "2026-11-20T08:05:00+07:00;;kosong;3\n"
        "2026-11-20T08:07:00+07:00;Bansos telat lagi;sari;x\n"
        "2026-11-20T08:09:00+07:00;Antre dari subuh;joko;12\n",
        encoding="utf-8",
    )
    history = load_history(source, columns=parse_columns("published_at=tanggal, text=isi, author=akun, likes=suka"))
    assert [(r.line, r.mention.author, r.mention.engagement) for r in history.records] == [
        (2, "budi", 1200),
        (6, "joko", 12),
    ]
    assert history.problems == [
        "baris 4: kolom 'text' kosong atau tidak ada",
        "baris 5: angka engagement/reach tidak valid",
    ]
    assert "makasih pak lurah" in history.records[0].mention.text


def test_bad_column_mappings_are_explained(tmp_path: Path):
    with pytest.raises(ValueError, match="field=kolom"):
        parse_columns("text")
    with pytest.raises(ValueError, match="field 'isi' tidak dikenal"):
        parse_columns("isi=text")
    source = tmp_path / "ekspor.csv"
    source.write_text("waktu,teks\n2026-11-20T08:00:00+07:00,halo\n", encoding="utf-8")
    with pytest.raises(ValueError, match="kolom CSV tidak ada: isi"):
        load_history(source, columns={"text": "isi"})
