"""The watchlist query language: Boolean keyword queries as PR analysts write them.

lexer.py (text -> tokens), parser.py (tokens -> ast.py's tree), document.py (a mention
tokenized once), matcher.py (tree x document -> bool) and watchlists.py (named queries).
"""

from __future__ import annotations

from monitor.enrich.query.ast import Query
from monitor.enrich.query.document import MatchDocument
from monitor.enrich.query.matcher import query_matches
from monitor.enrich.query.parser import check_query, keywords_query, parse_query
from monitor.enrich.query.watchlists import Watchlists, compile_watchlists

__all__ = [
    "MatchDocument",
    "Query",
    "Watchlists",
    "check_query",
    "compile_watchlists",
    "keywords_query",
    "parse_query",
    "query_matches",
]
