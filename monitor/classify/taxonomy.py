"""The default government-PR taxonomy (topics) and sensitive-issue flags, as seed terms.

Terms are matched on `normalize_for_match` output, so write them in standard spelling, lower
case; a trailing `*` matches any word starting so ("korup*"); several words are a phrase. An
agency can replace or extend the topics with its own TOML file (`[classifier] taxonomy`):

    [topics]
    pendidikan = ["sekolah", "guru", "zonasi", "kip kuliah"]
    pariwisata = ["wisata", "hotel", "turis*"]
"""

from __future__ import annotations

import math
import re
import tomllib
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from monitor.errors import ConfigError, ConfigProblem
from monitor.text.normalize import normalize_for_match

DEFAULT_TOPICS: dict[str, list[str]] = {
    "kesehatan": [
        "kesehatan",
        "rumah sakit",
        "puskesmas",
        "dokter",
        "perawat",
        "tenaga kesehatan",
        "bpjs*",
        "vaksin*",
        "imunisasi",
        "stunting",
        "demam berdarah",
        "dbd",
        "diare",
        "obat",
        "pasien",
        "wabah",
        "covid*",
        "gizi",
        "posyandu",
        "dinas kesehatan",
        "fasilitas kesehatan",
    ],
    "pendidikan": [
        "sekolah",
        "guru",
        "siswa",
        "murid",
        "mahasiswa",
        "kampus",
        "universitas",
        "ppdb",
        "zonasi",
        "beasiswa",
        "kurikulum",
        "pendidikan",
        "ujian",
        "honorer",
        "kip kuliah",
        "pesantren",
    ],
    "ekonomi_harga": [
        "harga",
        "inflasi",
        "sembako",
        "beras",
        "minyak goreng",
        "cabai",
        "bbm",
        "pertalite",
        "umkm",
        "pasar",
        "pajak",
        "retribusi",
        "upah",
        "umr",
        "ump",
        "ekonomi",
        "investasi",
        "pengangguran",
        "phk",
        "lapangan kerja",
        "tarif",
        "mahal",
        "subsidi",
    ],
    "infrastruktur_transportasi": [
        "jalan rusak",
        "jalan berlubang",
        "jembatan",
        "tol",
        "macet",
        "kemacetan",
        "angkot",
        "bus",
        "transjakarta",
        "krl",
        "kereta",
        "lrt",
        "mrt",
        "terminal",
        "pelabuhan",
        "bandara",
        "infrastruktur",
        "proyek",
        "trotoar",
        "drainase",
        "gorong-gorong",
        "pompa",
        "lampu jalan",
        "aspal*",
    ],
    "bencana": [
        "banjir",
        "kebanjiran",
        "longsor",
        "gempa",
        "tsunami",
        "erupsi",
        "gunung meletus",
        "kebakaran",
        "puting beliung",
        "angin kencang",
        "kekeringan",
        "pengungsi",
        "mengungsi",
        "evakuasi",
        "bpbd",
        "bnpb",
        "tanggap darurat",
        "genangan",
        "rob",
        "siaga",
        "korban jiwa",
    ],
    "hukum_korupsi": [
        "korupsi",
        "korup*",
        "dikorupsi",
        "mengorupsi",
        "suap",
        "gratifikasi",
        "kpk",
        "pungli",
        "pungutan liar",
        "kejaksaan",
        "tersangka",
        "terdakwa",
        "vonis",
        "sidang",
        "pengadilan",
        "penyelewengan",
        "mark up",
        "markup",
        "penggelapan",
        "mafia",
        "ott",
    ],
    "keamanan_ketertiban": [
        "polisi",
        "polres",
        "polda",
        "satpol pp",
        "begal",
        "tawuran",
        "pencurian",
        "curanmor",
        "kriminal",
        "narkoba",
        "penipuan",
        "perampokan",
        "pembunuhan",
        "keamanan",
        "ketertiban",
        "razia",
        "premanisme",
        "geng motor",
    ],
    "politik_pemilu": [
        "pemilu",
        "pilkada",
        "pilpres",
        "kampanye",
        "caleg",
        "partai",
        "dprd",
        "dpr",
        "kpu",
        "bawaslu",
        "suara",
        "koalisi",
        "oposisi",
        "politik",
        "politisi",
        "gubernur",
        "bupati",
        "wali kota",
        "walikota",
        "menteri",
        "presiden",
        "netralitas asn",
    ],
    "lingkungan": [
        "sampah",
        "polusi",
        "pencemaran",
        "limbah",
        "kualitas udara",
        "ispu",
        "hutan",
        "deforestasi",
        "tambang",
        "sungai tercemar",
        "emisi",
        "lingkungan",
        "tpa",
        "daur ulang",
        "abrasi",
        "mangrove",
    ],
    "pelayanan_publik": [
        "pelayanan",
        "layanan",
        "ktp",
        "e-ktp",
        "kk",
        "akta",
        "dukcapil",
        "perizinan",
        "izin",
        "antrean",
        "antre",
        "loket",
        "pdam",
        "air bersih",
        "listrik",
        "pln",
        "samsat",
        "sim",
        "aduan",
        "pengaduan",
        "lapor",
        "birokrasi",
        "petugas",
        "website error",
        "aplikasi",
    ],
    "sosial_bantuan": [
        "bansos",
        "bantuan sosial",
        "bantuan",
        "blt",
        "pkh",
        "sembako gratis",
        "dtks",
        "miskin",
        "kemiskinan",
        "penerima bantuan",
        "disabilitas",
        "lansia",
        "yatim",
        "rumah tidak layak",
        "dapur umum",
        "santunan",
    ],
    "sara_agama": [
        "agama",
        "masjid",
        "gereja",
        "pura",
        "vihara",
        "klenteng",
        "ibadah",
        "umat",
        "ulama",
        "pendeta",
        "intoleransi",
        "toleransi",
        "penistaan",
        "sara",
        "suku",
        "etnis",
        "rasis*",
        "kafir",
        "syiah",
        "ahmadiyah",
    ],
}

