"""The message catalogue: every message in both languages with the same placeholders."""

from __future__ import annotations

import string

from monitor.i18n import LANGUAGES, Messages, catalogue


def placeholders(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name}


def test_every_message_has_both_languages_and_the_same_placeholders():
    for key, texts in catalogue().items():
        assert all(texts[language] for language in LANGUAGES), key
        if isinstance(texts["id"], str):
            assert placeholders(texts["id"]) == placeholders(texts["en"]), key
        else:
            assert len(texts["id"]) == len(texts["en"]), key


def test_weekdays_and_numbers():
    assert Messages("id").words("calendar.weekdays")[4] == "Jumat"
    assert Messages("en").words("calendar.weekdays")[6] == "Sunday"
    assert Messages("id").number(12500) == "12.500" and Messages("en").number(3.5) == "3.5"
