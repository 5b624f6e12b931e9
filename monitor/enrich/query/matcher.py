"""Matching a query's syntax tree against a tokenized document."""

from __future__ import annotations

from monitor.enrich.query.ast import ANY, And, Near, Node, Not, Or, Query, Term
from monitor.enrich.query.document import MatchDocument, Span


def matches(node: Node, doc: MatchDocument) -> bool:
    match node:
        case Term(field=field, pattern=pattern):
            if len(pattern) == 1 and not pattern[0].prefix:
                return doc.contains(field, pattern[0].text)
            return bool(doc.spans(field, pattern))
        case Near():
            return bool(spans(node, doc))
        case Or(children=children):
            return any(matches(child, doc) for child in children)
        case And(children=children):
            return all(matches(child, doc) for child in children)
        case Not(child=child):
            return not matches(child, doc)


def spans(node: Node, doc: MatchDocument) -> list[Span]:
    """Where a positional node (word, phrase, NEAR, OR of those) occurs; the parser makes sure
    NEAR joins only positional nodes."""
    match node:
        case Term(field=field, pattern=pattern):
            return doc.spans(field, pattern)
        case Or(children=children):
            return sorted({span for child in children for span in spans(child, doc)})
        case Near(left=left, right=right, distance=distance, ordered=ordered):
            rights = spans(right, doc)
            if not rights:
                return []
            found: set[Span] = set()
            for first in spans(left, doc):
                for second in rights:
                    if second[0] >= first[1]:
                        gap = second[0] - first[1]
                    elif first[0] >= second[1] and not ordered:
                        gap = first[0] - second[1]
                    else:  # overlapping, or the wrong order: one occurrence cannot be both sides
                        continue
                    if gap <= distance:
                        found.add((min(first[0], second[0]), max(first[1], second[1])))
            return sorted(found)
        case _:
            raise TypeError(f"{node} has no word positions")


def query_matches(query: Query, doc: MatchDocument) -> bool:
    return matches(query.root, doc)


Trigger = tuple[str, str]  # (index name in MatchDocument, exact word)


def triggers(node: Node) -> frozenset[Trigger] | None:
    """Words of which a matching document must hold at least one; None when no such set exists
    (a query made only of wildcards). Lets `Watchlists` skip queries that cannot match."""
    match node:
        case Term(field=field, pattern=pattern):
            index = ANY if field in (ANY, "title", "text") else field
            exact = next((p.text for p in pattern if not p.prefix), None)
            return frozenset({(index, exact)}) if exact else None
        case Or(children=children):
            found: set[Trigger] = set()
            for child in children:
                child_triggers = triggers(child)
                if child_triggers is None:
                    return None
                found |= child_triggers
            return frozenset(found)
        case And(children=children):
            return _fewest(children)
        case Near(left=left, right=right):
            return _fewest((left, right))
        case _:
            return None  # NOT requires nothing to be present


def _fewest(parts: tuple[Node, ...]) -> frozenset[Trigger] | None:
    """All parts must match, so the smallest trigger set of any part will do."""
    options = [t for t in map(triggers, parts) if t is not None]
    return min(options, key=len) if options else None