DEFAULT_FLAGS: dict[str, list[str]] = {
    # A hoax being spread or talked about; `klarifikasi` (below) takes the debunks away from it.
    "hoaks": [
        "hoaks",
        "hoax",
        "kabar bohong",
        "berita bohong",
        "disinformasi",
        "misinformasi",
        "fitnah",
        "editan",
        "sebarkan",
        "viralkan",
        "bukan hoaks",
        "bukan hoax",
        "sebelum dihapus",
    ],
    # Debunks, clarifications and calls to ignore a hoax or a scam.
    "klarifikasi": [
        "klarifikasi",
        "mengklarifikasi",
        "cek fakta",
        "dicek fakta",
        "faktanya",
        "tidak benar",
        "jangan percaya",
        "jangan mudah percaya",
        "jangan termakan",
        "jangan disebar",
        "jangan sebarkan",
        "jangan diviralkan",
        "jangan share",
        "info resmi",
        "informasi resmi",
        "sumber resmi",
        "situs resmi",
        "akun resmi",
        "kanal resmi",
        "meluruskan",
        "membantah",
        "dibantah",
        "waspada hoaks",
        "hati-hati hoaks",
        "awas hoaks",
        "lawan hoaks",
        "stop hoaks",
        "tangkal hoaks",
        "itu hoaks",
        "itu hoax",
        "adalah hoaks",
        "merupakan hoaks",
        "dipastikan hoaks",
        "pastikan itu hoaks",
        "hoaks yang beredar",
        "itu penipuan",
        "modus penipuan",
        "awas modus",
        "hati-hati modus",
    ],
    "ujaran_kebencian": [
        "kafir",
        "antek asing",
        "aseng",
        "pribumi",
        "usir",
        "bantai",
        "penistaan",
        "rasis*",
        "anjing",
        "babi",
        "monyet",
        "bangsat",
        "kampret",
        "cebong",
        "kadrun",
    ],
    "protes": [
        "demo",
        "demonstrasi",
        "unjuk rasa",
        "mogok",
        "aksi massa",
        "long march",
        "orasi",
        "blokade",
        "protes",
        "menolak",
        "tolak",
        "boikot",
        "turun ke jalan",
        "massa aksi",
    ],
    "bencana": [
        "banjir",
        "longsor",
        "gempa",
        "tsunami",
        "erupsi",
        "kebakaran",
        "puting beliung",
        "korban jiwa",
        "mengungsi",
        "pengungsi",
        "tanggap darurat",
        "rob",
    ],
    "korupsi": [
        "korupsi",
        "korup*",
        "dikorupsi",
        "mengorupsi",
        "suap",
        "gratifikasi",
        "pungli",
        "pungutan liar",
        "mark up",
        "markup",
        "penggelapan",
        "uang pelicin",
        "kpk",
        "ott",
        "penyelewengan",
    ],
    "kegagalan_layanan": [
        "tidak ada petugas",
        "belum datang",
        "tidak datang",
        "lambat",
        "lamban",
        "mati",
        "padam",
        "tidak berfungsi",
        "rusak",
        "error",
        "antre berjam",
        "dipersulit",
        "ditelantarkan",
        "terlantar",
        "tidak ditanggapi",
        "tidak direspons",
        "mangkrak",
        "belum cair",
        "tidak cair",
        "terlambat",
        "telat",
    ],
    "ancaman_kekerasan": [
        "bunuh",
        "bakar",
        "serang",
        "ancam*",
        "teror",
        "bom",
        "tembak",
        "bacok",
        "pukul",
        "hajar",
        "gebuk",
        "bantai",
        "senjata tajam",
        "sajam",
        "tawuran",
        "ledakkan",
    ],
}


