"""`monitor run`, `monitor once`, `monitor demo`: the jobs themselves."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from monitor.cli.common import EXIT_OK, EXIT_PARTIAL, Subparsers, config_arg, config_of

if TYPE_CHECKING:
    from monitor.i18n import Messages
    from monitor.pipeline import SourceReport

# Pending mentions from which `monitor once` shows its progress.
BACKLOG = 2_000


def register(sub: Subparsers) -> None:
    run = sub.add_parser(
        "run",
        help="layanan terus-menerus: tiap sumber pada jadwalnya sendiri",
        description="Menjalankan layanan: kolektor per jadwal, aturan setelah tiap batch. "
        "Berhenti dengan rapi pada Ctrl-C / SIGTERM.",
    )
    config_arg(run)
    run.set_defaults(handler=_run)

    once = sub.add_parser(
        "once",
        help="satu siklus semua tugas lalu keluar (untuk cron dan debugging)",
        description="Mengumpulkan semua sumber sekali, memproses, mengevaluasi aturan, "
        "mengirim peringatan, lalu keluar. Kode keluar 1 bila ada yang gagal.",
    )
    config_arg(once)
    once.set_defaults(handler=_once)

    demo = sub.add_parser(
        "demo",
        help="demo luring dengan data contoh dan jam simulasi",
        description="Menyajikan feed dan unggahan contoh dari server lokal, menjalankan "
        "pipeline sungguhan dengan jam simulasi, dan mencetak insiden.",
    )
    demo.add_argument("--data-dir", type=Path, default=None, help="folder data demo (bawaan: folder sementara)")
    demo.add_argument(
        "--digest", type=Path, default=None, help="tulis juga ringkasan harian hari demo (HTML) ke file ini"
    )
    demo.set_defaults(handler=_demo)


def _run(args: argparse.Namespace, out: TextIO) -> int:
    from monitor.scheduler import run_forever

    run_forever(config_of(args))
    return EXIT_OK


def _demo(args: argparse.Namespace, out: TextIO) -> int:
    from monitor.demo.run import run_demo

    result = run_demo(out, args.data_dir, digest=args.digest)
    return EXIT_OK if result.incidents else EXIT_PARTIAL


def source_state(source: SourceReport, say: Messages) -> str:
    """One source's result in a line: new items (takeovers by another source are not new),
    failures, waits and warnings."""
    if source.missing_credentials:
        return say("source.no_credentials", keys=", ".join(source.missing_credentials))
    if source.disabled:
        off = say("source.disabled", n=source.failures, name=source.source)
        return f"{say('source.failed', error=source.error)}; {off}" if source.error else off
    if source.error:
        state = say("source.failed", error=source.error)
    elif source.deferred_until and not (source.new or source.updated or source.also_seen):
        return say("source.deferred", time=say.time(source.deferred_until))
    elif source.not_modified:
        state = say("source.unchanged")
    else:
        parts = [say("source.new", n=source.new)]
        if source.updated:
            parts.append(say("source.updated", n=source.updated))
        if source.also_seen:
            parts.append(say("source.also_seen", n=source.also_seen))
        state = ", ".join(parts)
    if source.deferred_until:
        state += f" ({say('source.deferred', time=say.time(source.deferred_until))})"
    for warning in source.warnings:
        state += f"; {say('source.warning', warning=warning)}"
    return state


def _once(args: argparse.Namespace, out: TextIO) -> int:
    from monitor.app import plugin_context
    from monitor.pipeline import build_pipeline
    from monitor.progress import Progress

    config = config_of(args)
    say = plugin_context(config).messages()
    pipeline = build_pipeline(config)
    bar: Progress | None = None

    def progress(done: int, total: int) -> None:
        # A backlog (a large export file, days of downtime) shows how far it is; a usual cycle not.
        nonlocal bar
        if bar is None and total >= BACKLOG:
            bar = Progress(say, say("once.what"), total, unit="mention")
        if bar is not None:
            bar.update(done, total=total)

    try:
        report = pipeline.cycle(progress=progress)
    finally:
        if bar is not None:
            bar.close()
        pipeline.close()
    for source in report.sources:
        print(say("source.line", name=source.source, state=source_state(source, say)), file=out)
    processed = report.processed
    print(
        f"diproses: {processed.stored} tersimpan, {processed.duplicates} duplikat, {len(processed.failed)} gagal",
        file=out,
    )
    if processed.error:
        print(f"penyimpanan GAGAL: {processed.error}", file=out)
    waiting = f", {report.delivery.waiting} menunggu jadwal kirim ulang" if report.delivery.waiting else ""
    print(
        f"peringatan: {len(report.evaluation.alerts)} baru, {report.delivery.sent} terkirim, "
        f"{report.delivery.failed} gagal dikirim (akan dicoba lagi){waiting}",
        file=out,
    )
    for error in report.evaluation.errors:
        print(f"aturan GAGAL: {error}", file=out)
    return EXIT_OK if report.ok else EXIT_PARTIAL
