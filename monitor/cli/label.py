"""`monitor label` (labels set by people, one by one or from a file), `monitor label queue` (what
to label next) and `monitor train` (refit on the labels, estimate the stream's class priors)."""

from __future__ import annotations

import argparse
import getpass
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from monitor.cli.common import EXIT_OK, EXIT_PARTIAL, Subparsers, config_arg, config_of, duration

if TYPE_CHECKING:
    from monitor.config import MonitorConfig
    from monitor.feedback.importer import BadRow, LabelRow
    from monitor.feedback.labels import LabelBook
    from monitor.i18n import Messages
    from monitor.records import EnrichedMention, Label
    from monitor.store.base import MentionStore

# Flags the default model learns beyond the seed-term list (debunks and clarifications).
LEARNED_FLAGS = ("klarifikasi",)


def register(sub: Subparsers) -> None:
    label = sub.add_parser(
        "label",
        help="beri label (sentimen, topik, flag) pada mention; 'label queue' untuk daftar yang perlu dicek",
        description="Label dari analis menggantikan label model di penyimpanan (dasbor, aturan, ekspor) dan "
        "tetap berlaku walau mention diklasifikasi ulang. Satu per satu: monitor label ID --sentiment negatif. "
        "Sekaligus dari file CSV (id,sentiment,topics,flags) atau JSONL (mis. hasil 'monitor search --json' "
        "yang sudah diedit): monitor label --file label.csv. Mention yang paling meragukan bagi model: "
        "monitor label queue.",
    )
    config_arg(label)
    label.add_argument("ids", nargs="*", metavar="ID", help="id mention, atau 'queue'")
    label.add_argument("--sentiment", "-s", help="positif | netral | negatif")
    label.add_argument("--topics", "-t", help="topik, dipisah koma ('-' untuk tanpa topik)")
    label.add_argument("--flags", "-f", help="flag, dipisah koma ('-' untuk tanpa flag)")
    label.add_argument("--file", type=Path, help="CSV atau JSONL berisi label")
    label.add_argument(
        "--all",
        action="store_true",
        help="dari ekspor JSONL: catat juga label yang sama dengan label model (sudah dicek analis)",
    )
    label.add_argument("--by", default=None, help="nama analis (bawaan: pengguna sistem)")
    label.add_argument("--since", type=duration, default="7d", help="queue: rentang ke belakang (bawaan: 7d)")
    label.add_argument("--limit", type=int, default=20, help="queue: jumlah mention (bawaan: 20)")
    label.add_argument("--json", action="store_true", help="queue: satu mention per baris JSON, untuk diedit")
    label.set_defaults(handler=_label)

    train = sub.add_parser(
        "train",
        help="latih ulang model dari label analis; perkirakan proporsi sentimen aliran mention",
        description="Melatih ulang kepala ringan model bawaan dengan label analis (model bawaan tetap "
        "cadangan), membandingkan skor sebelum/sesudah pada sebagian label yang disisihkan, lalu "
        "memperkirakan proporsi positif/netral/negatif mention tersimpan (EM) untuk mengoreksi skor.",
    )
    config_arg(train)
    train.add_argument("--force", action="store_true", help="pakai model hasil latih walau skornya tidak naik")
    train.add_argument("--priors-only", action="store_true", help="hanya perkirakan proporsi sentimen")
    train.add_argument("--window", type=duration, default="30d", help="mention tersimpan yang dipakai (bawaan: 30d)")
    train.add_argument("--max-mentions", type=int, default=20000, help="paling banyak mention untuk proporsi")
    train.set_defaults(handler=_train)


@dataclass
class _Session:
    config: MonitorConfig
    say: Messages
    store: MentionStore
    book: LabelBook


@contextmanager
def _session(args: argparse.Namespace) -> Iterator[_Session]:
    from monitor.app import open_store
    from monitor.db import StateDB
    from monitor.feedback.labels import LabelBook
    from monitor.i18n import Messages

    config = config_of(args)
    config.data_dir.mkdir(parents=True, exist_ok=True)
    state = StateDB(config.data_dir / "state.sqlite3")
    store = open_store(config)
    try:
        yield _Session(config, Messages(config.monitor.language, config.monitor.timezone), store, LabelBook(state))
    finally:
        store.close()
        state.close()


