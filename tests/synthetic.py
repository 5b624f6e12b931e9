"""Synthetic Indonesian social-media talk about one topic (vaccination), for replay tests and the
replay benchmark. Every text here is our own writing, assembled from phrase pools.

`Talk` is the ordinary background: Poisson posts per hour with a daily rhythm (quiet nights,
busy mornings and evenings), a weekly one (Mondays busiest, Sundays quietest), quieter public
holidays and cuti bersama, and Ramadan's moved hours (sahur before dawn, buka puasa at dusk).
The scenario functions add what a crisis team must hear about: a launch-day burst, a paraphrased
campaign pushed by many new accounts, a hoax with its official clarification, and a pro-vaccine
post that only *mentions* hoaxes.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from monitor.rules.calendar import Calendar

WIB = ZoneInfo("Asia/Jakarta")

# Share of a day's posts per local hour on an ordinary day, and during Ramadan.
DAY_SHAPE = [
    0.2,
    0.1,
    0.1,
    0.1,
    0.2,
    0.5,
    1.0,
    1.6,
    1.9,
    2.0,
    2.0,
    1.8,
    1.6,
    1.5,
    1.4,
    1.3,
    1.4,
    1.6,
    1.7,
    2.0,
    2.1,
    1.8,
    1.2,
    0.6,
]
RAMADAN_SHAPE = [
    0.6,
    0.3,
    0.9,
    1.6,
    1.4,
    0.6,
    0.5,
    0.9,
    1.2,
    1.3,
    1.3,
    1.1,
    1.0,
    0.9,
    0.8,
    0.8,
    1.0,
    1.5,
    1.1,
    2.0,
    2.2,
    2.0,
    1.4,
    1.0,
]
WEEKDAY = [1.25, 1.1, 1.1, 1.05, 0.95, 0.7, 0.6]
HOLIDAY = 0.35

OPENERS = [
    "",
    "",
    "",
    "Gaes, ",
    "Min, ",
    "Jujur ya, ",
    "Duh, ",
    "Alhamdulillah, ",
    "Btw ",
    "Sumpah ",
    "Nuwun sewu, ",
    "Punten, ",
    "Lur, ",
    "Wkwk ",
]
TOPICS = [
    "vaksin dosis kedua",
    "jadwal vaksinasi",
    "vaksin booster",
    "antrean vaksin",
    "sertifikat vaksin",
    "vaksinasi lansia",
    "vaksin buat anak sekolah",
    "sentra vaksin",
    "tiket vaksin",
    "efek samping vaksin",
    "stok vaksin",
    "vaksin di puskesmas",
    "pendaftaran vaksin online",
    "vaksin gratis",
]
NEUTRAL = [
    "{t} di kelurahan kami mulai besok jam 8, bawa KTP sama KK ya",
    "ada yg tau {t} di kecamatan sebelah masih buka ga?",
    "info {t} minggu ini katanya lewat aplikasi, cek aja",
    "td nanya ke RT soal {t}, katanya nunggu kabar dari dinkes",
    "{t} sekarang bisa daftar lewat link resmi pemkot",
    "lagi nunggu giliran {t}, nomor antrean 143 😅",
    "mulai pekan depan {t} pindah ke GOR kecamatan",
]
POSITIVE = [
    "{t} lancar jaya, petugasnya ramah pisan 👍",
    "alhamdulillah beres {t}, ga sampe 20 menit 🙏",
    "salut sama nakes yg ngurus {t} sampe malem, matur nuwun",
    "{t} di puskesmas rapi bgt, mantul",
    "akhirnya kebagian {t}, lega rasanya 😊",
]
NEGATIVE = [
    "{t} molor terus, udah 3 jam nunggu 😤",
    "kecewa sama {t}, kuotanya abis padahal udah daftar",
    "{t} ribet bgt, aplikasinya error mulu",
    "pegel nunggu {t} dari subuh, ga ada kepastian",
    "{t} ga jelas infonya, tiap tanya jawabannya beda2 😡",
]
CLOSERS = ["", "", "", " 🙏", " 😅", " wkwk", " huft", " #vaksinasi", " #ayovaksin", " cuy", " euy", " yo", " lho"]

LAUNCH = [
    "Hari ini vaksinasi nasional resmi dimulai, presiden jadi yg pertama disuntik",
    "Lagi nonton live peluncuran vaksinasi, deg2an juga ya",
    "Presiden udah divaksin pagi ini, semoga lancar buat semua",
    "Akhirnya vaksinasi dimulai hari ini, nakes duluan ya",
    "Peluncuran vaksin hari ini rame banget di timeline",
    "Yg disuntik pertama pagi ini ternyata beberapa tokoh juga",
    "Vaksinasi perdana hari ini disiarkan langsung, banyak yg nonton",
    "Semoga peluncuran vaksinasi hari ini jadi awal yg baik",
    "Hari pertama vaksinasi nasional, antusias warga tinggi",
]
LAUNCH_TAILS = ["", " 🇮🇩", " #vaksinasi", " bismillah", " semoga aman", " cmiiw", " mantap", " ayo dukung"]

# The campaign: one narrative ("Vaksin Merah Putih" is the people's own vaccine), many ways to say it.
CAMPAIGN_CLAIMS = [
    [
        "Vaksin Merah Putih adalah bukti kemandirian bangsa kita.",
        "Vaksin Merah Putih menunjukkan Indonesia sanggup berdiri di kaki sendiri.",
        "Dengan Vaksin Merah Putih kita tidak lagi bergantung pada negara lain.",
        "Kemandirian kesehatan nyata lewat Vaksin Merah Putih.",
        "Vaksin Merah Putih membuktikan kita bangsa yang mandiri.",
    ],
    [
        "Para peneliti dalam negeri sudah bekerja siang malam untuk ini.",
        "Ilmuwan kita sendiri yang meracik vaksin ini dengan teliti.",
        "Ini hasil kerja keras peneliti anak negeri, bukan impor.",
        "Karya anak bangsa yang disusun oleh para periset kampus kita.",
        "Hasil keringat peneliti lokal yang patut kita hargai.",
    ],
    [
        "Sudah saatnya kita bangga dan mendukung penuh.",
        "Mari kita dukung tanpa ragu sedikit pun.",
        "Ayo tunjukkan dukungan kita sebagai warga negara.",
        "Jangan ragu, dukung produk dalam negeri ini.",
        "Kita wajib bangga dan ikut menyukseskannya.",
    ],
    [
        "Siapa lagi yang akan percaya kalau bukan kita sendiri?",
        "Kalau bukan kita yang mendukung, siapa lagi?",
        "Bangsa besar menghargai karya ilmuwannya sendiri.",
        "Negara maju selalu memulai dari produk sendiri.",
        "Percaya pada kemampuan bangsa sendiri itu penting.",
    ],
    [
        "Jangan mau termakan keraguan dari pihak asing.",
        "Abaikan suara sumbang yang meremehkan karya kita.",
        "Yang meragukan biasanya belum membaca hasil ujinya.",
        "Keraguan itu sengaja dihembuskan oleh pesaing.",
        "Tidak perlu dengar nyinyiran orang yang iri.",
    ],
]
CAMPAIGN_TAGS = ["#VaksinMerahPutih", "#VaksinMerahPutih #BanggaBuatanIndonesia", "#KaryaAnakBangsa", "", ""]

HOAX_CLAIM = "Vaksin covid ternyata mengandung chip pelacak dari luar negeri! Bukan hoaks, sebarkan sebelum dihapus!!"
CLARIFICATION_TITLE = "[HOAKS] Vaksin COVID-19 Mengandung Chip Pelacak"
CLARIFICATION_TEXT = (
    "Beredar pesan berantai yang menyebut vaksin COVID-19 mengandung chip pelacak. Faktanya vaksin tidak "
    "mengandung chip apa pun; kandungan vaksin sudah diuji BPOM."
)
DEBUNK_POST = (
    "Gaes baca info resmi dari Kemenkes aja, jangan percaya hoaks soal vaksin yg beredar di grup WA 🙏 vaksin aman kok"
)


@dataclass
class Post:
    id: str
    text: str
    published_at: datetime
    author: str
    source: str = "x"
    channel: str = "social"
    title: str = ""
    url: str | None = None
    likes: int = 0

    def to_json(self) -> str:
        data: dict[str, object] = {
            "id": self.id,
            "text": self.text,
            "published_at": self.published_at.astimezone(WIB).isoformat(),
            "author": self.author,
            "source": self.source,
            "channel": self.channel,
            "likes": self.likes,
        }
        if self.title:
            data["title"] = self.title
        if self.url:
            data["url"] = self.url
        return json.dumps(data, ensure_ascii=False)


@dataclass
class Talk:
    """The ordinary background talk; `per_day` is an ordinary weekday's volume."""

    seed: int = 7
    per_day: float = 10.0
    calendar: Calendar = field(default_factory=Calendar)
    accounts: int = 600
    # A slow drift: the topic grows or fades over months (a multiplier per day of the period).
    trend: float = 0.0
    # Mean replies a post draws (geometric): talk comes in small clusters, as on any platform.
    replies: float = 0.4

    def posts(self, start: datetime, end: datetime) -> list[Post]:
        rng = random.Random(self.seed)
        authors = [f"warga_{i:04d}" for i in range(self.accounts)]
        weights = [1 / (1 + i) ** 0.8 for i in range(self.accounts)]
        out: list[Post] = []
        hour = start.astimezone(WIB).replace(minute=0, second=0, microsecond=0)
        shape_total, ramadan_total = sum(DAY_SHAPE), sum(RAMADAN_SHAPE)
        while hour < end:
            day = self.calendar.day(hour.date())
            days_in = (hour - start).total_seconds() / 86400
            volume = self.per_day * (1 + self.trend * days_in) * WEEKDAY[hour.weekday()]
            if day.kind == "holiday":
                volume *= HOLIDAY
            shape = RAMADAN_SHAPE if day.kind == "ramadan" else DAY_SHAPE
            rate = volume * shape[hour.hour] / (ramadan_total if day.kind == "ramadan" else shape_total)
            # Conversations, not a Poisson process: some posts draw a few replies within minutes,
            # back and forth between the poster and one or two others.
            for _ in range(_poisson(rng, rate / (1 + self.replies))):
                moment = hour + timedelta(seconds=rng.uniform(0, 3600))
                thread = [moment]
                while rng.random() < self.replies / (1 + self.replies) and len(thread) < 8:
                    thread.append(thread[-1] + timedelta(minutes=rng.expovariate(1 / 4)))
                people = rng.choices(authors, weights, k=rng.choice((2, 2, 3)))
                for n, when in enumerate(thread):
                    if start <= when < end:
                        author = people[0] if n == 0 else rng.choice(people)
                        out.append(Post(f"bg-{len(out)}-{self.seed}", ordinary_text(rng), when.astimezone(UTC), author))
            hour += timedelta(hours=1)
        return sorted(out, key=lambda p: p.published_at)


