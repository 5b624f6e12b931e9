"""`monitor explore`: Datasette over the demo's store and state files, read-only.

The first tests ask the Datasette instance directly (its own test client); the browser test
runs the real command and drives Debian's headless Chromium through Playwright (the browser
Playwright would download is never used). Without Chromium it is skipped locally and fails in CI.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
import urllib.request
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from localhttp import free_port

from monitor.analysis.explore import build_datasette, explore_files
from monitor.analysis.workspace import open_workspace
from monitor.app import load_config
from monitor.cli import main
from monitor.cli.common import EXIT_USAGE
from monitor.i18n import Messages
from monitor.store.base import MentionFilter

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# The flags a headless browser in CI needs, and no calls home.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# A post of the demo's story (monitor/demo/scenario.py): a resident's complaint about the pump.
KNOWN_POST = "Pompa air di pintu air kok ga nyala??"


def _get(datasette: Any, path: str) -> Any:
    async def fetch() -> Any:
        return await datasette.client.get(path)

    return asyncio.run(fetch())


@pytest.fixture(scope="module")
def datasette(demo_config: Path) -> Any:
    config = load_config(demo_config)
    return build_datasette(explore_files(config, Messages()), Messages())


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_mention_view_has_facets_search_and_indonesian_labels(datasette, demo_config):
    home = _get(datasette, "/")
    assert home.status_code == 200 and "humas-monitor: jelajah data" in home.text
    page = _get(datasette, "/mention/mention_view")
    assert page.status_code == 200 and "Semua mention" in page.text and "WIB" in page.text
    facets = _get(datasette, "/mention/mention_view.json?_size=0").json()["facet_results"]
    assert {"sentiment", "channel", "source", "topics", "flags", "watchlists"} <= set(facets)
    with open_workspace(demo_config) as ws:
        negative = ws.store.count(MentionFilter(sentiment=("negative",)))
        banjir = ws.store.count(MentionFilter(watchlists=("banjir",)))
        pompa = ws.store.count(MentionFilter(query="pompa"))
    filtered = _get(datasette, "/mention/mention_view.json?sentiment=negative&_size=0").json()
    assert filtered["filtered_table_rows_count"] == negative
    by_array = _get(datasette, "/mention/mention_view.json?watchlists__arraycontains=banjir&_size=0").json()
    assert by_array["filtered_table_rows_count"] == banjir
    found = _get(datasette, "/mention/mention_view.json?_search=pompa&_shape=objects&_size=100").json()
    assert len(found["rows"]) == pompa > 0
    assert any(KNOWN_POST in row["text"] for row in found["rows"])


def test_canned_queries_count_like_the_store_in_local_time(datasette, demo_config):
    with open_workspace(demo_config) as ws:
        total = ws.store.count(MentionFilter())
        sentiment = dict(ws.store.terms("sentiment", MentionFilter()))
        incidents = ws.incidents.all() if ws.incidents else []
        linked = {i.id: len(ws.incidents.mention_ids(i.id)) for i in incidents} if ws.incidents else {}
    (day,) = _get(datasette, "/mention/mention_per_hari.json?_shape=array").json()
    # The demo starts at 05:00 WIB on 20 November, which is still the 19th in UTC.
    assert day["tanggal"] == "2026-11-20" and day["jumlah"] == total
    assert (day["positif"], day["netral"], day["negatif"]) == tuple(
        sentiment.get(s, 0) for s in ("positive", "neutral", "negative")
    )
    banjir = _get(datasette, "/mention/mention_per_hari.json?_shape=array&watchlist=banjir").json()
    assert banjir[0]["jumlah"] < total
    authors = _get(datasette, "/mention/akun_teratas.json?_shape=array").json()
    assert authors[0]["jumlah"] >= authors[-1]["jumlah"] and re.fullmatch(
        r"2026-11-20 \d\d:\d\d", authors[0]["pertama"]
    )
    outlets = _get(datasette, "/mention/media_teratas.json?_shape=array").json()
    assert sum(row["jumlah"] for row in outlets) == total
    listed = _get(datasette, "/insiden/insiden_terbaru.json?_shape=array").json()
    assert {row["insiden"]: row["mention"] for row in listed} == {i[:8]: n for i, n in linked.items()}
    biggest = max(linked, key=lambda i: linked[i])
    rows = _get(datasette, f"/insiden/insiden_dan_mention.json?_shape=array&insiden={biggest[:8]}").json()
    assert len(rows) == linked[biggest] and {row["insiden"] for row in rows} == {biggest[:8]}
    assert all(row["tautan"].startswith("https://") for row in rows)


def test_nothing_can_be_written(datasette, demo_config):
    config = load_config(demo_config)
    store, state = config.data_dir / "mentions.sqlite3", config.data_dir / "state.sqlite3"
    before = _digest(store), _digest(state)
    for database, sql in (("mention", "DELETE FROM mentions"), ("insiden", "UPDATE incidents SET status = 'x'")):
        answer = _get(datasette, f"/{database}.json?sql={sql.replace(' ', '+')}")
        assert answer.status_code in (400, 403) or answer.json().get("ok") is False
    assert (_digest(store), _digest(state)) == before
    # Below Datasette's own refusal: the files themselves are opened read-only.
    for name, table in (("mention", "mentions"), ("insiden", "incidents")):
        connection = datasette.databases[name].connect()
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            connection.execute(f"DELETE FROM {table}")
        connection.close()


def test_english_and_another_zone(demo_config):
    config = load_config(demo_config)
    say = Messages("en", "Asia/Jayapura")
    english = build_datasette(explore_files(config, say), say)
    assert "humas-monitor: data explorer" in _get(english, "/").text
    (day,) = _get(english, "/mention/mention_per_hari.json?_shape=array").json()
    assert set(day) == {"date", "total", "positive", "neutral", "negative", "no sentiment"}
    assert "WIT" in _get(english, "/mention/mention_view?_size=1").text


def test_explore_refuses_what_it_cannot_open(tmp_path, capsys):
    es = tmp_path / "es.toml"
    es.write_text('[monitor]\ndata_dir = "var"\n[store]\ntype = "elasticsearch"\n', encoding="utf-8")
    assert main(["explore", "--config", str(es)], out=io.StringIO()) == EXIT_USAGE
    assert "Kibana" in capsys.readouterr().err
    empty = tmp_path / "kosong.toml"
    empty.write_text('[monitor]\ndata_dir = "var"\n', encoding="utf-8")
    assert main(["explore", "--config", str(empty)], out=io.StringIO()) == EXIT_USAGE
    assert "Belum ada data" in capsys.readouterr().err


def _wait_for(url: str, process: subprocess.Popen[str], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"monitor explore berhenti: {process.communicate()}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} tidak menjawab")


@pytest.fixture
def chromium() -> str:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        reason = "playwright tidak terpasang"
    else:
        if CHROMIUM:
            return CHROMIUM
        reason = "chromium tidak ada (apt-get install chromium)"
    if os.environ.get("CI"):
        pytest.fail(f"uji peramban wajib jalan di CI: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.mark.browser
def test_in_chromium_the_page_loads_a_facet_filters_and_a_search_finds(chromium, demo_config, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    with open_workspace(demo_config) as ws:
        negative = ws.store.count(MentionFilter(sentiment=("negative",)))
    port = free_port()
    command = [sys.executable, "-m", "monitor", "explore", "--config", str(demo_config), "--port", str(port)]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for(f"http://127.0.0.1:{port}/", server)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch_persistent_context(
                str(tmp_path / "profil"),
                executable_path=chromium,
                args=CHROMIUM_FLAGS,
                headless=True,
                viewport={"width": 1400, "height": 1000},
            )
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{port}/")
            expect(page.locator("h1")).to_have_text("humas-monitor: jelajah data")
            page.get_by_role("link", name="mention_view").click()
            expect(page.locator("h1")).to_contain_text("Semua mention")

            # A facet filters: click "negative" in the sentiment facet box.
            page.locator(".facet-info[data-column='sentiment']").get_by_role("link", name="negative").click()
            page.wait_for_url(re.compile(r"sentiment=negative"))
            expect(page.locator("h3").first).to_contain_text(f"{negative} row")
            assert set(page.locator("td.col-sentiment").all_inner_texts()) == {"negative"}

            # A search finds a known mention.
            page.goto(f"http://127.0.0.1:{port}/mention/mention_view")
            page.locator("input[name='_search']").fill("pintu air")
            page.locator("input[name='_search']").press("Enter")
            page.wait_for_url(re.compile(r"_search=pintu"))
            expect(page.locator("td.col-text").filter(has_text=KNOWN_POST)).to_have_count(1)
            page.screenshot(path=str(tmp_path / "explore.png"), full_page=True)
            browser.close()
    finally:
        server.terminate()
        server.communicate(timeout=30)
    assert (tmp_path / "explore.png").stat().st_size > 10_000


def test_a_store_from_before_the_reading_view_shows_its_table(demo_config, tmp_path):
    config = load_config(demo_config)
    old = tmp_path / "lama.sqlite3"
    shutil.copyfile(config.data_dir / "mentions.sqlite3", old)
    with sqlite3.connect(old) as connection:
        connection.execute("DROP VIEW mention_view")
    say = Messages()
    files = replace(explore_files(config, say), store=old)
    datasette = build_datasette(files, say)
    found = _get(datasette, "/mention/mentions.json?_search=pompa&_size=0").json()
    assert found["filtered_table_rows_count"] > 0
    assert "sentiment" in _get(datasette, "/mention/mentions.json?_size=0").json()["facet_results"]


@pytest.mark.parametrize(
    ("host", "local"), [("127.0.0.1", True), ("localhost", True), ("::1", True), ("0.0.0.0", False)]
)
def test_only_loopback_addresses_count_as_this_computer(host, local):
    from monitor.cli.explore import _loopback

    assert _loopback(host) is local
