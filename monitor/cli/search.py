"""`monitor search`: full-text search over stored mentions, with filters."""

from __future__ import annotations

import argparse
import json
from typing import TextIO

from monitor.cli.common import EXIT_OK, Subparsers, config_arg, config_of, duration


def register(sub: Subparsers) -> None:
    search = sub.add_parser(
        "search",
        help="cari mention tersimpan (teks lengkap)",
        description="Pencarian teks lengkap atas mention tersimpan, dengan filter.",
    )
    config_arg(search)
    search.add_argument("query", nargs="?", default="", help="kata kunci (kosong: semua)")
    search.add_argument(
        "--since", type=duration, default="24h", help="rentang waktu ke belakang, mis. 6h, 7d, 2w (bawaan: 24h)"
    )
    search.add_argument("--sentiment", action="append", choices=["positive", "neutral", "negative"], default=[])
    search.add_argument("--topic", action="append", default=[], help="filter topik (boleh berulang)")
    search.add_argument("--source", action="append", default=[], help="filter sumber (boleh berulang)")
    search.add_argument("--limit", type=int, default=20)
    search.add_argument("--json", action="store_true", help="satu mention per baris JSON, untuk skrip")
    search.set_defaults(handler=_search)


def _search(args: argparse.Namespace, out: TextIO) -> int:
    from monitor.app import open_store
    from monitor.clock import SystemClock
    from monitor.i18n import Messages
    from monitor.store.base import MentionFilter

    config = config_of(args)
    say = Messages(config.monitor.language, config.monitor.timezone)
    store = open_store(config)
    try:
        flt = MentionFilter(
            since=SystemClock().now() - args.since,
            query=args.query or None,
            sentiment=tuple(args.sentiment),
            topics=tuple(args.topic),
            sources=tuple(args.source),
        )
        hits = store.search(flt, limit=args.limit)
    finally:
        store.close()
    for hit in hits:
        m, c = hit.mention.mention, hit.mention.classification
        if args.json:
            data = {**hit.mention.to_json(), "score": hit.score, "highlights": list(hit.highlights)}
            print(json.dumps(data, ensure_ascii=False), file=out)
            continue
        sentiment = c.sentiment.value if c.sentiment else "-"
        print(f"{say.time(m.published_at)} [{m.source}] [{sentiment}] {m.title or m.text[:80]}", file=out)
        for fragment in hit.highlights:
            print(f"    … {fragment}", file=out)
        if m.url:
            print(f"    {m.url}", file=out)
    if not args.json:
        print(f"{len(hits)} hasil", file=out)
    return EXIT_OK
