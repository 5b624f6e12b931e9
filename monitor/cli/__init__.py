"""The `monitor` command: the only place that sets up logging and decides exit codes.

Exit codes: 0 all went well; 1 the run finished but something failed (a source, a rule, a
delivery; details were printed); 2 the configuration or the command line is wrong; 3 the store
could not be used.

Each command group is a module here with `register(subparsers)`; a command's handler takes the
parsed arguments and the output stream and returns the exit code. Modules import what their
command needs when it runs, so `monitor --help` starts in a blink.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from typing import TextIO

from monitor import __version__
from monitor.cli import (
    alerters,
    classify,
    configuration,
    digest,
    elasticsearch,
    explore,
    incidents,
    label,
    releases,
    report,
    rules,
    search,
    service,
    sources,
)
from monitor.cli.common import EXIT_OK, EXIT_USAGE
from monitor.clock import Clock, SystemClock
from monitor.errors import ConfigError, MonitorError

COMMAND_GROUPS = (
    service,
    classify,
    label,
    configuration,
    sources,
    search,
    explore,
    elasticsearch,
    rules,
    incidents,
    releases,
    report,
    digest,
    alerters,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="monitor",
        description="humas-monitor: pemantauan media dan media sosial untuk humas pemerintah.",
    )
    parser.add_argument("--version", action="version", version=f"humas-monitor {__version__}")
    parser.add_argument("--verbose", "-v", action="store_true", help="tampilkan log rinci")
    sub = parser.add_subparsers(dest="command", required=True, metavar="PERINTAH")
    for group in COMMAND_GROUPS:
        group.register(sub)
    return parser


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None, clock: Clock | None = None) -> int:
    """Run the command `argv`; `out` and `clock` stand in for stdout and the system clock in tests."""
    out = out or sys.stdout
    args = build_parser().parse_args(argv)
    args.clock = clock or SystemClock()
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        code: int = args.handler(args, out)
        return code
    except ConfigError as exc:
        print("Konfigurasi tidak valid:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  - {problem}", file=sys.stderr)
        return EXIT_USAGE
    except MonitorError as exc:
        print(f"Gagal: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return EXIT_OK
