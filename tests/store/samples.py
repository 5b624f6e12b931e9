"""Mentions every store test uses: a flood in North Jakarta and a social-aid queue, in the
formal, slang and alay Indonesian the monitor really sees (written for these tests)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from monitor.records import Classification, EnrichedMention, Mention
from monitor.text.normalize import normalize_for_match
from monitor.values import Sentiment

DAY = datetime(2026, 11, 2, tzinfo=UTC)


def make(
    mention_id: str,
    at: timedelta,
    *,
    source: str,
    channel: str,
    title: str,
    text: str,
    sentiment: Sentiment | None,
    topics: tuple[str, ...] = (),
    flags: tuple[str, ...] = (),
    watchlists: tuple[str, ...] = (),
    author: str | None = None,
    reach: int | None = None,
    story_id: str | None = None,
    platform_id: str | None = None,
    author_name: str | None = None,
    also_seen_in: tuple[str, ...] = (),
    role: str | None = None,
) -> EnrichedMention:
    published = DAY + at
    mention = Mention(
        id=mention_id,
        source=source,
        channel=channel,
        url=f"https://contoh.id/{mention_id}",
        title=title,
        text=text,
        published_at=published,
        collected_at=published + timedelta(minutes=3),
        author=author,
        language="id",
        engagement=None if reach is None else reach // 10,
        reach=reach,
        platform_id=platform_id,
        author_name=author_name,
        also_seen_in=also_seen_in,
        role=role,
    )
    scores = (
        {sentiment.value: 0.81, "neutral": 0.12}
        if sentiment and sentiment is not Sentiment.NEUTRAL
        else {"neutral": 0.9}
    )
    classification = Classification(
        sentiment=sentiment,
        scores=scores,
        topics=topics,
        topic_scores=dict.fromkeys(topics, 0.7),
        flags=flags,
        model="lexicon-v1",
        language="id",
        reason=None if sentiment else "teks kosong",
    )
    return EnrichedMention(
        mention=mention,
        normalized_text=normalize_for_match(f"{title} {text}"),
        classification=classification,
        watchlists=watchlists,
        story_id=story_id,
    )


MENTIONS = [
    make(
        "m1",
        timedelta(hours=1, minutes=15),
        source="detik",
        channel="news",
        title="Banjir rob rendam Muara Baru, warga minta pompa tambahan",
        text="Air laut naik lagi pagi ini. Warga Muara Baru bilang pompa dari pemkot gk nyala sejak subuh.",
        sentiment=Sentiment.NEGATIVE,
        topics=("bencana", "infrastruktur"),
        flags=("keluhan",),
        watchlists=("banjir",),
        reach=120_000,
        story_id="s-rob",
        # The same article came through two more feeds; detik carried it first.
        also_seen_in=("antara", "google-news-rob"),
    ),
    make(
        "m2",
        timedelta(hours=1, minutes=40),
        # The provincial government's own press-release feed: an official mention.
        source="rilis-pemprov",
        channel="news",
        role="official",
        title="Pemprov kirim pompa mobile ke Muara Baru",
        text="Dinas SDA mengerahkan lima pompa mobile; genangan ditargetkan surut sore ini.",
        sentiment=Sentiment.NEUTRAL,
        topics=("bencana",),
        watchlists=("banjir",),
        reach=95_000,
        story_id="s-rob",
    ),
    make(
        "m3",
        timedelta(hours=2, minutes=10),
        source="x",
        channel="social",
        author="@wargajkt",
        author_name="Warga Jakarta Utara",
        platform_id="1860000000000000042",
        title="",
        text="b4nj1r lg di muara baru 😭😭 pompa mana pompaaa #banjirjakarta",
        sentiment=Sentiment.NEGATIVE,
        topics=("bencana",),
        flags=("keluhan", "viral"),
        watchlists=("banjir",),
        reach=4_000,
    ),
    make(
        "m4",
        timedelta(hours=3, minutes=5),
        source="x",
        channel="social",
        author="@wargajkt",
        title="",
        text="Alhamdulillah air udh surut, makasih petugas damkar & dishub 🙏 mantul pokoknya",
        sentiment=Sentiment.POSITIVE,
        topics=("layanan",),
        reach=800,
    ),
    make(
        "m5",
        timedelta(hours=5, minutes=30),
        source="mastodon",
        channel="social",
        author="@sitinur",
        title="",
        text="Antrean bansos di kelurahan Cilincing panjang bgt, lansia sampe pingsan. Tolong dong diatur 🙏",
        sentiment=Sentiment.NEGATIVE,
        topics=("bansos",),
        flags=("keluhan",),
        watchlists=("bansos",),
    ),
    make(
        "m6",
        timedelta(hours=6),
        source="tempo",
        channel="news",
        author="Redaksi Tempo",
        title="Gubernur tinjau lokasi banjir, janji perbaiki tanggul",
        text="Kunjungan dilakukan setelah banjir rob merendam tiga RW. Warga masih menunggu kepastian jadwal.",
        sentiment=Sentiment.NEUTRAL,
        topics=("bencana", "infrastruktur"),
        watchlists=("banjir",),
    ),
    # No sentiment (empty text): the store must keep a None sentiment as None.
    make(
        "m7",
        timedelta(hours=7, minutes=59),
        source="youtube",
        channel="social",
        author="Kanal Warga",
        title="Live: kondisi pompa Pluit",
        text="",
        sentiment=None,
    ),
]
BY_ID = {m.id: m for m in MENTIONS}