@dataclass(frozen=True)
class _Term:
    words: tuple[str, ...]
    prefix: bool  # last word is a prefix (trailing *)


def _compile(term: str) -> _Term:
    prefix = term.endswith("*")
    words = tuple(normalize_for_match(term.rstrip("*")).split())
    return _Term(words, prefix)


class KeywordTagger:
    """Multi-label tagging by seed terms: score = 1 - exp(-hits), labels at score >= threshold.

    Terms are indexed by their first word (prefix terms by their first three letters), so a
    text costs one dictionary lookup per word, not one regex per term.
    """

    def __init__(self, labels: Mapping[str, Sequence[str]], threshold: float = 0.5):
        self.threshold = threshold
        self._labels = list(labels)
        self._exact: dict[str, list[tuple[str, _Term]]] = defaultdict(list)
        self._prefixed: dict[str, list[tuple[str, _Term]]] = defaultdict(list)
        for label, terms in labels.items():
            for term in filter(lambda t: t.words, map(_compile, terms)):
                if term.prefix and len(term.words) == 1:
                    self._prefixed[term.words[0][:3]].append((label, term))
                else:
                    self._exact[term.words[0]].append((label, term))
        # Plain dicts: a lookup of a word without terms must not add an empty entry.
        self._exact, self._prefixed = dict(self._exact), dict(self._prefixed)

    @property
    def labels(self) -> list[str]:
        return self._labels

    @staticmethod
    def _matches(term: _Term, words: list[str], start: int) -> bool:
        end = start + len(term.words)
        if end > len(words):
            return False
        *body, last = term.words
        if words[start : end - 1] != body:
            return False
        return words[end - 1].startswith(last) if term.prefix else words[end - 1] == last

    def scores(self, normalized: str) -> dict[str, float]:
        if not self._labels:  # every label learned by the model: nothing left for seed terms
            return {}
        words = normalized.split()
        hits: dict[str, int] = {}
        exact, prefixed = self._exact, self._prefixed
        for i, word in enumerate(words):
            # A one-word term found by its word has matched; longer ones look ahead.
            found = exact.get(word)
            if found:
                for label, term in found:
                    if len(term.words) == 1 or self._matches(term, words, i):
                        hits[label] = hits.get(label, 0) + 1
            if prefixed:
                found = prefixed.get(word[:3])
                if found:
                    for label, term in found:
                        if self._matches(term, words, i):
                            hits[label] = hits.get(label, 0) + 1
        if not hits:
            return {}
        return {label: round(1 - math.exp(-hits[label]), 4) for label in self._labels if label in hits}

    def tag(self, normalized: str) -> tuple[tuple[str, ...], dict[str, float]]:
        scores = self.scores(normalized)
        labels = tuple(sorted((name for name, s in scores.items() if s >= self.threshold), key=lambda n: -scores[n]))
        return labels, scores