def _poisson(rng: random.Random, rate: float) -> int:
    # Knuth's method: rates here are small (a few per hour).
    limit, k, product = pow(2.718281828459045, -rate), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def ordinary_text(rng: random.Random) -> str:
    pool = rng.choices([NEUTRAL, POSITIVE, NEGATIVE], weights=[5, 3, 2])[0]
    body = rng.choice(pool).format(t=rng.choice(TOPICS))
    return f"{rng.choice(OPENERS)}{body}{rng.choice(CLOSERS)}".strip()


def launch_day(
    onset: datetime, *, per_hour: float = 16, hours: float = 5, seed: int = 11, regulars: int = 40
) -> list[Post]:
    """A national launch: many accounts talk about it at once, fading after a few hours. Most of
    them are the people who talk about vaccines anyway (the most active `Talk` accounts)."""
    rng = random.Random(seed)
    out = []
    moment = onset
    end = onset + timedelta(hours=hours)
    while moment < end:
        fade = 1.0 if moment < onset + timedelta(hours=2) else 0.6
        moment += timedelta(hours=rng.expovariate(per_hour * fade))
        if moment < end:
            text = f"{rng.choice(OPENERS)}{rng.choice(LAUNCH)}{rng.choice(LAUNCH_TAILS)}".strip()
            author = f"warga_{rng.randrange(regulars):04d}" if rng.random() < 0.8 else f"penonton_{rng.randrange(5000)}"
            out.append(Post(f"launch-{len(out)}", text, moment.astimezone(UTC), author))
    return out


