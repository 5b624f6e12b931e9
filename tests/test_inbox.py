"""The inbox's crash safety: kill the worker mid-batch, restart, nothing lost or stored twice."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from conftest import T0, make_mention

from monitor.inbox import CommitResult, Inbox
from monitor.records import Mention

PHRASES = [
    "Pompa air di Sukasari mati lagi, warga kebanjiran 😡",
    "Makasih BPBD udah gercep evakuasi warga cempaka 🙏",
    "Bansos blm cair nih, katanya minggu lalu, piye iki",
    "Jalan berlubang di jl merdeka makin parah abis ujan",
    "Pelayanan dukcapil skrg cepet bgt, mantul",
]


def test_mentions_and_cursor_commit_together(tmp_path):
    inbox = Inbox(tmp_path / "inbox.sqlite3")
    mentions = [make_mention(p, n=i) for i, p in enumerate(PHRASES)]
    assert inbox.commit("uji", mentions, {"etag": '"v2"'}, T0).new == 5
    # Seen again unchanged: nothing new; seen with new engagement: re-queued for indexing.
    inbox.mark_done([m.id for m in mentions])
    assert inbox.commit("uji", mentions, {"etag": '"v2"'}, T0).changed == 0
    from dataclasses import replace

    assert inbox.commit("uji", [replace(mentions[0], reach=5000)], {"etag": '"v3"'}, T0) == CommitResult(updated=1)
    inbox.close()
    reopened = Inbox(tmp_path / "inbox.sqlite3")
    assert reopened.cursor("uji") == {"etag": '"v3"'}
    assert [m.reach for m in reopened.pending()] == [5000]


def test_the_same_url_from_two_sources_is_one_mention_that_never_flips(tmp_path):
    from dataclasses import replace

    from monitor.records import mention_id

    inbox = Inbox(tmp_path / "inbox.sqlite3")
    url = "https://www.warta.contoh.id/berita/banjir-sukasari?utm_source=rss"
    first = replace(
        make_mention("Banjir rendam Sukasari, ringkasan warta", source="warta"),
        id=mention_id("warta", url=url),
        url=url,
    )
    # Another outlet's feed (mobile host, AMP path) carries the same article with its own summary.
    other_url = "https://m.warta.contoh.id/amp/berita/banjir-sukasari"
    second = replace(
        make_mention("Ringkasan versi kabar", source="kabar"), id=mention_id("kabar", url=other_url), url=other_url
    )
    assert first.id == second.id
    assert inbox.commit("warta", [first], {}, T0) == CommitResult(new=1)
    assert inbox.commit("kabar", [second], {}, T0) == CommitResult(also_seen=1)  # recorded, not "new"
    for _ in range(3):  # every later cycle: nothing changes, nothing flips
        inbox.mark_done([first.id])
        assert inbox.commit("warta", [first], {}, T0).changed == 0
        assert inbox.commit("kabar", [second], {}, T0).changed == 0
    (stored,) = [Mention.from_json(json.loads(r[0])) for r in inbox._store.query("SELECT payload FROM inbox")]
    assert stored.source == "warta" and stored.text == first.text and stored.also_seen_in == ("kabar",)
    assert stored.sources == ("warta", "kabar")
    # The first source's own update (more engagement) keeps the other source recorded.
    inbox.commit("warta", [replace(first, engagement=40)], {}, T0)
    assert inbox.pending()[0].also_seen_in == ("kabar",) and inbox.pending()[0].engagement == 40


def test_failures_back_off_and_switch_the_source_off(tmp_path):
    from datetime import timedelta

    inbox = Inbox(tmp_path / "inbox.sqlite3")
    for n in range(1, 4):
        health = inbox.record_failure(
            "rusak", f"HTTP 500 ke-{n}", T0, retry_at=T0 + timedelta(minutes=n), disable_after=3
        )
        assert health.consecutive_failures == n and health.disabled == (n == 3)
    assert health.retry_at == T0 + timedelta(minutes=3) and health.last_error == "HTTP 500 ke-3"
    assert inbox.set_enabled("rusak", True)
    again = inbox.source_health("rusak")
    assert not again.disabled and again.consecutive_failures == 0 and again.retry_at is None
    assert not inbox.set_enabled("tidak-ada", True)


def test_failed_commit_keeps_the_old_cursor(tmp_path):
    inbox = Inbox(tmp_path / "inbox.sqlite3")
    inbox.commit("uji", [make_mention("satu")], {"lines": 1}, T0)

    class Broken:
        id = "x"

        def to_json(self):
            raise RuntimeError("rusak di tengah batch")

    with pytest.raises(RuntimeError):
        inbox.commit("uji", [make_mention("dua"), Broken()], {"lines": 3}, T0)  # type: ignore[list-item]
    assert inbox.cursor("uji") == {"lines": 1}
    assert [m.text for m in inbox.pending()] == ["satu"]


def _posts_config(tmp_path: Path, count: int) -> Path:
    posts = tmp_path / "posts.jsonl"
    with posts.open("w", encoding="utf-8") as handle:
        for i in range(count):
            text = f"{PHRASES[i % len(PHRASES)]} (laporan {i})"
            handle.write(
                json.dumps({"id": str(i), "text": text, "author": f"akun{i % 97}", "published_at": T0.isoformat()})
                + "\n"
            )
    config = tmp_path / "monitor.toml"
    config.write_text(
        textwrap.dedent("""
        [monitor]
        data_dir = "var"
        [classifier]
        type = "lexicon"
        [[sources]]
        name = "ekspor"
        type = "file"
        path = "posts.jsonl"
        channel = "social"
    """),
        encoding="utf-8",
    )
    return config


def _stored_ids(tmp_path: Path) -> list[str]:
    with sqlite3.connect(tmp_path / "var" / "mentions.sqlite3") as db:
        return [r[0] for r in db.execute("SELECT id FROM mentions")]


def _done(tmp_path: Path) -> int:
    try:
        with sqlite3.connect(tmp_path / "var" / "inbox.sqlite3", timeout=1) as db:
            return db.execute("SELECT COUNT(*) FROM inbox WHERE status = 'done'").fetchone()[0]
    except sqlite3.Error:
        return 0


@pytest.mark.slow  # a real process killed mid-batch
def test_sigkill_mid_batch_then_restart_loses_and_duplicates_nothing(tmp_path):
    total = 4000
    config = _posts_config(tmp_path, total)
    command = [sys.executable, "-m", "monitor", "once", "--config", str(config)]
    worker = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while _done(tmp_path) == 0 and worker.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    assert worker.returncode == -signal.SIGKILL, "the worker finished before it could be killed; make the batch bigger"
    assert _done(tmp_path) < total
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
    ids = _stored_ids(tmp_path)
    assert len(ids) == total and len(set(ids)) == total
    assert _done(tmp_path) == total


@pytest.mark.slow  # real processes
def test_crash_between_store_and_mark_done(tmp_path):
    """The narrowest window: the store has the batch, the inbox does not know yet."""
    config = _posts_config(tmp_path, 300)
    script = textwrap.dedent(f"""
        import os
        from monitor.app import load_config
        from monitor.pipeline import build_pipeline
        from monitor.app import open_store

        config = load_config({str(config)!r})
        real = open_store(config)

        class DiesAfterStoring:
            def __getattr__(self, name):
                return getattr(real, name)

            def upsert(self, batch):
                result = real.upsert(batch)
                os._exit(9)

        pipeline = build_pipeline(config, store=DiesAfterStoring())
        pipeline.collect("ekspor")
        pipeline.process(batch_size=100)
    """)
    crashed = subprocess.run(
        [sys.executable, "-c", script], check=False, env={**os.environ}, capture_output=True, text=True
    )
    assert crashed.returncode == 9, crashed.stderr
    assert len(_stored_ids(tmp_path)) == 100 and _done(tmp_path) == 0
    subprocess.run(
        [sys.executable, "-m", "monitor", "once", "--config", str(config)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    ids = _stored_ids(tmp_path)
    assert len(ids) == 300 == len(set(ids)) and _done(tmp_path) == 300
