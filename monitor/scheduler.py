"""APScheduler wiring: each source on its own pace, rules after each batch, clean stop.

The jobs are the same functions `monitor once` calls; the scheduler only decides when. A
source's job ticks at the fastest pace it may adapt to and collects when `Pipeline.next_run`
says: its interval adapted to how often it has something new, later while it backs off after
failures or waits out a server's Retry-After. Sources run in a pool of `[fetch] workers` threads; per-host limits are shared, so
one slow source never holds up another.
"""

from __future__ import annotations

import logging
import signal
from datetime import timedelta

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger

from monitor.collectors.polling import FASTEST
from monitor.config import MonitorConfig
from monitor.digest.service import DigestService
from monitor.pipeline import Pipeline, build_pipeline

log = logging.getLogger(__name__)

# Failed alert deliveries are retried on this rhythm (each row also has its own backoff).
DELIVERY_RETRY = timedelta(seconds=30)
# Digests that failed (or whose send time passed while the service was down) are looked at this often.
DIGEST_RETRY = timedelta(minutes=1)


def collect_then_process(pipeline: Pipeline, source: str) -> None:
    # The job ticks at the fastest pace the source may adapt to; it collects only when the
    # source's own next run has come (and not while it backs off or is switched off).
    if not pipeline.scheduled_due(source, pipeline.clock.now()):
        return
    report = pipeline.collect(source)
    if report.new or report.updated or report.also_seen:
        pipeline.process()
        pipeline.evaluate()
        pipeline.deliver()


def evaluate_and_deliver(pipeline: Pipeline) -> None:
    pipeline.process()  # picks up what an earlier store outage left in the inbox
    pipeline.evaluate()
    pipeline.deliver()


def build_scheduler(pipeline: Pipeline) -> BlockingScheduler:
    config = pipeline.config
    scheduler = BlockingScheduler(
        timezone="UTC",
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        executors={"default": ThreadPoolExecutor(max_workers=config.fetch.workers + 2)},
    )
    for source in config.sources:
        if source.enabled:
            scheduler.add_job(
                collect_then_process,
                "interval",
                args=(pipeline, source.name),
                id=f"collect:{source.name}",
                seconds=source.interval.total_seconds() * FASTEST,
                next_run_time=pipeline.clock.now(),
            )
    scheduler.add_job(
        evaluate_and_deliver,
        "interval",
        args=(pipeline,),
        id="evaluate",
        seconds=config.monitor.evaluate_interval.total_seconds(),
    )
    scheduler.add_job(pipeline.deliver, "interval", id="deliver", seconds=DELIVERY_RETRY.total_seconds())
    if config.digest.groups:
        schedule_digests(scheduler, DigestService(config, pipeline.store, pipeline.state, clock=pipeline.clock))
    return scheduler


def schedule_digests(scheduler: BlockingScheduler, service: DigestService) -> None:
    """Each group's digest at its send time in its own zone; retries and catch-up every minute."""
    for group in service.config.digest.groups:
        hour, minute = group.send_time
        zone = service.messages(group).zone
        scheduler.add_job(
            service.run,
            CronTrigger(hour=hour, minute=minute, timezone=zone),
            kwargs={"group": group.name},
            id=f"digest:{group.name}",
        )
    scheduler.add_job(
        service.run,
        "interval",
        id="digest-retry",
        seconds=DIGEST_RETRY.total_seconds(),
        next_run_time=service.clock.now(),
    )


def run_forever(config: MonitorConfig) -> None:
    pipeline = build_pipeline(config)
    scheduler = build_scheduler(pipeline)

    def stop(signum: int, _frame: object) -> None:
        log.info("sinyal %s diterima; menghentikan layanan dengan rapi", signal.Signals(signum).name)
        scheduler.shutdown(wait=True)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info(
        "layanan berjalan: %d sumber, %d aturan; data di %s", len(config.sources), len(config.rules), config.data_dir
    )
    try:
        scheduler.start()
    finally:
        pipeline.close()
        log.info("layanan berhenti")
