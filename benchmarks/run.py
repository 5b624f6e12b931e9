"""Every benchmark at a small size, one table: each figure, its baseline from the same run, the
ratio, and the target where the issue set one.

    .venv/bin/python benchmarks/run.py [--es-url http://127.0.0.1:9210] [--install] [--only pipeline,startup]
        [--markdown benchmarks/RESULTS.md]

Benchmarks that need something this machine may not have are skipped with a note: the
Elasticsearch one without `--es-url` (start a node with `.ci/elasticsearch.sh start`), the
install one without `--install` (it downloads every wheel from PyPI twice: minutes).
Each benchmark's own script runs it at full size with more detail (see its docstring).
`--markdown` also writes the table with the date and the machine, as benchmarks/RESULTS.md is.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

from table import Figure, Skipped, render  # noqa: E402


def _startup() -> list[Figure]:
    import bench_startup

    return bench_startup.figures(repeat=5)


def _pipeline() -> list[Figure]:
    import bench_pipeline

    return bench_pipeline.figures(posts=10_000, memory=(5_000, 25_000))


def _classify() -> list[Figure]:
    import bench_classify

    return bench_classify.figures(texts=3_000)


def _query() -> list[Figure]:
    import bench_query

    return bench_query.figures(mentions=5_000)


def _rules() -> list[Figure]:
    import bench_rules

    return bench_rules.figures(small=1_000, large=10_000)


def _collect() -> list[Figure]:
    import bench_collect

    return bench_collect.figures(feeds=100, hosts=20)


def _replay() -> list[Figure]:
    import bench_replay

    return bench_replay.figures(days=60)


def _alerts() -> list[Figure]:
    import bench_alert_latency

    return bench_alert_latency.figures()


# name -> its figures, or why it was skipped (what it needs that is missing here).
BENCHMARKS: dict[str, Callable[[argparse.Namespace], list[Figure] | str]] = {
    "startup": lambda a: _startup(),
    "pipeline": lambda a: _pipeline(),
    "classify": lambda a: _classify(),
    "query": lambda a: _query(),
    "rules": lambda a: _rules(),
    "collect": lambda a: _collect(),
    "replay": lambda a: _replay(),
    "alerts": lambda a: _alerts(),
    "es_index": lambda a: _es_index(a.es_url) if a.es_url else "no Elasticsearch node given (--es-url)",
    "install": lambda a: _install() if a.install else "needs PyPI and minutes (--install)",
}


def _es_index(url: str) -> list[Figure]:
    import bench_es_index

    return bench_es_index.figures(url, mentions=20_000, rounds=5)


def _install() -> list[Figure]:
    import bench_install

    return bench_install.figures(extras=("", "all"))


def machine() -> str:
    load = os.getloadavg()[0]
    return (
        f"{platform.node()}: {os.cpu_count()} CPUs, {platform.machine()}, Linux {platform.release()}, "
        f"Python {platform.python_version()}; load average {load:.1f} at the end (the machine is shared)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--es-url", default=os.environ.get("MONITOR_BENCH_ES_URL"))
    parser.add_argument("--install", action="store_true", help="also time fresh installs (PyPI, minutes)")
    parser.add_argument("--only", default="", help="comma-separated benchmark names: " + ", ".join(BENCHMARKS))
    parser.add_argument("--markdown", type=Path, default=None, help="also write the table here, dated")
    args = parser.parse_args()
    wanted = [n for n in args.only.split(",") if n] or list(BENCHMARKS)
    unknown = set(wanted) - set(BENCHMARKS)
    if unknown:
        parser.error(f"unknown benchmarks: {', '.join(sorted(unknown))}")
    figures: list[Figure] = []
    skipped: list[Skipped] = []
    started = time.perf_counter()
    for name in wanted:
        print(f"[{name}] ...", file=sys.stderr, flush=True)
        began = time.perf_counter()
        try:
            result = BENCHMARKS[name](args)
        except Exception as exc:  # one broken benchmark must not hide the others' figures
            traceback.print_exc()
            skipped.append(Skipped(name, f"failed: {exc}"))
            continue
        if isinstance(result, str):
            skipped.append(Skipped(name, result))
        else:
            figures.extend(result)
        print(f"[{name}] {time.perf_counter() - began:.0f} s", file=sys.stderr, flush=True)
    table = render(figures, skipped)
    print(table)
    if args.markdown:
        when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        args.markdown.write_text(
            f"# Benchmark results\n\n{when}, `python benchmarks/run.py {' '.join(sys.argv[1:])}` "
            f"in {time.perf_counter() - started:.0f} s.\n\nMachine: {machine()}.\n\n"
            "Ratio = value / baseline, both measured in the same run: for rates higher is better, "
            "for times and sizes lower is better.\n\n"
            f"{table}\n",
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
