"""Sources as an office configures them: social sources present but off until their
credentials are set, Google News searches built from the agency's names, the once report."""

from __future__ import annotations

import io

from localhttp import Reply

from monitor.cli import main
from monitor.cli.common import EXIT_OK
from tests.collectors.feeds import rss

SOCIAL = """
[agency]
names = ["Dinas Sosial Kota Tirtamulya", "Dinsos Tirtamulya"]
officials = ["Hendra Wijaya"]

[[sources]]
name = "x-agensi"
type = "x"
query = "dinsos tirtamulya lang:id"
bearer_token = "${X_BEARER_TOKEN:-}"

[[sources]]
name = "bluesky-agensi"
type = "bluesky"
query = "dinsos tirtamulya"
handle = "${BLUESKY_HANDLE:-}"
app_password = "${BLUESKY_APP_PASSWORD:-}"

[[sources]]
name = "youtube-agensi"
type = "youtube"
query = "dinsos tirtamulya"
api_key = "${YOUTUBE_API_KEY:-}"
"""


def run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(list(args), out=out), out.getvalue()


def test_config_check_names_the_social_sources_without_credentials_and_where_to_get_them(write_config, monkeypatch):
    for name in ("X_BEARER_TOKEN", "BLUESKY_HANDLE", "BLUESKY_APP_PASSWORD", "YOUTUBE_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("YOUTUBE_API_KEY", "kunci-uji")
    code, out = run("config", "check", "--config", str(write_config(SOCIAL)))
    assert code == EXIT_OK and "Konfigurasi valid: 3 sumber" in out
    assert "sumber x-agensi (x) tidak aktif: kredensial belum diisi (bearer_token)" in out and "developer.x.com" in out
    assert "sumber bluesky-agensi (bluesky) tidak aktif" in out and "App passwords" in out
    assert "youtube-agensi" not in out  # its key is set


def test_once_skips_them_without_failing(write_config, monkeypatch, http_server):
    for name in ("X_BEARER_TOKEN", "BLUESKY_HANDLE", "BLUESKY_APP_PASSWORD", "YOUTUBE_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    http_server.serve("/rss", Reply(200, rss(2)))
    body = SOCIAL + f'\n[[sources]]\nname = "warta"\ntype = "rss"\nurl = "{http_server.url("/rss")}"\n'
    code, out = run("once", "--config", str(write_config(body)))
    assert code == EXIT_OK, out
    assert "sumber x-agensi: tidak aktif: kredensial belum diisi (bearer_token)" in out
    assert "sumber warta: 2 baru" in out


def test_google_news_from_the_agency_names(write_config, http_server):
    query = "q=%22Dinas+Sosial+Kota+Tirtamulya%22+OR+%22Dinsos+Tirtamulya%22&hl=id&gl=ID&ceid=ID:id"
    http_server.serve(f"/rss/search?{query}", Reply(200, rss(3)))
    body = SOCIAL.split("[[sources]]")[0] + (
        f'[[sources]]\nname = "gn-agensi"\ntype = "google_news"\nterms = "names"\nbase_url = "{http_server.url("/rss/search")}"\n'
    )
    code, out = run("once", "--config", str(write_config(body)))
    assert code == EXIT_OK and "sumber gn-agensi: 3 baru" in out
    empty = body.replace('terms = "names"', 'terms = "programmes"')
    code, _ = run("once", "--config", str(write_config(empty, name="kosong.toml")))
    assert code == 2  # [agency] programmes is empty: a configuration error, said as such


def test_sources_list_and_enable(write_config, http_server):
    http_server.serve("/rss", Reply(200, rss(2)))
    body = (
        '[fetch]\nper_host_gap = "0s"\ndisable_after = 1\n'
        f'[[sources]]\nname = "warta"\ntype = "rss"\nurl = "{http_server.url("/rss")}"\n'
        f'[[sources]]\nname = "rusak"\ntype = "rss"\nurl = "{http_server.url("/hilang")}"\n'
    )
    config = str(write_config(body))
    code, out = run("once", "--config", config)
    assert "sumber warta: 2 baru" in out and "DINONAKTIFKAN setelah 1 kegagalan" in out
    code, out = run("sources", "list", "--config", config)
    assert code == EXIT_OK
    lines = dict(line.split(":", 1) for line in out.splitlines())
    assert "gagal berturut-turut 0" in lines["warta"] and "interval 7 menit" in lines["warta"]
    assert "DINONAKTIFKAN" in lines["rusak"] and "HTTP 404" in lines["rusak"]
    code, out = run("sources", "enable", "rusak", "--config", config)
    assert code == EXIT_OK and "diaktifkan lagi" in out
    _, out = run("sources", "list", "--config", config)
    assert "DINONAKTIFKAN" not in out
    code, out = run("sources", "enable", "tidak-ada", "--config", config)
    assert code == 2