def campaign(
    onset: datetime, *, accounts: int = 122, posts: int = 124, within: timedelta = timedelta(hours=3), seed: int = 5
) -> list[Post]:
    """Many new accounts pushing one narrative in paraphrase: every post says it its own way."""
    rng = random.Random(seed)
    handles = [
        f"{rng.choice(['bela', 'cinta', 'bangga', 'suara', 'garda'])}{rng.choice(['nkri', 'negeri', 'pertiwi', 'rakyat'])}{rng.randrange(100, 999)}"
        for _ in range(accounts)
    ]
    out = []
    for i in range(posts):
        author = handles[i % accounts]
        sentences = [rng.choice(claim) for claim in rng.sample(CAMPAIGN_CLAIMS, k=rng.randint(3, 5))]
        text = " ".join(sentences) + (" " + rng.choice(CAMPAIGN_TAGS)).rstrip()
        # Waves: the accounts post in bursts of a few minutes, one wave every half hour or so.
        wave = rng.randrange(int(within / timedelta(minutes=30)))
        moment = onset + timedelta(minutes=30 * wave + rng.uniform(0, 8))
        out.append(Post(f"camp-{i}", text, moment.astimezone(UTC), author))
    return out


def hoax_with_clarification(claim_at: datetime) -> list[Post]:
    """The ministry's clarification (published the day before), then the hoax being spread."""
    return [
        Post(
            "klarifikasi-chip",
            CLARIFICATION_TEXT,
            (claim_at - timedelta(days=1)).astimezone(UTC),
            "kemenkes",
            source="kemenkes-rss",
            channel="news",
            title=CLARIFICATION_TITLE,
            url="https://www.kemkes.go.id/id/hoaks-vaksin-mengandung-chip",
        ),
        Post("hoaks-chip", HOAX_CLAIM, claim_at.astimezone(UTC), "pejuang_kebenaran88"),
    ]


