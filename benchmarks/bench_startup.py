"""Start-up: how soon each command is useful, against bare Python in the same run.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_startup.py [--repeat 7]

Each command runs `--repeat` times as a new process; the median wall time counts (a shared
machine's other load makes single runs noisy). The baselines are `python -c pass` and
`python -c "import monitor"` with the same interpreter.

- `monitor --help`
- `monitor classify` of one line from stdin, default model
- `monitor run`: from the process start to its first HTTP request (a local RSS feed served by this
  benchmark), and its resident memory (VmRSS) once the first cycle is done and it waits: the idle
  RSS with the default model.
"""

from __future__ import annotations

import argparse
import http.server
import os
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from table import Figure, render  # noqa: E402

BIN = Path(sys.executable).parent
FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Berita Kota</title><link>http://127.0.0.1/</link>
<description>uji</description>
<item><title>Pompa banjir di Rungkut mati lagi, warga mengungsi</title>
<link>http://127.0.0.1/berita/1</link><guid>berita-1</guid>
<pubDate>Mon, 30 Nov 2026 02:00:00 +0000</pubDate>
<description>Warga Rungkut kecewa, pompa air tidak menyala sejak semalam.</description></item>
</channel></rss>
"""
CONFIG = """
[monitor]
data_dir = "var"
[store]
type = "sqlite"
[classifier]
type = "default"
[[sources]]
name = "berita"
type = "rss"
url = "{url}"
interval = "1h"
[watchlists]
banjir = "banjir OR pompa"
"""


def median_seconds(argv: list[str], repeat: int, *, stdin: str = "", cwd: Path | None = None) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(argv, input=stdin, text=True, check=True, capture_output=True, cwd=cwd)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


class Feed:
    """A local RSS server that notes when its first request arrived."""

    def __init__(self) -> None:
        self.first: float | None = None
        self.hits = 0
        feed = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if feed.first is None:
                    feed.first = time.perf_counter()
                feed.hits += 1
                body = FEED.encode() if self.path.endswith(".xml") else b""
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", "application/rss+xml" if body else "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/feed.xml"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def run_once(folder: Path, settle: float) -> tuple[float, float]:
    """`monitor run`: (seconds to its first request, idle RSS in MB after the first cycle)."""
    feed = Feed()
    (folder / "monitor.toml").write_text(CONFIG.format(url=feed.url), encoding="utf-8")
    started = time.perf_counter()
    proc = subprocess.Popen(
        [str(BIN / "monitor"), "run", "-c", "monitor.toml"],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = started + 60
        while feed.first is None and time.perf_counter() < deadline and proc.poll() is None:
            time.sleep(0.01)
        if feed.first is None:
            raise RuntimeError(f"monitor run made no request (exit {proc.poll()})")
        first = feed.first - started
        # The first cycle (fetch, classify, store, rules) is over well within `settle` seconds;
        # then the service only waits for its next interval.
        time.sleep(settle)
        idle = rss_kb(proc.pid) / 1024
        # The idle figure counts only if the cycle really ran: the post classified and stored.
        with sqlite3.connect(folder / "var" / "mentions.sqlite3") as db:
            stored = db.execute("SELECT count(*) FROM mentions WHERE sentiment IS NOT NULL").fetchone()[0]
        if stored != 1:
            raise RuntimeError(f"monitor run stored {stored} classified mentions after {settle} s, not 1")
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        feed.close()
    return first, idle


def figures(repeat: int = 5, settle: float = 5.0) -> list[Figure]:
    with tempfile.TemporaryDirectory(prefix="humas-bench-startup-") as tmp:
        return _figures(Path(tmp), repeat, settle)


def _figures(env_cwd: Path, repeat: int, settle: float) -> list[Figure]:
    python = sys.executable
    bare = median_seconds([python, "-c", "pass"], repeat)
    imported = median_seconds([python, "-c", "import monitor"], repeat)
    help_s = median_seconds([str(BIN / "monitor"), "--help"], repeat)
    (env_cwd / "monitor.toml").write_text('[monitor]\ndata_dir = "var"\n', encoding="utf-8")
    classify_s = median_seconds(
        [str(BIN / "monitor"), "classify", "-c", "monitor.toml"],
        repeat,
        stdin="Min, pompa air di Rungkut ga nyala lg, banjir masuk rumah 😭\n",
        cwd=env_cwd,
    )
    runs = []
    for n in range(max(1, repeat // 2)):
        folder = env_cwd / f"run-{n}"
        folder.mkdir()
        runs.append(run_once(folder, settle))
    first = statistics.median(r[0] for r in runs)
    idle = statistics.median(r[1] for r in runs)
    return [
        Figure("python -c 'import monitor'", imported, "s", bare, "python -c pass", lower_is_better=True),
        Figure("monitor --help", help_s, "s", bare, "python -c pass", lower_is_better=True, target=0.3),
        Figure("monitor classify, one line", classify_s, "s", bare, "python -c pass", lower_is_better=True, target=1.5),
        Figure("monitor run: first fetch", first, "s", bare, "python -c pass", lower_is_better=True, target=2.0),
        Figure("monitor run: idle RSS, default model", idle, "MB", lower_is_better=True, target=250),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=7, help="runs of each command; the median counts")
    parser.add_argument("--settle", type=float, default=5.0, help="seconds after the first fetch before RSS is read")
    args = parser.parse_args()
    print(render(figures(args.repeat, args.settle)))
    print(f"\n({os.cpu_count()} CPUs)")


if __name__ == "__main__":
    main()
