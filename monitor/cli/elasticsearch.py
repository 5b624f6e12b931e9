"""`monitor es init|retention` and `monitor kibana import`: Elasticsearch and Kibana upkeep."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TextIO

from monitor.cli.common import EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, Subparsers, config_arg, config_of

if TYPE_CHECKING:
    from monitor.store.types.elasticsearch import ElasticsearchStore


def register(sub: Subparsers) -> None:
    es = sub.add_parser("es", help="kelola Elasticsearch (template, alias, retensi)")
    es_actions = es.add_subparsers(dest="es_command", required=True, metavar="AKSI")
    init = es_actions.add_parser("init", help="buat atau perbarui index template dan alias (idempoten)")
    config_arg(init)
    init.set_defaults(handler=_init)
    retention = es_actions.add_parser("retention", help="hapus indeks bulanan yang lebih tua dari `retention`")
    config_arg(retention)
    retention.add_argument("--dry-run", action="store_true", help="hanya tampilkan yang akan dihapus")
    retention.set_defaults(handler=_retention)

    kibana = sub.add_parser("kibana", help="dasbor Kibana untuk analis")
    kibana_actions = kibana.add_subparsers(dest="kibana_command", required=True, metavar="AKSI")
    kibana_import = kibana_actions.add_parser(
        "import",
        help="muat data view dan dasbor lewat saved objects API (idempoten)",
        description="Kredensial dari lingkungan: KIBANA_API_KEY, atau KIBANA_USERNAME dan KIBANA_PASSWORD.",
    )
    config_arg(kibana_import)
    kibana_import.add_argument("--url", required=True, help="alamat Kibana, mis. https://kibana.contoh.go.id")
    kibana_import.add_argument("--space", default=None, help="Kibana space (bawaan: default)")
    kibana_import.set_defaults(handler=_kibana_import)


def _init(args: argparse.Namespace, out: TextIO) -> int:
    from monitor.store import es_admin

    with _elasticsearch(args) as store:
        if store is None:
            return EXIT_USAGE
        report = es_admin.init(store)
        print(
            f"template {report.template}, alias {report.alias}; indeks baru: {report.created_index or '-'}; "
            f"indeks diperbarui: {', '.join(report.updated_indices) or '-'}",
            file=out,
        )
    return EXIT_OK


def _retention(args: argparse.Namespace, out: TextIO) -> int:
    from monitor.store import es_admin

    with _elasticsearch(args) as store:
        if store is None:
            return EXIT_USAGE
        removed = es_admin.retention(store, dry_run=args.dry_run)
    verb = "akan dihapus" if args.dry_run else "dihapus"
    print(f"{len(removed)} indeks {verb}" + (": " + ", ".join(removed) if removed else ""), file=out)
    return EXIT_OK


def _kibana_import(args: argparse.Namespace, out: TextIO) -> int:
    from monitor.store import es_admin

    with _elasticsearch(args) as store:
        if store is None:
            return EXIT_USAGE
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


@contextmanager
def _elasticsearch(args: argparse.Namespace) -> Iterator[ElasticsearchStore | None]:
    """The configured Elasticsearch store, closed afterwards; None (with a message) otherwise."""
    from monitor.app import open_store
    from monitor.store.types.elasticsearch import ElasticsearchStore

    store = open_store(config_of(args))
    try:
        if isinstance(store, ElasticsearchStore):
            yield store
        else:
            print('Perintah ini butuh [store] type = "elasticsearch" di konfigurasi.', file=sys.stderr)
            yield None
    finally:
        store.close()
