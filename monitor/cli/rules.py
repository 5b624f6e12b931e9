"""`monitor rules test` and `monitor replay`: rules over history, nothing sent unless asked."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from monitor.cli.common import EXIT_OK, EXIT_PARTIAL, Subparsers, config_arg, config_of, duration
from monitor.errors import UsageError

if TYPE_CHECKING:
    from monitor.delivery.alerter import Alerter
    from monitor.i18n import Messages
    from monitor.incidents.report import IncidentLine, KnownEvent
    from monitor.records import Alert, ThreadRef


def _report_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--events",
        type=Path,
        default=None,
        help="JSONL/CSV kejadian yang diketahui (onset, name, rules): jeda deteksi, recall, insiden palsu per aturan",
    )
    parser.add_argument(
        "--match-within",
        type=duration,
        default="6h",
        help="insiden yang dibuka paling lama selama ini setelah onset dihitung mendeteksi kejadian (bawaan: 6h)",
    )


def register(sub: Subparsers) -> None:
    rules = sub.add_parser("rules", help="uji aturan atas riwayat tersimpan")
    actions = rules.add_subparsers(dest="rules_command", required=True, metavar="AKSI")
    test = actions.add_parser(
        "test",
        help="kapan aturan akan menyala pada periode lalu (semua aturan bila tidak disebut)",
        description="Mengevaluasi aturan atas mention tersimpan dengan basis data status "
        "sementara; tidak ada yang dikirim dan status pemantau tidak berubah.",
    )
    config_arg(test)
    test.add_argument(
        "rules", nargs="*", metavar="ATURAN", help="nama aturan (nama file di config/rules/ tanpa .toml); bawaan: semua"
    )
    test.add_argument(
        "--from", dest="since", required=True, help="awal, mis. 2026-11-01 atau 2026-11-01T08:00 (waktu lokal)"
    )
    test.add_argument("--to", dest="until", required=True, help="akhir; tanggal saja = sampai akhir hari itu")
    test.add_argument("--output", type=Path, default=None, help="folder untuk incidents.jsonl dan incidents.csv")
    _report_args(test)
    test.set_defaults(handler=_rules_test)

    replay = sub.add_parser(
        "replay",
        help="putar ulang riwayat melalui seluruh pipeline dengan jam simulasi",
        description="Memutar riwayat JSONL/CSV melalui pipeline dan aturan. Baris yang tidak bisa "
        "dipakai dilaporkan dengan nomornya dan dilewati. Tabel insiden dicetak di akhir.",
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
    replay.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="simpan hasil di sini (mention, insiden, antrean, incidents.jsonl/csv); bawaan: folder sementara",
    )
    replay.add_argument(
        "--step-by-step",
        action="store_true",
        help="evaluasi setiap aturan di setiap langkah seperti layanan (hasil sama, jauh lebih lambat)",
    )
    _report_args(replay)
    replay.set_defaults(handler=_replay)


def _rules_test(args: argparse.Namespace, out: TextIO) -> int:
    from monitor.app import open_store
    from monitor.cli.moments import parse_moment
    from monitor.i18n import Messages
    from monitor.progress import Progress
    from monitor.rules.backtest import backtest, format_backtest

    config = config_of(args)
    zone = config.monitor.timezone
    say = Messages(config.monitor.language, zone)
    try:
        chosen = [config.rule(name) for name in args.rules] if args.rules else list(config.rules)
        since, until = parse_moment(args.since, zone), parse_moment(args.until, zone, end_of_day=True)
        events = _events(args, zone)
    except (KeyError, ValueError) as exc:
        raise UsageError(exc.args[0] if exc.args else str(exc)) from None
    if not args.rules:
        for rule in (r for r in chosen if not r.backtestable):
            print(say("backtest.skipped", rule=rule.name, type=rule.type), file=out)
        chosen = [r for r in chosen if r.backtestable]
    if not chosen:
        raise UsageError(say("backtest.no_rules"))
    store = open_store(config)
    try:
        with Progress(say, say("backtest.what"), unit=say("backtest.unit")) as bar:
            result = backtest(
                config, chosen, store, since, until, progress=lambda done, total: bar.update(done, total=total)
            )
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    finally:
        store.close()
    print(format_backtest(result, say), file=out)
    _tables(result.lines, [r.name for r in chosen], events, args, args.output, say, out)
    return EXIT_OK


def _events(args: argparse.Namespace, zone: str) -> list[KnownEvent] | None:
    from monitor.incidents.report import load_events

    return load_events(args.events, zone) if args.events else None


def _tables(
    lines: list[IncidentLine],
    rules: list[str],
    events: list[KnownEvent] | None,
    args: argparse.Namespace,
    folder: Path | None,
    say: Messages,
    out: TextIO,
) -> None:
    """The incident table (printed, and written when a folder is given) and the event scores."""
    from monitor.incidents.report import format_scores, format_table, score, write_table

    print(say("table.head", n=len(lines)), file=out)
    print(format_table(lines, say), file=out)
    if folder is not None:
        written = write_table(lines, folder, say)
        print(say("table.written", paths=", ".join(str(p) for p in written)), file=out)
    if events is not None:
        print(format_scores(score(lines, events, rules, within=args.match_within), say), file=out)


def _replay(args: argparse.Namespace, out: TextIO) -> int:
    from monitor.alerters.types.log import LogAlerter
    from monitor.app import build_alerters
    from monitor.cli.common import simulated_time_logging
    from monitor.clock import SimulatedClock
    from monitor.i18n import Messages
    from monitor.progress import Progress
    from monitor.replay import ReplayProgress, parse_columns, replay

    config = config_of(args)
    zone = config.monitor.timezone
    say = Messages(config.monitor.language, zone)
    if args.log:
        printer = _PrintOnce(LogAlerter("log", say, stream=out))
        alerters: dict[str, Alerter] = dict.fromkeys(config.alerters, printer)
    else:
        alerters = build_alerters(config)

    bar = Progress(say, say("replay.what"), unit="mention")

    def progress(step: ReplayProgress) -> None:
        note = say("replay.progress", now=say.time(step.now), stored=say.number(step.stored), alerts=step.alerts)
        bar.update(step.taken, total=step.total, note=note)

    clock = SimulatedClock(args.clock.now())
    try:
        columns = parse_columns(args.columns)
        events = _events(args, zone)
        with simulated_time_logging(clock, zone), bar:
            report = replay(
                config,
                args.input,
                speed=args.speed,
                fmt=args.format,
                columns=columns,
                alerters=alerters,
                data_dir=args.data_dir,
                clock=clock,
                progress=progress,
                progress_every=0.2,
                step_by_step=args.step_by_step,
            )
            bar.update(report.read, total=report.read)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    for problem in report.problems:
        print(f"! {problem}", file=out)
    if report.problems:
        print(say("replay.skipped", n=len(report.problems)), file=out)
    if report.start and report.end:
        per_alerter = ", ".join(f"{name} {n}" for name, n in sorted(report.sent_per_alerter.items())) or "-"
        retried = say("replay.retried", n=report.retried) if report.retried else ""
        print(
            say(
                "replay.summary",
                read=report.read,
                start=say.time(report.start),
                end=say.time(report.end),
                steps=say.number(report.steps),
                evaluations=say.number(report.evaluations),
                stored=report.stored,
                duplicates=report.duplicates,
            ),
            file=out,
        )
        print(
            say("replay.alerts", alerts=report.alerts, suppressed=report.suppressed, incidents=len(report.incidents)),
            file=out,
        )
        print(say("replay.deliveries", sent=report.sent, per_alerter=per_alerter, retried=retried), file=out)
        _tables(report.lines, [r.name for r in config.rules], events, args, args.data_dir, say, out)
        if args.data_dir:
            print(say("replay.kept", folder=args.data_dir), file=out)
    for alerter, title, error in report.undelivered:
        print(say("replay.undelivered", alerter=alerter, title=title, error=error), file=out)
    for error in report.errors:
        print(say("replay.error", error=error), file=out)
    # Unusable lines are reported above; they do not make the run a failure.
    return EXIT_PARTIAL if report.errors or report.undelivered else EXIT_OK


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
