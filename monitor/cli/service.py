"""`monitor run`, `monitor once`, `monitor demo`: the jobs themselves."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from monitor.cli.common import EXIT_OK, EXIT_PARTIAL, Subparsers, config_arg, config_of


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

    result = run_demo(out, args.data_dir, args.digest)
    return EXIT_OK if result.incidents else EXIT_PARTIAL


def _once(args: argparse.Namespace, out: TextIO) -> int:
    from monitor.pipeline import build_pipeline

    pipeline = build_pipeline(config_of(args))
    try:
        report = pipeline.cycle()
    finally:
        pipeline.close()
    for source in report.sources:
        if source.error:
            state = f"GAGAL: {source.error}"
        else:
            state = "tidak berubah" if source.not_modified else f"{source.new} baru"
        print(f"sumber {source.source}: {state}", file=out)
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
