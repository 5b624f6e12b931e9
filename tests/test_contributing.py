"""The worked examples in CONTRIBUTING.md are real plugins: they load, validate and work."""

from __future__ import annotations

import json
import re
import sys
import types
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from localhttp import LocalHTTPServer, Reply, Request
from timeline import Timeline, at, enriched, rule

from monitor.alerters import ALERTERS
from monitor.collectors import COLLECTORS
from monitor.plugin import Plugin, PluginContext, Registry
from monitor.records import Alert
from monitor.rules import RULE_TYPES
from monitor.values import Severity

GUIDE = Path(__file__).resolve().parents[1] / "CONTRIBUTING.md"


def _examples() -> dict[str, str]:
    """Module path -> source, for every ```python block that starts with its path."""
    blocks = re.findall(r"```python\n(# (monitor/\S+\.py)\n.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)
    return {path: source for source, path in blocks}


def _load(path: str, registry: Registry[Any], monkeypatch: pytest.MonkeyPatch) -> Plugin[Any, Any]:
    """Run the example as the module it says it is and offer its plugin in the registry."""
    name = path.removesuffix(".py").replace("/", ".")
    module = types.ModuleType(name)
    monkeypatch.setitem(sys.modules, name, module)  # pydantic resolves annotations through it
    exec(compile(_examples()[path], path, "exec"), module.__dict__)  # the guide's own code
    plugin = module.PLUGIN
    assert isinstance(plugin, Plugin)
    monkeypatch.setattr(registry, "_added", dict(registry._added))
    monkeypatch.setattr(registry, "_loaded", dict(registry._loaded))
    registry.add(name.rsplit(".", 1)[1], plugin)
    return plugin


class _Api:
    """A site on the session's local HTTP server answering GET with JSON and recording POSTed JSON."""

    def __init__(self, server: LocalHTTPServer, answer: Any):
        self.posts: list[tuple[str, Any]] = []
        self.answer = answer
        self.site = server.site(self._handle)
        self.url = self.site.url()

    def _handle(self, request: Request) -> Reply:
        body: Any = self.answer
        if request.method == "POST":
            self.posts.append((request.path, json.loads(request.body)))
            body = {"ok": True, "result": {"message_id": len(self.posts)}}
        return Reply(200, json.dumps(body).encode(), {"Content-Type": "application/json"})


@pytest.fixture
def api(local_http: LocalHTTPServer) -> Iterator[Callable[..., _Api]]:
    made: list[_Api] = []

    def make(answer: Any = None) -> _Api:
        made.append(_Api(local_http, answer))
        return made[-1]

    yield make
    for server in made:
        server.site.close()


def test_the_guide_has_one_example_per_family():
    assert sorted(_examples()) == [
        "monitor/alerters/types/telegram_bot.py",
        "monitor/collectors/types/pengumuman_json.py",
        "monitor/rules/types/first_mention.py",
    ]


def test_the_example_collector_reads_new_announcements_once(api, monkeypatch):
    _load("monitor/collectors/types/pengumuman_json.py", COLLECTORS, monkeypatch)
    server = api(
        [
            {
                "id": 7,
                "judul": "Jadwal layanan KTP keliling",
                "isi": "Kamis di Kelurahan Sukasari",
                "waktu": "2026-11-20T08:00:00+07:00",
            }
        ]
    )
    options = COLLECTORS.validate("pengumuman_json", {"url": server.url, "channel": "official"})
    collector = COLLECTORS.build("pengumuman_json", "pengumuman", options, PluginContext(http_factory=httpx.Client))
    first = collector.collect({}, datetime(2026, 11, 20, 2, tzinfo=UTC))
    [mention] = first.mentions
    assert mention.channel == "official" and mention.published_at == datetime(2026, 11, 20, 1, tzinfo=UTC)
    assert collector.collect(first.cursor, datetime(2026, 11, 20, 3, tzinfo=UTC)).mentions == ()


def test_the_example_rule_type_fires_after_a_quiet_week(tmp_path, monkeypatch):
    _load("monitor/rules/types/first_mention.py", RULE_TYPES, monkeypatch)
    timeline = Timeline(tmp_path, [rule(type="first_mention", watchlists=["bansos"], quiet="7d")])
    try:
        timeline.add(enriched("Bansos tahap 4 mulai disalurkan", minutes=20))
        [alert] = timeline.run(60)
        assert alert.event == "opened" and alert.count == 1
    finally:
        timeline.close()


def test_the_example_alerter_posts_to_the_bot_api(api, monkeypatch):
    _load("monitor/alerters/types/telegram_bot.py", ALERTERS, monkeypatch)
    server = api()
    options = ALERTERS.validate("telegram_bot", {"token": "123:abc", "chat_id": "-100200", "base_url": server.url})
    alerter = ALERTERS.build("telegram_bot", "grup", options, PluginContext(http_factory=httpx.Client))
    alert = Alert(
        id="a1",
        rule="keluhan",
        severity=Severity.WARNING,
        title="Keluhan bansos",
        summary="5 mention negatif",
        fired_at=at(0),
    )
    assert alerter.deliver(alert, None) is None
    [(path, body)] = server.posts
    assert path == "/bot123:abc/sendMessage" and body["chat_id"] == "-100200"
    assert "Keluhan bansos" in body["text"] and "5 mention negatif" in body["text"]
