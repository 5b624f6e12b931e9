"""Watchlist query text -> tokens: words, "phrases", field scopes, parentheses, operators.

Operators are upper case only (AND/DAN, OR/ATAU, NOT/BUKAN, NEAR/n, NEAR/nf), because lower-case
"dan"/"atau" are ordinary Indonesian words that analysts also search for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from monitor.enrich.query.document import MAX_NEAR

TokenKind = Literal["WORD", "PHRASE", "FIELD", "LPAREN", "RPAREN", "AND", "OR", "NOT", "NEAR", "END"]
# Field scopes, English names and their Indonesian aliases. No scope means title or text.
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
_QUOTES = '"\u201c\u201d'  # straight and curly quotes (pasted from documents and chat)
_WORD_END = re.compile(r"[\s()" + _QUOTES + "]")
_FIELD = re.compile(r"([A-Za-z]+):")
_NEAR = re.compile(r"NEAR/(\d+)(f?)", re.IGNORECASE)
_OPERATORS: dict[str, TokenKind] = {"AND": "AND", "DAN": "AND", "OR": "OR", "ATAU": "OR", "NOT": "NOT", "BUKAN": "NOT"}


class QueryProblem(Exception):
    """A problem at a position, before it knows the query text and watchlist name to report with."""

    def __init__(self, position: int, message: str):
        super().__init__(message)
        self.position = position
        self.message = message


@dataclass(frozen=True)
class Token:
    kind: TokenKind
    value: str
    position: int
    distance: int = 0
    ordered: bool = False


def lex(query: str) -> list[Token]:
    """Every token of the query, ending with END; raises QueryProblem."""
    found: list[Token] = []
    i = 0
    while i < len(query):
        char = query[i]
        if char.isspace():
            i += 1
        elif char in "()":
            found.append(Token("LPAREN" if char == "(" else "RPAREN", char, i))
            i += 1
        elif char in _QUOTES:
            close = next((j for j in range(i + 1, len(query)) if query[j] in _QUOTES), -1)
            if close < 0:
                raise QueryProblem(i, "tanda kutip tidak ditutup")
            found.append(Token("PHRASE", query[i + 1 : close], i))
            i = close + 1
        else:
            end_match = _WORD_END.search(query, i)
            end = end_match.start() if end_match else len(query)
            found.extend(_word_tokens(query[i:end], i))
            i = end
    found.append(Token("END", "", len(query)))
    return found


def _word_tokens(word: str, position: int) -> list[Token]:
    if word in _OPERATORS:
        return [Token(_OPERATORS[word], word, position)]
    if word == "NEAR" or word.startswith("NEAR/"):
        near = _NEAR.fullmatch(word)
        if not near:
            raise QueryProblem(position, f"'{word}' tidak valid; tulis jarak kata, misalnya NEAR/5")
        distance = int(near.group(1))
        if distance > MAX_NEAR:
            raise QueryProblem(position, f"jarak NEAR paling banyak {MAX_NEAR} kata")
        return [Token("NEAR", word, position, distance, bool(near.group(2)))]
    field = _FIELD.match(word)
    if field:
        name = field.group(1).lower()
        if name not in FIELD_NAMES:
            known = ", ".join(sorted({f"{n}:" for n in FIELD_NAMES}))
            raise QueryProblem(position, f"kolom '{field.group(1)}:' tidak dikenal; pilihan: {known}")
        scope = Token("FIELD", FIELD_NAMES[name], position)
        rest = word[field.end() :]
        return [scope, Token("WORD", rest, position + field.end())] if rest else [scope]
    return [Token("WORD", word, position)]
