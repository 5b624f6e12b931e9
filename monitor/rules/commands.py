"""The command-line verbs for rules and incidents: `rules test`, `replay`, `silence`, `incidents`.

monitor/cli.py owns the parser and the exit codes; it adds these verbs with `add_commands` and
hands a parsed command to `run_command`. Mistakes by the user (an unknown rule, a date that is
not one) raise UsageError, which the CLI reports like any MonitorError.
"""

from __future__ import annotations

import argparse
import getpass
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from monitor.alerters.base import Alerter
from monitor.clock import Clock, SystemClock
from monitor.config import MonitorConfig
from monitor.errors import UsageError
from monitor.i18n import local_time
from monitor.records import Alert

COMMANDS = frozenset({"rules", "replay", "silence", "incidents"})


def add_commands(sub: argparse._SubParsersAction, config_arg: Callable[[argparse.ArgumentParser], None]) -> None:
    rules = sub.add_parser("rules", help="uji aturan atas riwayat tersimpan")
    rules_sub = rules.add_subparsers(dest="rules_command", required=True, metavar="AKSI")
    test = rules_sub.add_parser(
        "test",
        help="kapan sebuah aturan akan menyala pada periode lalu",
        description="Mengevaluasi satu aturan atas mention tersimpan dengan basis data status "
        "sementara; tidak ada yang dikirim dan status pemantau tidak berubah.",
    )
    config_arg(test)
    test.add_argument("rule", help="nama aturan (nama file di config/rules/ tanpa .toml)")
    test.add_argument(
        "--from", dest="since", required=True, help="awal, mis. 2026-11-01 atau 2026-11-01T08:00 (waktu lokal)"
    )
    test.add_argument("--to", dest="until", required=True, help="akhir; tanggal saja = sampai akhir hari itu")

    replay = sub.add_parser(
        "replay",
        help="putar ulang riwayat melalui seluruh pipeline dengan jam simulasi",
        description="Memutar riwayat JSONL/CSV melalui pipeline dan aturan; data disimpan di folder "
        "sementara. Baris yang tidak bisa dipakai dilaporkan dengan nomornya.",
    )
    config_arg(replay)
    replay.add_argument("--input", "-i", type=Path, required=True, help="file JSONL atau CSV")
    replay.add_argument(
        "--speed", type=float, default=0.0, help="N kali lebih cepat dari waktu nyata; 0 = tanpa menunggu"
    )
    replay.add_argument("--format", choices=["jsonl", "csv"], default=None, help="bawaan: dari ekstensi file")
    replay.add_argument("--columns", default="", help="pemetaan kolom CSV, mis. published_at=tanggal,text=isi")
    replay.add_argument(
        "--log", action="store_true", help="cetak peringatan saja, jangan kirim ke alerter yang dikonfigurasi"
    )

    silence = sub.add_parser("silence", help="tahan peringatan sementara")
    silence_sub = silence.add_subparsers(dest="silence_command", required=True, metavar="AKSI")
    add = silence_sub.add_parser(
        "add",
        help="tahan peringatan yang cocok dengan POLA sampai waktu tertentu",
        description="POLA: nama-aturan, keluhan-*, nama-aturan:kelompok*, watchlist:NAMA, atau *. "
        "Peringatan yang ditahan tetap dicatat di log insiden.",
    )
    config_arg(add)
    add.add_argument("pattern", metavar="POLA")
    add.add_argument("--until", required=True, help="durasi (2h, 3d) atau waktu lokal (2026-11-20T17:00)")
    add.add_argument("--reason", required=True, help="alasan, supaya tim tahu kenapa peringatan ditahan")
    listing = silence_sub.add_parser("list", help="daftar silence aktif")
    config_arg(listing)
    listing.add_argument("--all", action="store_true", help="termasuk yang sudah berakhir atau dihapus")
    remove = silence_sub.add_parser("remove", help="akhiri silence sekarang")
    config_arg(remove)
    remove.add_argument("id", type=int)

    incidents = sub.add_parser("incidents", help="daftar dan ack insiden")
    incidents_sub = incidents.add_subparsers(dest="incidents_command", required=True, metavar="AKSI")
    listed = incidents_sub.add_parser("list", help="insiden terbuka (atau semua dengan --all)")
    config_arg(listed)
    listed.add_argument("--all", action="store_true", help="termasuk yang sudah selesai")
    ack = incidents_sub.add_parser(
        "ack", help="tandai insiden sudah ditangani: tidak ada pembaruan lagi kecuali eskalasi"
    )
    config_arg(ack)
    ack.add_argument("id", help="id insiden (cukup 8 karakter pertama)")
    ack.add_argument("--note", default="", help="catatan untuk log insiden")
    ack.add_argument("--by", default=None, help="nama penanggung jawab (bawaan: pengguna sistem)")


