"""What every command module shares: exit codes and the common arguments."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from monitor.clock import Clock
    from monitor.config import MonitorConfig

EXIT_OK, EXIT_PARTIAL, EXIT_USAGE = 0, 1, 2  # 3 (store unreachable) comes from StoreError.exit_code

# argparse does not export the type add_subparsers() returns.
Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def config_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        "-c",
        type=Path,
        default=None,
        help="file konfigurasi TOML (bawaan: $MONITOR_CONFIG, lalu ./config/monitor.toml, lalu ./monitor.toml)",
    )


def duration(text: str) -> timedelta:
    """An argparse type: '6h', '7d'; a wrong one is a usage error (exit 2) that shows the forms."""
    from monitor.values import parse_duration

    try:
        return parse_duration(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def config_of(args: argparse.Namespace) -> MonitorConfig:
    from monitor.app import load_config

    return load_config(args.config)


@contextmanager
def simulated_time_logging(clock: Clock, zone: str) -> Iterator[None]:
    """While a replay runs, log lines carry the simulated time (in the configured zone) instead
    of the wall clock, so a warning reads next to the moment in the history it is about."""
    from zoneinfo import ZoneInfo

    local = ZoneInfo(zone)

    def stamp(record: logging.LogRecord) -> bool:
        record.created = clock.now().timestamp()
        record.msecs = 0
        return True

    handlers = logging.getLogger().handlers
    saved = [(h, h.formatter) for h in handlers]
    for handler in handlers:
        handler.addFilter(stamp)
        # struct_time carries no zone name: the zone's abbreviation (WIB) is written in the format.
        abbreviation = clock.now().astimezone(local).strftime("%Z")
        formatter = logging.Formatter(
            "%(asctime)s [simulasi] %(levelname)s %(name)s: %(message)s", datefmt=f"%Y-%m-%d %H:%M {abbreviation}"
        )
        formatter.converter = lambda seconds: datetime.fromtimestamp(seconds or 0, local).timetuple()
        handler.setFormatter(formatter)
    try:
        yield
    finally:
        for handler, previous in saved:
            handler.removeFilter(stamp)
            handler.setFormatter(previous)
