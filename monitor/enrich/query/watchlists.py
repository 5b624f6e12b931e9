"""The named watchlists of a configuration, matched against every mention.

`Watchlists.match` evaluates only the queries a document can match: each query knows words of
which a matching document must hold one (its triggers), looked up in the document's index.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property

from monitor.enrich.query.ast import Query
from monitor.enrich.query.document import MatchDocument
from monitor.enrich.query.matcher import query_matches, triggers
from monitor.enrich.query.parser import keywords_query, parse_query
from monitor.records import Mention


@dataclass(frozen=True)
class Watchlists:
    """Named queries in config order; `match` gives the names a mention is tagged with."""

    queries: tuple[tuple[str, Query], ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.queries)

    @cached_property
    def _candidates(self) -> tuple[dict[str, dict[str, list[int]]], frozenset[int]]:
        """Which queries each word can start, and the queries to evaluate on every document."""
        by_word: dict[str, dict[str, list[int]]] = {}
        always: set[int] = set()
        for i, (_, query) in enumerate(self.queries):
            needed = triggers(query.root)
            if needed is None:
                always.add(i)
                continue
            for index, word in needed:
                by_word.setdefault(index, {}).setdefault(word, []).append(i)
        return by_word, frozenset(always)

    def match(self, mention: Mention | MatchDocument) -> tuple[str, ...]:
        doc = mention if isinstance(mention, MatchDocument) else MatchDocument.from_mention(mention)
        by_word, always = self._candidates
        candidates = set(always)
        for index, words in by_word.items():
            for word in words.keys() & doc.index(index).positions.keys():
                candidates.update(words[word])
        return tuple(self.queries[i][0] for i in sorted(candidates) if query_matches(self.queries[i][1], doc))


def compile_watchlists(watchlists: Mapping[str, str | Iterable[str]]) -> Watchlists:
    """Compile `[watchlists]` config: a query string, or a list of keywords meaning any of them.

    Errors name the watchlist in the message; the position points into its query.
    """
    return Watchlists(
        tuple(
            (name, parse_query(value, name=name) if isinstance(value, str) else keywords_query(list(value), name=name))
            for name, value in watchlists.items()
        )
    )
