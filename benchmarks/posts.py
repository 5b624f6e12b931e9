"""Synthetic social posts for the throughput benchmarks: our own writing, recombined.

Each post is a few fragments (complaints, thanks, questions, Javanese and Sundanese asides,
alay spellings, emoji) plus a place, a number and a hashtag, so nearly every text is different
and no cache along the pipeline sees the same text twice.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

OPENERS = ["", "Min, ", "Pak wali, ", "Tolong dong ", "Astaga ", "Alhamdulillah ", "Gaes, ", "Duh ", "Mas, "]
FRAGMENTS = [
    "antrean bansos di kelurahan {place} udah dari subuh blm dipanggil jg",
    "pompa air di {place} ga nyala lg, banjir masuk rumah",
    "makasih BPBD udah gercep evakuasi warga {place}",
    "jalan di {place} rusak parah, motor sy ampe jatoh",
    "pelayanan dukcapil {place} lemot bgt, sistemnya error terus",
    "bantuan pangan non tunai bulan ini blm cair, piye iki",
    "petugas puskesmas {place} ramah & sigap, mantul",
    "hoaks tuh, kata kemensos bansos ga pernah minta transfer",
    "ora iso lewat, banyune sedengkul neng {place}",
    "punten, kumaha carana daftar PKH di {place}?",
    "listrik padam dr semalem, anak2 ga bisa belajar",
    "sembako kemensos udah nyampe, sehat selalu bapak ibu petugas",
    "b4nj1r lg parahhh, got mampet ga pernah dibersihin",
    "katanya ada razia bansos palsu di {place}, bener ga sih",
    "rapat warga soal tanggul {place} besok jam 9 pagi",
    "sampah numpuk di pasar {place} bau bgt",
]
CLOSERS = ["", " 😡", " 🙏", " 😭", " 👍", "!!", "...", " wkwk", " #banjir", " #bansos", " tolong diviralkan"]
PLACES = ["Sukasari", "Cibeunying", "Rungkut", "Tebet", "Kemayoran", "Ngaliyan", "Batununggal", "Medan Johor"]
SOURCES = ["x", "mastodon", "bluesky", "youtube", "telegram"]


def text(rng: random.Random) -> str:
    parts = [rng.choice(FRAGMENTS).format(place=rng.choice(PLACES)) for _ in range(rng.randint(1, 3))]
    tail = f" ({rng.randint(1, 9999)})" if rng.random() < 0.7 else ""
    return f"{rng.choice(OPENERS)}{', '.join(parts)}{tail}{rng.choice(CLOSERS)}"


def posts(count: int, *, seed: int = 3, start: datetime | None = None) -> Iterator[dict[str, object]]:
    rng = random.Random(seed)
    start = start or datetime.now(UTC) - timedelta(hours=6)
    for n in range(count):
        yield {
            "id": f"bench-{seed}-{n}",
            "text": text(rng),
            "author": f"warga{rng.randint(1, 20_000)}",
            "source": rng.choice(SOURCES),
            "published_at": (start + timedelta(seconds=n * 21_600 / max(count, 1))).isoformat(),
            "likes": rng.randint(0, 300),
            "reach": rng.randint(0, 50_000),
        }


def write_jsonl(path: Path, count: int, *, seed: int = 3) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for post in posts(count, seed=seed):
            handle.write(json.dumps(post, ensure_ascii=False) + "\n")
    return path
