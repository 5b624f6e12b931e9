"""`monitor explore`: the stored mentions and incidents in the browser (Datasette), read-only."""

from __future__ import annotations

import argparse
import ipaddress
from typing import TextIO

from monitor.cli.common import EXIT_OK, Subparsers, config_arg, config_of

DEFAULT_PORT = 8001


def register(sub: Subparsers) -> None:
    explore = sub.add_parser(
        "explore",
        help="jelajahi mention dan insiden di peramban (penyimpanan SQLite, hanya-baca)",
        description="Membuka penyimpanan SQLite dan file status (insiden) di Datasette, hanya-baca: "
        "faset sentimen, topik, tanda, sumber, kanal dan watchlist, pencarian teks lengkap, dan kueri siap pakai. "
        'Butuh: pip install "humas-monitor[explore]".',
    )
    config_arg(explore)
    explore.add_argument(
        "--host", default="127.0.0.1", help="alamat yang didengar (bawaan: 127.0.0.1, hanya komputer ini)"
    )
    explore.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (bawaan: {DEFAULT_PORT})")
    explore.add_argument("--open", action="store_true", help="buka peramban setelah server jalan")
    explore.set_defaults(handler=_explore)


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _explore(args: argparse.Namespace, out: TextIO) -> int:
    from monitor.errors import UsageError
    from monitor.i18n import Messages

    config = config_of(args)
    say = Messages(config.monitor.language, config.monitor.timezone)
    try:
        import uvicorn

        from monitor.analysis.explore import build_datasette, explore_files
    except ImportError:
        raise UsageError(say("explore.missing")) from None

    files = explore_files(config, say)
    datasette = build_datasette(files, say)
    url = f"http://{'127.0.0.1' if args.host in ('0.0.0.0', '::') else args.host}:{args.port}/"
    if not _loopback(args.host):
        print(say("explore.exposed", host=args.host), file=out)
    print(say("explore.serving", store=files.store, url=url), file=out, flush=True)
    if args.open:
        import webbrowser

        webbrowser.open(url)
    uvicorn.run(datasette.app(), host=args.host, port=args.port, log_level="warning", lifespan="on")
    return EXIT_OK
