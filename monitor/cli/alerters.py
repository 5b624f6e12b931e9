"""`monitor alerters check`: try every configured alerter for real before a crisis needs it."""

from __future__ import annotations

import argparse
from typing import TextIO

from monitor.cli.common import EXIT_OK, EXIT_PARTIAL, Subparsers, config_arg, config_of
from monitor.errors import UsageError


def register(sub: Subparsers) -> None:
    alerters = sub.add_parser("alerters", help="periksa alerter (Slack, webhook, log)")
    actions = alerters.add_subparsers(dest="alerters_command", required=True, metavar="AKSI")
    check = actions.add_parser(
        "check",
        help="uji setiap alerter: token, izin, kanal, dan satu pesan uji",
        description="Menguji setiap alerter yang dikonfigurasi (atau yang disebut): untuk Slack token "
        "(auth.test), izin (scope), akses kanal, lalu satu pesan uji ke kanal. Setiap kegagalan "
        "disertai cara memperbaikinya. Kode keluar 1 bila ada alerter yang belum siap.",
    )
    config_arg(check)
    check.add_argument("names", nargs="*", metavar="NAMA", help="nama alerter (bawaan: semua)")
    check.set_defaults(handler=_check)


def _check(args: argparse.Namespace, out: TextIO) -> int:
    from monitor.app import build_alerters, plugin_context
    from monitor.delivery.alerter import CheckableAlerter
    from monitor.i18n import Messages

    config = config_of(args)
    say = Messages(config.monitor.language, config.monitor.timezone)
    names = list(args.names) or list(config.alerters)
    for name in names:
        if name not in config.alerters:
            raise UsageError(say("check.unknown", name=name, known=", ".join(config.alerters)))
    alerters = build_alerters(config, plugin_context(config, clock=args.clock), names)
    ready = 0
    for name in names:
        alerter = alerters[name]
        print(say("check.head", name=name, type=config.alerters[name].type), file=out)
        if not isinstance(alerter, CheckableAlerter):
            print(f"  ? {say('check.unchecked')}", file=out)
            continue
        steps = alerter.check()
        for step in steps:
            print(f"  {'✓' if step.ok else '✗'} {step.what}", file=out)
            if step.fix:
                print(f"    {say('check.fix', fix=step.fix)}", file=out)
        ready += all(step.ok for step in steps)
    print(say("check.summary", ok=ready, total=len(names)), file=out)
    return EXIT_OK if ready == len(names) else EXIT_PARTIAL
