"""The RSS collector against a real local HTTP server."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from conftest import make_collector
from localhttp import Reply

from monitor.collectors.types.rss import RssCollector
from monitor.errors import SourceError

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)

FEED = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Warta Uji</title>
<item><title>Banjir rendam Sukasari, warga &amp; relawan bergotong royong</title>
<link>https://warta.contoh.id/banjir-sukasari?utm_source=rss</link>
<pubDate>Fri, 20 Nov 2026 07:30:00 +0700</pubDate>
<description>&lt;p&gt;Air setinggi lutut masuk ke rumah warga sejak subuh.&lt;/p&gt;</description></item>
<item><title>Pengumuman tanpa tanggal</title><link>https://warta.contoh.id/pengumuman</link>
<description>Pendaftaran Kartu Tirta Sehat diperpanjang.</description></item>
<item><title></title><description></description></item>
</channel></rss>"""


def collector(url: str, **options) -> RssCollector:
    return make_collector("rss", "warta-uji", url=url, **options)


def test_reads_entries_with_clean_text_and_utc_dates(http_server):
    http_server.serve("/rss", Reply(200, FEED, {"Content-Type": "application/rss+xml"}))
    result = collector(http_server.url("/rss")).collect({}, NOW)
    first, second = result.mentions
    assert first.title == "Banjir rendam Sukasari, warga & relawan bergotong royong"
    assert first.text == "Air setinggi lutut masuk ke rumah warga sejak subuh."
    assert first.published_at == datetime(2026, 11, 20, 0, 30, tzinfo=UTC)
    assert not first.date_estimated
    # An entry without a date is kept, dated at collection and marked as estimated.
    assert second.published_at == NOW and second.date_estimated
    assert result.skipped == ("entri #3 tanpa judul dan isi dilewati",)


def test_same_article_gets_the_same_id_despite_tracking_parameters(http_server):
    http_server.serve("/a", Reply(200, FEED))
    http_server.serve("/b", Reply(200, FEED.replace(b"?utm_source=rss", b"")))
    a = collector(http_server.url("/a")).collect({}, NOW).mentions[0]
    b = collector(http_server.url("/b")).collect({}, NOW).mentions[0]
    assert a.id == b.id


def test_conditional_get_with_etag_gets_304(http_server):
    def handler(request):
        if request.headers.get("If-None-Match") == '"v1"':
            return Reply(304, b"", {"ETag": '"v1"'})
        return Reply(200, FEED, {"ETag": '"v1"', "Last-Modified": "Fri, 20 Nov 2026 00:00:00 GMT"})

    http_server.serve("/rss", handler)
    rss = collector(http_server.url("/rss"))
    first = rss.collect({}, NOW)
    assert first.cursor == {"etag": '"v1"', "last_modified": "Fri, 20 Nov 2026 00:00:00 GMT"}
    second = rss.collect(first.cursor, NOW)
    assert second.not_modified and second.mentions == () and second.cursor == first.cursor
    assert http_server.requests[-1][1]["If-Modified-Since"] == "Fri, 20 Nov 2026 00:00:00 GMT"


@pytest.mark.parametrize("status", [404, 500])
def test_http_errors_name_the_source_and_status(http_server, status):
    http_server.serve("/rss", Reply(status, b"error"))
    with pytest.raises(SourceError, match=rf"sumber 'warta-uji': HTTP {status}"):
        collector(http_server.url("/rss")).collect({}, NOW)


def test_timeout(http_server):
    http_server.serve("/rss", Reply(200, FEED, delay=2.0))
    with pytest.raises(SourceError, match="waktu habis"):
        collector(http_server.url("/rss"), timeout=0.3).collect({}, NOW)


def test_garbage_body_is_not_a_feed(http_server):
    http_server.serve("/rss", Reply(200, b"<html><body>Maintenance \x00\xff</body>", {"Content-Type": "text/html"}))
    with pytest.raises(SourceError, match="bukan feed RSS/Atom yang valid"):
        collector(http_server.url("/rss")).collect({}, NOW)


def test_unreachable_host():
    with pytest.raises(SourceError, match="tidak bisa mengambil"):
        collector("http://127.0.0.1:9/rss", timeout=1).collect({}, NOW)


def test_response_size_cap(http_server):
    http_server.serve("/besar", Reply(200, b"<rss>" + b"x" * 50_000 + b"</rss>"))
    with pytest.raises(SourceError, match="lebih dari 2000 byte"):
        collector(http_server.url("/besar"), max_bytes=2000).collect({}, NOW)


def test_feed_in_latin1_is_decoded(http_server):
    feed = (
        '<?xml version="1.0" encoding="ISO-8859-1"?><rss version="2.0"><channel><title>t</title>'
        "<item><title>Caf\u00e9 di alun-alun ditutup</title><link>https://contoh.id/cafe</link>"
        "<description>Pemilik caf\u00e9 kecewa.</description></item></channel></rss>"
    ).encode("latin-1")
    http_server.serve("/rss", Reply(200, feed, {"Content-Type": "application/rss+xml"}))
    (mention,) = collector(http_server.url("/rss")).collect({}, NOW).mentions
    assert mention.title == "Caf\u00e9 di alun-alun ditutup"


def test_atom_feed(http_server):
    atom = b"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
    <entry><title>Jalan berlubang di Jl. Merdeka</title><link href="https://contoh.id/jalan"/><id>tag:1</id>
    <updated>2026-11-20T01:00:00Z</updated><summary>Warga minta segera ditambal.</summary></entry></feed>"""
    http_server.serve("/atom", Reply(200, atom))
    (mention,) = collector(http_server.url("/atom")).collect({}, NOW).mentions
    assert mention.url == "https://contoh.id/jalan" and mention.text == "Warga minta segera ditambal."


def test_google_news_builds_a_search_url(http_server):
    http_server.serve("/rss/search?q=%22Dinas+Sosial%22&hl=id&gl=ID&ceid=ID:id", Reply(200, FEED))
    gn = make_collector("google_news", "gn", query='"Dinas Sosial"', base_url=http_server.url("/rss/search"))
    assert len(gn.collect({}, NOW).mentions) == 2
