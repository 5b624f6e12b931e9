"""The gaps issue 11 measured in the rss collector, each as a test against a real local server."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import httpx
import pytest
from conftest import make_collector
from localhttp import LocalHTTPServer, Reply

from monitor.collectors.fetch import Fetcher
from monitor.errors import SourceError
from monitor.plugin import FetchSettings, PluginContext
from tests.collectors.feeds import article, rss
from tests.collectors.rawhttp import RawHTTPServer, response

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)


@pytest.fixture
def raw_server():
    servers: list[RawHTTPServer] = []

    def start(handler):
        server = RawHTTPServer(handler)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


def test_the_deadline_covers_the_whole_fetch_not_each_read(raw_server):
    feed = rss(3)

    def drip(path):
        head = response("200 OK", b"", {"Content-Type": "application/rss+xml"}).replace(
            b"Content-Length: 0", f"Content-Length: {len(feed)}".encode()
        )
        # One byte every 0.4 s: no single read waits long, the whole would take minutes.
        return [(head, 0), *((feed[i : i + 1], 0.4) for i in range(len(feed)))]

    server = raw_server(drip)
    collector = make_collector("rss", "lambat", url=server.url("/rss"), timeout=1.5)
    started = time.monotonic()
    with pytest.raises(SourceError, match="waktu habis"):
        collector.collect({}, NOW)
    assert time.monotonic() - started < 3.0


@pytest.mark.parametrize("size", [10, 40], ids=["parsed-here", "parsed-in-a-worker-process"])
def test_a_cut_feed_is_reported_its_cut_entry_dropped_and_read_whole_next_time(http_server, size):
    whole = rss(size)
    cut = whole[: whole.index(b"<item>", whole.index(b"/berita/6")) + 60]  # inside the 8th item
    if size == 40:
        cut = whole[: whole.index(b"<item>", whole.index(b"/berita/36")) + 60]  # inside the 38th
    http_server.serve("/rss", Reply(200, cut, {"ETag": '"v1"'}))
    result = make_collector("rss", "warta", url=http_server.url("/rss")).collect({}, NOW)
    assert len(result.mentions) == size - 3  # the cut one is not stored
    assert result.warnings and "terpotong" in result.warnings[0]
    assert "etag" not in result.cursor  # no 304 will hide the rest next time


def test_a_204_with_a_body_does_not_poison_the_next_request_on_the_connection(raw_server):
    feed = rss(2)

    def handler(path):
        if path == "/kosong":
            # Not allowed, sent anyway: the five bytes would read as the next status line.
            return [(b"HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\nhello", 0)]
        return [(response("200 OK", feed, {"Content-Type": "application/rss+xml"}), 0)]

    server = raw_server(handler)
    context = PluginContext(http_factory=httpx.Client, fetch=FetchSettings(per_host_gap=0))
    empty = make_collector("rss", "kosong", url=server.url("/kosong"), context=context)
    good = make_collector("rss", "warta", url=server.url("/rss"), context=context)
    for _ in range(10):
        assert empty.collect({}, NOW).mentions == ()
        assert len(good.collect({}, NOW).mentions) == 2


def test_429_retry_after_is_honoured_for_every_source_of_the_host(http_server):
    http_server.serve("/rss", Reply(429, b"pelan-pelan", {"Retry-After": "120"}))
    http_server.serve("/lain", Reply(200, rss(1)))
    context = PluginContext(http_factory=httpx.Client, fetch=FetchSettings(per_host_gap=0))
    first = make_collector("rss", "warta", url=http_server.url("/rss"), context=context)
    other = make_collector("rss", "warta-lain", url=http_server.url("/lain"), context=context)
    with pytest.raises(SourceError) as error:
        first.collect({}, NOW)
    assert error.value.retry_after == pytest.approx(120, abs=1)
    asked = len(http_server.requests)
    # The same host, another source: not asked at all until the pause is over.
    with pytest.raises(SourceError, match="Retry-After") as blocked:
        other.collect({}, NOW)
    assert blocked.value.retry_after == pytest.approx(120, abs=2)
    assert len(http_server.requests) == asked
    assert Fetcher.of(context).hosts.blocked_for("127.0.0.1") > 100


def test_retry_after_as_an_http_date(http_server):
    http_server.serve("/rss", Reply(503, b"", {"Retry-After": "Fri, 20 Nov 2099 03:00:00 GMT"}))
    with pytest.raises(SourceError) as error:
        make_collector("rss", "warta", url=http_server.url("/rss")).collect({}, NOW)
    assert error.value.retry_after == 24 * 3600.0  # capped: a server never gets more than a day


def test_mojibake_is_repaired_and_brackets_in_prose_kept(http_server):
    title = "L’Oreal dan “Tapi kami sudah lapor” kata warga"
    broken = title.encode("utf-8").decode("cp1252", errors="replace").replace("\ufffd", "\x9d")
    feed = (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>t</title>'
        f"<item><title>{broken}</title><link>https://contoh.id/a</link>"
        "<description>Vaksin untuk usia &amp;lt;18 tahun dan &amp;gt;60 tahun</description></item>"
        "</channel></rss>"
    ).encode()
    http_server.serve("/rss", Reply(200, feed))
    (mention,) = make_collector("rss", "warta", url=http_server.url("/rss")).collect({}, NOW).mentions
    assert mention.title == title
    assert mention.text == "Vaksin untuk usia <18 tahun dan >60 tahun"


def test_entities_in_titles_and_the_language_of_each_entry(http_server):
    feed = rss(4).replace(
        b"</channel>",
        b"<item><title>Residents complain about the broken water pump</title><link>https://contoh.id/en</link>"
        b"<description>The city said repairs would start next week after the flood.</description></item>"
        b"<item><title>Kerajaan Malaysia bimbang tentang jerebu dari Sumatera</title><link>https://contoh.id/my</link>"
        b"<description>Polis dan jabatan alam sekitar akan mengadakan mesyuarat minggu hadapan.</description></item>"
        b"</channel>",
    )
    http_server.serve("/rss", Reply(200, feed))
    mentions = make_collector("rss", "warta", url=http_server.url("/rss")).collect({}, NOW).mentions
    assert mentions[3].title == "Dinkes: vaksin untuk usia <18 tahun dan >60 tahun diprioritaskan"
    assert [m.language for m in mentions] == ["id", "id", "id", "id", "en", "ms"]


def test_full_text_is_fetched_once_within_robots_txt():
    host = LocalHTTPServer("127.0.0.4")  # robots.txt lives at a host's root: a server of its own
    http_server = host.site(root=True)
    base = http_server.url("")
    http_server.serve("/rss", Reply(200, rss(3, base=base)))
    http_server.serve("/robots.txt", Reply(200, b"User-agent: *\nDisallow: /berita/2\n"))
    for i in range(3):
        http_server.serve(
            f"/berita/{i}?utm_source=rss", Reply(200, article(f"Berita {i}"), {"Content-Type": "text/html"})
        )
    rss_source = make_collector("rss", "warta", url=http_server.url("/rss"), full_text=True)
    first = rss_source.collect({}, NOW)
    texts = [m.text for m in first.mentions]
    assert all("Paragraf 6" in t and "Beranda" not in t for t in texts[:2])
    assert "Paragraf" not in texts[2]  # robots.txt forbids /berita/2: the feed's summary stays
    fetched_pages = [p for p, _ in http_server.requests if p.startswith("/berita/")]
    assert sorted(fetched_pages) == ["/berita/0?utm_source=rss", "/berita/1?utm_source=rss"]
    # The next run reads the feed again but no article twice; robots.txt is read once a day.
    rss_source.collect(first.cursor, NOW)
    assert [p for p, _ in http_server.requests if p.startswith("/berita/")] == fetched_pages
    assert [p for p, _ in http_server.requests].count("/robots.txt") == 1
    host.close()


def test_full_text_stays_within_its_page_budget(http_server):
    base = http_server.url("")
    http_server.serve("/rss", Reply(200, rss(6, base=base)))
    http_server.serve("/robots.txt", Reply(404, b""))
    for i in range(6):
        http_server.serve(f"/berita/{i}?utm_source=rss", Reply(200, article(f"Berita {i}")))
    rss_source = make_collector("rss", "warta", url=http_server.url("/rss"), full_text=True, full_text_max=2)
    first = rss_source.collect({}, NOW)
    assert sum("Paragraf" in m.text for m in first.mentions) == 2
    second = rss_source.collect(first.cursor, NOW)
    assert sum("Paragraf" in m.text for m in second.mentions) == 2  # the next two, not the first two again
    assert len(second.cursor["fulltext_seen"]) == 4


def test_the_user_agent_names_the_project_and_the_contact(http_server):
    http_server.serve("/rss", Reply(200, rss(1)))
    context = PluginContext(
        http_factory=httpx.Client,
        user_agent="humas-monitor/0.1",
        fetch=FetchSettings(per_host_gap=0, contact="humas@tirtamulya.go.id"),
    )
    make_collector("rss", "warta", url=http_server.url("/rss"), context=context).collect({}, NOW)
    assert http_server.requests[-1][1]["User-Agent"] == "humas-monitor/0.1 (kontak: humas@tirtamulya.go.id)"


def test_google_news_names_the_publisher_and_finds_the_article_url(http_server):
    import base64

    article_url = b"https://warta.contoh.id/berita/0-banjir"
    token = base64.urlsafe_b64encode(
        b"\x08\x13\x22" + bytes([len(article_url)]) + article_url + b"\xd2\x01\x00"
    ).decode()
    feed = (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>"Dinas Sosial" - Google Berita</title>'
        f"<item><title>Banjir rendam Sukasari - Warta Uji</title><link>https://news.google.com/rss/articles/{token.rstrip('=')}?oc=5</link>"
        '<pubDate>Fri, 20 Nov 2026 00:30:00 GMT</pubDate><description>&lt;a href="x"&gt;Banjir rendam Sukasari&lt;/a&gt;&amp;nbsp;&amp;nbsp;'
        '&lt;font color="#6f6f6f"&gt;Warta Uji&lt;/font&gt;</description><source url="https://warta.contoh.id">Warta Uji</source></item>'
        "</channel></rss>"
    ).encode()
    http_server.serve("/rss/search?q=%22Dinas+Sosial%22&hl=id&gl=ID&ceid=ID:id", Reply(200, feed))
    gn = make_collector("google_news", "gn", query='"Dinas Sosial"', base_url=http_server.url("/rss/search"))
    (mention,) = gn.collect({}, NOW).mentions
    assert mention.title == "Banjir rendam Sukasari" and mention.text == "Banjir rendam Sukasari"
    assert mention.author == "Warta Uji" and mention.url == "https://warta.contoh.id/berita/0-banjir"
    # The outlet's own feed links the same article (with tracking): one identity, one mention.
    http_server.serve(
        "/warta", Reply(200, rss(1).replace(b"/berita/0?utm_source=rss", b"/berita/0-banjir?utm_source=rss"))
    )
    outlet = make_collector("rss", "warta", url=http_server.url("/warta"))
    assert outlet.collect({}, NOW).mentions[0].id == mention.id
