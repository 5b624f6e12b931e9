"""A small Indonesian lexicon classifier: the honest baseline and the labelled fallback.

Sentiment from word lists the team wrote (with negation: "tidak bagus" is negative), topics and
flags from the seed-term taxonomy. Its `model` field says "lexicon-id-v1" so nobody mistakes
it for the trained model.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from monitor.classify.taxonomy import DEFAULT_FLAGS, DEFAULT_TOPICS, FlagTagger, KeywordTagger
from monitor.records import Classification
from monitor.text.language import INDONESIAN_FAMILY, detect_language
from monitor.text.normalize import normalize_for_match
from monitor.values import Sentiment

POSITIVE = frozenset(
    """
    bagus baik hebat mantap keren puas senang gembira bangga bersyukur syukur terima kasih apresiasi
    sigap tanggap cepat responsif membantu terbantu berhasil sukses lancar bersih rapi ramah nyaman aman
    tertib solutif solusi mudah gratis murah memuaskan luar biasa top juara maju meningkat peduli
    transparan jujur amanah profesional sehat indah inovatif inovasi salut sip oke mantul alhamdulillah
    semangat dukung mendukung setuju terbaik suka cinta nikmat enak
    """.split()
)
NEGATIVE = frozenset(
    """
    buruk jelek parah kecewa mengecewakan kesal marah geram muak benci sedih susah sulit lambat lamban
    terlambat telat rusak mati padam macet kotor bau mahal gagal bohong dusta pembohong korupsi korup
    pungli curang zalim lalai abai cuek ditelantarkan terlantar mangkrak amburadul semrawut kacau
    ribet rumit payah bodoh tolol goblok malu memalukan bobrok brengsek sampah capek lelah
    takut khawatir cemas bahaya hancur rugi merugikan menyusahkan keluhan mengeluh protes tolak
    menolak demo kurang tidak becus lemot error hilang dipersulit pusing miris prihatin ngeri
    tenggelam kebanjiran korban duka menderita sengsara kelaparan bencana anjlok turun naik
    """.split()
)
NEGATORS = frozenset("tidak bukan belum jangan tanpa kurang".split())
INTENSIFIERS = frozenset("sangat banget sekali amat terlalu paling".split())
# "naik" is negative for prices but neutral elsewhere; keep it out unless next to "harga".
_CONTEXTUAL = {"naik": "harga", "turun": "kualitas"}
# Every word that can carry polarity: the others are passed over without a look around them.
_POLAR = POSITIVE | NEGATIVE | frozenset(_CONTEXTUAL)


def _word_polarity(words: list[str], i: int) -> float:
    word = words[i]
    if word in _CONTEXTUAL:
        window = words[max(0, i - 3) : i + 4]
        return -1.0 if _CONTEXTUAL[word] in window else 0.0
    if word in POSITIVE:
        return 1.0
    if word in NEGATIVE:
        return -1.0
    return 0.0


def sentiment_score(normalized: str) -> tuple[float, int]:
    """Summed polarity (negation flips, intensifiers weigh more) and how many words carried it."""
    words = normalized.replace("terima kasih", "terima_kasih").split()
    words = ["terima" if w == "terima_kasih" else w for w in words]
    total, hits = 0.0, 0
    for i, word in enumerate(words):
        if word not in _POLAR:
            continue
        polarity = _word_polarity(words, i)
        if not polarity:
            continue
        # "tidak bagus", "tidak terlalu bagus": the negator right before, or one intensifier between.
        before = words[max(0, i - 2) : i]
        if (before and before[-1] in NEGATORS) or (
            len(before) == 2 and before[0] in NEGATORS and before[1] in INTENSIFIERS
        ):
            polarity = -polarity * 0.8
        if any(w in INTENSIFIERS for w in words[max(0, i - 1) : i + 2]):
            polarity *= 1.5
        total += polarity
        hits += 1
    return total, hits


def sentiment_probabilities(total: float, hits: int) -> dict[str, float]:
    """Turn a polarity sum into three scores that add up to 1."""
    neutral_logit = 1.0 - 0.5 * hits
    logits = {"positive": total, "neutral": neutral_logit, "negative": -total}
    peak = max(logits.values())
    exp = {k: math.exp(v - peak) for k, v in logits.items()}
    norm = sum(exp.values())
    return {k: round(v / norm, 4) for k, v in exp.items()}


def lexicon_log_probs(normalized_texts: Sequence[str], labels: Sequence[str]) -> np.ndarray:
    """[N, len(labels)] log-probabilities of the word-list scores, floored so none is -inf."""
    rows = [sentiment_probabilities(*sentiment_score(text)) for text in normalized_texts]
    probs = np.array([[row[label] for label in labels] for row in rows], dtype=np.float32).reshape(-1, len(labels))
    return np.log(np.maximum(probs, 1e-4))


def describe_unclassifiable(text: str, normalized: str) -> tuple[str | None, str | None]:
    """(language, reason) for texts no sentiment model should score; reason None if fine."""
    if not text or not text.strip():
        return None, "teks kosong"
    if not any(ch.isalnum() for ch in normalized):
        return None, "tidak ada kata (hanya emoji atau simbol)"
    language = detect_language(normalized)
    # Javanese and Sundanese mix into Indonesian posts; Malay, English and the rest are not scored.
    if language is not None and language not in INDONESIAN_FAMILY:
        return language, f"bukan bahasa Indonesia ({language})"
    return language or "id", None


class LexiconClassifier:
    """Word-list sentiment plus seed-term topics and flags."""

    name = "lexicon-id-v1"

    def __init__(
        self,
        topics: Mapping[str, Sequence[str]] = DEFAULT_TOPICS,
        flags: Mapping[str, Sequence[str]] = DEFAULT_FLAGS,
    ):
        self.topics = KeywordTagger(topics)
        self.flags = FlagTagger(flags)

    def classify(self, texts: Sequence[str]) -> list[Classification]:
        return [self._one(text) for text in texts]

    def _one(self, text: str) -> Classification:
        normalized = normalize_for_match(text)
        topics, topic_scores = self.topics.tag(normalized)
        flags, _ = self.flags.tag_text(text, normalized)
        language, reason = describe_unclassifiable(text, normalized)
        if reason:
            return Classification(None, {}, topics, topic_scores, flags, self.name, language, reason)
        scores = sentiment_probabilities(*sentiment_score(normalized))
        label = Sentiment(max(scores, key=scores.__getitem__))
        return Classification(label, scores, topics, topic_scores, flags, self.name, language)
