"""`monitor config check`: validate the configuration and every rule."""

from __future__ import annotations

import argparse
from typing import TextIO

from monitor.cli.common import EXIT_OK, Subparsers, config_arg, config_of


def register(sub: Subparsers) -> None:
    config = sub.add_parser("config", help="periksa konfigurasi")
    actions = config.add_subparsers(dest="config_command", required=True, metavar="AKSI")
    check = actions.add_parser(
        "check",
        help="validasi seluruh konfigurasi dan laporkan setiap masalah",
        description="Memvalidasi file konfigurasi dan semua aturan; setiap masalah dilaporkan dengan file dan kuncinya.",
    )
    config_arg(check)
    check.set_defaults(handler=_check)


def _check(args: argparse.Namespace, out: TextIO) -> int:
    config = config_of(args)
    print(
        f"Konfigurasi valid: {len(config.sources)} sumber, {len(config.rules)} aturan, "
        f"{len(config.watchlists)} watchlist, {len(config.alerters)} alerter.",
        file=out,
    )
    return EXIT_OK