def _label(args: argparse.Namespace, out: TextIO) -> int:
    from monitor.errors import UsageError

    if args.ids == ["queue"]:
        return _queue(args, out)
    given = any(v is not None for v in (args.sentiment, args.topics, args.flags))
    if args.file and (args.ids or given):
        raise UsageError("pilih salah satu: ID dengan --sentiment/--topics/--flags, atau --file")
    if not args.file and not (args.ids and given):
        raise UsageError("beri ID mention dan --sentiment/--topics/--flags, atau --file FILE, atau 'queue'")
    with _session(args) as session:
        rows = _rows(args)
        return _apply(session, rows, args, out)


def _rows(args: argparse.Namespace) -> list[LabelRow | BadRow]:
    from monitor.errors import UsageError
    from monitor.feedback.importer import LabelRow, parse_sentiment, read_rows

    if args.file:
        if not args.file.is_file():
            raise UsageError(f"file tidak ditemukan: {args.file}")
        return read_rows(args.file)
    try:
        sentiment = parse_sentiment(args.sentiment)
    except ValueError as exc:
        raise UsageError(str(exc)) from None

    def names(value: str | None) -> tuple[str, ...] | None:
        if value is None:
            return None
        return () if value.strip() == "-" else tuple(v.strip() for v in value.split(",") if v.strip())

    return [LabelRow(0, i, sentiment, names(args.topics), names(args.flags)) for i in args.ids]


def _known_names(config: MonitorConfig) -> tuple[set[str], set[str]]:
    from monitor.classify.taxonomy import DEFAULT_FLAGS, load_taxonomy

    taxonomy = getattr(config.classifier.validated(), "taxonomy", None)
    topics = load_taxonomy(config.resolve(taxonomy) if taxonomy else None)
    return set(topics), set(DEFAULT_FLAGS) | set(LEARNED_FLAGS)


def _apply(session: _Session, rows: list[LabelRow | BadRow], args: argparse.Namespace, out: TextIO) -> int:
    from monitor.feedback.importer import BadRow
    from monitor.records import Label

    say, book, store = session.say, session.book, session.store
    topics, flags = _known_names(session.config)
    by = args.by or _system_user()
    now = args.clock.now()
    bad: list[BadRow] = [row for row in rows if isinstance(row, BadRow)]
    added = unchanged = 0
    for row in rows:
        if isinstance(row, BadRow):
            continue
        unknown = sorted(set(row.topics or ()) - topics) + sorted(set(row.flags or ()) - flags)
        if unknown:
            bad.append(BadRow(row.line, say("label.unknown_names", names=", ".join(unknown))))
            continue
        stored = store.get(row.mention_id)
        if stored is None:
            bad.append(BadRow(row.line, say("label.no_mention", id=row.mention_id)))
            continue
        label = Label(row.mention_id, by, now, row.sentiment, row.topics, row.flags)
        if row.exported and not args.all:
            label = _changes_only(label, stored)
        if not label.fields:
            unchanged += 1
            continue
        c = stored.classification
        book.add(
            label,
            text=stored.mention.classified_text,
            model=c.model,
            # Once a person set the sentiment, the stored one is no longer the model's.
            model_sentiment=c.sentiment.value if c.sentiment and "sentiment" not in c.labelled_fields else None,
        )
        added += 1
    # Also labels an earlier run could not bring to the store (it was unreachable then).
    result = store.relabel(book.pending())
    book.mark_applied(result.stored)
    for problem in sorted(bad, key=lambda b: b.line):
        where = say("label.line", line=problem.line) if problem.line else ""
        print(f"{where}{problem.problem}", file=out)
    for mention_id, reason in result.failed.items():
        print(say("label.not_applied", id=mention_id, reason=reason), file=out)
    print(say("label.summary", added=added, unchanged=unchanged, bad=len(bad), applied=len(result.stored)), file=out)
    if unchanged and not args.all:
        print(say("label.unchanged_hint"), file=out)
    return EXIT_PARTIAL if bad or result.failed else EXIT_OK


