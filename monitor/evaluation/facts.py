"""The key facts of an Indonesian text: amounts, percentages, counts, dates and officials' names.

A release says "bantuan Rp300 ribu per keluarga untuk 1,2 juta keluarga mulai 1 Desember"; a
report may write the same facts as "Rp 300.000", "300 ribu rupiah", "Rp300rb/KK", "1.200.000
KPM", "tgl 1 Des", or change one ("Rp3 juta"). Each fact is read into a comparable value
(rupiah, a number, a day of the year) with the words around it, which tell which fact of the
release a report's number stands for (monitor/evaluation/fidelity.py).

What is read, and what is deliberately left alone:
- numbers with Indonesian separators (300.000; 1,2; 1.250.000,50) and English ones (1,250,000;
  2.5), multipliers written out or short (ribu/rb/k, juta/jt, miliar/M, triliun/T), spelled-out
  numbers ("tiga ratus ribu", "sejuta"), currency before or after ("Rp", "IDR", "rupiah");
- percentages ("12 persen", "12,5%");
- dates ("1 Desember 2026", "1 Des", "Senin (1/12/2026)", "2026-12-01");
- counts: a number followed by what it counts ("1,2 juta keluarga", "500 KPM");
- names after an official's title ("Menteri Sosial Tri Wahyuni", "Kepala Dinas ... Budi");
- not facts: clock times (pukul 10.00, 10.30 WIB), years on their own, ordinals (ke-3),
  regulation and address numbers (Nomor 12, Pasal 3, RT 05), phone numbers and ids.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from monitor.text.normalize import normalize_for_match
from monitor.text.words import STOPWORDS, content_stems, stem

FactKind = Literal["amount", "percent", "count", "date", "name"]
DateValue = tuple[int, int, int]  # day, month, year (0: not written)

# Words on either side of a fact that say what it is about.
CONTEXT_WORDS = 6

MONTHS = {
    "januari": 1, "jan": 1, "january": 1,
    "februari": 2, "pebruari": 2, "feb": 2, "february": 2,
    "maret": 3, "mar": 3, "march": 3,
    "april": 4, "apr": 4,
    "mei": 5, "may": 5,
    "juni": 6, "jun": 6, "june": 6,
    "juli": 7, "jul": 7, "july": 7,
    "agustus": 8, "agu": 8, "agt": 8, "ags": 8, "aug": 8, "august": 8,
    "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10, "oct": 10, "october": 10,
    "november": 11, "nov": 11, "nop": 11,
    "desember": 12, "des": 12, "dec": 12, "december": 12,
}  # fmt: skip
MULTIPLIERS = {
    "ribu": 1e3, "rb": 1e3, "rbu": 1e3, "rban": 1e3, "k": 1e3,
    "juta": 1e6, "jt": 1e6, "jta": 1e6,
    "miliar": 1e9, "milyar": 1e9, "m": 1e9, "mlr": 1e9, "b": 1e9,
    "triliun": 1e12, "trilyun": 1e12, "t": 1e12,
}  # fmt: skip
# Short forms people use for money: "300rb/KK", "300k", "3jt" are rupiah even without "Rp".
_MONEY_SHORT = {"rb", "rbu", "rban", "k", "jt", "jta"}
# Single letters (300k, 2,5 M, 1 T) are multipliers only right after an amount of money, or "k"
# glued to the digits; elsewhere "M" is a name's initial and "T" a letter.
_LETTER_MULTIPLIERS = {"k", "m", "b", "t"}
_UNITS = {
    "nol": 0, "satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5,
    "enam": 6, "tujuh": 7, "delapan": 8, "sembilan": 9,
    "sepuluh": 10, "sebelas": 11, "seratus": 100, "setengah": 0.5,
}  # fmt: skip
_SCALES = {"belas": 10, "puluh": 10, "ratus": 100}
_BIG = {"ribu": 1e3, "seribu": 1e3, "juta": 1e6, "sejuta": 1e6, "miliar": 1e9, "milyar": 1e9, "semiliar": 1e9,
        "triliun": 1e12, "setriliun": 1e12}  # fmt: skip
_NUMBER_WORDS = "|".join(sorted([*_UNITS, *_SCALES, *_BIG], key=len, reverse=True))

# Titles an official's name follows ("Menteri Sosial Tri Wahyuni").
TITLES = (
    "menteri|menko|wamen|wakil menteri|mensos|menkes|mendagri|menkeu|sekjen|sekretaris jenderal|dirjen|"
    "direktur jenderal|direktur|kepala|kadis|kabid|kabiro|gubernur|wagub|wakil gubernur|bupati|"
    "wakil bupati|wali kota|walikota|wakil wali kota|presiden|wapres|wakil presiden|juru bicara|jubir|"
    "sekretaris|ketua|camat|lurah|kapolda|kapolri|kapolres|dirut|direktur utama|staf khusus|stafsus"
)
# Capitalised words after a title that name the office, not the person.
_OFFICE_WORDS = frozenset(
    """
    sosial kesehatan dalam negeri luar keuangan dinas badan biro pusat daerah provinsi kabupaten
    kota pemerintah kementerian koordinator bidang bagian humas hubungan masyarakat ri republik
    indonesia negara nasional umum perhubungan pendidikan kebudayaan agama pertanian perdagangan
    perindustrian ketenagakerjaan pariwisata lingkungan hidup kehutanan perencanaan pembangunan
    komunikasi informatika digital pekerjaan perumahan rakyat energi sumber mineral kelautan
    perikanan desa pemuda olahraga hukum hak asasi manusia sekretariat kabinet pertahanan dki
    jakarta jawa barat tengah timur sumatera utara selatan kalimantan sulawesi papua bali nusa
    tenggara aceh riau jambi bengkulu lampung banten yogyakarta diy gorontalo maluku kepulauan
    pembangunan penanggulangan bencana dan the of for nomor no tahun pasal ayat peraturan keputusan
    surat edaran instruksi
    """.split()
)

_NUMBER = r"\d+(?:[.,]\d+)*"
_CURRENCY_BEFORE = r"(?:rp\.?|idr)\s?"
_MULT = r"(?:ribu|rbu|rban|rb|juta|jta|jt|miliar|milyar|mlr|triliun|trilyun|[kmbt])"
_AMOUNT = re.compile(
    r"(?<![\w.,])(?P<cur>" + _CURRENCY_BEFORE + r")?(?P<num>" + _NUMBER + r")"
    r"(?:\s?(?P<mult>" + _MULT + r")\b|(?P<glued>k)\b)?"
    r"(?P<after>\s?(?:rupiah|rp)\b)?",
    re.IGNORECASE,
)
_WORD_AMOUNT = re.compile(
    r"(?<!\w)(?P<cur>" + _CURRENCY_BEFORE + r")?(?P<words>(?:(?:" + _NUMBER_WORDS + r")\s+)*(?:" + _NUMBER_WORDS + r"))"
    r"(?P<after>\s+rupiah\b)?(?!\w)",
    re.IGNORECASE,
)
_PERCENT_AFTER = re.compile(r"^\s?(?:%|persen\b|pct\b|prosen\b)", re.IGNORECASE)
_DATE_WORDS = re.compile(
    r"(?<!\d)(?P<day>[0-3]?\d)\s*(?:-\s*[0-3]?\d\s+)?(?P<month>"
    + "|".join(sorted(MONTHS, key=len, reverse=True))
    + r")\b"
    # "1 Des. 2026": the dot of an abbreviation only before a year, never a sentence's full stop.
    r"(?:\.?\s*,?\s*(?P<year>(?:19|20)\d{2})\b)?",
    re.IGNORECASE,
)
_DATE_SLASH = re.compile(r"(?<![\d/.-])(?P<day>[0-3]?\d)[/-](?P<month>[01]?\d)[/-](?P<year>(?:19|20)?\d{2})(?![\d/])")
_DATE_ISO = re.compile(r"(?<!\d)(?P<year>(?:19|20)\d{2})-(?P<month>[01]\d)-(?P<day>[0-3]\d)(?!\d)")
_CLOCK = re.compile(
    r"(?:(?:pukul|pkl|jam)\s*\d{1,2}(?:[.:]\d{2})?(?:\s*-\s*\d{1,2}(?:[.:]\d{2})?)?)"
    r"|(?:\b\d{1,2}[.:]\d{2}\s*(?:-\s*\d{1,2}[.:]\d{2}\s*)?(?:wib|wita|wit|pagi|siang|sore|malam)\b)",
    re.IGNORECASE,
)
# Numbers that are labels, not quantities: ordinals, regulation and address numbers, years.
_LABEL_BEFORE = re.compile(
    r"(?:\bke-?|\bnomor|\bno\.?|\bnmr|\bpasal|\bayat|\bbab|\brt\.?|\brw\.?|\bjilid|\bedisi|\bversi|\bperpres|\bpermen"
    r"|\bpp|\buu|\bperda|\bpergub|\bkeppres|\bhal\.?|\bhalaman|\btahun|\bth\.?|\bthn|\bangkatan|\bperiode|\bgelombang"
    r"|\btahap|\bjalan|\bjl\.?|\bblok|\bkm|\bgang|\bgg\.?|#)\s*$",
    re.IGNORECASE,
)
# Not before a digit: "Rp. 300.000" is one amount.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"“'(\[]?[A-Z])|\n+|(?<=[.!?])\s*(?=[\U0001F300-\U0001FAFF])")
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
# The title in any case, the words after it capitalised (case matters there: "Menteri Sosial
# memastikan" ends at "Sosial").
_NAME_RUN = re.compile(r"\b(?P<title>(?i:" + TITLES + r"))\b(?P<rest>(?:[ ]+[A-Z][\w'-]*)+)")


@dataclass(frozen=True)
class Fact:
    """One key fact: what kind, its comparable value, how it was written, where, and the
    content words around it."""

    kind: FactKind
    value: float | DateValue | str
    text: str
    sentence: str
    # What a count counts ("keluarga"), a name's title ("menteri"); empty otherwise.
    unit: str = ""
    context: frozenset[str] = field(default=frozenset(), compare=False)

    def same_value(self, other: Fact, tolerance: float = 0.05) -> bool:
        """Whether two facts of one kind say the same (numbers within `tolerance`, dates on the
        same day and month, a missing year agreeing with any)."""
        if self.kind != other.kind:
            return False
        a, b = self.value, other.value
        if isinstance(a, float) and isinstance(b, float):
            return abs(a - b) <= tolerance * max(abs(a), abs(b)) or a == b
        if isinstance(a, tuple) and isinstance(b, tuple):
            return a[:2] == b[:2] and (not a[2] or not b[2] or a[2] == b[2])
        return a == b


def parse_number(text: str, *, scaled: bool = False) -> float | None:
    """'300.000' -> 300000, '1,2' -> 1.2, '1.250.000,50' -> 1250000.5, '1,250,000' -> 1250000,
    '2.5' -> 2.5. A lone separator before exactly three digits is a thousands separator unless a
    multiplier follows (`scaled`: '1,250 juta' is 1,25 juta); otherwise the Indonesian decimal."""
    dots, commas = text.count("."), text.count(",")
    if dots and commas:
        decimal = "." if text.rfind(".") > text.rfind(",") else ","
        thousands = "," if decimal == "." else "."
        cleaned = text.replace(thousands, "").replace(decimal, ".")
    elif dots or commas:
        sep = "." if dots else ","
        groups = text.split(sep)
        if len(groups) > 2 or (len(groups[-1]) == 3 and not (scaled and sep == ",")):
            if not all(len(g) == 3 for g in groups[1:]):
                return None
            cleaned = "".join(groups)
        else:
            cleaned = text.replace(sep, ".")
    else:
        cleaned = text
    try:
        return float(cleaned)
    except ValueError:
        return None


def parse_number_words(text: str) -> float | None:
    """'tiga ratus ribu' -> 300000, 'sejuta' -> 1e6, 'dua belas' -> 12, 'setengah juta' ->
    500000, 'seratus dua puluh lima ribu' -> 125000; None when a word is not a number word."""
    total, current, last = 0.0, 0.0, 0.0
    seen = False
    for word in text.lower().split():
        if word in _UNITS:
            last = _UNITS[word]
            current += last
        elif word == "belas":
            current += 10  # "dua belas": the 2 is there already
            last = 0
        elif word in _SCALES:
            # Only the digit just read is scaled: "seratus dua puluh" is 100 + 2 x 10.
            current += (last or 1) * _SCALES[word] - last
            last = 0
        elif word in _BIG:
            scale = _BIG[word]
            amount = 1.0 if word.startswith("se") else (current or 1)
            total = (total + amount) * scale if total and total < scale else total + amount * scale
            current = last = 0
        else:
            return None
        seen = True
    return total + current if seen else None


def split_sentences(text: str) -> list[tuple[int, str]]:
    """(offset, sentence) pairs; a sentence ends at . ! ? before a capital, a digit or an emoji,
    and at a line break."""
    pieces: list[tuple[int, str]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        pieces.append((start, text[start : match.start()]))
        start = match.end()
    pieces.append((start, text[start:]))
    return [(offset, piece) for offset, piece in pieces if piece.strip()]


def _clean(text: str) -> str:
    # NFKC: full-width digits, the non-breaking spaces of copied web pages, "％".
    return re.sub(r"[ \t\u00a0\u2009\u202f]+", " ", unicodedata.normalize("NFKC", text or ""))


@dataclass
class _Reader:
    """Reads one sentence; spans already taken by a fact (or a clock time) are skipped."""

    sentence: str
    taken: list[tuple[int, int]] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)

    def free(self, start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in self.taken)

    def take(self, kind: FactKind, value: float | DateValue | str, start: int, end: int, unit: str = "") -> None:
        self.taken.append((start, end))
        text = self.sentence[start:end].strip()
        self.facts.append(Fact(kind, value, text, self.sentence.strip(), unit, self._context(start, end)))

    def _context(self, start: int, end: int) -> frozenset[str]:
        before = _WORD.findall(_strip_numbers(self.sentence[:start]))[-CONTEXT_WORDS:]
        after = _WORD.findall(_strip_numbers(self.sentence[end:]))[:CONTEXT_WORDS]
        return content_stems(normalize_for_match(" ".join(before + after)))

    def labelled(self, start: int) -> bool:
        """A number that is a label (Nomor 12, RT 05, ke-3, tahun 2026), not a quantity."""
        return bool(_LABEL_BEFORE.search(self.sentence[max(0, start - 12) : start]))

    def unit_after(self, end: int) -> str:
        """What a count counts: the next word, when it is a word (stemmed, lower case)."""
        match = re.match(r"\s*([A-Za-z][A-Za-z-]*)", self.sentence[end:])
        if not match:
            return ""
        word = match.group(1).lower()
        if word in _NOT_CONTEXT or word in STOPWORDS or len(word) < 2:
            return ""
        return stem(word)


# Words that are part of how a fact is written, not of what it is about.
_NOT_CONTEXT = frozenset(
    {*MULTIPLIERS, *_UNITS, *_SCALES, *_BIG, *MONTHS, "rupiah", "persen", "prosen", "pct", "tgl", "tanggal",
     "pukul", "pkl", "wib", "wita", "wit", "senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu"}
)  # fmt: skip


def _strip_numbers(text: str) -> str:
    words = re.sub(r"\S*\d\S*", " ", text).split()
    return " ".join(w for w in words if w.lower().strip(",.()") not in _NOT_CONTEXT)


def _dates(reader: _Reader) -> None:
    s = reader.sentence
    found: list[tuple[int, int, DateValue]] = []
    for m in _DATE_ISO.finditer(s):
        found.append((m.start(), m.end(), (int(m["day"]), int(m["month"]), int(m["year"]))))
    for m in _DATE_SLASH.finditer(s):
        year = int(m["year"])
        found.append((m.start(), m.end(), (int(m["day"]), int(m["month"]), year + 2000 if year < 100 else year)))
    for m in _DATE_WORDS.finditer(s):
        # "Mar", "Jun", "Des" inside ordinary words are excluded by \b; "may" only with a year.
        word = m["month"].lower()
        if word == "may" and not m["year"]:
            continue
        found.append((m.start(), m.end(), (int(m["day"]), MONTHS[word], int(m["year"] or 0))))
    for start, end, (day, month, year) in sorted(found):
        if 1 <= day <= 31 and 1 <= month <= 12 and reader.free(start, end):
            reader.take("date", (day, month, year), start, end)


def _clock_times(reader: _Reader) -> None:
    for m in _CLOCK.finditer(reader.sentence):
        reader.taken.append((m.start(), m.end()))


def _numbers(reader: _Reader) -> None:
    s = reader.sentence
    for m in _AMOUNT.finditer(s):
        start, end = m.start(), m.end()
        if not reader.free(start, end):
            continue
        mult_word = (m["mult"] or m["glued"] or "").lower()
        glued = bool(m["glued"]) or (bool(m["mult"]) and m.start("mult") == m.end("num"))
        currency = bool(m["cur"] or m["after"])
        if mult_word in _MONEY_SHORT and (glued or mult_word != "k") and not reader.unit_after(end):
            currency = True  # "300rb/KK", "3jt": money; "300k orang" is a count
        if mult_word in _LETTER_MULTIPLIERS and not (currency or glued):
            # "2 M" without Rp is not 2 miliar: give the letter back.
            end = m.start("mult") if m["mult"] else end
            mult_word = ""
        digits = m["num"]
        if len(digits.replace(".", "").replace(",", "")) >= 9 and not mult_word and not currency:
            continue  # a phone number or an id
        value = parse_number(digits, scaled=bool(mult_word))
        if value is None:
            continue
        value = round(value * MULTIPLIERS.get(mult_word, 1.0), 2)
        percent = _PERCENT_AFTER.match(s[end:])
        if percent:
            reader.take("percent", value, start, end + percent.end())
        elif currency:
            reader.take("amount", value, start, end)
        elif reader.labelled(start) or (not mult_word and _is_year(digits)):
            reader.taken.append((start, end))
        else:
            unit = reader.unit_after(end)
            if unit:
                reader.take("count", value, start, end, unit)


def _word_numbers(reader: _Reader) -> None:
    s = reader.sentence
    for m in _WORD_AMOUNT.finditer(s):
        start, end = m.start(), m.end()
        if not reader.free(start, end):
            continue
        first = m["words"].split()[0].lower()
        value = parse_number_words(m["words"])
        # "ribu warga", "puluhan": a scale on its own is not a number anyone reports.
        if value is None or not (first in _UNITS or (first in _BIG and first.startswith("se"))):
            continue
        if m["cur"] or m["after"]:
            reader.take("amount", value, start, end)
            continue
        percent = _PERCENT_AFTER.match(s[end:])
        if percent:
            reader.take("percent", value, start, end + percent.end())
        elif value >= 10:  # "salah satu warga", "dua hari" are not key facts
            unit = reader.unit_after(end)
            if unit:
                reader.take("count", value, start, end, unit)


def _names(reader: _Reader) -> None:
    for m in _NAME_RUN.finditer(reader.sentence):
        words = m["rest"].split()
        person = [w for w in words if w.lower().strip(",.") not in _OFFICE_WORDS]
        # The person is the last capitalised words after the office: at most three.
        person = person[-3:]
        if not person or not reader.free(m.start("rest"), m.end("rest")):
            continue
        title = m["title"].lower().split()[0]
        reader.take("name", " ".join(w.strip(",.").lower() for w in person), m.start(), m.end("rest"), title)


def _is_year(digits: str) -> bool:
    return len(digits) == 4 and digits.isdigit() and 1900 <= int(digits) <= 2100


@lru_cache(maxsize=4096)
def extract(text: str) -> tuple[Fact, ...]:
    """Every key fact of `text`, sentence by sentence, in order."""
    facts: list[Fact] = []
    for _offset, sentence in split_sentences(_clean(text)):
        reader = _Reader(sentence)
        _clock_times(reader)
        _dates(reader)
        _numbers(reader)
        _word_numbers(reader)
        _names(reader)
        facts += sorted(reader.facts, key=lambda f: sentence.find(f.text))
    return tuple(facts)
