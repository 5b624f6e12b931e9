"""Exact duplicates and same-story grouping.

- A *duplicate* is the same text from the same source and author under another id (a feed that
  re-publishes an item with a new URL, a bot re-posting): it is dropped.
- A *story* is what syndicated copies share: outlets copy a wire story under their own URL. They
  stay separate mentions (each outlet's reach counts) with one `story_id`.
"""

from __future__ import annotations

import hashlib

from monitor.records import Mention

# Enough words to tell stories apart, few enough that an outlet's own last paragraph differs.
_STORY_WORDS = 30


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def duplicate_fingerprint(mention: Mention, normalized_text: str) -> str:
    return _digest(f"{mention.source}|{mention.author or ''}|{normalized_text}")


def story_id(normalized_title: str, normalized_text: str) -> str:
    basis = normalized_title if len(normalized_title.split()) >= 4 else " ".join(normalized_text.split()[:_STORY_WORDS])
    return _digest(basis)
