"""`monitor report monthly`: the month's evaluation of the agency's communication, as HTML and CSV."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from monitor.cli.common import EXIT_OK, Subparsers, config_arg, config_of
from monitor.errors import UsageError


def register(sub: Subparsers) -> None:
    report = sub.add_parser("report", help="laporan evaluasi komunikasi (HTML dan CSV)")
    kinds = report.add_subparsers(dest="report_command", required=True, metavar="JENIS")
    monthly = kinds.add_parser(
        "monthly",
        help="laporan bulanan per program/watchlist",
        description="Volume, sentimen bersih dengan rentang 95 %, porsi suara, pemuatan rilis, waktu dan dampak "
        "tanggapan, dan tren dibanding bulan-bulan sebelumnya; ditulis sebagai satu halaman HTML dan CSV per tabel.",
    )
    config_arg(monthly)
    monthly.add_argument("--month", default=None, help="bulan, mis. 2026-11 (bawaan: bulan lalu)")
    monthly.add_argument("--out", type=Path, default=None, help="folder tujuan (bawaan: <data_dir>/laporan)")
    monthly.add_argument(
        "--watchlist", action="append", default=[], help="hanya watchlist ini (boleh berulang; bawaan: semua)"
    )
    monthly.add_argument("--months", type=int, default=3, help="berapa bulan sebelumnya untuk tren (bawaan: 3)")
    monthly.set_defaults(handler=_monthly)


def _monthly(args: argparse.Namespace, out: TextIO) -> int:
    from zoneinfo import ZoneInfo

    from monitor.app import open_store
    from monitor.db import StateDB
    from monitor.evaluation.monthly import Month, MonthlyEvaluation
    from monitor.evaluation.responses import ResponseTracker
    from monitor.i18n import Messages
    from monitor.report import monthly
    from monitor.rules.base import subject_filter

    config = config_of(args)
    say = Messages(config.monitor.language, config.monitor.timezone)
    now = args.clock.now()
    try:
        month = Month.parse(args.month) if args.month else Month.of(now, ZoneInfo(config.monitor.timezone)).shifted(-1)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    unknown = [w for w in args.watchlist if w not in config.watchlists]
    if unknown or not 0 <= args.months <= 24:
        known = ", ".join(sorted(config.watchlists)) or "-"
        raise UsageError(
            f"watchlist tidak ada: {', '.join(unknown)} (yang ada: {known})" if unknown else "--months 0-24"
        )
    store = open_store(config)
    state = StateDB(config.data_dir / "state.sqlite3")
    try:
        tracker = ResponseTracker(config, store, state, say=say, subject=subject_filter)
        evaluation = MonthlyEvaluation(config, store, tracker)
        figures = evaluation.report(month, now, watchlists=args.watchlist or None, trend_months=args.months)
        scope = say("report.scope", names=", ".join(args.watchlist)) if args.watchlist else ""
        rendered = monthly.render(figures, say, scope=scope)
        folder = args.out or config.data_dir / "laporan"
        for path in monthly.write(rendered, folder, f"{say('report.file')}-{month}"):
            print(say("report.written", path=path), file=out)
    finally:
        state.close()
        store.close()
    return EXIT_OK
