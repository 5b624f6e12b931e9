"""The rule and incident verbs as the CLI runs them: parse real arguments, use the real files."""

from __future__ import annotations

import io
import json
import textwrap
from pathlib import Path

import pytest
from conftest import upserted
from timeline import at, enriched

from monitor.app import load_config
from monitor.cli import main
from monitor.clock import SimulatedClock
from monitor.db import StateDB
from monitor.incidents.book import IncidentBook
from monitor.store.types.sqlite import SqliteStore

CONFIG = """
[monitor]
data_dir = "var"
[classifier]
type = "lexicon"
[watchlists]
bansos = ["bansos", "blt"]
[alerters.log]
type = "log"
[alerters.cadangan]
type = "log"
"""
RULE = """
description = "Keluhan bansos"
type = "threshold"
watchlists = ["bansos"]
sentiment = ["negative"]
threshold = 3
alerters = ["log", "cadangan"]
"""


@pytest.fixture
def config(tmp_path: Path):
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "keluhan.toml").write_text(textwrap.dedent(RULE), encoding="utf-8")
    (tmp_path / "monitor.toml").write_text(CONFIG, encoding="utf-8")
    return load_config(tmp_path / "monitor.toml")


def run(config, *argv: str) -> tuple[int, str]:
    """The command as `monitor ... --config FILE` runs it, on a clock stopped at at(0)."""
    out = io.StringIO()
    code = main([*argv, "--config", str(config.base_dir / "monitor.toml")], out=out, clock=SimulatedClock(at(0)))
    return code, out.getvalue()


def cli(config, *argv: str) -> str:
    code, text = run(config, *argv)
    assert code == 0
    return text


def usage_error(config, capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """What the command says on stderr when the user asked for something impossible (exit 2)."""
    capsys.readouterr()
    code, _ = run(config, *argv)
    assert code == 2
    return capsys.readouterr().err


def test_silence_add_list_remove(config, capsys):
    added = cli(config, "silence", "add", "watchlist:bansos", "--until", "2h", "--reason", "rapat dengan dinas")
    assert added.startswith("Silence #1 aktif sampai")
    assert "watchlist:bansos" in cli(config, "silence", "list") and "rapat dengan dinas" in cli(
        config, "silence", "list"
    )
    assert cli(config, "silence", "remove", "1") == "Silence #1 diakhiri.\n"
    assert cli(config, "silence", "list") == "Tidak ada silence aktif.\n"
    assert "(dihapus" in cli(config, "silence", "list", "--all")
    assert "tidak ada silence aktif #1" in usage_error(config, capsys, "silence", "remove", "1")
    assert "--until tidak dikenal" in usage_error(
        config, capsys, "silence", "add", "x", "--until", "nanti", "--reason", "r"
    )


def test_incidents_list_and_ack(config, capsys):
    state = StateDB(config.data_dir / "state.sqlite3")
    row, _ = IncidentBook(state).apply(config.rules[0], "", 4, at(0), "Keluhan bansos")
    state.close()
    assert "[PERINGATAN] Keluhan bansos" in cli(config, "incidents", "list")
    short = row.incident.id[:8]
    assert cli(config, "incidents", "ack", short, "--note", "sudah dikoordinasikan", "--by", "dina") == (
        f"Insiden {short} di-ack: tidak ada pembaruan lagi kecuali eskalasi.\n"
    )
    assert "di-ack dina" in cli(config, "incidents", "list")
    assert "tidak ditemukan" in usage_error(config, capsys, "incidents", "ack", "tidakada")


def test_rules_test_reads_the_configured_store(config, capsys):
    store = SqliteStore(config.data_dir / "mentions.sqlite3")
    upserted(
        store,
        [enriched(f"BLT ga cair, kecewa {i}", minutes=30, sentiment="negative", author=f"w{i}") for i in range(3)],
    )
    store.close()
    text = cli(config, "rules", "test", "keluhan", "--from", "2026-11-23", "--to", "2026-11-23")
    assert "Aturan 'keluhan'" in text and "1 insiden" in text
    assert "aturan 'lain' tidak ada" in usage_error(
        config, capsys, "rules", "test", "lain", "--from", "2026-11-23", "--to", "2026-11-24"
    )


def test_replay_dry_run_prints_each_alert_once(config, tmp_path: Path):
    source = tmp_path / "riwayat.jsonl"
    lines = [
        json.dumps(
            {
                "id": str(i),
                "text": f"BLT belum cair, kecewa bgt {i}",
                "author": f"a{i}",
                "published_at": f"2026-11-20T08:0{i}:00+07:00",
            }
        )
        for i in range(3)
    ]
    source.write_text("\n".join(lines), encoding="utf-8")
    text = cli(config, "replay", "--input", str(source), "--log")
    assert text.count("Insiden baru: Keluhan bansos") == 1
    assert "Diputar: 3 mention" in text and "0 dibungkam; 1 insiden" in text
