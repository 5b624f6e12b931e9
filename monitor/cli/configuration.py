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
    from monitor.app import plugin_context

    config = config_of(args)
    say = plugin_context(config).messages()
    print(
        say(
            "config.valid",
            sources=len(config.sources),
            rules=len(config.rules),
            watchlists=len(config.watchlists),
            alerters=len(config.alerters),
        ),
        file=out,
    )
    # Social sources whose credentials are not set yet (`${X_BEARER_TOKEN:-}` left empty): off
    # until they are, with where to get them.
    for source in config.sources:
        missing = getattr(source.validated(), "missing_credentials", lambda: ())()
        if source.enabled and missing:
            where = f"config.credentials.{source.type}"
            print(
                "  - "
                + say(
                    "config.no_credentials",
                    name=source.name,
                    type=source.type,
                    keys=", ".join(missing),
                    where=say(where) if say.has(where) else "",
                ).strip(),
                file=out,
            )
    return EXIT_OK
