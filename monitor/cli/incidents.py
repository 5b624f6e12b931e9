"""`monitor silence add|list|remove` and `monitor incidents list|ack|respond`: the team's own state
(`respond` lives in responses.py)."""

from __future__ import annotations

import argparse
import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TextIO

from monitor.cli import responses
from monitor.cli.common import EXIT_OK, Subparsers, config_arg, config_of
from monitor.errors import UsageError

if TYPE_CHECKING:
    from monitor.config import MonitorConfig
    from monitor.db import StateDB
    from monitor.i18n import Messages


def register(sub: Subparsers) -> None:
    silence = sub.add_parser("silence", help="tahan peringatan sementara")
    silence_actions = silence.add_subparsers(dest="silence_command", required=True, metavar="AKSI")
    add = silence_actions.add_parser(
        "add",
        help="tahan peringatan yang cocok dengan POLA sampai waktu tertentu",
        description="POLA: nama-aturan, keluhan-*, nama-aturan:kelompok*, watchlist:NAMA, atau *. "
        "Peringatan yang ditahan tetap dicatat di log insiden.",
    )
    config_arg(add)
    add.add_argument("pattern", metavar="POLA")
    add.add_argument("--until", required=True, help="durasi (2h, 3d) atau waktu lokal (2026-11-20T17:00)")
    add.add_argument("--reason", required=True, help="alasan, supaya tim tahu kenapa peringatan ditahan")
    add.set_defaults(handler=_silence_add)
    listing = silence_actions.add_parser("list", help="daftar silence aktif")
    config_arg(listing)
    listing.add_argument("--all", action="store_true", help="termasuk yang sudah berakhir atau dihapus")
    listing.set_defaults(handler=_silence_list)
    remove = silence_actions.add_parser("remove", help="akhiri silence sekarang")
    config_arg(remove)
    remove.add_argument("id", type=int)
    remove.set_defaults(handler=_silence_remove)

    incidents = sub.add_parser("incidents", help="daftar dan ack insiden")
    incident_actions = incidents.add_subparsers(dest="incidents_command", required=True, metavar="AKSI")
    listed = incident_actions.add_parser("list", help="insiden terbuka (atau semua dengan --all)")
    config_arg(listed)
    listed.add_argument("--all", action="store_true", help="termasuk yang sudah selesai")
    listed.set_defaults(handler=_incidents_list)
    ack = incident_actions.add_parser(
        "ack", help="tandai insiden sudah ditangani: tidak ada pembaruan lagi kecuali eskalasi"
    )
    config_arg(ack)
    ack.add_argument("id", help="id insiden (cukup 8 karakter pertama)")
    ack.add_argument("--note", default="", help="catatan untuk log insiden")
    ack.add_argument("--by", default=None, help="nama penanggung jawab (bawaan: pengguna sistem)")
    ack.set_defaults(handler=_incidents_ack)
    responses.register(incident_actions)


@contextmanager
def _state(args: argparse.Namespace) -> Iterator[tuple[MonitorConfig, StateDB, Messages]]:
    """The monitor's state file; a mistake by the user (unknown id, bad date) is a usage error."""
    from monitor.db import StateDB
    from monitor.i18n import Messages

    config = config_of(args)
    state = StateDB(config.data_dir / "state.sqlite3")
    try:
        yield config, state, Messages(config.monitor.language, config.monitor.timezone)
    except (KeyError, ValueError) as exc:
        raise UsageError(exc.args[0] if exc.args else str(exc)) from None
    finally:
        state.close()


def _silence_add(args: argparse.Namespace, out: TextIO) -> int:
    from monitor.cli.moments import parse_until
    from monitor.incidents.silences import SilenceBook

    now = args.clock.now()
    with _state(args) as (config, state, say):
        until = parse_until(args.until, now, config.monitor.timezone)
        silence = SilenceBook(state).add(args.pattern, until, args.reason, now=now, created_by=getpass.getuser())
        print(f"Silence #{silence.id} aktif sampai {say.time(silence.until)}: {silence.pattern}", file=out)
    return EXIT_OK


def _silence_list(args: argparse.Namespace, out: TextIO) -> int:
    from monitor.incidents.silences import SilenceBook
    from monitor.incidents.views import format_silences

    now = args.clock.now()
    with _state(args) as (_config, state, say):
        silences = SilenceBook(state).list(now, include_ended=args.all)
        print(format_silences(silences, now=now, say=say), file=out)
    return EXIT_OK


def _silence_remove(args: argparse.Namespace, out: TextIO) -> int:
    from monitor.incidents.silences import SilenceBook

    with _state(args) as (_config, state, _say):
        if not SilenceBook(state).remove(args.id, now=args.clock.now()):
            raise UsageError(f"tidak ada silence aktif #{args.id}")
        print(f"Silence #{args.id} diakhiri.", file=out)
    return EXIT_OK


def _incidents_list(args: argparse.Namespace, out: TextIO) -> int:
    from monitor.incidents.book import IncidentBook
    from monitor.incidents.views import format_incidents

    with _state(args) as (_config, state, say):
        rows = IncidentBook(state).rows(status=None if args.all else "open")
        print(format_incidents(rows, say), file=out)
    return EXIT_OK


def _incidents_ack(args: argparse.Namespace, out: TextIO) -> int:
    from monitor.incidents.book import IncidentBook
    from monitor.incidents.views import SHORT_ID

    with _state(args) as (_config, state, say):
        by = args.by or getpass.getuser()
        row = IncidentBook(state).acknowledge(args.id, now=args.clock.now(), by=by, note=args.note, say=say)
        print(f"Insiden {row.incident.id[:SHORT_ID]} di-ack: tidak ada pembaruan lagi kecuali eskalasi.", file=out)
    return EXIT_OK
