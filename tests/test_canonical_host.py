"""One name per site: links and the release report's outlets agree on it."""

import pytest

from monitor.records import canonical_host, canonical_url


@pytest.mark.parametrize(
    "host,expected",
    [
        ("www.Kompas.com", "kompas.com"),
        ("mobile.kompas.com", "kompas.com"),
        ("m.detik.com", "detik.com"),
        ("www2.bps.go.id", "bps.go.id"),
        ("amp.tempo.co.", "tempo.co"),
        ("news.detik.com", "news.detik.com"),
        ("m.id", "m.id"),  # nothing left to name the site: kept
        ("", ""),
    ],
)
def test_canonical_host(host, expected):
    assert canonical_host(host) == expected


def test_a_mobile_link_and_a_desktop_link_are_one_article():
    desktop = "https://www.kompas.com/berita/banjir?utm_source=wa"
    assert canonical_url("http://mobile.kompas.com/berita/banjir/") == canonical_url(desktop)
