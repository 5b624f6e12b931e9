"""`monitor demo`: the real pipeline over the bundled scenario, offline, on a simulated clock."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TextIO

from monitor.alerters.types.log import LogAlerter
from monitor.app import load_config
from monitor.clock import SimulatedClock
from monitor.config import MonitorConfig
from monitor.delivery.alerter import Alerter
from monitor.demo.server import DemoServer
from monitor.digest.service import DigestService
from monitor.i18n import Messages
from monitor.incidents.book import IncidentBook
from monitor.pipeline import build_pipeline
from monitor.records import Incident
from monitor.store.base import MentionFilter

DEMO_CONFIG = Path(__file__).resolve().parent / "demo.toml"
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


def load_demo_config(base_url: str, data_dir: Path) -> MonitorConfig:
    os.environ["HUMAS_DEMO_URL"] = base_url
    os.environ["HUMAS_DEMO_DATA"] = str(data_dir)
    return load_config(DEMO_CONFIG)


def run_demo(out: TextIO, data_dir: Path | None = None, digest: Path | None = None) -> DemoResult:
    """The scenario through the real pipeline; `digest`: also write the demo day's digest
    (the email's HTML, charts embedded) to that file."""
    data_dir = data_dir or Path(tempfile.mkdtemp(prefix="humas-demo-"))
    clock = SimulatedClock(DEMO_START)
    with DemoServer(clock, DEMO_START) as server:
        config = load_demo_config(server.url, data_dir)
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