def run_command(args: argparse.Namespace, config: MonitorConfig, out: TextIO, *, clock: Clock | None = None) -> int:
    """Run a verb from COMMANDS; return the exit code (0: done, 1: done with problems)."""
    clock = clock or SystemClock()
    try:
        if args.command == "rules":
            return _rules_test(args, config, out)
        if args.command == "replay":
            return _replay(args, config, out)
        return _state_command(args, config, out, clock)
    except (KeyError, ValueError) as exc:
        raise UsageError(exc.args[0] if exc.args else str(exc)) from None


def _rules_test(args: argparse.Namespace, config: MonitorConfig, out: TextIO) -> int:
    from monitor.rules.backtest import backtest_rule, format_backtest
    from monitor.rules.moments import parse_moment
    from monitor.store import open_store

    zone = config.monitor.timezone
    since, until = parse_moment(args.since, zone), parse_moment(args.until, zone, end_of_day=True)
    store = open_store(config)
    try:
        result = backtest_rule(config, args.rule, store, since, until)
    finally:
        store.close()
    print(format_backtest(result, zone=zone, language=config.monitor.language), file=out)
    return 0


def _replay(args: argparse.Namespace, config: MonitorConfig, out: TextIO) -> int:
    from monitor.alerters import build_alerters
    from monitor.alerters.log import LogAlerter
    from monitor.replay import parse_columns, replay

    zone, language = config.monitor.timezone, config.monitor.language
    if args.log:
        printer = _PrintOnce(LogAlerter("log", language, zone, stream=out))
        alerters: dict[str, Alerter] = dict.fromkeys(config.alerters, printer)
    else:
        alerters = build_alerters(config)
    report = replay(
        config, args.input, speed=args.speed, fmt=args.format, columns=parse_columns(args.columns), alerters=alerters
    )
    for problem in report.problems:
        print(f"! {problem}", file=out)
    if report.start and report.end:
        print(
            f"Diputar: {report.read} mention, {local_time(report.start, zone)} sampai {local_time(report.end, zone)} "
            f"({report.steps} langkah); {report.stored} tersimpan, {report.duplicates} duplikat; "
            f"{report.alerts} peringatan, {report.sent} terkirim, {report.suppressed} dibungkam; "
            f"{len(report.incidents)} insiden.",
            file=out,
        )
    for error in report.errors:
        print(f"GAGAL: {error}", file=out)
    return 1 if report.problems or report.errors else 0


class _PrintOnce:
    """Stands in for every configured alerter in a dry run: an alert for Slack and email prints once."""

    def __init__(self, inner: Alerter):
        self.inner = inner
        self.name = inner.name
        self._printed: set[str] = set()

    def deliver(self, alert: Alert, thread: dict[str, str] | None) -> dict[str, str]:
        if alert.id not in self._printed:
            self._printed.add(alert.id)
            self.inner.deliver(alert, thread)
        return {}


def _state_command(args: argparse.Namespace, config: MonitorConfig, out: TextIO, clock: Clock) -> int:
    from monitor.incidents.book import IncidentBook
    from monitor.incidents.silences import SilenceBook
    from monitor.incidents.views import SHORT_ID, format_incidents, format_silences
    from monitor.rules.moments import parse_until
    from monitor.statedb import StateDB

    zone, now = config.monitor.timezone, clock.now()
    state = StateDB(config.data_dir / "state.sqlite3")
    try:
        if args.command == "silence":
            silences = SilenceBook(state)
            if args.silence_command == "add":
                silence = silences.add(
                    args.pattern, parse_until(args.until, now, zone), args.reason, now=now, created_by=getpass.getuser()
                )
                print(
                    f"Silence #{silence.id} aktif sampai {local_time(silence.until, zone)}: {silence.pattern}", file=out
                )
            elif args.silence_command == "list":
                print(format_silences(silences.list(now, include_ended=args.all), now=now, zone=zone), file=out)
            elif not silences.remove(args.id, now=now):
                raise UsageError(f"tidak ada silence aktif #{args.id}")
            else:
                print(f"Silence #{args.id} diakhiri.", file=out)
            return 0
        book = IncidentBook(state)
        if args.incidents_command == "list":
            rows = book.rows(status=None if args.all else "open")
            print(format_incidents(rows, zone=zone, language=config.monitor.language), file=out)
        else:
            row = book.acknowledge(args.id, now=now, by=args.by or getpass.getuser(), note=args.note)
            print(f"Insiden {row.incident.id[:SHORT_ID]} di-ack: tidak ada pembaruan lagi kecuali eskalasi.", file=out)
        return 0
    finally:
        state.close()
