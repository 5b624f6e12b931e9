"""bluesky, mastodon, x, youtube, telegram: each against a local server that speaks the
platform's request parameters, response format and rate-limit headers."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from html import escape

import httpx
import pytest
from conftest import make_collector

from monitor.errors import SourceError
from monitor.plugin import FetchSettings, PluginContext
from tests.collectors.fakeapi import Answer, Call, FakeAPI
from tests.collectors.posts_id import POSTS

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
T0 = datetime(2026, 11, 20, 0, 0, tzinfo=UTC)


def stamp(i: int) -> str:
    return (T0 + timedelta(minutes=i)).isoformat().replace("+00:00", ".000Z")


@pytest.fixture
def serve():
    servers: list[FakeAPI] = []

    def start(server: FakeAPI) -> FakeAPI:
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


# -- Bluesky ------------------------------------------------------------------------------------
class FakeBluesky(FakeAPI):
    def __init__(self) -> None:
        super().__init__()
        self.posts: list[dict] = []
        self.sessions = 0
        self.limit_on: set[int] = set()  # search call numbers answered with 429
        self.expire_next = False

    def add(self, count: int) -> None:
        for _ in range(count):
            i = len(self.posts)
            self.posts.append(
                {
                    "uri": f"at://did:plc:warga{i % 4}/app.bsky.feed.post/3k{i:05d}",
                    "cid": f"bafy{i}",
                    "author": {
                        "did": f"did:plc:warga{i % 4}",
                        "handle": f"warga{i % 4}.bsky.social",
                        "displayName": f"Warga {i % 4}",
                    },
                    "record": {
                        "$type": "app.bsky.feed.post",
                        "text": POSTS[i % len(POSTS)],
                        "createdAt": stamp(i),
                        "langs": ["id"],
                    },
                    "likeCount": i,
                    "repostCount": 1,
                    "replyCount": 2,
                    "quoteCount": 0,
                    "indexedAt": stamp(i),
                }
            )

    def handle(self, call: Call) -> Answer:
        if call.path.endswith("createSession"):
            if call.body != {"identifier": "humas.bsky.social", "password": "abcd-efgh-ijkl-mnop"}:
                return Answer(401, {"error": "AuthenticationRequired", "message": "Invalid identifier or password"})
            self.sessions += 1
            return Answer(
                200,
                {
                    "accessJwt": f"jwt-{self.sessions}",
                    "refreshJwt": "r",
                    "did": "did:plc:humas",
                    "handle": "humas.bsky.social",
                },
            )
        searches = len(self.paths("/xrpc/app.bsky.feed.searchPosts"))
        if self.expire_next:
            self.expire_next = False
            return Answer(400 + 1, {"error": "ExpiredToken", "message": "Token has expired"})
        if call.headers.get("Authorization") != f"Bearer jwt-{self.sessions}":
            return Answer(401, {"error": "InvalidToken"})
        if searches in self.limit_on:
            return Answer(
                429,
                {"error": "RateLimitExceeded"},
                {"ratelimit-remaining": "0", "ratelimit-reset": str(int(time.time()) + 300)},
            )
        assert (
            call.params["q"] == "banjir tirtamulya" and call.params["sort"] == "latest" and call.params["lang"] == "id"
        )
        found = sorted(
            (p for p in self.posts if p["record"]["createdAt"] >= call.params.get("since", "")),
            key=lambda p: p["record"]["createdAt"],
            reverse=True,
        )
        start, size = int(call.params.get("cursor", 0)), int(call.params["limit"])
        page = found[start : start + size]
        more = start + size < len(found)
        return Answer(200, {"posts": page, "hitsTotal": len(found), **({"cursor": str(start + size)} if more else {})})


def bluesky(server: FakeBluesky, **options):
    options = {"handle": "humas.bsky.social", "app_password": "abcd-efgh-ijkl-mnop", **options}
    return make_collector("bluesky", "bsky", query="banjir tirtamulya", service=server.url, **options)


def test_bluesky_pages_and_resumes_across_restarts_without_a_gap(serve):
    server = serve(FakeBluesky())
    server.add(5)
    source = bluesky(server, limit=2, max_pages=1)
    seen: list[str] = []
    cursor: dict = {}
    for _ in range(3):  # a restart between runs: only the cursor survives
        result = source.collect(cursor, NOW)
        seen += [m.platform_id for m in result.mentions]
        cursor = result.cursor
        source = bluesky(server, limit=2, max_pages=1)
    assert sorted(seen) == sorted(p["uri"] for p in server.posts) and len(seen) == 5
    assert "resume" not in cursor and cursor["since"] == "2026-11-20T00:04:00+00:00"
    server.add(2)
    result = source.collect(cursor, NOW)
    new = {m.platform_id for m in result.mentions} - set(seen)
    assert new == {server.posts[5]["uri"], server.posts[6]["uri"]}
    first = next(m for m in result.mentions if m.platform_id == server.posts[6]["uri"])
    assert first.author == "warga2.bsky.social" and first.author_name == "Warga 2"
    assert first.url == "https://bsky.app/profile/warga2.bsky.social/post/3k00006"
    assert first.engagement == 6 + 1 + 2 and first.language == "id" and first.channel == "social"


def test_bluesky_bad_app_password_and_expired_session(serve):
    server = serve(FakeBluesky())
    server.add(1)
    with pytest.raises(SourceError, match="menolak kredensial") as error:
        bluesky(server, app_password="salah").collect({}, NOW)
    assert error.value.permanent
    source = bluesky(server)
    source.collect({}, NOW)
    server.expire_next = True  # the session expired between runs: renewed once, silently
    assert len(source.collect({}, NOW).mentions) == 1 and server.sessions == 2


def test_bluesky_rate_limit_mid_paging_keeps_what_was_read(serve):
    server = serve(FakeBluesky())
    server.add(6)
    server.limit_on = {2}  # the second page
    result = bluesky(server, limit=2).collect({}, NOW)
    assert len(result.mentions) == 2 and result.retry_after == pytest.approx(300, abs=5)
    assert result.cursor["resume"]["cursor"] == "2"
    server.limit_on = set()
    rest = bluesky(server, limit=2).collect(result.cursor, NOW)
    assert len(rest.mentions) == 4 and "resume" not in rest.cursor


def test_missing_credentials_switch_the_source_off():
    source = make_collector("bluesky", "bsky", query="banjir", handle="", app_password="")
    assert source.missing_credentials == ("handle", "app_password")
    with pytest.raises(SourceError, match="belum diisi"):
        source.collect({}, NOW)


# -- X ------------------------------------------------------------------------------------------
class FakeX(FakeAPI):
    def __init__(self, remaining: int = 100) -> None:
        super().__init__()
        self.tweets: list[dict] = []
        self.remaining = remaining

    def add(self, count: int) -> None:
        for _ in range(count):
            i = len(self.tweets)
            self.tweets.append(
                {
                    "id": str(1860000000000000000 + i),
                    "text": POSTS[i % len(POSTS)],
                    "created_at": stamp(i),
                    "lang": "in",
                    "author_id": str(900 + i % 3),
                    "public_metrics": {
                        "retweet_count": 2,
                        "reply_count": 1,
                        "like_count": 10 + i,
                        "quote_count": 0,
                        "impression_count": 1000 + i,
                    },
                    "source": "<a href='https://mobile.x.com' rel='nofollow'>X for Android</a>",
                }
            )

    def handle(self, call: Call) -> Answer:
        if call.headers.get("Authorization") != "Bearer AAAA-token-uji":
            return Answer(
                401, {"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"}
            )
        reset = str(int(time.time()) + 600)
        if self.remaining <= 0:
            return Answer(
                429,
                {"title": "Too Many Requests", "detail": "Too Many Requests"},
                {"x-rate-limit-remaining": "0", "x-rate-limit-reset": reset},
            )
        self.remaining -= 1
        assert call.params["expansions"] == "author_id" and "public_metrics" in call.params["tweet.fields"]
        since = int(call.params.get("since_id", 0))
        found = sorted((t for t in self.tweets if int(t["id"]) > since), key=lambda t: int(t["id"]), reverse=True)
        start, size = int(call.params.get("next_token", "0") or 0), int(call.params["max_results"])
        page = found[start : start + size]
        users = [
            {
                "id": str(900 + k),
                "username": f"warga_tirta{k}",
                "name": f"Warga Tirta {k}",
                "public_metrics": {"followers_count": 250 * (k + 1)},
            }
            for k in range(3)
        ]
        meta = {
            "result_count": len(page),
            **({"newest_id": page[0]["id"], "oldest_id": page[-1]["id"]} if page else {}),
        }
        if start + size < len(found):
            meta["next_token"] = str(start + size)
        headers = {
            "x-rate-limit-limit": "450",
            "x-rate-limit-remaining": str(self.remaining),
            "x-rate-limit-reset": reset,
        }
        return Answer(
            200, {"data": page, "includes": {"users": users}, "meta": meta} if page else {"meta": meta}, headers
        )


def x_source(server: FakeX, **options):
    return make_collector(
        "x", "x-agensi", query='"Dinas Sosial" lang:id', bearer_token="AAAA-token-uji", api_base=server.url, **options
    )


def test_x_since_id_across_restarts_authors_and_metrics(serve):
    server = serve(FakeX())
    server.add(25)
    first = x_source(server, max_results=10).collect({}, NOW)
    assert len(first.mentions) == 25 and first.cursor == {"since_id": server.tweets[-1]["id"]}
    tweet = next(m for m in first.mentions if m.platform_id == server.tweets[4]["id"])
    assert tweet.source == "x-agensi"  # the tweet's own `source` (the client app) is not the source
    assert tweet.author == "warga_tirta1" and tweet.author_name == "Warga Tirta 1"
    assert tweet.url == f"https://x.com/warga_tirta1/status/{server.tweets[4]['id']}"
    assert tweet.engagement == 2 + 1 + 14 and tweet.reach == 1004 and tweet.language == "id"
    assert tweet.published_at == T0 + timedelta(minutes=4) and not tweet.date_estimated
    server.add(3)
    again = x_source(server, max_results=10).collect(first.cursor, NOW)
    assert [m.platform_id for m in again.mentions] == [t["id"] for t in reversed(server.tweets[25:])]
    assert server.calls[-1].params["since_id"] == server.tweets[24]["id"]


def test_x_a_spent_window_stops_paging_and_resumes_after_the_reset(serve):
    server = serve(FakeX(remaining=2))
    server.add(30)
    context = PluginContext(http_factory=httpx.Client, fetch=FetchSettings(per_host_gap=0))
    first = x_source(server, max_results=10, context=context).collect({}, NOW)
    assert len(first.mentions) == 20 and first.retry_after == pytest.approx(600, abs=5)
    assert first.cursor["resume"]["next_token"] == "20"
    # Until the reset, the host is not asked again at all.
    calls = len(server.calls)
    with pytest.raises(SourceError, match="Retry-After") as waiting:
        x_source(server, max_results=10, context=context).collect(first.cursor, NOW)
    assert waiting.value.retry_after > 500 and len(server.calls) == calls
    # After the reset (a fresh monitor here), it goes on from the page token: all 30, no gap.
    server.remaining = 5
    rest = x_source(server, max_results=10).collect(first.cursor, NOW)
    assert len(rest.mentions) == 10 and rest.cursor == {"since_id": server.tweets[-1]["id"]}


def test_x_429_storm_from_the_first_request(serve):
    server = serve(FakeX(remaining=0))
    server.add(3)
    with pytest.raises(SourceError, match="membatasi") as error:
        x_source(server).collect({}, NOW)
    assert error.value.retry_after == pytest.approx(600, abs=5)


def test_x_bad_token(serve):
    server = serve(FakeX())
    with pytest.raises(SourceError, match=r"menolak kredensial.*Unauthorized") as error:
        make_collector("x", "x", query="banjir", bearer_token="salah", api_base=server.url).collect({}, NOW)
    assert error.value.permanent


# -- Mastodon -----------------------------------------------------------------------------------
class FakeMastodon(FakeAPI):
    def __init__(self) -> None:
        super().__init__()
        self.statuses: list[dict] = []

    def add(self, count: int, tag: str = "banjir") -> None:
        for _ in range(count):
            i = len(self.statuses)
            self.statuses.append(
                {
                    "id": str(110000000000000000 + i),
                    "uri": f"https://sosial.contoh.id/users/warga{i % 3}/statuses/{110000000000000000 + i}",
                    "url": f"https://sosial.contoh.id/@warga{i % 3}/{110000000000000000 + i}",
                    "created_at": stamp(i),
                    "content": f'<p>{escape(POSTS[i % len(POSTS)])} <a href="https://sosial.contoh.id/tags/{tag}" class="mention hashtag">#<span>{tag}</span></a></p>',
                    "spoiler_text": "",
                    "language": "id",
                    "reblog": None,
                    "tags": [{"name": tag}],
                    "account": {
                        "acct": f"warga{i % 3}",
                        "username": f"warga{i % 3}",
                        "display_name": f"Warga {i % 3}",
                        "followers_count": 40 + i,
                    },
                    "favourites_count": 3,
                    "reblogs_count": 1,
                    "replies_count": i % 2,
                }
            )

    def handle(self, call: Call) -> Answer:
        assert call.path == "/api/v1/timelines/tag/banjir"
        limit = int(call.params.get("limit", 20))
        ordered = sorted(self.statuses, key=lambda s: int(s["id"]))
        if "min_id" in call.params:
            newer = [s for s in ordered if int(s["id"]) > int(call.params["min_id"])][:limit]
        else:
            newer = ordered[-limit:]
        page = sorted(newer, key=lambda s: int(s["id"]), reverse=True)
        links = []
        if page:
            links.append(f'<{self.url}/api/v1/timelines/tag/banjir?limit={limit}&max_id={page[-1]["id"]}>; rel="next"')
            links.append(f'<{self.url}/api/v1/timelines/tag/banjir?limit={limit}&min_id={page[0]["id"]}>; rel="prev"')
        return Answer(200, page, {"Link": ", ".join(links)} if links else {})


def test_mastodon_min_id_and_link_paging_leave_no_gap(serve):
    server = serve(FakeMastodon())
    server.add(3)
    source = make_collector("mastodon", "masto", instance=server.url, hashtags=["#banjir"], limit=2, max_pages=2)
    first = source.collect({}, NOW)  # the first run: the newest page only
    assert len(first.mentions) == 2 and first.cursor == {"min_id": {"tag:banjir": server.statuses[2]["id"]}}
    server.add(7)
    second = source.collect(first.cursor, NOW)  # 7 newer: two pages of 2 this run...
    third = source.collect(second.cursor, NOW)  # ...and the rest in the next, from where it stopped
    fourth = source.collect(third.cursor, NOW)
    got = [m.platform_id for r in (second, third, fourth) for m in r.mentions]
    assert sorted(got) == sorted(s["uri"] for s in server.statuses[3:]) and len(got) == 7
    assert second.warnings and not fourth.warnings
    post = first.mentions[0]
    assert (
        post.text.startswith(POSTS[2].split(",")[0])
        and "#banjir" in post.text
        and "<" not in post.text.replace("<18", "")
    )
    assert (
        post.author == "warga2"
        and post.reach == 42
        and post.engagement == 4
        and post.url.endswith(server.statuses[2]["id"])
    )


# -- YouTube ------------------------------------------------------------------------------------
class FakeYoutube(FakeAPI):
    def __init__(self, videos: int = 4) -> None:
        super().__init__()
        self.videos = [
            {
                "id": f"vid{i:04d}AbC",
                "title": f"Banjir Tirtamulya hari ke-{i + 1}: warga mengungsi ke GOR",
                "description": "Liputan langsung dari lokasi banjir. Warga berharap bantuan segera datang.",
                "publishedAt": stamp(i).replace(".000", ""),
            }
            for i in range(videos)
        ]

    def handle(self, call: Call) -> Answer:
        key = call.params.get("key")
        if key == "kunci-salah":
            return Answer(
                400,
                {
                    "error": {
                        "code": 400,
                        "message": "API key not valid. Please pass a valid API key.",
                        "errors": [{"reason": "badRequest"}],
                    }
                },
            )
        if key == "habis":
            return Answer(
                403,
                {
                    "error": {
                        "code": 403,
                        "message": "The request cannot be completed because you have exceeded your quota.",
                        "errors": [{"reason": "quotaExceeded"}],
                    }
                },
            )
        if call.path == "/search":
            assert (
                call.params["regionCode"] == "ID"
                and call.params["relevanceLanguage"] == "id"
                and call.params["type"] == "video"
            )
            after = call.params.get("publishedAfter", "")
            found = [v for v in reversed(self.videos) if v["publishedAt"] > after]
            start = int(call.params.get("pageToken", 0) or 0)
            page = found[start : start + 2]
            items = [
                {
                    "kind": "youtube#searchResult",
                    "id": {"kind": "youtube#video", "videoId": v["id"]},
                    "snippet": {"title": v["title"]},
                }
                for v in page
            ]
            return Answer(
                200, {"items": items, **({"nextPageToken": str(start + 2)} if start + 2 < len(found) else {})}
            )
        if call.path == "/videos":
            wanted = call.params["id"].split(",")
            items = [
                {
                    "id": v["id"],
                    "snippet": {
                        "publishedAt": v["publishedAt"],
                        "channelId": "UCwartaTirta",
                        "channelTitle": "Warta Tirta TV",
                        "title": v["title"],
                        "description": v["description"],
                        "defaultAudioLanguage": "id",
                    },
                    "statistics": {"viewCount": "15230", "likeCount": "420", "commentCount": "37"},
                }
                for v in self.videos
                if v["id"] in wanted
            ]
            return Answer(200, {"items": items})
        if call.path == "/commentThreads":
            video = call.params["videoId"]
            return Answer(
                200,
                {
                    "items": [
                        {
                            "id": f"Ug{video}",
                            "snippet": {
                                "topLevelComment": {
                                    "id": f"Ug{video}",
                                    "snippet": {
                                        "textOriginal": "Semoga cepat surut, kasihan anak2 😢",
                                        "authorDisplayName": "@ibu_rina",
                                        "likeCount": 12,
                                        "publishedAt": stamp(30).replace(".000", ""),
                                    },
                                }
                            },
                        }
                    ]
                },
            )
        return Answer(404, {})


def youtube(server: FakeYoutube, **options):
    return make_collector(
        "youtube",
        "yt",
        query="banjir tirtamulya",
        api_key=options.pop("api_key", "kunci-uji"),
        api_base=server.url,
        **options,
    )


def test_youtube_videos_statistics_comments_and_quota_accounting(serve):
    server = serve(FakeYoutube(videos=4))
    result = youtube(server, comments=True).collect({}, NOW)
    videos = [m for m in result.mentions if m.channel == "video"]
    comments = [m for m in result.mentions if m.channel == "social"]
    assert len(videos) == 4 and len(comments) == 4
    video = videos[0]
    assert video.reach == 15230 and video.engagement == 457 and video.author_name == "Warta Tirta TV"
    assert video.url == f"https://www.youtube.com/watch?v={video.platform_id}" and video.language == "id"
    assert comments[0].author == "ibu_rina" and comments[0].url.endswith(f"&lc=Ug{videos[0].platform_id}")
    # 2 searches (100 each) + 2 videos.list + 4 commentThreads.list.
    assert result.cursor["quota_used"] == 206 and result.cursor["quota_day"] == "2026-11-19"
    again = youtube(server, comments=True).collect(result.cursor, NOW)
    assert again.mentions == () and again.cursor["quota_used"] == 306  # one search, nothing newer


def test_youtube_stops_before_its_daily_quota(serve):
    server = serve(FakeYoutube(videos=6))
    result = youtube(server, daily_quota=250, max_pages=5).collect({}, NOW)
    assert len(result.mentions) == 4 and result.warnings and "kuota" in result.warnings[0]
    assert result.retry_after and result.cursor["quota_used"] == 202


def test_youtube_invalid_key_and_quota_exceeded(serve):
    server = serve(FakeYoutube())
    with pytest.raises(SourceError, match="menolak kredensial") as bad:
        youtube(server, api_key="kunci-salah").collect({}, NOW)
    assert bad.value.permanent
    with pytest.raises(SourceError, match="kuota YouTube habis") as spent:
        youtube(server, api_key="habis").collect({}, NOW)
    assert 0 < spent.value.retry_after <= 24 * 3600


# -- Telegram -----------------------------------------------------------------------------------
class FakeTelegram(FakeAPI):
    content_type = "text/html; charset=utf-8"

    def __init__(self, messages: int) -> None:
        super().__init__()
        self.count = messages

    def message(self, n: int) -> str:
        text = escape(POSTS[n % len(POSTS)]).replace(", ", ",<br/>")
        when = (T0 + timedelta(minutes=n)).isoformat()
        return (
            '<div class="tgme_widget_message_wrap js-widget_message_wrap">'
            f'<div class="tgme_widget_message text_not_supported_wrap js-widget_message" data-post="infotirta/{n}" data-view="x">'
            '<div class="tgme_widget_message_bubble"><div class="tgme_widget_message_author accent_color">'
            '<a class="tgme_widget_message_owner_name" href="https://t.me/infotirta"><span dir="auto">Info Kota Tirtamulya</span></a></div>'
            f'<div class="tgme_widget_message_text js-message_text" dir="auto">{text} <a href="https://t.me/infotirta">#info</a></div>'
            '<div class="tgme_widget_message_footer compact js-message_footer"><div class="tgme_widget_message_info short js-message_info">'
            f'<span class="tgme_widget_message_views">{n}.{n % 10}K</span><span class="tgme_widget_message_meta">'
            f'<a class="tgme_widget_message_date" href="https://t.me/infotirta/{n}"><time datetime="{when}" class="time">07:00</time></a>'
            "</span></div></div></div></div></div>"
        )

    def handle(self, call: Call) -> Answer:
        assert call.path == "/s/infotirta"
        top = int(call.params.get("before", self.count + 1)) - 1
        ids = list(range(max(1, top - 19), top + 1))
        page = "".join(self.message(n) for n in ids)  # oldest first, as t.me shows them
        return Answer(
            200,
            f"<!DOCTYPE html><html><body><section class='tgme_channel_history js-message_history'>{page}</section></body></html>",
        )


def test_telegram_pages_back_with_before_until_the_last_seen_message(serve):
    server = serve(FakeTelegram(messages=30))
    source = make_collector("telegram", "tg", username="infotirta", base_url=server.url)
    first = source.collect({}, NOW)
    assert len(first.mentions) == 30 and first.cursor == {"last_id": 30}
    assert [c.params.get("before") for c in server.calls] == [None, "11"]
    message = next(m for m in first.mentions if m.platform_id == "infotirta/12")
    assert message.url == "https://t.me/infotirta/12" and message.author_name == "Info Kota Tirtamulya"
    assert message.reach == 12200 and message.published_at == T0 + timedelta(minutes=12)
    assert message.text.startswith(POSTS[0].split(",")[0]) and "#info" in message.text
    server.count = 75  # 45 new while the monitor was down: three pages, two this run
    second = make_collector("telegram", "tg", username="infotirta", base_url=server.url, max_pages=2).collect(
        first.cursor, NOW
    )
    third = make_collector("telegram", "tg", username="infotirta", base_url=server.url, max_pages=2).collect(
        second.cursor, NOW
    )
    ids = sorted(int(m.platform_id.split("/")[1]) for r in (second, third) for m in r.mentions)
    assert ids == list(range(31, 76)) and third.cursor == {"last_id": 75}
