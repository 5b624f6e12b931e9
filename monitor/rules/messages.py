"""What rules say in alerts, in Indonesian (default) and English (`[monitor] language = "en"`)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

MESSAGES: dict[str, tuple[str, str]] = {
    "any": ("{n} mention baru cocok dengan aturan", "{n} new mentions match the rule"),
    "threshold": (
        "{n} mention dalam {window} (ambang {threshold})",
        "{n} mentions in {window} (threshold {threshold})",
    ),
    "threshold.authors": (
        "{n} akun berbeda dalam {window} (ambang {threshold})",
        "{n} distinct accounts in {window} (threshold {threshold})",
    ),
    "spike.up": (
        "{n} mention dalam {window}: {ratio:.1f}× dari biasanya (median {baseline:g} pada jam yang sama, "
        "{weeks} minggu terakhir)",
        "{n} mentions in {window}: {ratio:.1f}× the usual (median {baseline:g} at the same hour, last {weeks} weeks)",
    ),
    "spike.up_from_zero": (
        "{n} mention dalam {window}; biasanya nyaris nol pada jam yang sama ({weeks} minggu terakhir)",
        "{n} mentions in {window}; usually next to none at the same hour (last {weeks} weeks)",
    ),
    "spike.down": (
        "Volume turun tajam: {n} mention dalam {window}, biasanya {baseline:g} pada jam yang sama "
        "({weeks} minggu terakhir)",
        "Volume dropped sharply: {n} mentions in {window}, usually {baseline:g} at the same hour (last {weeks} weeks)",
    ),
    "negative_surge": (
        "{negative} dari {total} mention negatif ({share:.0%}) dalam {window}; biasanya {before:.0%} "
        "({period} sebelumnya)",
        "{negative} of {total} mentions negative ({share:.0%}) in {window}; usually {before:.0%} (previous {period})",
    ),
    "viral": ("Unggahan viral: {reasons}", "Viral post: {reasons}"),
    "viral.reach": ("jangkauan {n}", "reach {n}"),
    "viral.engagement": ("engagement {n}", "engagement {n}"),
    "viral.growth": ("engagement naik {rate:.0f}/jam", "engagement up {rate:.0f}/hour"),
    "new_story": (
        "Cerita baru: {n} mention dari {outlets} sumber dalam {window}, belum ada dalam {novelty} sebelumnya",
        "New story: {n} mentions from {outlets} sources in {window}, none in the {novelty} before",
    ),
    "coordinated": (
        "{accounts} akun berbeda mengunggah teks nyaris sama ({posts} unggahan dalam {spread})",
        "{accounts} distinct accounts posted near-identical text ({posts} posts within {spread})",
    ),
    "silence": (
        "{label}: tidak ada mention baru selama {quiet} (batas {limit})",
        "{label}: no new mentions for {quiet} (limit {limit})",
    ),
    "silence.failing": (
        "; {failures}× gagal berturut-turut, galat terakhir: {error}",
        "; failed {failures}× in a row, last error: {error}",
    ),
    "silence.empty": (
        "; sumber masih bisa diambil tetapi tidak ada isi baru",
        "; the source answers but has nothing new",
    ),
    "silence.all": ("semua sumber", "all sources"),
    "resolved": (
        "Tidak ada kejadian baru sejak {since}; insiden ditutup",
        "Nothing new since {since}; incident resolved",
    ),
}
_UNITS = {
    "id": {"week": "minggu", "day": "hari", "hour": "jam", "minute": "menit"},
    "en": {"week": "week", "day": "day", "hour": "hour", "minute": "minute"},
}


def say(language: str, key: str, **values: Any) -> str:
    indonesian, english = MESSAGES[key]
    return (english if language == "en" else indonesian).format(**values)


def number(value: int, language: str) -> str:
    """12.500 in Indonesian, 12,500 in English."""
    text = f"{value:,}"
    return text if language == "en" else text.replace(",", ".")


def duration(delta: timedelta, language: str) -> str:
    units = _UNITS["en" if language == "en" else "id"]

    def amount(n: int, unit: str) -> str:
        plural = "s" if language == "en" and n != 1 else ""
        return f"{n} {units[unit]}{plural}"

    minutes = int(delta.total_seconds() // 60)
    if minutes and minutes % (60 * 24 * 7) == 0:
        return amount(minutes // (60 * 24 * 7), "week")
    if minutes and minutes % (60 * 24) == 0:
        return amount(minutes // (60 * 24), "day")
    if minutes >= 60 and minutes % 60 == 0:
        return amount(minutes // 60, "hour")
    if minutes >= 60:
        return f"{amount(minutes // 60, 'hour')} {amount(minutes % 60, 'minute')}"
    return amount(minutes, "minute")
