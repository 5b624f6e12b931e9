"""Timelines for the evaluation tests, written for them (no text is copied from the web).

- `release_week()`: the Ministry of Social Affairs' release on an extra food aid (Rp300 ribu per
  family, 1,2 juta families, from 1 December), twelve news outlets that carry it (two change a
  number: "Rp3 juta", "12 juta keluarga"), posts that quote it in slang, and the week's other
  talk about floods and social aid that does not carry it.
- `crisis(...)`: hours of public talk about a complaint with a chosen volume and negative share
  per hour, over weeks of ordinary talk at the same hours (the seasonal baseline).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta

from monitor.records import OFFICIAL, Classification, EnrichedMention, Mention, mention_id
from monitor.text.dedupe import story_id
from monitor.text.normalize import normalize_for_match
from monitor.values import Sentiment

# Monday 23 November 2026, 10:00 WIB: the release goes out.
RELEASED = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)


def item(
    text: str,
    *,
    at: datetime,
    source: str,
    title: str = "",
    channel: str = "news",
    url: str | None = None,
    author: str | None = None,
    sentiment: str | None = "neutral",
    watchlists: Iterable[str] = (),
    reach: int | None = None,
    role: str | None = None,
    key: str | None = None,
) -> EnrichedMention:
    """A stored mention as the enrich stage would have made it (story id from its text)."""
    identity = mention_id(source, url=url) if url else mention_id(source, platform_id=key or f"{text}|{at.isoformat()}")
    mention = Mention(
        id=identity,
        source=source,
        channel=channel,
        url=url,
        title=title,
        text=text,
        published_at=at,
        collected_at=at + timedelta(minutes=2),
        author=author,
        reach=reach,
        role=role,
    )
    classification = Classification(
        sentiment=Sentiment(sentiment) if sentiment else None,
        scores={},
        topics=(),
        topic_scores={},
        flags=(),
        model="uji",
    )
    norm_title, norm_text = normalize_for_match(title), normalize_for_match(text)
    normalized = f"{norm_title} {norm_text}".strip()
    return EnrichedMention(mention, normalized, classification, tuple(watchlists), story_id(norm_title, normalized))


RELEASE_TITLE = "Kemensos Salurkan Bantuan Pangan Rp300 Ribu per Keluarga mulai 1 Desember"
RELEASE_TEXT = (
    "Jakarta – Kementerian Sosial menyalurkan bantuan pangan tambahan sebesar Rp300 ribu per keluarga "
    "kepada 1,2 juta keluarga penerima manfaat (KPM) di 14 provinsi terdampak banjir. Penyaluran dimulai "
    "1 Desember 2026 melalui kantor pos dan bank Himbara. Menteri Sosial Tri Wahyuni Saputri mengatakan "
    'bantuan diberikan selama tiga bulan dengan total anggaran Rp1,08 triliun. "Kami pastikan bantuan '
    'tepat sasaran dan tidak dipotong sepeser pun," kata Tri di Jakarta, Senin (23/11/2026). Warga yang '
    "belum terdaftar dapat mengecek status kepesertaan melalui aplikasi Cek Bansos."
)


def release() -> EnrichedMention:
    return item(
        RELEASE_TEXT,
        title=RELEASE_TITLE,
        at=RELEASED,
        source="rilis-kemensos",
        url="https://kemensos.go.id/berita/bantuan-pangan-tambahan-banjir",
        role=OFFICIAL,
        watchlists=("bansos",),
    )


# (outlet, minutes after the release, title, text, reach). Each outlet writes it its own way.
OUTLETS: list[tuple[str, int, str, str, int]] = [
    (
        "detik.com",
        38,
        "Kemensos Cairkan Bantuan Pangan Rp 300.000 untuk 1,2 Juta Keluarga",
        "Kementerian Sosial (Kemensos) akan menyalurkan bantuan pangan tambahan Rp 300.000 per keluarga bagi "
        "1,2 juta KPM di 14 provinsi yang terdampak banjir. Penyaluran dijadwalkan mulai 1 Desember 2026 lewat "
        "PT Pos Indonesia dan bank Himbara. Menteri Sosial Tri Wahyuni Saputri menyebut total anggarannya "
        "mencapai Rp1,08 triliun untuk tiga bulan.",
        310_000,
    ),
    (
        "kompas.com",
        52,
        "Korban Banjir di 14 Provinsi Dapat Bantuan Pangan Tambahan dari Kemensos",
        "Keluarga penerima manfaat di 14 provinsi terdampak banjir akan menerima bantuan pangan tambahan "
        "sebesar tiga ratus ribu rupiah per keluarga setiap bulan. Menurut Kementerian Sosial, bantuan itu "
        "menyasar 1.200.000 keluarga dan mulai disalurkan Selasa (1/12/2026) melalui kantor pos serta bank "
        "Himbara selama tiga bulan.",
        280_000,
    ),
    (
        "antaranews.com",
        65,
        "Kemensos salurkan bantuan pangan Rp300 ribu bagi korban banjir",
        "Kementerian Sosial menyalurkan bantuan pangan Rp300 ribu per keluarga untuk 1,2 juta keluarga "
        "penerima manfaat di 14 provinsi mulai 1 Desember 2026. Tahun lalu, bantuan serupa menjangkau 900 "
        "ribu keluarga di sembilan provinsi. Menteri Sosial Tri Wahyuni Saputri memastikan bantuan tidak "
        "dipotong dan warga dapat mengecek kepesertaan lewat aplikasi Cek Bansos.",
        120_000,
    ),
    (
        "tempo.co",
        80,
        "Kemensos Beri Bantuan Pangan Rp3 Juta untuk Korban Banjir",
        "Kementerian Sosial akan memberikan bantuan pangan tambahan senilai Rp3 juta per keluarga kepada "
        "1,2 juta keluarga penerima manfaat di 14 provinsi terdampak banjir. Bantuan mulai disalurkan 1 "
        "Desember 2026 melalui kantor pos dan bank Himbara selama tiga bulan, kata Menteri Sosial Tri "
        "Wahyuni Saputri di Jakarta.",
        150_000,
    ),
    (
        "cnnindonesia.com",
        95,
        "Bantuan Pangan Banjir Rp300 Ribu Cair 1 Desember, Ini Sasarannya",
        "Pemerintah melalui Kementerian Sosial menyalurkan bantuan pangan Rp300 ribu/keluarga untuk 1,2 juta "
        "KPM korban banjir di 14 provinsi. Total anggaran yang disiapkan Rp1,08 T selama tiga bulan, dengan "
        "penyaluran mulai 1 Desember 2026 lewat kantor pos dan bank Himbara.",
        200_000,
    ),
    (
        "liputan6.com",
        110,
        "Kemensos Salurkan Bantuan Pangan untuk 12 Juta Keluarga Korban Banjir",
        "Sebanyak 12 juta keluarga penerima manfaat di 14 provinsi terdampak banjir akan mendapat bantuan "
        "pangan tambahan Rp300 ribu per keluarga dari Kementerian Sosial. Penyaluran dimulai 1 Desember 2026 "
        "melalui kantor pos dan bank Himbara, ujar Menteri Sosial Tri Wahyuni Saputri.",
        170_000,
    ),
    (
        "tribunnews.com",
        130,
        "Asyik! Bansos Pangan Rp300 Ribu Cair 1 Desember, Begini Cara Cek Penerimanya",
        "Kabar gembira bagi korban banjir. Kementerian Sosial menyalurkan bantuan pangan tambahan Rp300 ribu "
        "per keluarga kepada 1,2 juta KPM di 14 provinsi mulai 1 Desember 2026. Warga yang belum terdaftar "
        "bisa mengecek status kepesertaan lewat aplikasi Cek Bansos.",
        450_000,
    ),
    (
        "okezone.com",
        150,
        "Anggaran Rp1,1 Triliun untuk Bantuan Pangan Korban Banjir",
        "Kementerian Sosial menyiapkan anggaran sekitar Rp1,1 triliun untuk bantuan pangan tambahan bagi 1,2 "
        "juta keluarga penerima manfaat di 14 provinsi terdampak banjir. Setiap keluarga menerima Rp300 ribu "
        "selama tiga bulan mulai 1 Desember 2026 melalui kantor pos dan bank Himbara.",
        90_000,
    ),
    (
        "republika.co.id",
        175,
        "Kemensos: Bantuan Pangan Tambahan Tidak Boleh Dipotong",
        "Menteri Sosial Tri Wahyuni Saputri menegaskan bantuan pangan tambahan Rp300.000 per keluarga bagi "
        "korban banjir tidak boleh dipotong sepeser pun. Bantuan untuk 1,2 juta keluarga penerima manfaat di "
        "14 provinsi itu mulai disalurkan 1 Des 2026 melalui kantor pos dan bank Himbara.",
        60_000,
    ),
    (
        "suara.com",
        210,
        "Cara Cek Penerima Bantuan Pangan Kemensos Rp300 Ribu",
        "Warga korban banjir di 14 provinsi dapat mengecek apakah terdaftar sebagai penerima bantuan pangan "
        "tambahan Rp300 ribu per keluarga melalui aplikasi Cek Bansos. Kementerian Sosial menyebut bantuan "
        "untuk 1,2 juta keluarga penerima manfaat mulai cair 1 Desember 2026; layanan kantor pos dibuka pukul "
        "08.00 WIB.",
        75_000,
    ),
    (
        "jawapos.com",
        260,
        "Mensos Tri Wahyuni Saputri Umumkan Bantuan Pangan Tambahan Korban Banjir",
        "Menteri Sosial Tri Wahyuni Saputri mengumumkan bantuan pangan tambahan Rp300 ribu per keluarga untuk "
        "1,2 juta keluarga penerima manfaat di 14 provinsi terdampak banjir, Senin (23/11/2026). Penyaluran "
        "mulai 1 Desember 2026 melalui kantor pos dan bank Himbara selama tiga bulan.",
        140_000,
    ),
    (
        "idntimes.com",
        420,
        "Korban Banjir Dapat Bantuan Pangan Rp300 Ribu per Keluarga",
        "Kementerian Sosial menyalurkan bantuan pangan tambahan Rp300 ribu per keluarga bagi 1,2 juta keluarga "
        "penerima manfaat di 14 provinsi terdampak banjir mulai 1 Desember 2026.",
        55_000,
    ),
]
CHANGED_OUTLETS = {"tempo.co", "liputan6.com"}

# Posts that quote the release in their own words (pickups that are not outlets).
QUOTING_POSTS = [
    (
        "ibu_rina_bks",
        140,
        "Alhamdulillah bansos pangan 300rb/KK cair tgl 1 Des 🙏 buat 1,2 jt KPM di 14 provinsi kena banjir. "
        "cek kepesertaan di aplikasi Cek Bansos ya gaes",
        "positive",
    ),
    (
        "bang_oji",
        300,
        "bantuan pangan tambahan 300 ribu per keluarga dr kemensos buat korban banjir mana cukup min 😤 "
        "harga beras aja naik terus, penyaluran lewat kantor pos pula antri lagi dah",
        "negative",
    ),
]

# The week's other talk: about floods and social aid, not carrying the release.
OTHER_TALK = [
    ("news", "warta-bekasi.id", 30, "Banjir di Bekasi Belum Surut, Warga Butuh Perahu Karet",
     "Genangan setinggi satu meter masih merendam tiga kelurahan di Bekasi. Warga meminta tambahan perahu karet "
     "dan dapur umum dari pemerintah daerah.", "negative"),
    ("social", "mbak_sri88", 90, "",
     "bansos blm cair2 di desa kami, udh 3 bulan nunggu 😭 RT bilang datanya belum masuk", "negative"),
    ("news", "kabarpasar.id", 200, "Harga Cabai dan Beras Naik Jelang Akhir Tahun",
     "Harga cabai rawit di pasar induk naik menjadi Rp80 ribu per kilogram, sementara beras medium naik Rp1.000 "
     "per kilogram dibanding pekan lalu.", "neutral"),
    ("social", "kang_asep", 330, "",
     "Banjir lagi banjir lagi, pemda kemana aja sih? Saluran air mampet dari kapan tau 😡", "negative"),
    ("news", "warta-bekasi.id", 500, "Pemkot Bekasi Buka Posko Pengungsian di Tiga Kecamatan",
     "Pemerintah Kota Bekasi membuka posko pengungsian bagi 2.300 warga terdampak banjir di tiga kecamatan.",
     "neutral"),
    ("social", "pak_dodi", 1500, "",
     "Bantuan sosial tunai buat lansia kapan cair ya min? Ibu saya belum terima dari bulan Agustus", "neutral"),
]  # fmt: skip


def release_week() -> list[EnrichedMention]:
    """The release, its pickups and the other talk of its days; one copy published before the
    release (a leak) and one after the pickup window, which do not count."""
    items = [release()]
    for host, minutes, title, text, reach in OUTLETS:
        items.append(
            item(
                text,
                title=title,
                at=RELEASED + timedelta(minutes=minutes),
                source=f"berita-{host.split('.')[0]}",
                url=f"https://www.{host}/read/2026/11/23/bantuan-pangan-{minutes}",
                reach=reach,
                watchlists=("bansos",),
            )
        )
    for author, minutes, text, sentiment in QUOTING_POSTS:
        items.append(
            item(
                text,
                at=RELEASED + timedelta(minutes=minutes),
                source="x-bansos",
                channel="social",
                author=author,
                sentiment=sentiment,
                reach=2_000,
                watchlists=("bansos",),
            )
        )
    for channel, who, minutes, title, text, sentiment in OTHER_TALK:
        news = channel == "news"
        items.append(
            item(
                text,
                title=title,
                at=RELEASED + timedelta(minutes=minutes),
                source=who if news else "x-bansos",
                channel=channel,
                url=f"https://{who}/berita/{minutes}" if news else None,
                author=None if news else who,
                sentiment=sentiment,
            )
        )
    # The detik text a day early (an embargo broken elsewhere), and a recap after the window.
    host, _, title, text, _ = OUTLETS[0]
    items.append(
        item(text, title=title, at=RELEASED - timedelta(hours=20), source="bocoran", url="https://bocoran.id/a")
    )
    items.append(
        item(text, title=title, at=RELEASED + timedelta(days=3, hours=2), source="rekap", url="https://rekap.id/b")
    )
    return items


# -- crises ------------------------------------------------------------------------------------

HourPlan = Callable[[int], tuple[int, float]]


def hourly_posts(
    start: datetime,
    hours: int,
    plan: HourPlan,
    *,
    topic: str,
    watchlists: Iterable[str] = ("layanan",),
    prefix: str = "p",
) -> list[EnrichedMention]:
    """`plan(h)` gives (posts, negative share) for hour h after `start`; the posts of an hour are
    spread over it, the negative ones first."""
    items = []
    for h in range(hours):
        count, negative = plan(h)
        negatives = round(count * negative)
        for i in range(count):
            at = start + timedelta(hours=h, minutes=60 * i / max(count, 1))
            sentiment = "negative" if i < negatives else ("neutral" if i % 3 else "positive")
            text = (
                f"{topic}: antrean {'panjang bgt, petugas ga jelas 😡' if sentiment == 'negative' else 'lumayan lancar'} "
                f"#{prefix}{h}x{i}"
            )
            items.append(
                item(
                    text,
                    at=at,
                    source="x-layanan",
                    channel="social",
                    author=f"warga{(h * 37 + i) % 500}",
                    sentiment=sentiment,
                    watchlists=watchlists,
                    key=f"{prefix}-{h}-{i}",
                )
            )
    return items


def ordinary_weeks(
    before: datetime, weeks: int, *, per_hour: int = 4, negative: float = 0.2, topic: str, hours: int = 48
) -> list[EnrichedMention]:
    """The same hours of earlier weeks (the days around `before`, one week back at a time):
    ordinary talk, `per_hour` posts an hour, `negative` of them negative."""
    items = []
    for week in range(1, weeks + 1):
        start = before - timedelta(weeks=week, hours=hours // 2)
        items += hourly_posts(start, hours, lambda h: (per_hour, negative), topic=topic, prefix=f"w{week}-")
    return items


def as_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)
