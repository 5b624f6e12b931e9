"""A year of history through `monitor replay`: rules evaluated when something they depend on
changed, against today's step-by-step evaluation of every rule at every 5-minute step, in the
same run.

The history is the synthetic 2021 of tests/synthetic.py (about 3,800 posts of our own writing:
ordinary vaccine talk with its daily and weekly rhythm, Ramadan and Idulfitri, the launch on
13 January, a hoax and its clarification, a vaccine shortage, the 2 September campaign). The rules
are the README's sample values for the types the issue replayed (spike, negative_surge,
coordinated, threshold, new_story, a hoaks `any` rule) plus `burst` and `narrative`, with the
lexicon classifier; alerts go to a log alerter that discards them. Both runs must give the same
incidents; the step-by-step run can be limited to the first N days (`--step-by-step-days`) and is
then extrapolated to the year, which the output says.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_replay.py [--step-by-step-days 365] [--out DIR]
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import textwrap
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "benchmarks")]

from synthetic import WIB, year  # noqa: E402
from table import Figure  # noqa: E402

from monitor.alerters.types.log import LogAlerter  # noqa: E402
from monitor.app import load_config  # noqa: E402
from monitor.i18n import Messages  # noqa: E402
from monitor.incidents.report import format_scores, format_table, load_events, score  # noqa: E402
from monitor.replay import ReplayReport, replay  # noqa: E402

RULES = {
    "lonjakan-vaksin": """
        description = "Lonjakan pembicaraan vaksin (pola musiman)"
        type = "spike"
        watchlists = ["vaksin"]
        window = "1h"
        baseline_weeks = 4
        factor = 3.0
        min_count = 20
        delay = "10m"
    """,
    "burst-vaksin": """
        description = "Lonjakan mendadak pembicaraan vaksin"
        type = "burst"
        watchlists = ["vaksin"]
    """,
    "sentimen-negatif-vaksin": """
        description = "Sentimen negatif vaksin memburuk"
        type = "negative_surge"
        watchlists = ["vaksin"]
        window = "3h"
        min_share = 0.5
        margin = 0.2
        min_volume = 30
    """,
    "keluhan-vaksin": """
        description = "Keluhan vaksin dari banyak akun"
        type = "threshold"
        watchlists = ["vaksin"]
        sentiment = ["negative"]
        window = "1h"
        threshold = 10
        unique_authors = true
    """,
    "buzzer-vaksin": """
        description = "Teks nyaris sama dari banyak akun"
        type = "coordinated"
        watchlists = ["vaksin"]
        window = "30m"
        min_accounts = 8
        similarity = 0.8
    """,
    "narasi-vaksin": """
        description = "Narasi terkoordinasi soal vaksin"
        type = "narrative"
        watchlists = ["vaksin"]
    """,
    "cerita-baru-vaksin": """
        description = "Cerita baru soal vaksin"
        type = "new_story"
        watchlists = ["vaksin"]
        window = "2h"
        min_mentions = 5
        novelty = "3d"
    """,
    "hoaks-vaksin": """
        description = "Hoaks soal vaksin"
        type = "any"
        severity = "critical"
        watchlists = ["vaksin"]
        flags = ["hoaks"]
        window = "6h"
    """,
}
CONFIG = """
rules_dir = "rules"
[monitor]
data_dir = "var"
evaluate_interval = "5m"
[classifier]
type = "lexicon"
[watchlists]
vaksin = ["vaksin", "vaksinasi", "divaksin", "#vaksinmerahputih"]
"""


def prepare(folder: Path, days: int | None = None) -> tuple[Path, Path, int]:
    posts, events = year()
    if days is not None:
        cut = posts[0].published_at + timedelta(days=days)
        posts = [p for p in posts if p.published_at < cut]
    (folder / "rules").mkdir(parents=True, exist_ok=True)
    for name, body in RULES.items():
        (folder / "rules" / f"{name}.toml").write_text(textwrap.dedent(body), encoding="utf-8")
    (folder / "monitor.toml").write_text(CONFIG, encoding="utf-8")
    history = folder / "riwayat-2021.jsonl"
    history.write_text("".join(p.to_json() + "\n" for p in posts), encoding="utf-8")
    (folder / "kejadian.jsonl").write_text("".join(e.to_json() + "\n" for e in events), encoding="utf-8")
    return folder / "monitor.toml", history, len(posts)


def run(config_path: Path, history: Path, *, step_by_step: bool) -> tuple[float, float, ReplayReport]:
    """Wall-clock and CPU seconds of one replay (CPU is what a loaded machine cannot inflate)."""
    config = load_config(config_path)
    quiet = LogAlerter("log", Messages(), stream=io.StringIO())
    began, cpu = time.perf_counter(), time.process_time()
    report = replay(config, history, alerters={"log": quiet}, step_by_step=step_by_step)
    return time.perf_counter() - began, time.process_time() - cpu, report


def figures(days: int = 60) -> list[Figure]:
    """The first `days` of the year replayed lazily against step by step (same incidents)."""
    with tempfile.TemporaryDirectory(prefix="bench-replay-") as scratch:
        warm_config, warm_history, _ = prepare(Path(scratch) / "warm", days=3)
        run(warm_config, warm_history, step_by_step=False)
        config_path, history, n = prepare(Path(scratch) / "part", days=days)
        step_wall, _, step = run(config_path, history, step_by_step=True)
        lazy_wall, _, lazy = run(config_path, history, step_by_step=False)
    if [line.incident for line in step.lines] != [line.incident for line in lazy.lines]:
        raise AssertionError("lazy and step-by-step replays opened different incidents")
    return [
        Figure(
            f"replay, {days} days ({n:,} posts), {len(RULES)} rules",
            lazy_wall,
            "s",
            step_wall,
            "every rule at every 5-minute step",
            lower_is_better=True,
        )
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--step-by-step-days", type=int, default=365, help="days the slow baseline replays")
    parser.add_argument("--out", type=Path, default=None, help="keep the history, rules and events here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-replay-") as scratch:
        folder = args.out or Path(scratch)
        config_path, history, n = prepare(folder / "year")
        # Warm-up (imports, the classifier's word lists) outside the timings.
        warm_config, warm_history, _ = prepare(folder / "warm", days=3)
        run(warm_config, warm_history, step_by_step=False)

        lazy_wall, lazy_cpu, lazy = run(config_path, history, step_by_step=False)
        days = args.step_by_step_days
        if days >= 365:
            step_wall, step_cpu, step = run(config_path, history, step_by_step=True)
            compared, scale, label = lazy, 1.0, "measured"
        else:
            part_config, part_history, _ = prepare(folder / "part", days=days)
            step_wall, step_cpu, step = run(part_config, part_history, step_by_step=True)
            _, _, compared = run(part_config, part_history, step_by_step=False)
            scale, label = 365 / days, f"{days} days measured ({step_wall:.1f} s), x365/{days}"
        same = [line.incident for line in step.lines] == [line.incident for line in compared.lines]
        say = Messages("id", "Asia/Jakarta")
        events = load_events(folder / "year" / "kejadian.jsonl", "Asia/Jakarta")
        span = (
            f"{lazy.start.astimezone(WIB):%d %b %Y} to {lazy.end.astimezone(WIB):%d %b %Y}"
            if lazy.start and lazy.end
            else ""
        )
        print(f"history: {n:,} posts, {span}; {len(RULES)} rules")
        print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} when done")
        print(
            f"lazy replay (default)      {lazy_wall:7.1f} s wall {lazy_cpu:7.1f} s CPU"
            f"   {lazy.steps:,} steps, {lazy.evaluations:,} rule evaluations"
        )
        print(
            f"step-by-step (as before)   {step_wall * scale:7.1f} s wall {step_cpu * scale:7.1f} s CPU"
            f"   ({label}; {step.steps:,} steps, {step.evaluations:,} evaluations)"
        )
        print(
            f"ratio step-by-step / lazy  {step_wall * scale / lazy_wall:7.1f}x wall {step_cpu * scale / lazy_cpu:5.1f}x CPU"
        )
        print(f"same incidents both ways: {'yes' if same else 'NO'}")
        print(say("table.head", n=len(lazy.lines)))
        print(format_table(lazy.lines, say))
        print(format_scores(score(lazy.lines, events, list(RULES), within=timedelta(hours=6)), say))


if __name__ == "__main__":
    main()
