"""`monitor releases list|show`: the agency's own releases, who carried them and how faithfully."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, TextIO

from monitor.cli.common import EXIT_OK, Subparsers, config_arg, config_of, duration
from monitor.errors import UsageError

if TYPE_CHECKING:
    from monitor.evaluation.pickup import ReleaseReport
    from monitor.i18n import Messages


def register(sub: Subparsers) -> None:
    releases = sub.add_parser("releases", help="rilis resmi: siapa yang memuat, dan apakah faktanya utuh")
    actions = releases.add_subparsers(dest="releases_command", required=True, metavar="AKSI")
    listing = actions.add_parser("list", help="rilis resmi dan liputannya")
    config_arg(listing)
    listing.add_argument(
        "--since", type=duration, default="30d", help="rentang waktu ke belakang, mis. 7d, 30d (bawaan: 30d)"
    )
    listing.set_defaults(handler=_list)
    show = actions.add_parser("show", help="satu rilis: liputan dan fakta kunci yang berubah")
    config_arg(show)
    show.add_argument("id", help="id rilis (cukup 8 karakter pertama, lihat `monitor releases list`)")
    show.set_defaults(handler=_show)


def summary(report: ReleaseReport, say: Messages) -> str:
    """'12 media · 2 unggahan · pertama dimuat 38 menit kemudian · jangkauan 2.104.000 · 2 mengubah fakta kunci'."""
    first = (
        say("releases.first", delay=say.duration(report.first_pickup))
        if report.first_pickup is not None
        else say("releases.not_yet")
    )
    changed = say("releases.changed", n=len(report.changed)) if report.changed else say("releases.faithful")
    line = say(
        "releases.line",
        outlets=say.number(len(report.outlets)),
        posts=say.number(report.posts),
        first=first,
        reach=say.number(report.reach),
        changed=changed,
    )
    return line if report.complete else f"{line} {say('releases.open', until=say.time(report.window_end))}"


def _list(args: argparse.Namespace, out: TextIO) -> int:
    from monitor.app import open_store
    from monitor.digest.templating import clip
    from monitor.evaluation.pickup import releases_between
    from monitor.i18n import Messages
    from monitor.incidents.views import SHORT_ID

    config = config_of(args)
    say = Messages(config.monitor.language, config.monitor.timezone)
    now = args.clock.now()
    store = open_store(config)
    try:
        reports = releases_between(store, now - args.since, now, config.evaluation, now=now)
    finally:
        store.close()
    if not reports:
        print(say("releases.none", since=say.duration(args.since)), file=out)
        return EXIT_OK
    for report in reversed(reports):
        print(f"{report.id[:SHORT_ID]}  {say.time(report.published_at)}  {clip(report.title, 100)}", file=out)
        print(f"          {summary(report, say)}", file=out)
    return EXIT_OK


def _show(args: argparse.Namespace, out: TextIO) -> int:
    from monitor.app import open_store
    from monitor.evaluation.pickup import PickupFinder, find_release
    from monitor.i18n import Messages

    config = config_of(args)
    say = Messages(config.monitor.language, config.monitor.timezone)
    now = args.clock.now()
    store = open_store(config)
    try:
        try:
            release = find_release(store, args.id, now)
        except KeyError as exc:
            raise UsageError(str(exc.args[0])) from None
        report = PickupFinder(store, config.evaluation).report(release, now)
    finally:
        store.close()
    print(render(report, say), file=out)
    return EXIT_OK


def _quote(text: str) -> str:
    return "“" + " ".join(text.split()) + "”"


def render(report: ReleaseReport, say: Messages) -> str:
    """A release, its key facts, what changed them (both sentences) and its coverage, for a terminal."""
    from monitor.digest.templating import clip

    m = report.release.mention
    lines = [
        say("releases.show.title", title=" ".join(report.title.split())),
        say("releases.show.published", at=say.time(m.published_at), source=m.source) + (f" · {m.url}" if m.url else ""),
    ]
    facts = ", ".join(f"{f.text} ({say('facts.' + f.kind)})" for f in report.key_facts) or "–"
    lines.append(say("releases.show.facts", facts=facts))
    lines.append(summary(report, say))
    sentiment = " · ".join(f"{say('sentiment.' + k)} {say.number(v)}" for k, v in report.sentiment.items())
    lines.append(say("releases.show.sentiment", split=sentiment))
    if report.changed:
        lines += ["", say("releases.show.changes", n=len(report.changed))]
        for pickup in report.changed:
            item = pickup.mention.mention
            lines.append(f"  {pickup.outlet} · {say.time(item.published_at)}" + (f" · {item.url}" if item.url else ""))
            for change in pickup.changes:
                lines.append(f"    {say('releases.show.release')}: {_quote(change.release.sentence)}")
                lines.append(f"    {say('releases.show.report')}: {_quote(change.report.sentence)}")
    if report.pickups:
        lines += ["", say("releases.show.coverage")]
        for pickup in report.pickups:
            item = pickup.mention.mention
            title = clip(item.title or item.text, 90)
            mark = " ⚠" if pickup.changes else ""
            lines.append(f"  {say.time(item.published_at, with_date=False)}  {pickup.outlet}  {title}{mark}")
    return "\n".join(lines)