HOAX, CLARIFICATION = "hoaks", "klarifikasi"
# A fact-checker's or a ministry's label at the start of a title: "[HOAKS] Vaksin mengandung chip".
_VERDICT_LABEL = re.compile(
    r"^\W{0,3}\[\s*(hoaks|hoax|disinformasi|misinformasi|klarifikasi|salah|keliru|penipuan|fakta)\s*\]", re.IGNORECASE
)
# Words that push a claim along; after "jangan" (don't) or "stop" they do the opposite.
_SPREAD = ("sebarkan", "viralkan", "share", "bukan hoaks", "bukan hoax", "sebelum dihapus")
_DONT = {"jangan", "stop", "tidak", "tak", "usah", "sebelum"}


class FlagTagger(KeywordTagger):
    """Seed-term flags, with a stance rule for hoaxes: a post that debunks a hoax, clarifies it or
    tells people to ignore it ("baca info resmi dari Kemenkes, jangan percaya hoaks") is
    `klarifikasi`, not `hoaks`; one that spreads a claim ("bukan hoaks, sebarkan!") stays
    `hoaks` even if it says "cek fakta". A title labelled by a fact-checker ("[HOAKS] ...") is a
    clarification."""

    def tag_text(self, text: str, normalized: str) -> tuple[tuple[str, ...], dict[str, float]]:
        labels, scores = self.tag(normalized)
        if CLARIFICATION not in self._labels:
            return labels, scores
        flags = set(labels)
        if _VERDICT_LABEL.match(text):
            flags.add(CLARIFICATION)
            flags.discard(HOAX)
        elif CLARIFICATION in flags:
            if _spreads(normalized.split()):
                # "ga ada sumber resmi, share aja dulu": a claim pushed along, official words or not.
                flags.discard(CLARIFICATION)
                flags.add(HOAX)
            else:
                flags.discard(HOAX)
        ordered = tuple(sorted(flags, key=lambda n: -scores.get(n, 1.0)))
        return ordered, scores


def _spreads(words: list[str]) -> bool:
    """Whether a spreading cue occurs that no "jangan" / "stop" negates."""
    for i in range(len(words)):
        for cue in _SPREAD:
            cue_words = cue.split()
            if words[i : i + len(cue_words)] == cue_words and not (i and words[i - 1] in _DONT):
                return True
    return False


def load_taxonomy(path: Path | None) -> dict[str, list[str]]:
    """The default topics, or the agency's own from a TOML file with a [topics] table."""
    if path is None:
        return DEFAULT_TOPICS
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError([ConfigProblem(str(path), "(file)", f"taksonomi tidak bisa dibaca: {exc}")]) from None
    topics = data.get("topics")
    if not isinstance(topics, dict) or not all(
        isinstance(v, list) and all(isinstance(t, str) for t in v) for v in topics.values()
    ):
        raise ConfigError([ConfigProblem(str(path), "topics", 'harus tabel: nama_topik = ["kata", ...]')])
    return topics
