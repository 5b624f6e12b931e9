"""Platform exports read right by the `file` source: X/Twitter v1.1 and v2 JSON, an account
archive's tweets.js, CrowdTangle CSV, and any CSV with a column mapping."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

from conftest import make_collector
from localhttp import Reply

from tests.collectors.posts_id import POSTS

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
CLIENT = '<a href="http://twitter.com/download/android" rel="nofollow">Twitter for Android</a>'


def tweet_v1(i: int) -> dict:
    return {
        "created_at": f"Wed Nov 18 0{i}:15:00 +0000 2026",
        "id": 1858000000000000000 + i,
        "id_str": str(1858000000000000000 + i),
        "full_text": POSTS[i],
        "truncated": False,
        "source": CLIENT,
        "user": {"id_str": "77", "name": "Rina di Sukasari", "screen_name": "rina_sks", "followers_count": 1500},
        "retweet_count": 4,
        "favorite_count": 20 + i,
        "reply_count": 2,
        "quote_count": 1,
        "lang": "in",
    }


def test_twitter_v1_export_keeps_source_dates_users_and_engagement(tmp_path):
    (tmp_path / "x.jsonl").write_text("\n".join(json.dumps(tweet_v1(i)) for i in range(3)) + "\n", encoding="utf-8")
    result = make_collector("file", "ekspor-x", base_dir=tmp_path, path="x.jsonl").collect({}, NOW)
    assert not result.skipped
    first = result.mentions[0]
    assert first.source == "ekspor-x" and all(m.source == "ekspor-x" for m in result.mentions)
    assert first.published_at == datetime(2026, 11, 18, 0, 15, tzinfo=UTC) and not first.date_estimated
    assert first.author == "rina_sks" and first.author_name == "Rina di Sukasari"
    assert first.engagement == 20 + 4 + 2 + 1 and first.reach == 1500 and first.language == "id"
    assert (
        first.url == "https://x.com/rina_sks/status/1858000000000000000" and first.platform_id == "1858000000000000000"
    )


def test_an_account_archive_tweets_js(tmp_path):
    archive = "window.YTD.tweets.part0 = " + json.dumps([{"tweet": {**tweet_v1(i), "user": None}} for i in range(2)])
    (tmp_path / "tweets.js").write_text(archive.replace('"user": null, ', ""), encoding="utf-8")
    result = make_collector("file", "arsip", base_dir=tmp_path, path="tweets.js").collect({}, NOW)
    assert [m.text for m in result.mentions] == POSTS[:2]
    assert result.cursor == {"records": 2} and not any(m.date_estimated for m in result.mentions)


def test_twitter_v2_responses_with_author_expansions(tmp_path):
    page = {
        "data": [
            {
                "id": "1860000000000000001",
                "text": POSTS[5],
                "created_at": "2026-11-20T01:02:03.000Z",
                "author_id": "9",
                "lang": "in",
                "source": "Twitter Web App",
                "public_metrics": {
                    "retweet_count": 3,
                    "reply_count": 5,
                    "like_count": 40,
                    "quote_count": 2,
                    "impression_count": 9100,
                },
            },
            {
                "id": "1860000000000000002",
                "text": POSTS[7],
                "created_at": "2026-11-20T01:05:00.000Z",
                "author_id": "10",
                "public_metrics": {"retweet_count": 0, "reply_count": 0, "like_count": 1, "quote_count": 0},
            },
        ],
        "includes": {
            "users": [
                {
                    "id": "9",
                    "username": "bpbd_watch",
                    "name": "Pantau BPBD",
                    "public_metrics": {"followers_count": 52000},
                },
                {
                    "id": "10",
                    "username": "cek_fakta_tirta",
                    "name": "Cek Fakta",
                    "public_metrics": {"followers_count": 800},
                },
            ]
        },
        "meta": {"result_count": 2},
    }
    (tmp_path / "v2.jsonl").write_text(json.dumps(page) + "\n", encoding="utf-8")
    first, second = make_collector("file", "x-v2", base_dir=tmp_path, path="v2.jsonl").collect({}, NOW).mentions
    assert first.source == "x-v2" and first.author == "bpbd_watch" and first.reach == 9100 and first.engagement == 50
    assert first.published_at == datetime(2026, 11, 20, 1, 2, 3, tzinfo=UTC)
    assert second.reach == 800 and second.author_name == "Cek Fakta"


def test_crowdtangle_csv(tmp_path):
    header = "Page Name,User Name,Facebook Id,Page Category,Likes at Posting,Followers at Posting,Post Created,Type,Total Interactions,Likes,Comments,Shares,Love,Wow,Haha,Sad,Angry,Care,URL,Message,Link,Description"
    rows = [
        'Info Tirtamulya,infotirtamulya,1001,NEWS_SITE,12000,15400,2026-11-18 20:15:00 EST,Link,57,30,12,5,4,0,1,3,2,0,https://www.facebook.com/infotirtamulya/posts/1,"Pompa di Sukasari mati lagi, warga protes ke kelurahan",https://warta.contoh.id/berita/3,Warga keluhkan pompa',
        'Relawan Banjir,,1002,COMMUNITY,800,950,2026-11-19 07:00:00 WIB,Status,9,5,2,1,1,0,0,0,0,0,https://www.facebook.com/relawanbanjir/posts/2,"Makasih semua donatur 🙏 bantuan sudah disalurkan",,',
    ]
    (tmp_path / "ct.csv").write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    source = make_collector("file", "facebook", base_dir=tmp_path, path="ct.csv")
    first, second = source.collect({}, NOW).mentions
    assert first.published_at == datetime(2026, 11, 18, 20, 15, tzinfo=timezone(timedelta(hours=-5)))
    assert first.author == "infotirtamulya" and first.author_name == "Info Tirtamulya"
    assert first.engagement == 57 and first.reach == 15400 and first.text.endswith("Warga keluhkan pompa")
    assert first.url == "https://www.facebook.com/infotirtamulya/posts/1"
    assert second.author == "Relawan Banjir" and second.published_at == datetime(2026, 11, 19, 0, 0, tzinfo=UTC)
    # Appended rows are read next time, nothing twice.
    with (tmp_path / "ct.csv").open("a", encoding="utf-8") as handle:
        handle.write(rows[0].replace("posts/1", "posts/3") + "\n")
    again = source.collect({"records": 2}, NOW)
    assert [m.url for m in again.mentions] == ["https://www.facebook.com/infotirtamulya/posts/3"]


def test_csv_with_a_column_mapping_and_bad_rows_reported(tmp_path):
    (tmp_path / "monitoring.csv").write_text(
        "tanggal;isi;akun;suka\n2026-11-20T08:00:00+07:00;Antrean bansos panjang bgt;warga1;12\nbukan tanggal;Isi kedua;warga2;3\n",
        encoding="utf-8",
    )
    source = make_collector(
        "file",
        "tim-medsos",
        base_dir=tmp_path,
        path="monitoring.csv",
        columns={"published_at": "tanggal", "text": "isi", "author": "akun", "likes": "suka"},
    )
    result = source.collect({}, NOW)
    (mention,) = result.mentions
    assert mention.text == "Antrean bansos panjang bgt" and mention.author == "warga1" and mention.engagement == 12
    assert result.skipped == ("baris 3: published_at bukan tanggal ISO 8601: 'bukan tanggal'",)


def test_a_plain_source_name_in_our_own_format_is_kept_but_html_is_not(http_server):
    lines = [
        {"id": "1", "text": "Jalan rusak di Cikaret", "source": "kabar-warga"},
        {"id": "2", "text": "Pompa mati lagi di Sukasari", "source": CLIENT},
    ]
    http_server.serve("/posts.jsonl", Reply(200, "\n".join(json.dumps(x) for x in lines).encode()))
    first, second = make_collector("file", "sosmed", url=http_server.url("/posts.jsonl")).collect({}, NOW).mentions
    assert first.source == "kabar-warga" and second.source == "sosmed"
