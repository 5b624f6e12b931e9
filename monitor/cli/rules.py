"""`monitor rules test` and `monitor replay`: rules over history, nothing sent."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from monitor.cli.common import EXIT_OK, EXIT_PARTIAL, Subparsers, config_arg, config_of
from monitor.errors import UsageError

if TYPE_CHECKING:
    from monitor.delivery.alerter import Alerter
    from monitor.records import Alert, ThreadRef


def register(sub: Subparsers) -> None:
    rules = sub.add_parser("rules", help="uji aturan atas riwayat tersimpan")
    actions = rules.add_subparsers(dest="rules_command", required=True, metavar="AKSI")
    test = actions.add_parser(
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
    test.set_defaults(handler=_rules_test)

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
    replay.set_defaults(handler=_replay)


def _rules_test(args: argparse.Namespace, out: TextIO) -> int:
    from monitor.app import open_store
    from monitor.cli.moments import parse_moment
    from monitor.i18n import Messages
    from monitor.rules.backtest import backtest_rule, format_backtest

    config = config_of(args)
    zone = config.monitor.timezone
    try:
        since, until = parse_moment(args.since, zone), parse_moment(args.until, zone, end_of_day=True)
        store = open_store(config)
        try:
            result = backtest_rule(config, args.rule, store, since, until)
        finally:
            store.close()
    except (KeyError, ValueError) as exc:
        raise UsageError(exc.args[0] if exc.args else str(exc)) from None
    print(format_backtest(result, Messages(config.monitor.language, zone)), file=out)
    return EXIT_OK


def _replay(args: argparse.Namespace, out: TextIO) -> int:
    from monitor.alerters.types.log import LogAlerter
    from monitor.app import build_alerters
    from monitor.i18n import Messages
    from monitor.replay import parse_columns, replay

    config = config_of(args)
    say = Messages(config.monitor.language, config.monitor.timezone)
    if args.log:
        printer = _PrintOnce(LogAlerter("log", say, stream=out))
        alerters: dict[str, Alerter] = dict.fromkeys(config.alerters, printer)
    else:
        alerters = build_alerters(config)
    try:
        columns = parse_columns(args.columns)
        report = replay(config, args.input, speed=args.speed, fmt=args.format, columns=columns, alerters=alerters)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    for problem in report.problems:
        print(f"! {problem}", file=out)
    if report.start and report.end:
        print(
            f"Diputar: {report.read} mention, {say.time(report.start)} sampai {say.time(report.end)} "
            f"({report.steps} langkah); {report.stored} tersimpan, {report.duplicates} duplikat; "
            f"{report.alerts} peringatan, {report.sent} terkirim, {report.suppressed} dibungkam; "
            f"{len(report.incidents)} insiden.",
            file=out,
        )
    for error in report.errors:
        print(f"GAGAL: {error}", file=out)
    return EXIT_PARTIAL if report.problems or report.errors else EXIT_OK


class _PrintOnce:
    """Stands in for every configured alerter in a dry run: an alert for Slack and email prints once."""

    def __init__(self, inner: Alerter):
        self.inner = inner
        self.name = inner.name
        self._printed: set[str] = set()

    def deliver(self, alert: Alert, thread: ThreadRef | None) -> ThreadRef | None:
        if alert.id not in self._printed:
            self._printed.add(alert.id)
            self.inner.deliver(alert, thread)
        return None
