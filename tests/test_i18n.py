"""The message catalogue: every message in both languages, and English output free of Indonesian."""

from __future__ import annotations

import re
import string
from datetime import UTC, datetime, timedelta

import pytest
from timeline import Timeline, at, enriched, rule

from monitor.alerters.slack_blocks import MessageRenderer
from monitor.alerters.types.log import render_text
from monitor.i18n import LANGUAGES, Messages, catalogue
from monitor.incidents.views import format_incidents
from monitor.rules.backtest import backtest_rule, format_backtest

# Words that give Indonesian away in an English sentence (months, function words, our nouns).
INDONESIAN = re.compile(
    r"\b(Mei|Agu|Okt|Des|dan|yang|tidak|dari|dalam|sampai|biasanya|sejak|selama|sumber|aturan|insiden|"
    r"peringatan|jam|menit|hari|minggu|negatif|netral|positif|dibuka|selesai|terbuka|jangkauan)\b"
)


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _sample(template: str) -> str:
    """The message with every placeholder filled by a number (works with :.0% and :g too)."""
    return template.format(**dict.fromkeys(_placeholders(template), 1))


def test_every_message_exists_in_both_languages_with_the_same_placeholders():
    for key, texts in catalogue().items():
        assert set(texts) == set(LANGUAGES), key
        indonesian, english = texts["id"], texts["en"]
        assert indonesian and english, key
        if isinstance(indonesian, str):
            assert _placeholders(indonesian) == _placeholders(english), key
        else:
            assert len(indonesian) == len(english), key


def test_english_messages_contain_no_indonesian_word():
    for key, texts in catalogue().items():
        english = texts["en"]
        rendered = " ".join(english) if isinstance(english, list) else _sample(english)
        assert not INDONESIAN.search(rendered), (key, rendered)


def test_an_unknown_key_or_language_is_an_error():
    with pytest.raises(KeyError):
        Messages()("tidak.ada")
    with pytest.raises(ValueError, match="bahasa"):
        Messages("jv")


@pytest.mark.parametrize(
    ("language", "expected"),
    [("id", "3 Agu 2026, 08.05 WIB"), ("en", "3 Aug 2026, 08:05 WIB")],
)
def test_local_time_in_each_language(language, expected):
    assert Messages(language).time(datetime(2026, 8, 3, 1, 5, tzinfo=UTC)) == expected


def test_durations_and_numbers():
    say_id, say_en = Messages("id"), Messages("en")
    assert say_id.duration(timedelta(hours=2, minutes=30)) == "2 jam 30 menit"
    assert say_en.duration(timedelta(hours=2, minutes=30)) == "2 hours 30 minutes"
    assert say_en.duration(timedelta(weeks=1)) == "1 week"
    assert say_id.number(12500) == "12.500" and say_en.number(12500) == "12,500"
    assert say_id.number(3.5) == "3,5" and say_en.number(3.5) == "3.5"


def test_english_alerts_incidents_and_backtests_read_english(tmp_path):
    """Everything a rule makes in English mode, down to the resolution's "nothing new since"."""
    timeline = Timeline(
        tmp_path,
        [rule(name="keluhan", type="threshold", threshold=3, watchlists=["bansos"], resolve_after="1h")],
        language="en",
    )
    try:
        timeline.add(*(enriched(f"BLT belum cair, kecewa {i}", minutes=i, sentiment="negative") for i in range(4)))
        alerts = timeline.run(150)
        assert [a.event for a in alerts] == ["opened", "resolved"]
        say = Messages("en", "Asia/Jakarta")
        texts = [render_text(a, say) for a in alerts]
        texts += [MessageRenderer(say).render(a, "header").text for a in alerts]
        texts.append(format_incidents(timeline.book.rows(), say))
        result = backtest_rule(timeline.config, "keluhan", timeline.store, at(0), at(120))
        texts.append(format_backtest(result, say))
        assert "Nothing new since" in texts[1]
        for text in texts:
            assert not INDONESIAN.search(text), text
    finally:
        timeline.close()


def test_weekdays():
    assert Messages("id").words("calendar.weekdays")[4] == "Jumat"
    assert Messages("en").words("calendar.weekdays")[6] == "Sunday"
