"""The watchlist query language: Boolean keyword queries as PR analysts write them.

    ("banjir" OR genangan) AND (pemkot OR "dinas PU") NOT hoaks
    title:korup* NEAR/5 "kepala dinas"   #banjirjakarta   @pemkotbdg   source:detik*

Operators (upper case only, because lower-case "dan"/"atau" are ordinary Indonesian words that
analysts also search for): AND/DAN, OR/ATAU, NOT/BUKAN, NEAR/n (unordered, at most n words
between) and NEAR/nf (the right side follows the left). Adjacent terms are ANDed. Precedence,
tightest first: NOT, NEAR, AND, OR.

Query terms and documents go through the same `monitor.text.normalize.tokens`, so case,
accents, *alay* digits, repeated letters and slang spellings match ("gak" finds "tidak", "pemkot"
finds "pemerintah kota"). A term that normalizes to several words ("pemkot") is a phrase.

`parse_query` turns text into a frozen `Query`; `MatchDocument` tokenizes a mention once so many
queries can be matched against it; `compile_watchlists` builds the named watchlists of the config.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache

from monitor.errors import QueryError
from monitor.records import Mention
from monitor.text.normalize import fold_accents, tokens
from monitor.text.slang import SLANG

# Field scopes, English names and their Indonesian aliases. "any" (no scope) is title or text.
ANY = "any"
FIELD_NAMES: dict[str, str] = {
    "title": "title",
    "judul": "title",
    "text": "text",
    "isi": "text",
    "author": "author",
    "penulis": "author",
    "source": "source",
    "sumber": "source",
    "channel": "channel",
    "kanal": "channel",
}
MAX_NEAR = 100
# A wildcard on one or two letters ("ko*") would tag half of all mentions.
MIN_PREFIX = 3

Span = tuple[int, int]  # token positions [start, end)


# --- documents ----------------------------------------------------------------------------


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
            for i, token in enumerate(part):
                for form in _forms(token):
                    found.setdefault(form, []).append(offset + i)
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
    author: FieldIndex
    source: FieldIndex
    channel: FieldIndex

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
            author=_short_field_index(author),
            source=_short_field_index(source),
            channel=_short_field_index(channel),
        )

    @classmethod
    def from_mention(cls, mention: Mention) -> MatchDocument:
        return cls.build(
            mention.text, title=mention.title, author=mention.author, source=mention.source, channel=mention.channel
        )

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

    def _scope(self, field: str) -> tuple[FieldIndex, int | float, int | float]:
        if field == ANY:
            return self.any, 0, float("inf")
        if field == "title":
            return self.any, 0, self.title_end
        if field == "text":
            return self.any, self.title_end, float("inf")
        return getattr(self, field), 0, float("inf")


@lru_cache(maxsize=4096)
def _short_field_index(value: str | None) -> FieldIndex:
    """Authors, sources and channels repeat across mentions: normalize each value once."""
    return FieldIndex.build([tokens(value)])


_EMPTY = MatchDocument.build("")


# --- the syntax tree ------------------------------------------------------------------------


@dataclass(frozen=True)
class TokenPattern:
    """One normalized word of a term; `prefix` for a trailing wildcard."""

    text: str
    prefix: bool = False

    def __str__(self) -> str:
        return self.text + ("*" if self.prefix else "")


@dataclass(frozen=True)
class Term:
    """A word or phrase (consecutive words) in a field."""

    field: str
    pattern: tuple[TokenPattern, ...]

    def matches(self, doc: MatchDocument) -> bool:
        if len(self.pattern) == 1 and not self.pattern[0].prefix:
            return doc.contains(self.field, self.pattern[0].text)
        return bool(doc.spans(self.field, self.pattern))

    def spans(self, doc: MatchDocument) -> list[Span]:
        return doc.spans(self.field, self.pattern)

    def __str__(self) -> str:
        words = " ".join(str(p) for p in self.pattern)
        text = f'"{words}"' if len(self.pattern) > 1 else words
        return text if self.field == ANY else f"{self.field}:{text}"


@dataclass(frozen=True)
class Near:
    """Both sides within `distance` words of each other (`ordered`: right after left)."""

    left: Positional
    right: Positional
    distance: int
    ordered: bool = False

    def matches(self, doc: MatchDocument) -> bool:
        return bool(self.spans(doc))

    def spans(self, doc: MatchDocument) -> list[Span]:
        rights = self.right.spans(doc)
        if not rights:
            return []
        found: set[Span] = set()
        for left in self.left.spans(doc):
            for right in rights:
                if right[0] >= left[1]:
                    gap = right[0] - left[1]
                elif left[0] >= right[1] and not self.ordered:
                    gap = left[0] - right[1]
                else:  # overlapping, or the wrong order: one occurrence cannot be both sides
                    continue
                if gap <= self.distance:
                    found.add((min(left[0], right[0]), max(left[1], right[1])))
        return sorted(found)

    def __str__(self) -> str:
        return f"({self.left} NEAR/{self.distance}{'f' if self.ordered else ''} {self.right})"


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]

    def matches(self, doc: MatchDocument) -> bool:
        return any(child.matches(doc) for child in self.children)

    def spans(self, doc: MatchDocument) -> list[Span]:
        # Only reached when every child is positional; the parser checks that for NEAR.
        return sorted({span for child in self.children for span in child.spans(doc)})  # type: ignore[union-attr]

    def __str__(self) -> str:
        return "(" + " OR ".join(str(c) for c in self.children) + ")"


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]

    def matches(self, doc: MatchDocument) -> bool:
        return all(child.matches(doc) for child in self.children)

    def __str__(self) -> str:
        return "(" + " AND ".join(str(c) for c in self.children) + ")"


@dataclass(frozen=True)
class Not:
    child: Node

    def matches(self, doc: MatchDocument) -> bool:
        return not self.child.matches(doc)

    def __str__(self) -> str:
        return f"NOT {self.child}"


Positional = Term | Near | Or
Node = Term | Near | Or | And | Not


@dataclass(frozen=True)
class Query:
    """A parsed query: the text the analyst wrote and its syntax tree."""

    text: str
    root: Node

    def matches(self, doc: MatchDocument) -> bool:
        return self.root.matches(doc)

    def __str__(self) -> str:
        return str(self.root)


class _Problem(Exception):
    """A parse problem before it knows the query text and watchlist name to report with."""

    def __init__(self, position: int, message: str):
        super().__init__(message)
        self.position = position
        self.message = message


# --- lexer ----------------------------------------------------------------------------------

_QUOTES = '"\u201c\u201d'  # straight and curly quotes (pasted from documents and chat)
_WORD_END = re.compile(r"[\s()" + _QUOTES + "]")
_FIELD = re.compile(r"([A-Za-z]+):")
_NEAR = re.compile(r"NEAR/(\d+)(f?)", re.IGNORECASE)
_OPERATORS = {"AND": "AND", "DAN": "AND", "OR": "OR", "ATAU": "OR", "NOT": "NOT", "BUKAN": "NOT"}


@dataclass(frozen=True)
class _Token:
    kind: str  # WORD PHRASE FIELD LPAREN RPAREN AND OR NOT NEAR END
    value: str
    position: int
    distance: int = 0
    ordered: bool = False


def _lex(query: str) -> list[_Token]:
    found: list[_Token] = []
    i = 0
    while i < len(query):
        char = query[i]
        if char.isspace():
            i += 1
        elif char in "()":
            found.append(_Token("LPAREN" if char == "(" else "RPAREN", char, i))
            i += 1
        elif char in _QUOTES:
            close = next((j for j in range(i + 1, len(query)) if query[j] in _QUOTES), -1)
            if close < 0:
                raise _Problem(i, "tanda kutip tidak ditutup")
            found.append(_Token("PHRASE", query[i + 1 : close], i))
            i = close + 1
        else:
            end_match = _WORD_END.search(query, i)
            end = end_match.start() if end_match else len(query)
            found.extend(_word_tokens(query[i:end], i))
            i = end
    found.append(_Token("END", "", len(query)))
    return found


def _word_tokens(word: str, position: int) -> list[_Token]:
    if word in _OPERATORS:
        return [_Token(_OPERATORS[word], word, position)]
    if word == "NEAR" or word.startswith("NEAR/"):
        near = _NEAR.fullmatch(word)
        if not near:
            raise _Problem(position, f"'{word}' tidak valid; tulis jarak kata, misalnya NEAR/5")
        distance = int(near.group(1))
        if distance > MAX_NEAR:
            raise _Problem(position, f"jarak NEAR paling banyak {MAX_NEAR} kata")
        return [_Token("NEAR", word, position, distance, bool(near.group(2)))]
    field = _FIELD.match(word)
    if field:
        name = field.group(1).lower()
        if name not in FIELD_NAMES:
            known = ", ".join(sorted({f"{n}:" for n in FIELD_NAMES}))
            raise _Problem(position, f"kolom '{field.group(1)}:' tidak dikenal; pilihan: {known}")
        scope = _Token("FIELD", FIELD_NAMES[name], position)
        rest = word[field.end() :]
        return [scope, _Token("WORD", rest, position + field.end())] if rest else [scope]
    return [_Token("WORD", word, position)]


# --- parser ---------------------------------------------------------------------------------


def _word_patterns(word: str, position: int) -> tuple[TokenPattern, ...]:
    """Normalize one written word into token patterns; a trailing '*' makes the last a prefix."""
    star = word.find("*")
    if star >= 0 and star != len(word) - 1:
        raise _Problem(position + star, "wildcard '*' hanya boleh di akhir kata")
    base = word.rstrip("*")
    words = tokens(base)
    if not words:
        raise _Problem(position, f"'{word}' tidak berisi huruf atau angka yang bisa dicari")
    if star < 0:
        return tuple(TokenPattern(w) for w in words)
    raw = fold_accents(base).lower()
    if raw in SLANG:  # "org*" means words starting with "org", not with "orang"
        words = [raw]
    if len(words[-1].lstrip("#@")) < MIN_PREFIX:
        raise _Problem(position, f"wildcard butuh paling sedikit {MIN_PREFIX} huruf sebelum '*'")
    return (*(TokenPattern(w) for w in words[:-1]), TokenPattern(words[-1], prefix=True))


def _term(field: str, patterns: tuple[TokenPattern, ...], written: str) -> Term | Or:
    """A term; a slang word also as written, since hashtag bodies keep it ("#bansos", "#pemkot")."""
    raw = fold_accents(written).lower()
    if raw in SLANG and patterns != (TokenPattern(raw),):
        return Or((Term(field, patterns), Term(field, (TokenPattern(raw),))))
    return Term(field, patterns)


def _join(kind: type[And] | type[Or], children: list[Node]) -> Node:
    """One node for a run of AND or OR; nested runs of the same kind are flattened."""
    flat: list[Node] = []
    for child in children:
        if isinstance(child, (And, Or)) and type(child) is kind:
            flat.extend(child.children)
        else:
            flat.append(child)
    return flat[0] if len(flat) == 1 else kind(tuple(flat))


class _Parser:
    """Recursive descent: or := and (OR and)*; and := unary ([AND] unary)*;
    unary := NOT unary | near; near := primary (NEAR/n primary)*; primary := [field:] (word | "phrase" | (or))."""

    def __init__(self, query: str):
        self.tokens = _lex(query)
        self.i = 0
        self.field = ANY

    @property
    def current(self) -> _Token:
        return self.tokens[self.i]

    def advance(self) -> _Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def parse(self) -> Node:
        if self.current.kind == "END":
            raise _Problem(0, "kueri kosong")
        node = self.parse_or()
        # The grammar stops early only at a ')' that closes nothing.
        if self.current.kind != "END":
            raise _Problem(self.current.position, "kurung tutup ')' tanpa pasangan '('")
        return node

    def parse_or(self) -> Node:
        children = [self.parse_and()]
        while self.current.kind == "OR":
            self.advance()
            children.append(self.parse_and())
        return _join(Or, children)

    def parse_and(self) -> Node:
        children = [self.parse_unary()]
        while True:
            if self.current.kind == "AND":
                self.advance()
            elif self.current.kind not in ("WORD", "PHRASE", "FIELD", "LPAREN", "NOT"):
                break
            children.append(self.parse_unary())
        return _join(And, children)

    def parse_unary(self) -> Node:
        if self.current.kind == "NOT":
            self.advance()
            return Not(self.parse_unary())
        return self.parse_near()

    def parse_near(self) -> Node:
        start = self.current.position
        node = self.parse_primary()
        while self.current.kind == "NEAR":
            near = self.advance()
            right_start = self.current.position
            right = self.parse_primary()
            left_field = self._positional_field(node, start)
            right_field = self._positional_field(right, right_start)
            if left_field != right_field:
                raise _Problem(near.position, "NEAR harus menghubungkan kata di kolom yang sama")
            node = Near(node, right, near.distance, near.ordered)  # type: ignore[arg-type]
        return node

    def parse_primary(self) -> Node:
        token = self.current
        if token.kind == "FIELD":
            self.advance()
            if self.field != ANY:
                raise _Problem(token.position, "kolom di dalam kolom lain tidak didukung")
            if self.current.kind not in ("WORD", "PHRASE", "LPAREN"):
                raise _Problem(self.current.position, f"'{token.value}:' harus diikuti kata, frasa, atau '('")
            self.field = token.value
            try:
                return self.parse_primary()
            finally:
                self.field = ANY
        if token.kind == "WORD":
            self.advance()
            return _term(self.field, _word_patterns(token.value, token.position), token.value)
        if token.kind == "PHRASE":
            self.advance()
            return _term(self.field, self._phrase_patterns(token), token.value.strip())
        if token.kind == "LPAREN":
            self.advance()
            if self.current.kind == "RPAREN":
                raise _Problem(token.position, "kurung kosong")
            node = self.parse_or()
            if self.current.kind != "RPAREN":
                raise _Problem(token.position, "kurung '(' tidak ditutup")
            self.advance()
            return node
        if token.kind == "END":
            raise _Problem(token.position, "kueri berakhir sebelum selesai; diharapkan kata, frasa, atau '('")
        raise _Problem(token.position, f"diharapkan kata, frasa, atau '(' tetapi ditemukan '{token.value}'")

    def _phrase_patterns(self, token: _Token) -> tuple[TokenPattern, ...]:
        patterns: list[TokenPattern] = []
        for word in re.finditer(r"\S+", token.value):
            # +1: the phrase text starts after its opening quote.
            patterns.extend(_word_patterns(word.group(0), token.position + 1 + word.start()))
        if not patterns:
            raise _Problem(token.position, "frasa kosong")
        return tuple(patterns)

    def _positional_field(self, node: Node, position: int) -> str:
        """The field of a NEAR operand; only words, phrases, NEAR and OR of those have positions."""
        if isinstance(node, Term):
            return node.field
        if isinstance(node, Near):
            return self._positional_field(node.left, position)
        if isinstance(node, Or):
            fields = {self._positional_field(child, position) for child in node.children}
            if len(fields) > 1:
                raise _Problem(position, "NEAR harus menghubungkan kata di kolom yang sama")
            return fields.pop()
        raise _Problem(position, "NEAR hanya bisa menghubungkan kata, frasa, atau grup OR dari kata dan frasa")


def _label(name: str | None) -> str:
    return f"watchlist '{name}': " if name else ""


def parse_query(text: str, *, name: str | None = None) -> Query:
    """Parse a query; raise `QueryError` pointing at the first problem (naming the watchlist if given)."""
    try:
        root = _Parser(text).parse()
        if root.matches(_EMPTY):
            raise _Problem(0, "kueri ini cocok dengan semua sebutan (hanya NOT); tambahkan kata yang dicari")
    except _Problem as problem:
        raise QueryError(text, problem.position, _label(name) + problem.message) from None
    return Query(text, root)


def keywords_query(keywords: Sequence[str], *, name: str | None = None) -> Query:
    """A plain keyword list (the older watchlist form): any of the words or phrases, taken literally."""
    terms: list[Node] = []
    for keyword in keywords:
        words = tokens(keyword)
        if not words:
            raise QueryError(keyword, 0, _label(name) + f"kata kunci '{keyword}' tidak berisi huruf atau angka")
        terms.append(_term(ANY, tuple(TokenPattern(w) for w in words), keyword.strip()))
    if not terms:
        raise QueryError("", 0, _label(name) + "daftar kata kunci kosong")
    text = " OR ".join(f'"{k}"' for k in keywords)
    return Query(text, terms[0] if len(terms) == 1 else Or(tuple(terms)))


# --- watchlists -----------------------------------------------------------------------------


Trigger = tuple[str, str]  # (index name in MatchDocument, exact word)


def _triggers(node: Node) -> frozenset[Trigger] | None:
    """Words of which a matching document must hold at least one; None when no such set exists
    (a query made only of wildcards). Lets `Watchlists` skip queries that cannot match."""
    if isinstance(node, Term):
        index = ANY if node.field in (ANY, "title", "text") else node.field
        exact = next((p.text for p in node.pattern if not p.prefix), None)
        return frozenset({(index, exact)}) if exact else None
    if isinstance(node, Or):
        found: set[Trigger] = set()
        for child in node.children:
            child_triggers = _triggers(child)
            if child_triggers is None:
                return None
            found |= child_triggers
        return frozenset(found)
    if isinstance(node, (And, Near)):
        parts = node.children if isinstance(node, And) else (node.left, node.right)
        options = [t for t in map(_triggers, parts) if t is not None]
        return min(options, key=len) if options else None
    return None  # NOT requires nothing to be present


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
            triggers = _triggers(query.root)
            if triggers is None:
                always.add(i)
                continue
            for index, word in triggers:
                by_word.setdefault(index, {}).setdefault(word, []).append(i)
        return by_word, frozenset(always)

    def match(self, mention: Mention | MatchDocument) -> tuple[str, ...]:
        doc = mention if isinstance(mention, MatchDocument) else MatchDocument.from_mention(mention)
        by_word, always = self._candidates
        candidates = set(always)
        for index, words in by_word.items():
            for word in words.keys() & getattr(doc, index).positions.keys():
                candidates.update(words[word])
        return tuple(self.queries[i][0] for i in sorted(candidates) if self.queries[i][1].matches(doc))


def compile_watchlists(watchlists: Mapping[str, str | Iterable[str]]) -> Watchlists:
    """Compile `[watchlists]` config: a query string, or a list of keywords meaning any of them.

    Errors name the watchlist in the message; the position points into its query. Call
    `parse_query(value, name=...)` per watchlist to collect every problem instead of the first.
    """
    return Watchlists(
        tuple(
            (name, parse_query(value, name=name) if isinstance(value, str) else keywords_query(list(value), name=name))
            for name, value in watchlists.items()
        )
    )
