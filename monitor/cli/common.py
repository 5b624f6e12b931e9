"""What every command module shares: exit codes and the common arguments."""

from __future__ import annotations

import argparse
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
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