def debunk_post(at: datetime) -> Post:
    return Post("debunk-1", DEBUNK_POST, at.astimezone(UTC), "bu_bidan_desa")


def write(posts: list[Post], path: object) -> None:
    from pathlib import Path

    lines = sorted(posts, key=lambda p: p.published_at)
    Path(str(path)).write_text("".join(p.to_json() + "\n" for p in lines), encoding="utf-8")


COMPLAINTS = [
    "stok vaksin di puskesmas habis lagi, udah 3x datang disuruh pulang 😡",
    "vaksin dosis 2 ga ada kabar, kuota katanya abis. kecewa bgt",
    "antre vaksin dari subuh terus dibilang stok habis, parah",
    "sentra vaksin tutup mendadak, warga terlantar di depan gedung",
    "jadwal vaksin dibatalin sepihak, ga ada pemberitahuan, kesel",
    "udah daftar online tp vaksinnya kosong, pelayanan buruk",
]


def complaint_surge(onset: datetime, *, per_hour: float = 14, hours: float = 4, seed: int = 21) -> list[Post]:
    """Many different people complaining at once: the vaccine ran out."""
    rng = random.Random(seed)
    out, moment = [], onset
    while moment < onset + timedelta(hours=hours):
        moment += timedelta(hours=rng.expovariate(per_hour))
        text = f"{rng.choice(OPENERS)}{rng.choice(COMPLAINTS)}{rng.choice(CLOSERS)}".strip()
        out.append(Post(f"keluhan-{len(out)}", text, moment.astimezone(UTC), f"warga_kecewa_{rng.randrange(3000)}"))
    return out


@dataclass(frozen=True)
class KnownOnset:
    onset: datetime
    name: str
    rules: tuple[str, ...]

    def to_json(self) -> str:
        return json.dumps(
            {"onset": self.onset.isoformat(), "name": self.name, "rules": list(self.rules)}, ensure_ascii=False
        )


def year(seed: int = 7) -> tuple[list[Post], list[KnownOnset]]:
    """2021 as a crisis team would have lived it: ordinary talk growing through the year, the
    launch on 13 January, Ramadan and Idulfitri, a hoax with its clarification, a vaccine
    shortage, and the campaign of 2 September."""
    start, end = datetime(2021, 1, 1, tzinfo=WIB), datetime(2022, 1, 1, tzinfo=WIB)
    posts = Talk(seed=seed, per_day=7.0, trend=0.0025).posts(start, end)
    launch = datetime(2021, 1, 13, 10, 0, tzinfo=WIB)
    hoax = datetime(2021, 7, 20, 19, 30, tzinfo=WIB)
    shortage = datetime(2021, 8, 10, 8, 0, tzinfo=WIB)
    push = datetime(2021, 9, 2, 7, 0, tzinfo=WIB)
    posts += launch_day(launch, seed=seed + 1)
    posts += hoax_with_clarification(hoax)
    posts.append(debunk_post(hoax + timedelta(hours=20)))
    posts += complaint_surge(shortage, seed=seed + 2)
    posts += campaign(push, seed=seed + 3)
    events = [
        KnownOnset(launch, "Peluncuran vaksinasi nasional", ("lonjakan*", "burst*")),
        KnownOnset(hoax, "Hoaks chip pelacak", ("hoaks*",)),
        KnownOnset(shortage, "Stok vaksin habis", ("lonjakan*", "burst*", "keluhan*", "sentimen*")),
        KnownOnset(push, "Kampanye Vaksin Merah Putih", ("lonjakan*", "burst*", "narasi*", "buzzer*")),
    ]
    return sorted(posts, key=lambda p: p.published_at), events
