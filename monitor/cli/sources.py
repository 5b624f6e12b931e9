"""`monitor sources`: each source's health (last success, failures, pace, switched off) and
switching a source back on after it was switched off for failing."""

from __future__ import annotations

import argparse
from datetime import timedelta
from typing import TextIO

from monitor.cli.common import EXIT_OK, EXIT_USAGE, Subparsers, config_arg, config_of


def register(sub: Subparsers) -> None:
    sources = sub.add_parser("sources", help="kesehatan sumber dan mengaktifkan lagi sumber yang dimatikan")
    actions = sources.add_subparsers(dest="sources_command", required=True, metavar="AKSI")
    listing = actions.add_parser("list", help="kesehatan tiap sumber: berhasil terakhir, gagal, interval, status")
    config_arg(listing)
    listing.set_defaults(handler=_list)
    enable = actions.add_parser("enable", help="aktifkan lagi sumber yang dimatikan karena terus gagal")
    enable.add_argument("name", help="nama sumber")
    config_arg(enable)
    enable.set_defaults(handler=_enable)


def _list(args: argparse.Namespace, out: TextIO) -> int:
    from monitor.app import plugin_context
    from monitor.inbox import Inbox

    config = config_of(args)
    say = plugin_context(config).messages()
    inbox = Inbox(config.data_dir / "inbox.sqlite3")
    try:
        health = {h.source: h for h in inbox.health()}
    finally:
        inbox.close()
    for source in config.sources:
        h = health.get(source.name)
        interval = timedelta(seconds=h.interval_s) if h and h.interval_s else source.interval
        extra = []
        if h and h.disabled:
            extra.append(say("source.disabled", n=h.consecutive_failures, name=source.name))
        elif h and h.retry_at:
            extra.append(say("source.deferred", time=say.time(h.retry_at)))
        if h and h.last_error and h.consecutive_failures:
            extra.append(say("source.failed", error=h.last_error))
        if h and h.last_warning:
            extra.append(say("source.warning", warning=h.last_warning))
        line = say(
            "source.health",
            name=source.name,
            success=say.time(h.last_success) if h and h.last_success else say("source.never"),
            failures=h.consecutive_failures if h else 0,
            interval=say.duration(interval),
            extra="".join(f"; {e}" for e in extra),
        )
        print(line, file=out)
    return EXIT_OK


def _enable(args: argparse.Namespace, out: TextIO) -> int:
    from monitor.app import plugin_context
    from monitor.inbox import Inbox

    config = config_of(args)
    say = plugin_context(config).messages()
    inbox = Inbox(config.data_dir / "inbox.sqlite3")
    try:
        known = args.name in {s.name for s in config.sources} and inbox.set_enabled(args.name, True)
    finally:
        inbox.close()
    print(say("source.enabled" if known else "source.unknown", name=args.name), file=out)
    return EXIT_OK if known else EXIT_USAGE
