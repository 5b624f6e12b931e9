"""The syntax tree of a watchlist query: frozen data, printed back in canonical form.

Matching lives in matcher.py; these nodes only say what was asked for.
"""

from __future__ import annotations

from dataclasses import dataclass

# The scope of a term without a field: title or text.
ANY = "any"


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

    def __str__(self) -> str:
        return f"({self.left} NEAR/{self.distance}{'f' if self.ordered else ''} {self.right})"


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]

    def __str__(self) -> str:
        return "(" + " OR ".join(str(c) for c in self.children) + ")"


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]

    def __str__(self) -> str:
        return "(" + " AND ".join(str(c) for c in self.children) + ")"


@dataclass(frozen=True)
class Not:
    child: Node

    def __str__(self) -> str:
        return f"NOT {self.child}"


# Nodes with word positions (what NEAR can join); every node.
Positional = Term | Near | Or
Node = Term | Near | Or | And | Not


@dataclass(frozen=True)
class Query:
    """A parsed query: the text the analyst wrote and its syntax tree."""

    text: str
    root: Node

    def __str__(self) -> str:
        return str(self.root)
