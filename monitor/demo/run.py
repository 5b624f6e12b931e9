"""`monitor demo`: the real pipeline over the bundled scenario, offline, on a simulated clock."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TextIO

from monitor.alerters.log import LogAlerter
from monitor.clock import SimulatedClock
from monitor.config import MonitorConfig, load_config
from monitor.demo.server import DemoServer
from monitor.i18n import local_time, t
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


def run_demo(out: TextIO, data_dir: Path | None = None) -> DemoResult:
    data_dir = data_dir or Path(tempfile.mkdtemp(prefix="humas-demo-"))
    clock = SimulatedClock(DEMO_START)
    with DemoServer(clock, DEMO_START) as server:
        config = load_demo_config(server.url, data_dir)
        zone, language = config.monitor.timezone, config.monitor.language
        alerters = {"log": LogAlerter("log", language, zone, stream=out)}
        pipeline = build_pipeline(config, clock=clock, alerters=alerters)
        print(
            f"Demo: Kota Tirtamulya, {local_time(DEMO_START, zone)} sampai "
            f"{local_time(DEMO_START + DURATION, zone)} (waktu simulasi, langkah 15 menit)\n",
            file=out,
        )
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
        finally:
            pipeline.close()
    _summary(result, out, language, zone)
    return result


def _summary(result: DemoResult, out: TextIO, language: str, zone: str) -> None:
    print("\n=== Ringkasan untuk tim krisis ===", file=out)
    print(f"Insiden ({len(result.incidents)}):", file=out)
    for incident in result.incidents:
        status = "terbuka" if incident.status == "open" else f"selesai {local_time(incident.resolved_at, zone)}"
        print(
            f"  [{t(language, 'severity.' + incident.severity.value)}] {incident.title}: "
            f"{incident.count} mention, dibuka {local_time(incident.opened_at, zone)}, {status}",
            file=out,
        )
    print(f"Mention tersimpan: {result.stored}; peringatan terkirim: {result.alerts}", file=out)
    print("Sentimen: " + ", ".join(f"{t(language, s)} {n}" for s, n in result.sentiment), file=out)
    print("Topik: " + ", ".join(f"{s} {n}" for s, n in result.topics), file=out)
    print(f"Penyimpanan: {result.store}", file=out)