def _changes_only(label: Label, stored: EnrichedMention) -> Label:
    """From a file: only the fields that differ from what the store holds (an unedited export
    line is not a person's judgement)."""
    from monitor.records import Label

    c = stored.classification
    return Label(
        label.mention_id,
        label.by,
        label.at,
        label.sentiment if label.sentiment is not None and label.sentiment != c.sentiment else None,
        label.topics if label.topics is not None and set(label.topics) != set(c.topics) else None,
        label.flags if label.flags is not None and set(label.flags) != set(c.flags) else None,
    )


def _queue(args: argparse.Namespace, out: TextIO) -> int:
    from monitor.feedback.queue import least_sure

    with _session(args) as session:
        say = session.say
        items = least_sure(
            session.store,
            since=args.clock.now() - args.since,
            labelled=session.book.labelled_ids(),
            limit=args.limit,
        )
        for item in items:
            m, c = item.mention.mention, item.mention.classification
            if args.json:
                print(
                    json.dumps({**item.mention.to_json(), "margin": round(item.margin, 4)}, ensure_ascii=False),
                    file=out,
                )
                continue
            scores = " ".join(
                f"{say('sentiment.' + k)} {v:.2f}" for k, v in sorted(c.scores.items(), key=lambda kv: -kv[1])
            )
            print(f"{m.id}  {say.time(m.published_at)}  [{m.source}]  {scores}", file=out)
            print(f"    {m.classified_text[:160]}", file=out)
        if not args.json:
            print(say("label.queue_summary", n=len(items)), file=out)
    return EXIT_OK


def _train(args: argparse.Namespace, out: TextIO) -> int:
    from monitor.classify.model import LightClassifier
    from monitor.classify.options import DefaultOptions
    from monitor.feedback.train import STAGES, estimate_deployment_priors, train
    from monitor.plugin import PluginContext
    from monitor.progress import Progress

    now = args.clock.now()
    with _session(args) as session:
        say, data_dir = session.say, session.config.data_dir
        if args.priors_only:
            model = LightClassifier(DefaultOptions().directory(PluginContext(data_dir=data_dir)))
        else:
            with Progress(say, say("train.what"), len(STAGES), unit=say("train.unit")) as bar:
                report, model = train(
                    session.book.labelled_texts(),
                    data_dir,
                    now=now,
                    force=args.force,
                    progress=lambda line: print(line, file=out),
                    stages=lambda done, stage: bar.update(done, note=say(f"train.stage.{stage}") if stage else ""),
                )
            for name, scores in ((say("train.before"), report.before), (say("train.after"), report.after)):
                print(
                    say(
                        "train.scores",
                        model=name,
                        n=scores.examples,
                        f1=_fmt(scores.sentiment_macro_f1),
                        accuracy=_fmt(scores.sentiment_accuracy),
                        tags=_fmt(scores.tags_micro_f1),
                    ),
                    file=out,
                )
            key = "train.adopted" if report.adopted else "train.kept_shipped"
            print(say(key, path=str(report.model_dir or ""), n=report.labelled), file=out)
        priors = estimate_deployment_priors(
            model, session.store, data_dir, now=now, window=args.window, limit=args.max_mentions
        )
        if priors is None:
            print(say("train.no_priors", window=say.duration(args.window)), file=out)
        else:
            shares = ", ".join(
                f"{say('sentiment.' + k)} {p:.0%}" for k, p in zip(priors.labels, priors.priors, strict=True)
            )
            print(say("train.priors", n=priors.mentions, shares=shares), file=out)
    return EXIT_OK


def _system_user() -> str:
    try:
        return getpass.getuser() or "analis"
    except (OSError, KeyError):  # no login name in a container or a service account
        return "analis"


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"
