"""The `monitor` command: the only place that sets up logging and decides exit codes.

Exit codes: 0 all went well; 1 the run finished but something failed (a source, a rule, a
delivery; details were printed); 2 the configuration or the command line is wrong; 3 the store
could not be used.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import TextIO

from monitor import __version__
from monitor.config import DEFAULT_CONFIG, MonitorConfig, load_config, parse_duration
from monitor.errors import ConfigError, MonitorError

EXIT_OK, EXIT_PARTIAL, EXIT_USAGE = 0, 1, 2  # 3 (store unreachable) comes from StoreError.exit_code

log = logging.getLogger("monitor")


def _config_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config", "-c", type=Path, default=None, help=f"file konfigurasi TOML (bawaan: {DEFAULT_CONFIG})"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="monitor",
        description="humas-monitor: pemantauan media dan media sosial untuk humas pemerintah.",
    )
    parser.add_argument("--version", action="version", version=f"humas-monitor {__version__}")
    parser.add_argument("--verbose", "-v", action="store_true", help="tampilkan log rinci")
    sub = parser.add_subparsers(dest="command", required=True, metavar="PERINTAH")

    run = sub.add_parser(
        "run",
        help="layanan terus-menerus: tiap sumber pada jadwalnya sendiri",
        description="Menjalankan layanan: kolektor per jadwal, aturan setelah tiap batch. "
        "Berhenti dengan rapi pada Ctrl-C / SIGTERM.",
    )
    _config_arg(run)

    once = sub.add_parser(
        "once",
        help="satu siklus semua tugas lalu keluar (untuk cron dan debugging)",
        description="Mengumpulkan semua sumber sekali, memproses, mengevaluasi aturan, "
        "mengirim peringatan, lalu keluar. Kode keluar 1 bila ada yang gagal.",
    )
    _config_arg(once)

    demo = sub.add_parser(
        "demo",
        help="demo luring dengan data contoh dan jam simulasi",
        description="Menyajikan feed dan unggahan contoh dari server lokal, menjalankan "
        "pipeline sungguhan dengan jam simulasi, dan mencetak insiden.",
    )
    demo.add_argument("--data-dir", type=Path, default=None, help="folder data demo (bawaan: folder sementara)")

    classify = sub.add_parser(
        "classify",
        help="klasifikasi teks dari JSONL atau baris teks",
        description='Masukan: JSONL ({"id":..., "text":...} per baris) atau baris teks biasa. '
        "Keluaran: JSONL dengan sentiment, scores, topics, flags.",
    )
    _config_arg(classify)
    classify.add_argument("--input", "-i", type=Path, default=None, help="file masukan (bawaan: stdin)")
    classify.add_argument("--output", "-o", type=Path, default=None, help="file keluaran (bawaan: stdout)")

    config = sub.add_parser("config", help="periksa konfigurasi")
    config_sub = config.add_subparsers(dest="config_command", required=True, metavar="AKSI")
    check = config_sub.add_parser(
        "check",
        help="validasi seluruh konfigurasi dan laporkan setiap masalah",
        description="Memvalidasi file konfigurasi dan semua aturan; setiap masalah "
        "dilaporkan dengan file dan kuncinya.",
    )
    _config_arg(check)

    search = sub.add_parser(
        "search",
        help="cari mention tersimpan (teks lengkap)",
        description="Pencarian teks lengkap atas mention tersimpan, dengan filter.",
    )
    _config_arg(search)
    search.add_argument("query", nargs="?", default="", help="kata kunci (kosong: semua)")
    search.add_argument("--since", default="24h", help="rentang waktu ke belakang, mis. 6h, 7d (bawaan: 24h)")
    search.add_argument("--sentiment", action="append", choices=["positive", "neutral", "negative"], default=[])
    search.add_argument("--topic", action="append", default=[], help="filter topik (boleh berulang)")
    search.add_argument("--source", action="append", default=[], help="filter sumber (boleh berulang)")
    search.add_argument("--limit", type=int, default=20)
    search.add_argument("--json", action="store_true", help="satu mention per baris JSON, untuk skrip")
    es = sub.add_parser("es", help="kelola Elasticsearch (template, alias, retensi)")
    es_sub = es.add_subparsers(dest="es_command", required=True, metavar="AKSI")
    es_init = es_sub.add_parser("init", help="buat atau perbarui index template dan alias (idempoten)")
    _config_arg(es_init)
    es_retention = es_sub.add_parser("retention", help="hapus indeks bulanan yang lebih tua dari `retention`")
    _config_arg(es_retention)
    es_retention.add_argument("--dry-run", action="store_true", help="hanya tampilkan yang akan dihapus")

    kibana = sub.add_parser("kibana", help="dasbor Kibana untuk analis")
    kibana_sub = kibana.add_subparsers(dest="kibana_command", required=True, metavar="AKSI")
    kibana_import = kibana_sub.add_parser(
        "import",
        help="muat data view dan dasbor lewat saved objects API (idempoten)",
        description="Kredensial dari lingkungan: KIBANA_API_KEY, atau KIBANA_USERNAME dan KIBANA_PASSWORD.",
    )
    _config_arg(kibana_import)
    kibana_import.add_argument("--url", required=True, help="alamat Kibana, mis. https://kibana.contoh.go.id")
    kibana_import.add_argument("--space", default=None, help="Kibana space (bawaan: default)")

    from monitor.rules.commands import add_commands

    add_commands(sub, _config_arg)
    return parser


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        return _dispatch(args, out)
    except ConfigError as exc:
        print("Konfigurasi tidak valid:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  - {problem}", file=sys.stderr)
        return EXIT_USAGE
    except MonitorError as exc:
        print(f"Gagal: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return EXIT_OK


def _dispatch(args: argparse.Namespace, out: TextIO) -> int:
    if args.command == "demo":
        from monitor.demo.run import run_demo

        result = run_demo(out, args.data_dir)
        return EXIT_OK if result.incidents else EXIT_PARTIAL
    if args.command == "classify":
        return _classify(load_config(args.config), args.input, args.output, out)
    config = load_config(args.config)
    from monitor.rules.commands import COMMANDS, run_command

    if args.command in COMMANDS:
        return run_command(args, config, out)
    if args.command == "config":
        print(
            f"Konfigurasi valid: {len(config.sources)} sumber, {len(config.rules)} aturan, "
            f"{len(config.watchlists)} watchlist, {len(config.alerters)} alerter.",
            file=out,
        )
        return EXIT_OK
    if args.command == "search":
        return _search(config, args, out)
    if args.command == "once":
        return _once(config, out)
    if args.command in ("es", "kibana"):
        return _elasticsearch(config, args, out)
    if args.command == "run":
        from monitor.scheduler import run_forever

        run_forever(config)
        return EXIT_OK
    raise AssertionError(args.command)


def _once(config: MonitorConfig, out: TextIO) -> int:
    from monitor.pipeline import build_pipeline

    pipeline = build_pipeline(config)
    try:
        report = pipeline.cycle()
    finally:
        pipeline.close()
    for source in report.sources:
        state = (
            f"GAGAL: {source.error}"
            if source.error
            else ("tidak berubah" if source.not_modified else f"{source.new} baru")
        )
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


def _search(config: MonitorConfig, args: argparse.Namespace, out: TextIO) -> int:
    from monitor.clock import SystemClock
    from monitor.i18n import local_time
    from monitor.store import open_store
    from monitor.store.base import MentionFilter

    since: timedelta = parse_duration(args.since)
    store = open_store(config)
    try:
        hits = store.search(
            MentionFilter(
                since=SystemClock().now() - since,
                query=args.query or None,
                sentiment=tuple(args.sentiment),
                topics=tuple(args.topic),
                sources=tuple(args.source),
            ),
            limit=args.limit,
        )
    finally:
        store.close()
    for hit in hits:
        m, c = hit.mention.mention, hit.mention.classification
        if args.json:
            print(
                json.dumps(
                    {**hit.mention.to_json(), "score": hit.score, "highlights": list(hit.highlights)},
                    ensure_ascii=False,
                ),
                file=out,
            )
            continue
        sentiment = c.sentiment.value if c.sentiment else "-"
        print(
            f"{local_time(m.published_at, config.monitor.timezone)} [{m.source}] [{sentiment}] "
            f"{m.title or m.text[:80]}",
            file=out,
        )
        for fragment in hit.highlights:
            print(f"    … {fragment}", file=out)
        if m.url:
            print(f"    {m.url}", file=out)
    if not args.json:
        print(f"{len(hits)} hasil", file=out)
    return EXIT_OK


def _elasticsearch(config: MonitorConfig, args: argparse.Namespace, out: TextIO) -> int:
    import os

    from monitor.store import es_admin, open_store
    from monitor.store.elasticsearch import ElasticsearchStore

    store = open_store(config)
    try:
        if not isinstance(store, ElasticsearchStore):
            print('Perintah ini butuh [store] type = "elasticsearch" di konfigurasi.', file=sys.stderr)
            return EXIT_USAGE
        if args.command == "kibana":
            result = es_admin.import_kibana(
                args.url,
                alias=store.alias,
                space=args.space,
                api_key=os.environ.get("KIBANA_API_KEY"),
                username=os.environ.get("KIBANA_USERNAME"),
                password=os.environ.get("KIBANA_PASSWORD"),
            )
            refused = f", {len(result.failures)} ditolak:" if result.failures else ""
            print(f"Kibana: {result.imported} objek dimuat{refused}", file=out)
            for line in result.errors:
                print(f"  - {line}", file=out)
            return EXIT_PARTIAL if result.failures else EXIT_OK
        if args.es_command == "init":
            report = es_admin.init(store)
            print(
                f"template {report.template}, alias {report.alias}; indeks baru: {report.created_index or '-'}; "
                f"indeks diperbarui: {', '.join(report.updated_indices) or '-'}",
                file=out,
            )
            return EXIT_OK
        removed = es_admin.retention(store, dry_run=args.dry_run)
        verb = "akan dihapus" if args.dry_run else "dihapus"
        print(f"{len(removed)} indeks {verb}" + (": " + ", ".join(removed) if removed else ""), file=out)
        return EXIT_OK
    finally:
        store.close()


def _classify(config: MonitorConfig, input_path: Path | None, output_path: Path | None, out: TextIO) -> int:
    from monitor.classify.factory import build_classifier

    classifier = build_classifier(config.classifier, base_dir=config.base_dir)
    source = input_path.open(encoding="utf-8", errors="replace") if input_path else sys.stdin
    sink = output_path.open("w", encoding="utf-8") if output_path else out
    try:
        batch: list[tuple[str | None, str]] = []
        for number, line in enumerate(source, start=1):
            if line.strip():
                batch.append(_classify_input(line, number))
            if len(batch) >= config.classifier.batch_size:
                _write_classified(classifier, batch, sink)
                batch = []
        _write_classified(classifier, batch, sink)
    finally:
        if input_path:
            source.close()
        if output_path:
            sink.close()
    return EXIT_OK


def _classify_input(line: str, number: int) -> tuple[str | None, str]:
    """A JSON object with `text` (and maybe `id`), or else the line itself as text."""
    stripped = line.strip()
    if stripped.startswith("{"):
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError:
            data = None
        if isinstance(data, dict):
            return (str(data["id"]) if "id" in data else str(number)), str(data.get("text") or "")
    return str(number), stripped


def _write_classified(classifier, batch: list[tuple[str | None, str]], sink: TextIO) -> None:
    if not batch:
        return
    for (item_id, _text), result in zip(batch, classifier.classify([text for _, text in batch]), strict=True):
        print(json.dumps({"id": item_id, **result.to_json()}, ensure_ascii=False), file=sink)


if __name__ == "__main__":
    raise SystemExit(main())
