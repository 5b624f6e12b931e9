"""End to end throughput: a JSON Lines backlog through collect -> inbox -> enrich -> store -> rules,
on SQLite with the default classifier, time per stage, against the least work in the same run.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_pipeline.py [--posts 20000] [--profile out.prof]

The backlog is `--posts` synthetic posts (benchmarks/posts.py) in one `file` source; the run is
what `monitor once` does (collect the file chunk by chunk into the durable inbox, then process,
evaluate, deliver) with one threshold rule and two watchlists. Each stage's time is measured by
wrapping the pipeline's own objects (the code that runs is the real code):

    collect    reading and parsing the file into mentions (the collector)
    commit     the inbox commit (one transaction per chunk)
    pending    reading pending rows back from the inbox
    normalize  the enricher's normalization (dedupe, watchlists, stories)
    classify   the classifier's batch call
    watchlists matching the watchlist queries
    store      MentionStore.upsert
    mark done  marking the inbox rows done
    rules      the rule engine (observe + evaluate)
    other      the rest (dedupe, fingerprints, story ids, records, delivery)

The baseline is the least work the same result needs: `json.loads` of every line, the same
classifier in batches of 256, and a plain SQLite `executemany` insert of id, sentiment and the
JSON document, committed once per batch.

`--memory`: the run in a child process per backlog size (e.g. `--memory 20000,100000`) reporting
its peak RSS, so the table shows whether memory grows with the backlog.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from posts import write_jsonl  # noqa: E402
from table import Figure, render  # noqa: E402

if TYPE_CHECKING:
    from monitor.pipeline import ProcessReport

F = TypeVar("F", bound=Callable[..., Any])

STAGES = ("collect", "commit", "pending", "normalize", "classify", "watchlists", "store", "mark done", "rules")

CONFIG = """
rules_dir = "rules"
[monitor]
data_dir = "var"
[store]
type = "sqlite"
[classifier]
type = "default"
[[sources]]
name = "ekspor"
type = "file"
channel = "social"
path = "posts.jsonl"
[watchlists]
banjir = 'banjir OR b4nj1r OR pompa OR tanggul OR "BPBD"'
bansos = 'bansos OR PKH OR sembako OR "bantuan pangan"'
"""
RULE = """
type = "threshold"
description = "Keluhan bansos dari banyak akun"
watchlists = ["bansos"]
sentiment = ["negative"]
window = "1h"
threshold = 50
unique_authors = true
"""


class Stopwatch:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)

    def wrap(self, stage: str, fn: F) -> F:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds[stage] += time.perf_counter() - started

        return timed  # type: ignore[return-value]


def write_config(folder: Path) -> Path:
    (folder / "rules").mkdir(exist_ok=True)
    (folder / "rules" / "keluhan-bansos.toml").write_text(RULE, encoding="utf-8")
    path = folder / "monitor.toml"
    path.write_text(CONFIG, encoding="utf-8")
    return path


def run_pipeline(folder: Path) -> tuple[float, dict[str, float], ProcessReport]:
    """`monitor once` over the backlog in `folder`, stages timed: (seconds, stages, what the
    inbox processing reports: stored, reposts of stored posts, failed)."""
    import monitor.enrich.enricher as enricher_module
    from monitor.app import load_config
    from monitor.pipeline import build_pipeline

    watch = Stopwatch()
    config = load_config(write_config(folder))
    pipeline = build_pipeline(config)
    collector = pipeline.collectors["ekspor"]
    collector.collect = watch.wrap("collect", collector.collect)  # type: ignore[method-assign]
    inbox, enricher, engine = pipeline.inbox, pipeline.enricher, pipeline.engine
    inbox.commit = watch.wrap("commit", inbox.commit)  # type: ignore[method-assign]
    inbox.pending = watch.wrap("pending", inbox.pending)  # type: ignore[method-assign]
    inbox.mark_done = watch.wrap("mark done", inbox.mark_done)  # type: ignore[method-assign]
    normalize = enricher_module.normalize_for_match
    enricher_module.normalize_for_match = watch.wrap("normalize", normalize)
    enricher.classifier.classify = watch.wrap("classify", enricher.classifier.classify)  # type: ignore[method-assign]
    object.__setattr__(enricher.watchlists, "match", watch.wrap("watchlists", enricher.watchlists.match))
    pipeline.store.upsert = watch.wrap("store", pipeline.store.upsert)  # type: ignore[method-assign]
    engine.observe = watch.wrap("rules", engine.observe)  # type: ignore[method-assign]
    engine.evaluate = watch.wrap("rules", engine.evaluate)  # type: ignore[method-assign]
    try:
        started = time.perf_counter()
        # The console alerter prints the rule's alert; the table is what this run prints.
        with contextlib.redirect_stdout(io.StringIO()):
            report = pipeline.cycle()
        seconds = time.perf_counter() - started
    finally:
        enricher_module.normalize_for_match = normalize
        pipeline.close()
    assert report.ok, report
    return seconds, dict(watch.seconds), report.processed


def accounted(processed: ProcessReport) -> int:
    """Posts the run accounts for: stored, or set aside as a repost of one stored (same text)."""
    assert not processed.failed, processed.failed
    return processed.stored + processed.duplicates


def run_baseline(posts: Path, folder: Path) -> float:
    """The least work: parse, classify in batches, a plain SQLite insert per batch."""
    from monitor.app import build_classifier, load_config

    classifier = build_classifier(load_config(write_config(folder)))
    db = sqlite3.connect(folder / "baseline.sqlite3")
    db.execute("CREATE TABLE mentions (id TEXT PRIMARY KEY, sentiment TEXT, data TEXT)")
    started = time.perf_counter()
    with posts.open(encoding="utf-8") as handle:
        batch: list[dict[str, Any]] = []
        for line in handle:
            batch.append(json.loads(line))
            if len(batch) == 256:
                _insert(db, classifier, batch)
                batch = []
        _insert(db, classifier, batch)
    seconds = time.perf_counter() - started
    db.close()
    return seconds


def _insert(db: sqlite3.Connection, classifier: Any, batch: list[dict[str, Any]]) -> None:
    if not batch:
        return
    results = classifier.classify([str(p["text"]) for p in batch])
    rows = [
        (p["id"], r.sentiment.value if r.sentiment else None, json.dumps({**p, **r.to_json()}))
        for p, r in zip(batch, results, strict=True)
    ]
    with db:
        db.executemany("INSERT OR REPLACE INTO mentions VALUES (?,?,?)", rows)


def measure(count: int, rounds: int = 2) -> dict[str, Any]:
    """Baseline and pipeline alternately, `rounds` times each on fresh folders; the best of each
    (a shared machine's other load only ever slows a run down)."""
    best: dict[str, Any] = {"posts": count, "seconds": float("inf"), "baseline": float("inf"), "stages": {}}
    for _ in range(rounds):
        with tempfile.TemporaryDirectory(prefix="humas-bench-pipeline-") as tmp:
            folder = Path(tmp)
            posts = write_jsonl(folder / "posts.jsonl", count)
            best["baseline"] = min(best["baseline"], run_baseline(posts, folder))
            seconds, stages, processed = run_pipeline(folder)
        assert accounted(processed) == count, (processed, count)
        if seconds < best["seconds"]:
            best.update(seconds=seconds, stages=stages)
    return best


def peak_rss_mb(count: int) -> float:
    """The pipeline alone over `count` posts in a child process: its peak RSS in MB."""
    code = (
        "import sys, json, resource, tempfile; from pathlib import Path;"
        f"sys.path[:0] = [{str(ROOT)!r}, {str(ROOT / 'benchmarks')!r}];"
        "from bench_pipeline import accounted, run_pipeline; from posts import write_jsonl;"
        "t = tempfile.TemporaryDirectory(); f = Path(t.name);"
        f"write_jsonl(f / 'posts.jsonl', {count}); p = run_pipeline(f)[2];"
        # Every post must be accounted for: memory held flat by dropping mentions is no result.
        f"assert accounted(p) == {count}, p;"
        "print(p.stored, p.duplicates, file=sys.stderr);"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)"
    )
    done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    stored, reposts = done.stderr.split()[-2:]
    print(
        f"({count:,}-post backlog: {int(stored):,} stored, {int(reposts):,} reposts of a stored post)", file=sys.stderr
    )
    return float(done.stdout.strip().splitlines()[-1])


