"""`monitor demo`: the real pipeline over the bundled scenario, offline, on a simulated clock.

The demo writes its configuration (and rules) into its data folder before it starts, so what it
leaves behind can be opened like any office's data: `monitor explore --config DIR/monitor.toml`,
`monitor search`, the notebooks.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from monitor.alerters.types.log import LogAlerter
from monitor.app import load_config
from monitor.clock import SimulatedClock
from monitor.delivery.alerter import Alerter
from monitor.demo.server import DemoServer
from monitor.digest.service import DigestService
from monitor.i18n import Messages
from monitor.incidents.book import IncidentBook
from monitor.pipeline import build_pipeline
from monitor.records import Incident
from monitor.store.base import MentionFilter

DEMO_DIR = Path(__file__).resolve().parent
DEMO_CONFIG = DEMO_DIR / "demo.toml"
# The file the demo leaves in its data folder.
CONFIG_NAME = "monitor.toml"
# 05:00 WIB on a Friday morning, when the flood story begins.
DEMO_START = datetime(2026, 11, 19, 22, 0, tzinfo=UTC)
STEP = timedelta(minutes=15)
DURATION = timedelta(hours=10)


@dataclass(frozen=True)
class DemoResult:
    incidents: list[Incident]
    sentiment: list[tuple[str, int]]
    topics: list[tuple[str, int]]
    stored: int
    store: str
    alerts: int
    config: Path


def _toml_value(key: str, value: Any) -> str:
    # JSON strings, numbers, booleans and flat lists are valid TOML as written.
    flat = isinstance(value, str | int | float | bool) or (
        isinstance(value, list | tuple) and all(isinstance(v, str | int | float | bool) for v in value)
    )
    if not flat:
        raise ValueError(f"[store] {key}: hanya teks, angka, boolean atau daftar yang didukung")
    return json.dumps(list(value) if isinstance(value, tuple) else value, ensure_ascii=False)


def write_demo_config(data_dir: Path, base_url: str, store: Mapping[str, Any] | None = None) -> Path:
    """The demo's configuration and rules, written into `data_dir`; `store` (the keys of a
    `[store]` table) puts the mentions elsewhere than the SQLite default, e.g. Elasticsearch."""
    data_dir.mkdir(parents=True, exist_ok=True)
    rules = data_dir / "rules"
    rules.mkdir(exist_ok=True)
    for rule in sorted((DEMO_DIR / "rules").glob("*.toml")):
        shutil.copyfile(rule, rules / rule.name)
    text = DEMO_CONFIG.read_text(encoding="utf-8")
    text = text.replace("${HUMAS_DEMO_DATA}", ".").replace("${HUMAS_DEMO_URL}", base_url)
    if store:
        text += "\n[store]\n" + "".join(f"{key} = {_toml_value(key, value)}\n" for key, value in store.items())
    path = data_dir / CONFIG_NAME
    path.write_text(text, encoding="utf-8")
    return path


def run_demo(
    out: TextIO,
    data_dir: Path | None = None,
    *,
    store: Mapping[str, Any] | None = None,
    digest: Path | None = None,
) -> DemoResult:
    """Run the scenario into `data_dir` (a new temporary folder when None); `digest`: also write
    the demo day's digest (the email's HTML, charts embedded) to that file."""
    data_dir = (data_dir or Path(tempfile.mkdtemp(prefix="humas-demo-"))).resolve()
    clock = SimulatedClock(DEMO_START)
    with DemoServer(clock, DEMO_START) as server:
        config_path = write_demo_config(data_dir, server.url, store)
        config = load_config(config_path)
        say = Messages(config.monitor.language, config.monitor.timezone)
        alerters: dict[str, Alerter] = {"log": LogAlerter("log", say, stream=out)}
        pipeline = build_pipeline(config, clock=clock, alerters=alerters)
        print(say("demo.head", start=say.time(DEMO_START), end=say.time(DEMO_START + DURATION)) + "\n", file=out)
        alerts = 0
        try:
            while clock.now() <= DEMO_START + DURATION:
                report = pipeline.cycle()
                alerts += report.delivery.sent
                for source in report.sources:
                    if source.error:
                        print(f"! {source.error}", file=out)
                clock.advance(STEP)
            everything = MentionFilter()
            result = DemoResult(
                incidents=IncidentBook(pipeline.state).all(),
                sentiment=pipeline.store.terms("sentiment", everything),
                topics=pipeline.store.terms("topics", everything, size=12),
                stored=pipeline.store.count(everything),
                store=pipeline.store.describe(),
                alerts=alerts,
                config=config_path,
            )
            if digest is not None:
                service = DigestService(config, pipeline.store, pipeline.state, clock=clock)
                group = service.group(None)
                rendered = service.render(group, DEMO_START.astimezone(say.zone).date())
                digest.write_text(rendered.preview_html(), encoding="utf-8")
                print(f"{rendered.subject}: {digest}", file=out)
        finally:
            pipeline.close()
    _summary(result, out, say)
    return result


def _summary(result: DemoResult, out: TextIO, say: Messages) -> None:
    print("\n" + say("demo.summary"), file=out)
    print(say("demo.incidents", n=len(result.incidents)), file=out)
    for incident in result.incidents:
        if incident.status == "open" or incident.resolved_at is None:
            status = say("incidents.open")
        else:
            status = say("incidents.resolved", at=say.time(incident.resolved_at))
        line = say(
            "demo.incident",
            severity=say("severity." + incident.severity.value),
            title=incident.title,
            count=incident.count,
            opened=say.time(incident.opened_at),
            status=status,
        )
        print(line, file=out)
    print(say("demo.stored", stored=result.stored, alerts=result.alerts), file=out)
    print(say("demo.sentiment", split=", ".join(f"{say('sentiment.' + s)} {n}" for s, n in result.sentiment)), file=out)
    print(say("demo.topics", topics=", ".join(f"{s} {n}" for s, n in result.topics)), file=out)
    print(say("demo.store", store=result.store), file=out)
    print(say("demo.config", path=result.config), file=out)
