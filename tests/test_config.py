from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from monitor.app import load_config
from monitor.errors import ConfigError
from monitor.values import parse_duration

DEFAULT_CONFIG = Path(__file__).resolve().parents[1] / "config" / "monitor.toml"


def problems(excinfo: pytest.ExceptionInfo[ConfigError]) -> list[str]:
    return [str(p) for p in excinfo.value.problems]


def test_shipped_default_config_is_valid():
    config = load_config(DEFAULT_CONFIG)
    assert config.monitor.timezone == "Asia/Jakarta"
    assert {s.type for s in config.sources} >= {"rss", "google_news"}
    assert config.rules, "the default config ships rules"


@pytest.mark.parametrize(
    "text,expected",
    [
        ("30s", timedelta(seconds=30)),
        ("15m", timedelta(minutes=15)),
        ("1h", timedelta(hours=1)),
        ("7d", timedelta(days=7)),
        (90, timedelta(seconds=90)),
    ],
)
def test_durations(text, expected):
    assert parse_duration(text) == expected


def test_typo_in_key_is_reported_with_file_and_key(write_config):
    path = write_config('[[sources]]\nname = "antara"\ntype = "rss"\nurl = "https://contoh.id/rss"\nintervall = "5m"\n')
    with pytest.raises(ConfigError) as excinfo:
        load_config(path)
    assert any(str(path) in p and "sources[0].intervall" in p and "tidak dikenal" in p for p in problems(excinfo))


def test_every_problem_is_reported_at_once(write_config):
    path = write_config(
        '[[sources]]\nname = "a"\ntype = "rss"\n'  # no url
        '[[sources]]\nname = "b"\ntype = "twitterx"\n'  # unknown type
        '[[sources]]\nname = "c"\ntype = "rss"\nurl = "https://contoh.id/rss"\ninterval = "sebentar"\n',
        rules={"salah": 'type = "threshold"\nwatchlists = ["tidak-ada"]\nthreshold = 0\n'},
    )
    with pytest.raises(ConfigError) as excinfo:
        load_config(path)
    found = "\n".join(problems(excinfo))
    assert "sources[0].url" in found
    assert "sources[1].type" in found and "twitterx" in found
    assert "sources[2].interval" in found and "durasi" in found
    assert "salah.toml" in found and "threshold" in found


def test_rule_referencing_unknown_watchlist_and_alerter(write_config):
    path = write_config(rules={"r": 'type = "any"\nwatchlists = ["banjir"]\nalerters = ["slack"]\n'})
    with pytest.raises(ConfigError) as excinfo:
        load_config(path)
    found = "\n".join(problems(excinfo))
    assert "watchlist 'banjir' tidak ada" in found and "alerter 'slack' tidak ada" in found


def test_unknown_timezone(write_config, tmp_path):
    path = tmp_path / "tz.toml"
    path.write_text('[monitor]\ntimezone = "Asia/Atlantis"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as excinfo:
        load_config(path)
    assert "monitor.timezone" in problems(excinfo)[0]


def test_secrets_come_from_environment(write_config, monkeypatch):
    path = write_config('[[sources]]\nname = "rahasia"\ntype = "rss"\nurl = "https://contoh.id/${FEED_TOKEN}/rss"\n')
    with pytest.raises(ConfigError) as excinfo:
        load_config(path)
    [problem] = problems(excinfo)
    assert "FEED_TOKEN belum di-set" in problem and "sources[0].url" in problem and "export FEED_TOKEN=" in problem
    monkeypatch.setenv("FEED_TOKEN", "abc123")
    assert str(load_config(path).sources[0].validated().url) == "https://contoh.id/abc123/rss"  # type: ignore[attr-defined]


def test_broken_toml_syntax(tmp_path):
    path = tmp_path / "rusak.toml"
    path.write_text("[monitor\ntimezone = 1", encoding="utf-8")
    with pytest.raises(ConfigError) as excinfo:
        load_config(path)
    assert "TOML tidak valid" in problems(excinfo)[0]


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError) as excinfo:
        load_config(tmp_path / "tidak-ada.toml")
    assert "tidak ditemukan" in problems(excinfo)[0]


def test_duplicate_source_names(write_config):
    source = '[[sources]]\nname = "sama"\ntype = "rss"\nurl = "https://contoh.id/rss"\n'
    with pytest.raises(ConfigError) as excinfo:
        load_config(write_config(source + source))
    assert "dipakai lebih dari sekali" in problems(excinfo)[0]
