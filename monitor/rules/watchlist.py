"""Watchlists: named keyword lists that tag every mention they match."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from monitor.classify.taxonomy import KeywordTagger


class Watchlists:
    """Matches a mention's normalized title and text against each named keyword list."""

    def __init__(self, lists: Mapping[str, Sequence[str]]):
        self._tagger = KeywordTagger(lists)

    def match(self, normalized: str) -> tuple[str, ...]:
        return tuple(sorted(self._tagger.scores(normalized)))
