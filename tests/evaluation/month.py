"""November 2026 at the Ministry of Social Affairs, written for the monthly report's tests and the
README's screenshot: four months (August to November) of ordinary talk about social aid
(`bansos`, a few dozen posts a day) and about the queues to collect it at post offices
(`layanan`, four posts an hour round the clock, one in four negative and one positive); the
releases of November (one carried by twelve outlets of which two change a number, one carried by
three outlets, one by nobody); and three crises about the queue with the ministry's answers: one
that helped, one that changed nothing, one to a crisis that was already fading. (The incidents
are written into the book as the engine would have left them; the monthly report finds and
judges their responses itself, as it does when the service was not running.)"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from monitor.config import RuleOptions
from monitor.db import StateDB
from monitor.evaluation.monthly import Month
from monitor.incidents.book import IncidentBook
from monitor.records import OFFICIAL, EnrichedMention
from monitor.store.base import MentionStore
from tests.evaluation.world import hourly_posts, item, release_week

WIB = ZoneInfo("Asia/Jakarta")
NOVEMBER = Month(2026, 11)
# When the report is made: 2 December 2026, 08:00 WIB.
REPORT_DAY = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)
QUEUE = "Antrean pencairan bansos di kantor pos"

# Posts a day about social aid in each month (Aug, Sep, Oct, Nov), and how many of each ten are
# negative and positive.
BANSOS_DAILY = [20, 22, 25, 30]
BANSOS_MOOD = (3, 3)
BANSOS_TEXT = "bansos pangan bulan ini {w} cair gak ya"
MOODS = {"negative": "ribet bgt 😤", "positive": "lancar alhamdulillah 🙏", "neutral": "info dong"}

# Three further releases besides the widely carried one (release_week): carried by three outlets,
# and one nobody carried.
SECOND_RELEASE = (
    datetime(2026, 11, 9, 4, 0, tzinfo=UTC),
    "Kemensos Buka Pendaftaran Program Keluarga Harapan Tahap II",
    "Kementerian Sosial membuka pendaftaran Program Keluarga Harapan tahap II mulai 10 November 2026 hingga "
    "30 November 2026 melalui aplikasi Cek Bansos dan kantor kelurahan. Kuota tahap ini 250 ribu keluarga.",
)
SECOND_PICKUPS = [
    ("detik.com", 50, "Pendaftaran PKH Tahap II Dibuka hingga 30 November",
     "Kementerian Sosial membuka pendaftaran Program Keluarga Harapan tahap II mulai 10 November 2026 sampai 30 "
     "November 2026 lewat aplikasi Cek Bansos dan kantor kelurahan, dengan kuota 250 ribu keluarga."),
    ("kompas.com", 95, "Cara Daftar PKH Tahap II lewat Aplikasi Cek Bansos",
     "Warga dapat mendaftar Program Keluarga Harapan tahap II melalui aplikasi Cek Bansos atau kantor kelurahan "
     "mulai 10 November 2026. Kementerian Sosial menyiapkan kuota 250 ribu keluarga."),
    ("antaranews.com", 240, "Kemensos buka pendaftaran PKH tahap II",
     "Kementerian Sosial membuka pendaftaran Program Keluarga Harapan tahap II hingga 30 November 2026 dengan "
     "kuota 250 ribu keluarga melalui aplikasi Cek Bansos."),
]  # fmt: skip
THIRD_RELEASE = (
    datetime(2026, 11, 16, 6, 0, tzinfo=UTC),
    "Kemensos Gelar Bimbingan Teknis Pendamping Sosial di Makassar",
    "Kementerian Sosial menggelar bimbingan teknis bagi 120 pendamping sosial se-Sulawesi Selatan di Makassar "
    "pada 16-18 November 2026 untuk memperkuat pendataan penerima bantuan.",
)

RULE = RuleOptions(name="keluhan-layanan", type="negative_surge", description="Keluhan antrean pencairan bansos")
# (name, onset, hours, plan, answered after the incident opened, opened after the onset)
CRISES = [
    ("ditanggapi", datetime(2026, 11, 4, 2, 0, tzinfo=UTC), 12, lambda h: (30, 0.72 if h < 3 else 0.41),
     timedelta(hours=2, minutes=10), timedelta(minutes=40)),
    ("tetap", datetime(2026, 11, 12, 6, 0, tzinfo=UTC), 12, lambda h: (30, 0.72),
     timedelta(hours=1, minutes=35), timedelta(minutes=40)),
    ("mereda", datetime(2026, 11, 19, 1, 0, tzinfo=UTC), 14,
     lambda h: (4 + round(60 * 0.5 ** (h / 2)), (0.8 + 60 * 0.5 ** (h / 2) * 0.85) / (4 + round(60 * 0.5 ** (h / 2)))),
     timedelta(hours=5), timedelta(minutes=20)),
]  # fmt: skip


def ordinary_talk() -> list[EnrichedMention]:
    """Talk about social aid every day of the four months, and about the queue every hour outside
    the crises (whose hours `crises` writes)."""
    items = []
    start = NOVEMBER.shifted(-3)
    for offset in range(4):
        month = start.shifted(offset)
        since, until = month.bounds(WIB)
        day = since
        count = BANSOS_DAILY[offset]
        negative, positive = BANSOS_MOOD
        while day < until:
            for i in range(count):
                slot = i % 10
                mood = "negative" if slot < negative else "positive" if slot < negative + positive else "neutral"
                items.append(
                    item(
                        f"{BANSOS_TEXT.format(w=i)}, {MOODS[mood]}",
                        at=day + timedelta(hours=2 + 12 * i / count),
                        source="x-publik",
                        channel="social",
                        author=f"bansos{i}",
                        sentiment=mood,
                        watchlists=("bansos",),
                        key=f"bansos-{day.date()}-{i}",
                    )
                )
            day += timedelta(days=1)
    since, _ = start.bounds(WIB)
    _, until = NOVEMBER.bounds(WIB)
    quiet = since
    for _, onset, hours, *_ in CRISES:
        items += hourly_posts(quiet, int((onset - quiet) / timedelta(hours=1)), lambda h: (4, 0.2), topic=QUEUE,
                              prefix=f"biasa{quiet:%m%d}-")  # fmt: skip
        quiet = onset + timedelta(hours=hours)
    items += hourly_posts(quiet, int((until - quiet) / timedelta(hours=1)), lambda h: (4, 0.2), topic=QUEUE,
                          prefix=f"biasa{quiet:%m%d}-")  # fmt: skip
    return items


def releases() -> list[EnrichedMention]:
    items = release_week()
    for at, title, text in (SECOND_RELEASE, THIRD_RELEASE):
        items.append(
            item(text, title=title, at=at, source="rilis-kemensos", url=f"https://kemensos.go.id/berita/{at.day}",
                 role=OFFICIAL, watchlists=("bansos",))
        )  # fmt: skip
    for host, minutes, title, text in SECOND_PICKUPS:
        items.append(
            item(text, title=title, at=SECOND_RELEASE[0] + timedelta(minutes=minutes), source=f"berita-{host}",
                 url=f"https://www.{host}/pkh-tahap-2-{minutes}", watchlists=("bansos",), reach=80_000)
        )  # fmt: skip
    return items


def crises(state: StateDB) -> list[EnrichedMention]:
    """The queue's three crises, their incidents and the ministry's answers."""
    book = IncidentBook(state)
    items = []
    for name, onset, hours, plan, answer_after, detected_after in CRISES:
        items += hourly_posts(onset, hours, plan, topic=QUEUE, prefix=f"{name}-c")
        opened = onset + detected_after
        book.apply(RULE, "", 30, opened, f"Keluhan antrean pencairan bansos ({opened.astimezone(WIB):%d/%m})")
        book.resolve_quiet(RULE, opened + timedelta(days=2))
        items.append(
            item(
                "Kemensos dan PT Pos menambah loket pencairan dan mengatur antrean dengan nomor urut daring",
                title="Klarifikasi antrean pencairan bansos",
                at=opened + answer_after,
                source="rilis-kemensos",
                url=f"https://kemensos.go.id/berita/antrean-{name}",
                role=OFFICIAL,
                watchlists=("layanan",),
            )
        )
    return items


def november(store: MentionStore, state: StateDB) -> None:
    store.upsert(ordinary_talk())
    store.upsert(releases())
    store.upsert(crises(state))
    # What was upserted is searchable after a refresh, as the pipeline does before the rules run
    # (a no-op on SQLite; on Elasticsearch the report would otherwise race the node's own refresh).
    store.refresh()
