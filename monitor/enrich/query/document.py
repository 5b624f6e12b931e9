"""A mention tokenized once for matching: every form of each word with its positions.

Query terms and documents go through the same `monitor.text.normalize.tokens`, so case,
accents, *alay* digits, repeated letters and slang spellings match.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache

from monitor.enrich.query.ast import ANY, TokenPattern
from monitor.records import Mention
from monitor.text.normalize import tokens

# Parts of a field (title, text) are indexed this far apart, so no phrase or NEAR spans two;
# also the largest NEAR distance a query may ask for.
MAX_NEAR = 100

Span = tuple[int, int]  # token positions [start, end)


def _forms(token: str) -> tuple[str, ...]:
    """The words a token can be found by: "#banjir" also as "banjir", "anak-anak" also as "anak"."""
    body = token[1:] if token[0] in "#@" else token
    if body is token and "-" not in token:
        return (token,)
    forms = {token, body}
    if "-" in body:
        forms.update(part for part in body.split("-") if part)
    return tuple(forms)


@dataclass(frozen=True)
class FieldIndex:
    """Normalized tokens of one field: every form of a token with the positions it occurs at."""

    positions: Mapping[str, tuple[int, ...]]

    @classmethod
    def build(cls, parts: Sequence[Sequence[str]]) -> FieldIndex:
        """Index token lists one after another, far enough apart that no phrase or NEAR spans two."""
        found: dict[str, list[int]] = {}
        offset = 0
        for part in parts:
            for i, token in enumerate(part, offset):
                # Most tokens are plain words with one form: no tuple of forms built for them.
                if token[0] not in "#@" and "-" not in token:
                    found.setdefault(token, []).append(i)
                    continue
                for form in _forms(token):
                    found.setdefault(form, []).append(i)
            offset += len(part) + MAX_NEAR + 1
        return cls({form: tuple(where) for form, where in found.items()})

    @cached_property
    def vocabulary(self) -> tuple[str, ...]:
        """Sorted forms, so a wildcard is a range search instead of a scan."""
        return tuple(sorted(self.positions))

    def lookup(self, pattern: TokenPattern) -> tuple[int, ...]:
        if not pattern.prefix:
            return self.positions.get(pattern.text, ())
        vocabulary = self.vocabulary
        start = bisect_left(vocabulary, pattern.text)
        found: list[int] = []
        for form in vocabulary[start:]:
            if not form.startswith(pattern.text):
                break
            found.extend(self.positions[form])
        return tuple(sorted(set(found)))


@dataclass(frozen=True)
class MatchDocument:
    """A mention tokenized once for matching; `title_end` splits the `any` index into title and text."""

    any: FieldIndex
    title_end: int
    # Raw values: their indexes are built when a query first looks in that field (most
    # watchlists never do, and a crisis brings tens of thousands of distinct authors).
    author_value: str | None = None
    source_value: str = ""
    channel_value: str = ""

    @cached_property
    def author(self) -> FieldIndex:
        return _short_field_index(self.author_value)

    @cached_property
    def source(self) -> FieldIndex:
        return _short_field_index(self.source_value)

    @cached_property
    def channel(self) -> FieldIndex:
        return _short_field_index(self.channel_value)

    @classmethod
    def build(
        cls, text: str, *, title: str = "", author: str | None = None, source: str = "", channel: str = ""
    ) -> MatchDocument:
        return cls._from_tokens(tokens(title), tokens(text), author, source, channel)

    @classmethod
    def from_normalized(
        cls, text: str, *, title: str = "", author: str | None = None, source: str = "", channel: str = ""
    ) -> MatchDocument:
        """From title and text already passed through `normalize_for_match` (the enrich stage has
        them), so they are not normalized twice; author, source and channel are raw as in `build`."""
        return cls._from_tokens(title.split(), text.split(), author, source, channel)

    @classmethod
    def _from_tokens(
        cls, title: list[str], text: list[str], author: str | None, source: str, channel: str
    ) -> MatchDocument:
        return cls(
            any=FieldIndex.build([title, text]),
            title_end=len(title),
            author_value=author,
            source_value=source,
            channel_value=channel,
        )

    @classmethod
    def from_mention(cls, mention: Mention) -> MatchDocument:
        return cls.build(
            mention.text, title=mention.title, author=mention.author, source=mention.source, channel=mention.channel
        )

    def index(self, name: str) -> FieldIndex:
        """The index a trigger word is looked up in: `any`, `author`, `source` or `channel`."""
        return self._scope(name)[0]

    def spans(self, field: str, pattern: Sequence[TokenPattern]) -> list[Span]:
        """Where the consecutive token patterns occur in a field."""
        index, low, high = self._scope(field)
        first = index.lookup(pattern[0])
        if not first:
            return []
        rest = [set(index.lookup(p)) for p in pattern[1:]]
        return [
            (start, start + len(pattern))
            for start in first
            if low <= start < high and all(start + i + 1 in where for i, where in enumerate(rest))
        ]

    def contains(self, field: str, token: str) -> bool:
        """Fast path for the common case, one exact word."""
        index, low, high = self._scope(field)
        return any(low <= p < high for p in index.positions.get(token, ()))

    def _scope(self, field: str) -> tuple[FieldIndex, float, float]:
        if field == ANY:
            return self.any, 0, float("inf")
        if field == "title":
            return self.any, 0, self.title_end
        if field == "text":
            return self.any, self.title_end, float("inf")
        if field == "author":
            return self.author, 0, float("inf")
        if field == "source":
            return self.source, 0, float("inf")
        if field == "channel":
            return self.channel, 0, float("inf")
        raise ValueError(f"kolom tidak dikenal: {field}")


@lru_cache(maxsize=4096)
def _short_field_index(value: str | None) -> FieldIndex:
    """Authors, sources and channels repeat across mentions: normalize each value once."""
    return FieldIndex.build([tokens(value)])


EMPTY = MatchDocument.build("")
