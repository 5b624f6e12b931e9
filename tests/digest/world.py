"""A day of mentions for the digest tests, written for them: Kota Tirtamulya on Monday
23 November 2026 (WIB), a flood story syndicated by four outlets, angry posts in slang, a hoax
and its clarification, and a quiet week of social-aid talk before it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from timeline import enriched

from monitor.records import EnrichedMention

DAY = date(2026, 11, 23)
# 00:00 WIB on DAY.
MIDNIGHT = datetime(2026, 11, 22, 17, 0, tzinfo=UTC)
MARKUP_TITLE = '<script>alert("x")</script><table width="2000"><tr><td>Pemkot <b>gagal</b></td></tr></table><img src=x onerror=alert(1)>'
LONG_TITLE = (
    "Warga Kelurahan Sukasari dan Cempaka mengeluhkan lambatnya penanganan banjir oleh Pemerintah Kota "
    "Tirtamulya karena pompa di pintu air utama mati sejak subuh, perahu karet datang terlambat, dapur umum "
    "belum berdiri hingga siang, dan nomor darurat BPBD tidak dapat dihubungi berkali-kali sehingga warga "
    "terpaksa mengevakuasi lansia dan anak-anak dengan ban bekas serta mengungsi ke masjid dengan biaya sendiri"
)
UNBROKEN = "banjirbanjirbanjir" * 12


def at(hours: float, days_back: int = 0) -> datetime:
    """Local time `hours` after midnight, `days_back` days before DAY."""
    return MIDNIGHT + timedelta(hours=hours) - timedelta(days=days_back)


def titled(item: EnrichedMention, title: str) -> EnrichedMention:
    return replace(item, mention=replace(item.mention, title=title))


def the_day() -> list[EnrichedMention]:
    items = [
        # The flood story, syndicated: one story, four copies, first one at 06:10 WIB.
        *(
            enriched(
                f"Banjir rendam Sukasari dan Cempaka, BPBD tetapkan siaga ({source})",
                published=at(6 + i / 6),
                source=source,
                channel="news",
                author=None,
                sentiment="neutral" if i else "negative",
                watchlists=("banjir", "pemkot"),
                topics=("bencana",),
                story="s-banjir",
                reach=50_000 - i * 10_000,
            )
            for i, source in enumerate(("warta-kota", "kabar-nusantara", "portal-jabar", "radio-tirta"))
        ),
        enriched(
            "banjir lg banjir lg 😩 tiap taun sukasari tenggelam, pemkot ngapain aja sih? pompa mati",
            published=at(7),
            author="mas_bayu_",
            sentiment="negative",
            watchlists=("banjir", "pemkot"),
            topics=("bencana", "pelayanan_publik"),
            flags=("keluhan",),
            story="s-bayu",
            reach=8_100,
        ),
        enriched(
            "Tolong!! lansia terjebak di gang mawar, air sepinggang. BPBD blm dtg smp skrg 😭",
            published=at(7.5),
            author="nenek.sari",
            sentiment="negative",
            watchlists=("banjir",),
            topics=("bencana",),
            story="s-nenek",
            reach=15_400,
        ),
        enriched(
            "Wis jam 7 durung ono dapur umum neng cempaka, bocah-bocah luwe. Pemkot piye iki??",
            published=at(8),
            author="yuni_kitchen",
            sentiment="negative",
            watchlists=("banjir", "pemkot"),
            topics=("bencana",),
            story="s-yuni",
            reach=4_300,
        ),
        enriched(
            "VIRAL!! wali kota katanya liburan ke luar negeri pas warganya kebanjiran. Sebarkan!!",
            published=at(9),
            author="info_tirta",
            sentiment="negative",
            watchlists=("pemkot",),
            flags=("hoaks",),
            story="s-hoaks",
            reach=26_000,
        ),
        enriched(
            "Klarifikasi: Wali Kota Hendra Wijaya berada di posko GOR Cempaka sejak pagi, kabar liburan tidak benar.",
            published=at(10),
            author="pemkot_tirtamulya",
            sentiment="neutral",
            watchlists=("pemkot",),
            flags=("hoaks", "klarifikasi"),
            story="s-klarifikasi",
            reach=31_000,
        ),
        enriched(
            "Alhamdulillah dapur umum GOR cempaka udh buka, makasih relawan 🙏 mantul",
            published=at(12),
            author="ibu_ratna77",
            sentiment="positive",
            watchlists=("banjir",),
            topics=("bencana",),
            story="s-ratna",
            reach=2_100,
        ),
        enriched(
            "Bansos sembako udah nyampe ke gang mawar, alhamdulillah",
            published=at(14),
            author="nenek.sari",
            sentiment="positive",
            watchlists=("bansos",),
            topics=("sosial_bantuan",),
            story="s-bansos-hari",
            reach=2_600,
        ),
        # A title full of markup and a 400-character headline: escaped, clipped, never layout.
        titled(
            enriched(
                "Pemkot gagal total tangani banjir <br><br> #TirtamulyaTenggelam",
                published=at(15),
                author='<b onmouseover="x">akun</b>',
                sentiment="negative",
                watchlists=("pemkot",),
                story="s-markup",
                reach=9_000,
            ),
            MARKUP_TITLE,
        ),
        titled(
            enriched(
                "Warga mengeluh penanganan banjir lambat",
                published=at(16),
                author="rizal_ftr",
                sentiment="negative",
                watchlists=("banjir", "pemkot"),
                topics=("bencana",),
                story="s-panjang",
                reach=12_000,
            ),
            LONG_TITLE + " " + UNBROKEN,
        ),
        # No label: counted in the total, shown apart from the sentiments.
        enriched("📷📷", published=at(18), author="foto_kota", sentiment=None, watchlists=("pemkot",), story="s-foto"),
        # 00:10 WIB is DAY; 23:50 WIB the evening before is not.
        enriched(
            "Hujan deres dari semalem, ati2 yg lewat pasar",
            published=at(0.17),
            author="dimas",
            sentiment="neutral",
            watchlists=("banjir",),
            story="s-dimas",
        ),
        enriched(
            "Malam ini hujan lagi di Sukasari",
            published=at(-0.17),
            author="dimas",
            sentiment="neutral",
            watchlists=("banjir",),
            story="s-malam",
        ),
    ]
    # The quiet week before: social-aid talk every day, the odd complaint.
    for back in range(1, 8):
        for n in range(3):
            items.append(
                enriched(
                    f"Antrean bansos kelurahan {n} hari ini lancar",
                    published=at(10 + n, days_back=back),
                    author=f"warga{n}",
                    sentiment="positive" if n else "neutral",
                    watchlists=("bansos", "pemkot"),
                    topics=("sosial_bantuan",),
                    story=f"s-bansos-{back}-{n}",
                )
            )
        items.append(
            enriched(
                "Jalan di depan pasar berlubang, kapan diperbaiki pak",
                published=at(15, days_back=back),
                author="kopi_sore",
                sentiment="negative",
                watchlists=("pemkot",),
                topics=("infrastruktur",),
                story=f"s-jalan-{back}",
            )
        )
    return items
