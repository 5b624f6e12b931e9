"""Opening data for analysis: the configuration named, $MONITOR_CONFIG, or the demo."""

from __future__ import annotations

from monitor.analysis.workspace import open_workspace
from monitor.store.base import MentionFilter


def test_the_named_configuration_or_monitor_config(demo, monkeypatch, tmp_path):
    with open_workspace(demo.config) as ws:
        assert not ws.demo and ws.store.count(MentionFilter()) == demo.stored
        assert ws.incidents is not None and len(ws.incidents.all()) == len(demo.incidents)
        assert ws.say.language == "id" and ws.say.timezone == "Asia/Jakarta"
    monkeypatch.setenv("MONITOR_CONFIG", str(demo.config))
    with open_workspace() as ws:
        assert ws.store.count(MentionFilter()) == demo.stored
    # A machine without the monitor's state file (an analyst's laptop) has no incidents to show.
    laptop = tmp_path / "laptop.toml"
    laptop.write_text('[monitor]\ndata_dir = "var"\nlanguage = "en"\n', encoding="utf-8")
    with open_workspace(laptop) as ws:
        assert ws.incidents is None and ws.state is None and ws.say.language == "en"


def test_without_a_configuration_the_demo_is_run(tmp_path, monkeypatch):
    monkeypatch.delenv("MONITOR_CONFIG", raising=False)
    with open_workspace(demo_dir=tmp_path / "demo") as ws:
        assert ws.demo and ws.config.data_dir == (tmp_path / "demo").resolve()
        assert ws.store.count(MentionFilter(query="pompa")) > 0
        assert ws.incidents is not None and ws.incidents.all()
