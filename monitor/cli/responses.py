"""`monitor incidents respond ID --url URL`: link the agency's response to an incident by hand."""

from __future__ import annotations

import argparse
import getpass
from typing import TextIO

from monitor.cli.common import EXIT_OK, Subparsers, config_arg, config_of
from monitor.errors import UsageError


def register(incident_actions: Subparsers) -> None:
    respond = incident_actions.add_parser(
        "respond",
        help="catat tanggapan resmi untuk insiden (tautan rilis, unggahan, atau klarifikasi)",
        description="Tanggapan yang dicatat dinilai dampaknya setelah [evaluation] response_window: "
        "porsi negatif sebelum dan sesudah, dibanding pola jam yang sama minggu-minggu sebelumnya.",
    )
    config_arg(respond)
    respond.add_argument("id", help="id insiden (cukup 8 karakter pertama)")
    respond.add_argument("--url", required=True, help="tautan tanggapan (rilis, unggahan akun resmi, video)")
    respond.add_argument(
        "--at",
        default=None,
        help="waktu terbit lokal (2026-11-23T11:50) bila tautan belum ada di penyimpanan (bawaan: sekarang)",
    )
    respond.add_argument("--by", default=None, help="nama yang mencatat (bawaan: pengguna sistem)")
    respond.set_defaults(handler=_respond)


def _respond(args: argparse.Namespace, out: TextIO) -> int:
    from monitor.app import open_store
    from monitor.cli.moments import parse_moment
    from monitor.db import StateDB
    from monitor.digest.templating import web_url
    from monitor.evaluation.responses import ResponseTracker
    from monitor.i18n import Messages
    from monitor.incidents.views import SHORT_ID
    from monitor.rules.base import subject_filter

    config = config_of(args)
    say = Messages(config.monitor.language, config.monitor.timezone)
    now = args.clock.now()
    try:
        at = parse_moment(args.at, config.monitor.timezone) if args.at else None
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if web_url(args.url) is None:
        raise UsageError(say("responses.bad_url", url=args.url))
    store = open_store(config)
    state = StateDB(config.data_dir / "state.sqlite3")
    try:
        tracker = ResponseTracker(config, store, state, say=say, subject=subject_filter)
        try:
            response = tracker.respond(args.id, args.url, now, at=at, by=args.by or getpass.getuser())
        except KeyError as exc:
            raise UsageError(str(exc.args[0])) from None
        print(
            say(
                "responses.recorded",
                incident=response.incident_id[:SHORT_ID],
                title=response.title,
                at=say.time(response.published_at),
                window=say.duration(config.evaluation.response_window),
            ),
            file=out,
        )
    finally:
        state.close()
        store.close()
    return EXIT_OK