def figures(posts: int = 10_000, memory: tuple[int, ...] = (5_000, 25_000), rounds: int = 2) -> list[Figure]:
    result = measure(posts, rounds)
    rate, baseline = posts / result["seconds"], posts / result["baseline"]
    out = [
        Figure(
            f"end to end, {posts:,} posts, SQLite + default model, best of {rounds}",
            rate,
            "mentions/s",
            baseline,
            "parse + classify + plain insert",
            target=2_000,
        )
    ]
    for stage in STAGES:
        out.append(Figure(f"  stage: {stage}", result["stages"].get(stage, 0.0) / posts * 1e3, "ms/mention"))
    other = result["seconds"] - sum(result["stages"].values())
    out.append(Figure("  stage: other", other / posts * 1e3, "ms/mention"))
    if len(memory) >= 2:
        small, large = memory[0], memory[-1]
        low, high = peak_rss_mb(small), peak_rss_mb(large)
        out.append(
            Figure(
                f"peak RSS, {large:,}-post backlog",
                high,
                "MB",
                low,
                f"{small:,}-post backlog",
                lower_is_better=True,
            )
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=2, help="runs of each; the best counts")
    parser.add_argument("--memory", default="", help="backlog sizes for the peak-RSS comparison, e.g. 20000,100000")
    parser.add_argument("--profile", type=Path, default=None, help="write a cProfile of the pipeline run here")
    args = parser.parse_args()
    if args.profile:
        import cProfile

        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            write_jsonl(folder / "posts.jsonl", args.posts)
            cProfile.runctx("run_pipeline(folder)", globals(), {"folder": folder}, str(args.profile))
        print(f"profile written to {args.profile}")
        return
    sizes = tuple(int(n) for n in args.memory.split(",") if n)
    print(render(figures(args.posts, sizes, args.rounds)))
    print(f"\n(this process's peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)")


if __name__ == "__main__":
    main()
