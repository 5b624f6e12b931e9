"""Feeds and article pages for the collector tests, written for them (realistic Indonesian
news, not copied from any outlet)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

HEADLINES = [
    (
        "Banjir rendam Sukasari, BPBD evakuasi 120 warga ke GOR Cempaka",
        "Air setinggi lutut masuk rumah warga sejak subuh.",
    ),
    (
        "Pemkot Tirtamulya salurkan bansos tahap tiga pekan depan",
        "Sebanyak 4.200 keluarga penerima manfaat sudah terdata.",
    ),
    ("Warga keluhkan pompa air mati di Jalan Merdeka", "Pompa sudah tiga hari tidak menyala, genangan belum surut."),
    (
        "Dinkes: vaksin untuk usia &lt;18 tahun dan &gt;60 tahun diprioritaskan",
        "Jadwal vaksinasi dibuka di 12 puskesmas.",
    ),
    ("Harga cabai rawit tembus Rp80.000 per kilogram", "Pedagang pasar induk menyebut pasokan dari sentra berkurang."),
    ("DPRD minta audit dana bantuan banjir", "Komisi C meminta laporan penggunaan anggaran tanggap darurat."),
    ("Jembatan Cikaret ditutup sementara untuk perbaikan", "Pengendara diminta memutar lewat Jalan Pahlawan."),
    ("Polisi selidiki kabar bohong soal tanggul jebol", "Unggahan di media sosial itu dipastikan tidak benar."),
    ("Wali kota tinjau dapur umum di Kelurahan Cempaka", "Dapur umum menyiapkan 1.500 porsi makanan setiap hari."),
    ("Sekolah di tiga kecamatan diliburkan akibat banjir", "Kegiatan belajar dialihkan ke daring hingga Jumat."),
]
PUBLISHED = datetime(2026, 11, 20, 0, 0, tzinfo=UTC)


def item(i: int, base: str = "https://warta.contoh.id") -> str:
    title, summary = HEADLINES[i % len(HEADLINES)]
    when = format_datetime(PUBLISHED + timedelta(minutes=5 * i))
    return (
        f"<item><title>{title}</title><link>{base}/berita/{i}?utm_source=rss</link>"
        f"<guid>{base}/berita/{i}</guid><pubDate>{when}</pubDate>"
        f"<description>&lt;p&gt;{summary}&lt;/p&gt;</description></item>"
    )


def rss(count: int = 10, base: str = "https://warta.contoh.id", title: str = "Warta Uji") -> bytes:
    items = "".join(item(i, base) for i in range(count))
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>{base}</link>{items}</channel></rss>"
    ).encode()


def article(title: str, paragraphs: int = 6) -> bytes:
    body = "".join(
        f"<p>Paragraf {n + 1}: petugas BPBD Tirtamulya terus memantau ketinggian air di bantaran sungai, "
        "sementara relawan membagikan makanan siap saji dan selimut kepada pengungsi di GOR Cempaka.</p>"
        for n in range(paragraphs)
    )
    return (
        f"<!doctype html><html><head><title>{title}</title></head><body>"
        "<nav><a href='/'>Beranda</a> <a href='/nasional'>Nasional</a> <a href='/daerah'>Daerah</a></nav>"
        f"<article><h1>{title}</h1>{body}</article>"
        "<aside>Baca juga: Harga cabai naik lagi</aside><footer>Hak cipta Warta Uji</footer></body></html>"
    ).encode()
