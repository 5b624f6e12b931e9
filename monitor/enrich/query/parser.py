"""Tokens -> syntax tree, by recursive descent; every problem points at its position.

    ("banjir" OR genangan) AND (pemkot OR "dinas PU") NOT hoaks
    title:korup* NEAR/5 "kepala dinas"   #banjirjakarta   @pemkotbdg   source:detik*

Adjacent terms are ANDed. Precedence, tightest first: NOT, NEAR, AND, OR. A term that
normalizes to several words ("pemkot" -> "pemerintah kota") is a phrase.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from monitor.enrich.query.ast import ANY, And, Near, Node, Not, Or, Positional, Query, Term, TokenPattern
from monitor.enrich.query.document import EMPTY
from monitor.enrich.query.lexer import QueryProblem, Token, TokenKind, lex
from monitor.enrich.query.matcher import matches
from monitor.errors import QueryError
from monitor.text.normalize import fold_accents, tokens
from monitor.text.slang import SLANG

# A wildcard on one or two letters ("ko*") would tag half of all mentions.
MIN_PREFIX = 3


def _word_patterns(word: str, position: int) -> tuple[TokenPattern, ...]:
    """Normalize one written word into token patterns; a trailing '*' makes the last a prefix."""
    star = word.find("*")
    if star >= 0 and star != len(word) - 1:
        raise QueryProblem(position + star, "wildcard '*' hanya boleh di akhir kata")
    base = word.rstrip("*")
    words = tokens(base)
    if not words:
        raise QueryProblem(position, f"'{word}' tidak berisi huruf atau angka yang bisa dicari")
    if star < 0:
        return tuple(TokenPattern(w) for w in words)
    raw = fold_accents(base).lower()
    if raw in SLANG:  # "org*" means words starting with "org", not with "orang"
        words = [raw]
    if len(words[-1].lstrip("#@")) < MIN_PREFIX:
        raise QueryProblem(position, f"wildcard butuh paling sedikit {MIN_PREFIX} huruf sebelum '*'")
    return (*(TokenPattern(w) for w in words[:-1]), TokenPattern(words[-1], prefix=True))


def _term(field: str, patterns: tuple[TokenPattern, ...], written: str) -> Term | Or:
    """A term; a slang word also as written, since hashtag bodies keep it ("#bansos", "#pemkot")."""
    raw = fold_accents(written).lower()
    if raw in SLANG and patterns != (TokenPattern(raw),):
        return Or((Term(field, patterns), Term(field, (TokenPattern(raw),))))
    return Term(field, patterns)


def _join(kind: type[And] | type[Or], children: list[Node]) -> Node:
    """One node for a run of AND or OR; nested runs of the same kind are flattened and repeated
    children dropped, so a printed query parses back to the same tree ("knp" is
    `(kenapa OR knp)`, which must not come back as `(kenapa OR kenapa OR knp)`)."""
    flat: list[Node] = []
    for child in children:
        for part in child.children if isinstance(child, And | Or) and type(child) is kind else (child,):
            if part not in flat:
                flat.append(part)
    return flat[0] if len(flat) == 1 else kind(tuple(flat))


class Parser:
    """or := and (OR and)*; and := unary ([AND] unary)*; unary := NOT unary | near;
    near := primary (NEAR/n primary)*; primary := [field:] (word | "phrase" | (or))."""

    def __init__(self, query: str):
        self.tokens = lex(query)
        self.i = 0
        self.field = ANY

    @property
    def current(self) -> Token:
        return self.tokens[self.i]

    def at(self, kind: TokenKind) -> bool:
        """Whether the current token is `kind` (a method, so type checkers do not narrow the
        current token across calls that advance)."""
        return self.current.kind == kind

    def advance(self) -> Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def parse(self) -> Node:
        if self.current.kind == "END":
            raise QueryProblem(0, "kueri kosong")
        node = self.parse_or()
        # The grammar stops early only at a ')' that closes nothing.
        if not self.at("END"):
            raise QueryProblem(self.current.position, "kurung tutup ')' tanpa pasangan '('")
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
            left = self._positional(node, start)
            right_side = self._positional(right, right_start)
            if _field(left) != _field(right_side):
                raise QueryProblem(near.position, "NEAR harus menghubungkan kata di kolom yang sama")
            node = Near(left, right_side, near.distance, near.ordered)
        return node

    def parse_primary(self) -> Node:
        token = self.current
        if token.kind == "FIELD":
            self.advance()
            if self.field != ANY:
                raise QueryProblem(token.position, "kolom di dalam kolom lain tidak didukung")
            if self.current.kind not in ("WORD", "PHRASE", "LPAREN"):
                raise QueryProblem(self.current.position, f"'{token.value}:' harus diikuti kata, frasa, atau '('")
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
                raise QueryProblem(token.position, "kurung kosong")
            node = self.parse_or()
            if not self.at("RPAREN"):
                raise QueryProblem(token.position, "kurung '(' tidak ditutup")
            self.advance()
            return node
        if token.kind == "END":
            raise QueryProblem(token.position, "kueri berakhir sebelum selesai; diharapkan kata, frasa, atau '('")
        raise QueryProblem(token.position, f"diharapkan kata, frasa, atau '(' tetapi ditemukan '{token.value}'")

    @staticmethod
    def _phrase_patterns(token: Token) -> tuple[TokenPattern, ...]:
        patterns: list[TokenPattern] = []
        for word in re.finditer(r"\S+", token.value):
            # +1: the phrase text starts after its opening quote.
            patterns.extend(_word_patterns(word.group(0), token.position + 1 + word.start()))
        if not patterns:
            raise QueryProblem(token.position, "frasa kosong")
        return tuple(patterns)

    @staticmethod
    def _positional(node: Node, position: int) -> Positional:
        """A NEAR operand: only words, phrases, NEAR and OR of those (in one field) have positions."""
        if isinstance(node, Term | Near):
            return node
        if isinstance(node, Or):
            children = [Parser._positional(child, position) for child in node.children]
            if len({_field(child) for child in children}) > 1:
                raise QueryProblem(position, "NEAR harus menghubungkan kata di kolom yang sama")
            return node
        raise QueryProblem(position, "NEAR hanya bisa menghubungkan kata, frasa, atau grup OR dari kata dan frasa")


def _field(node: Positional) -> str:
    if isinstance(node, Term):
        return node.field
    if isinstance(node, Near):
        return _field(node.left)
    first = node.children[0]
    assert isinstance(first, Term | Near | Or)
    return _field(first)


def _label(name: str | None) -> str:
    return f"watchlist '{name}': " if name else ""


@lru_cache(maxsize=1024)
def parse_query(text: str, *, name: str | None = None) -> Query:
    """Parse a query; raise `QueryError` pointing at the first problem (naming the watchlist if given).

    Cached: configuration validation and the enrich stage parse the same watchlists."""
    try:
        root = Parser(text).parse()
        if matches(root, EMPTY):
            raise QueryProblem(0, "kueri ini cocok dengan semua sebutan (hanya NOT); tambahkan kata yang dicari")
    except QueryProblem as problem:
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


def check_query(name: str, value: str | Sequence[str]) -> None:
    """Raise QueryError unless the watchlist's value (query or keyword list) compiles."""
    if isinstance(value, str):
        parse_query(value, name=name)
    else:
        keywords_query(list(value), name=name)
