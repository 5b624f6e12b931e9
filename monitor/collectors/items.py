"""From what a platform gave to a Mention: one place that cleans the text, identifies the
language when the platform does not say, and derives the stable id."""

from __future__ import annotations

from datetime import datetime

from monitor.records import Mention, mention_id
from monitor.text.language import detect_language
from monitor.text.normalize import clean_text
from monitor.values import utc

# Platforms name Indonesian by its old code ("in": X) or say they do not know ("und").
_LANGUAGE_ALIASES = {"in": "id", "iw": "he", "jw": "jv", "und": None, "zxx": None, "": None}


def language_code(value: str | None) -> str | None:
    """A platform's language tag as the monitor's code: 'id-ID' -> 'id', 'in' -> 'id', 'und' -> None."""
    if not value:
        return None
    base = value.strip().replace("_", "-").split("-")[0].lower()
    return _LANGUAGE_ALIASES.get(base, base)


def build_mention(
    *,
    source: str,
    channel: str,
    now: datetime,
    title: str | None = "",
    text: str | None = "",
    url: str | None = None,
    platform_id: str | None = None,
    namespace: str | None = None,
    published: datetime | None = None,
    author: str | None = None,
    author_name: str | None = None,
    language: str | None = None,
    fallback_language: str | None = None,
    engagement: int | None = None,
    reach: int | None = None,
) -> Mention | None:
    """The mention, or None when there is neither title nor text to keep."""
    title_clean, text_clean = clean_text(title), clean_text(text)
    if not title_clean and not text_clean:
        return None
    body = text_clean or title_clean
    language = language_code(language) or detect_language(f"{title_clean} {text_clean}") or fallback_language
    handle = clean_text(author).lstrip("@") or None
    return Mention(
        id=mention_id(source, platform_id=platform_id, url=url, text=title_clean + body, namespace=namespace),
        source=source,
        channel=channel,
        url=url or None,
        title=title_clean,
        text=body,
        published_at=utc(published) if published else now,
        collected_at=now,
        author=handle,
        language=language,
        engagement=engagement,
        reach=reach,
        date_estimated=published is None,
        platform_id=platform_id,
        author_name=clean_text(author_name) or None,
    )


def count(value: object) -> int | None:
    """A platform's count as an int ("1.2K" and "12,5 rb" included); None when absent or unreadable."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value)
    text = str(value).strip().lower().replace(" ", "")
    if not text:
        return None
    multiplier = 1
    for suffix, factor in (("rb", 1_000), ("jt", 1_000_000), ("k", 1_000), ("m", 1_000_000), ("b", 1_000_000_000)):
        if text.endswith(suffix):
            text, multiplier = text[: -len(suffix)], factor
            break
    # "1,2K" is a decimal comma; "1.200" without a unit is a thousands separator.
    text = text.replace(",", ".") if multiplier > 1 else text.replace(",", "").replace(".", "")
    try:
        return int(float(text) * multiplier)
    except ValueError:
        return None
