"""`monitor digest preview|send`: the daily email for PR heads, by hand."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from monitor.cli.common import EXIT_OK, EXIT_PARTIAL, Subparsers, config_arg, config_of
from monitor.errors import UsageError

if TYPE_CHECKING:
    from monitor.digest.service import DigestService


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"tanggal harus berbentuk YYYY-MM-DD (bukan {text!r})") from None


def register(sub: Subparsers) -> None:
    digest = sub.add_parser("digest", help="ringkasan harian lewat email untuk pimpinan humas")
    actions = digest.add_subparsers(dest="digest_command", required=True, metavar="AKSI")
    preview = actions.add_parser(
        "preview",
        help="tampilkan ringkasan tanpa mengirim",
        description="Menyusun ringkasan satu hari untuk satu kelompok penerima. Tanpa --out: versi teks ke "
        "layar. Dengan --out: file HTML (grafik tertanam) untuk dibuka di peramban.",
    )
    config_arg(preview)
    preview.add_argument("--date", type=_date, default=None, help="hari lokal YYYY-MM-DD (bawaan: kemarin)")
    preview.add_argument("--group", default=None, help="kelompok penerima (bawaan: kelompok pertama)")
    preview.add_argument("--out", type=Path, default=None, help="tulis HTML ke file ini")
    preview.set_defaults(handler=_preview)
    send = actions.add_parser(
        "send",
        help="kirim ringkasan sekarang",
        description="Mengirim ringkasan satu hari ke satu kelompok sekarang. Hari yang sudah terkirim tidak "
        "dikirim lagi kecuali dengan --again.",
    )
    config_arg(send)
    send.add_argument("--date", type=_date, default=None, help="hari lokal YYYY-MM-DD (bawaan: kemarin)")
    send.add_argument("--group", required=True, help="kelompok penerima")
    send.add_argument("--again", action="store_true", help="kirim ulang walaupun sudah pernah terkirim")
    send.set_defaults(handler=_send)


@contextmanager
def _service(args: argparse.Namespace) -> Iterator[DigestService]:
    from monitor.app import open_store, plugin_context
    from monitor.db import StateDB
    from monitor.digest.service import DigestService

    config = config_of(args)
    context = plugin_context(config, clock=args.clock)
    store = open_store(config, context)
    state = StateDB(config.data_dir / "state.sqlite3")
    try:
        yield DigestService(config, store, state, clock=args.clock, context=context)
    except KeyError as exc:
        raise UsageError(exc.args[0] if exc.args else str(exc)) from None
    finally:
        state.close()
        store.close()


def _preview(args: argparse.Namespace, out: TextIO) -> int:
    with _service(args) as service:
        group = service.group(args.group)
        digest = service.render(group, args.date or service.yesterday(group, args.clock.now()))
    if args.out:
        args.out.write_text(digest.preview_html(), encoding="utf-8")
        print(f"{digest.subject}\nHTML: {args.out} ({len(digest.html.encode()) / 1024:.0f} KB)", file=out)
    else:
        print(f"{digest.subject}\n\n{digest.text}", file=out, end="")
    return EXIT_OK


def _send(args: argparse.Namespace, out: TextIO) -> int:
    with _service(args) as service:
        group = service.group(args.group)
        day = args.date or service.yesterday(group, args.clock.now())
        report, delivery = service.send_now(group, day, again=args.again)
        say = service.messages(group)
    when = day.isoformat()
    if report.sent:
        print(say("digest.sent", group=group.name, date=when, n=len(group.recipients)), file=out)
    elif report.skipped:
        print(say("digest.skipped_empty", group=group.name, date=when), file=out)
    elif delivery.status == "sent" and delivery.sent_at:
        print(say("digest.already_sent", group=group.name, date=when, at=say.time(delivery.sent_at)), file=out)
    for error in report.errors:
        print(error, file=out)
    return EXIT_PARTIAL if report.errors else EXIT_OK
