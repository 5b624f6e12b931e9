"""The `monitor` command: each subcommand as a user runs it."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime

import pytest
from localhttp import Reply

from monitor.cli import main
from monitor.cli.common import EXIT_OK, EXIT_PARTIAL, EXIT_USAGE


def run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(list(args), out=out), out.getvalue()


def test_help_for_every_command(capsys):
    commands = (
        ["run"],
        ["once"],
        ["demo"],
        ["classify"],
        ["label"],
        ["train"],
        ["config", "check"],
        ["search"],
        ["explore"],
        ["digest", "preview"],
        ["digest", "send"],
    )
    for command in commands:
        with pytest.raises(SystemExit) as exit_info:
            main([*command, "--help"])
        assert exit_info.value.code == 0
        assert "usage: monitor" in capsys.readouterr().out


def test_config_check_valid_and_invalid(write_config, capsys):
    code, out = run("config", "check", "--config", str(write_config()))
    assert code == EXIT_OK and "Konfigurasi valid" in out
    bad = write_config('[store]\ntype = "mongodb"\n', name="bad.toml")
    code, _ = run("config", "check", "--config", str(bad))
    assert code == EXIT_USAGE
    assert "store.type" in capsys.readouterr().err


def test_classify_jsonl_and_plain_lines(tmp_path, write_config):
    source = tmp_path / "in.txt"
    source.write_text(
        json.dumps({"id": "a1", "text": "Makasih pemkot, bansos udah cair 🙏 mantul"}) + "\n"
        "Jalan di depan pasar rusak parah, kapan diperbaiki??\n"
        "\n"
        "😡😡😡\n" + json.dumps({"id": "e", "text": ""}) + "\n",
        encoding="utf-8",
    )
    target = tmp_path / "out.jsonl"
    code, _ = run("classify", "--config", str(write_config()), "--input", str(source), "--output", str(target))
    assert code == EXIT_OK
    rows = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["a1", "2", "4", "e"]
    assert rows[0]["sentiment"] == "positive" and "sosial_bantuan" in rows[0]["topics"]
    assert rows[1]["sentiment"] == "negative"
    assert rows[2]["sentiment"] is None and "emoji" in rows[2]["reason"]
    assert rows[3]["sentiment"] is None and rows[3]["reason"] == "teks kosong"
    assert set(rows[0]) >= {"sentiment", "scores", "topics", "flags", "model"}


def _recent_posts() -> bytes:
    now = datetime.now(UTC).isoformat()
    posts = [
        {"id": "1", "text": "Banjir di Sukasari, pompa mati, warga kecewa", "published_at": now, "author": "a"},
        {
            "id": "2",
            "text": "Terima kasih petugas kebersihan, taman kota jadi rapi",
            "published_at": now,
            "author": "b",
        },
    ]
    return "\n".join(json.dumps(p) for p in posts).encode()


def test_once_then_search(write_config, http_server):
    http_server.serve("/posts", Reply(200, _recent_posts()))
    config = write_config(f'[[sources]]\nname = "sosmed"\ntype = "file"\nurl = "{http_server.url("/posts")}"\n')
    code, out = run("once", "--config", str(config))
    assert code == EXIT_OK, out
    assert "sumber sosmed: 2 baru" in out
    code, out = run("search", "pompa", "--config", str(config), "--json")
    (hit,) = [json.loads(line) for line in out.splitlines()]
    assert hit["mention"]["text"].startswith("Banjir di Sukasari") and hit["highlights"]
    code, out = run("search", "--config", str(config), "--sentiment", "positive")
    assert "taman kota" in out and "1 hasil" in out


def test_once_reports_a_failing_source_with_exit_code_1(write_config, http_server):
    http_server.serve("/rss", Reply(500, b"server down"))
    config = write_config(f'[[sources]]\nname = "warta"\ntype = "rss"\nurl = "{http_server.url("/rss")}"\n')
    code, out = run("once", "--config", str(config))
    assert code == EXIT_PARTIAL and "sumber warta: GAGAL" in out and "HTTP 500" in out


@pytest.mark.slow
@pytest.mark.model  # the demo classifies with the shipped model
def test_demo_prints_incidents_offline(tmp_path):
    code, out = run("demo", "--data-dir", str(tmp_path / "demo"))
    assert code == EXIT_OK
    assert "=== Ringkasan untuk tim krisis ===" in out
    assert "Keluhan warga soal penanganan banjir" in out
    assert "Insiden baru" in out and "WIB" in out
    assert "Sentimen: negatif" in out and "Penyimpanan: SQLite" in out
    # The demo leaves its configuration behind: its data opens like any office's.
    config = tmp_path / "demo" / "monitor.toml"
    assert f"Konfigurasi data demo: {config}" in out
    code, found = run("search", "--config", str(config), "--since", "3650d", "pompa air")
    assert code == EXIT_OK and "Pompa Pintu Air Sukasari Mati Saat Banjir" in found


@pytest.mark.slow  # a real `monitor run` process
def test_run_stops_cleanly_on_sigterm(write_config, http_server):
    http_server.serve("/posts", Reply(200, _recent_posts()))
    config = write_config(
        f'[[sources]]\nname = "sosmed"\ntype = "file"\ninterval = "1h"\nurl = "{http_server.url("/posts")}"\n'
    )
    service = subprocess.Popen(
        [sys.executable, "-m", "monitor", "run", "--config", str(config)],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ},
    )
    deadline = time.monotonic() + 60
    while not any(path == "/posts" for path, _ in http_server.requests) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert http_server.requests, "the service never collected"
    service.send_signal(signal.SIGTERM)
    _, err = service.communicate(timeout=60)
    assert service.returncode == 0, err
    assert "menghentikan layanan dengan rapi" in err and "layanan berhenti" in err
