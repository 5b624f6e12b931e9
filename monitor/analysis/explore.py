"""The browser view of the embedded store: Datasette over the SQLite files, read-only.

`monitor explore` serves the store (database `mention`) and the monitor's state file (database
`insiden`: incidents, their log and mentions, silences) with Indonesian titles and descriptions,
facets on what an analyst filters by, full-text search on the store's FTS5 index and canned
queries. Both files are opened with `?mode=ro`, never `immutable`: the running monitor keeps
writing them, and an immutable reader of a changing WAL file may read torn pages. Nothing here
writes. The store is also attached to the state database's connections (as `mention`), so one
query can join an incident to its mentions.

Times are stored in UTC; the SQL functions `waktu_lokal(t)` and `tanggal_lokal(t)` (epoch seconds
or ISO text) and the cell renderer show them in the configured zone (WIB by default).
"""

from __future__ import annotations

import json
import sqlite3
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from datasette.app import Datasette
from datasette.database import Database
from datasette.plugins import pm
from datasette.utils.asgi import Response
from markupsafe import Markup, escape
from pluggy import HookimplMarker

from monitor.config import MonitorConfig
from monitor.errors import UsageError
from monitor.i18n import Messages
from monitor.values import utc

# Datasette's own marker (`datasette.hookimpl`), typed.
hookimpl = HookimplMarker("datasette")
# Database names: in URLs, on the home page, and in SQL that joins the two files.
STORE_DB = "mention"
STATE_DB = "insiden"
# The store's reading view (monitor/store/types/sqlite.py); stores written before it have only the table.
MENTION_VIEW = "mention_view"
# State tables an analyst has no use for (the monitor's bookkeeping): hidden, not removed.
_BOOKKEEPING = ("outbox", "threads", "rule_runs", "rule_seen", "rule_memory", "fingerprints", "sqlite_sequence")
# Columns of the state file that hold ISO times (UTC).
_STATE_TIMES = frozenset(
    {"opened_at", "updated_at", "last_alert_at", "resolved_at", "acked_at", "at", "until", "created_at", "removed_at"}
)
# A mention's text in the raw table's `data` cell is cut here; the row page has all of it.
EXCERPT = 280
SETTINGS = {
    # Array facets unpack JSON per row: give them time on a year of mentions.
    "facet_time_limit_ms": 2000,
    "sql_time_limit_ms": 5000,
    "default_page_size": 50,
}
# Column aliases of the canned queries, each a catalogue word (`explore.col.<key>`).
_ALIASES = (
    "date",
    "total",
    "positive",
    "neutral",
    "negative",
    "unclassified",
    "account",
    "channel",
    "reach",
    "first",
    "last",
    "source",
    "incident",
    "rule",
    "severity",
    "status",
    "opened",
    "updated",
    "resolved",
    "title",
    "mentions",
    "time",
    "sentiment",
    "text",
    "link",
)


@dataclass(frozen=True)
class ExploreFiles:
    store: Path
    state: Path | None


def explore_files(config: MonitorConfig, say: Messages) -> ExploreFiles:
    """The store and state files of `config`; a usage error when it keeps no SQLite store."""
    if config.store.type != "sqlite":
        raise UsageError(say("explore.not_sqlite", type=config.store.type))
    options = config.store.validated()
    store = config.data_dir / str(getattr(options, "path", "mentions.sqlite3"))
    if not store.is_file():
        raise UsageError(say("explore.no_store", path=store))
    state = config.data_dir / "state.sqlite3"
    return ExploreFiles(store.resolve(), state.resolve() if state.is_file() else None)


def _read_only(path: Path) -> str:
    return f"{path.as_uri()}?mode=ro"


def schema_names(path: Path) -> set[str]:
    """The tables and views in a SQLite file, read without writing."""
    conn = sqlite3.connect(_read_only(path), uri=True)
    try:
        return {str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
    finally:
        conn.close()


def _moment(value: Any) -> datetime | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, UTC)
    if isinstance(value, str) and value:
        try:
            return utc(datetime.fromisoformat(value))
        except ValueError:
            return None
    return None


@dataclass(frozen=True)
class View:
    """What the Datasette hooks need of one `monitor explore`."""

    say: Messages
    files: ExploreFiles

    def local(self, value: Any, pattern: str) -> str | None:
        moment = _moment(value)
        return moment.astimezone(self.say.zone).strftime(pattern) if moment else None

    def prepare(self, conn: sqlite3.Connection, database: str) -> None:
        conn.create_function("waktu_lokal", 1, lambda v: self.local(v, "%Y-%m-%d %H:%M"), deterministic=True)
        conn.create_function("tanggal_lokal", 1, lambda v: self.local(v, "%Y-%m-%d"), deterministic=True)
        if database == STATE_DB:
            conn.execute(f"ATTACH DATABASE ? AS {STORE_DB}", (_read_only(self.files.store),))

    def cell(self, value: Any, column: str, table: str | None, database: str) -> Markup | str | None:
        if database == STORE_DB and table in ("mentions", MENTION_VIEW):
            if column == "published_at" and (moment := _moment(value)):
                return self.say.time(moment)
            if column == "data" and isinstance(value, str):
                return self._mention(value)
        if database == STATE_DB and table and column in _STATE_TIMES and (moment := _moment(value)):
            return self.say.time(moment)
        return None

    def _mention(self, data: str) -> Markup | None:
        """The raw table's JSON as a person reads it: title, the start of the text, the link."""
        try:
            mention = json.loads(data)["mention"]
        except (ValueError, KeyError, TypeError):
            return None
        text = str(mention.get("text") or "")
        parts = []
        if mention.get("title"):
            parts.append(Markup("<strong>{}</strong><br>").format(mention["title"]))
        parts.append(escape(text if len(text) <= EXCERPT else text[: EXCERPT - 1] + "…"))
        url = str(mention.get("url") or "")
        if url.startswith(("http://", "https://")):
            link = Markup(' <a href="{}" rel="noopener noreferrer">{}</a>')
            parts.append(link.format(url, self.say("explore.cell.link")))
        return Markup("").join(parts)


def _view(datasette: Any) -> View | None:
    view = getattr(datasette, "humas_view", None)
    return view if isinstance(view, View) else None


# Datasette's hooks. This module is the plugin, registered once per process; each Datasette
# instance carries its own View (or none, and is left alone).
@hookimpl
def prepare_connection(conn: sqlite3.Connection, database: str, datasette: Any) -> None:
    view = _view(datasette)
    if view:
        view.prepare(conn, database)


@hookimpl
def render_cell(value: Any, column: str, table: str | None, database: str, datasette: Any) -> Any:
    view = _view(datasette)
    return view.cell(value, column, table, database) if view else None


# Room for the words: a mention's title and text get the width, the rest stays narrow.
STYLE = """
td.col-text { min-width: 26em; }
td.col-title { min-width: 14em; }
td.col-published_at, td.col-url { white-space: nowrap; }
"""
STYLE_PATH = "/-/humas-monitor.css"


async def _style() -> Response:
    return Response(STYLE, content_type="text/css; charset=utf-8")


@hookimpl
def register_routes(datasette: Any) -> list[tuple[str, Any]]:
    return [(f"^{STYLE_PATH}$", _style)] if _view(datasette) else []


@hookimpl
def extra_css_urls(datasette: Any) -> list[str]:
    return [STYLE_PATH] if _view(datasette) else []


def _aliases(say: Messages) -> dict[str, str]:
    """Catalogue words as SQL column aliases."""
    return {key: '"' + say(f"explore.col.{key}").replace('"', '""') + '"' for key in _ALIASES}


def _query(say: Messages, key: str, sql: str) -> dict[str, Any]:
    return {
        "sql": sql,
        "title": say(f"explore.query.{key}.title"),
        "description": say(f"explore.query.{key}.description"),
        # The answer first; the SQL is one click away ("show"), to read or adapt.
        "hide_sql": True,
    }


def _store_queries(say: Messages) -> dict[str, dict[str, Any]]:
    c = _aliases(say)
    in_watchlist = "(:watchlist = '' OR EXISTS (SELECT 1 FROM json_each(mentions.watchlists) WHERE value = :watchlist))"
    by_sentiment = f"""SUM(sentiment = 'positive') AS {c["positive"]},
  SUM(sentiment = 'neutral') AS {c["neutral"]},
  SUM(sentiment = 'negative') AS {c["negative"]}"""
    first_last = f"""waktu_lokal(MIN(published_at)) AS {c["first"]},
  waktu_lokal(MAX(published_at)) AS {c["last"]}"""
    return {
        "mention_per_hari": _query(
            say,
            "per_day",
            f"""SELECT tanggal_lokal(published_at) AS {c["date"]},
  COUNT(*) AS {c["total"]},
  {by_sentiment},
  SUM(sentiment IS NULL) AS {c["unclassified"]}
FROM mentions
WHERE {in_watchlist}
GROUP BY 1 ORDER BY 1 DESC""",
        ),
        "akun_teratas": _query(
            say,
            "authors",
            f"""SELECT author AS {c["account"]}, group_concat(DISTINCT channel) AS {c["channel"]},
  COUNT(*) AS {c["total"]},
  SUM(sentiment = 'negative') AS {c["negative"]},
  SUM(COALESCE(json_extract(data, '$.mention.reach'), 0)) AS {c["reach"]},
  {first_last}
FROM mentions
WHERE author IS NOT NULL AND {in_watchlist}
GROUP BY author ORDER BY 3 DESC, 5 DESC LIMIT 100""",
        ),
        "media_teratas": _query(
            say,
            "outlets",
            f"""SELECT source AS {c["source"]}, channel AS {c["channel"]},
  COUNT(*) AS {c["total"]},
  {by_sentiment},
  {first_last}
FROM mentions
WHERE {in_watchlist}
GROUP BY source, channel ORDER BY 3 DESC LIMIT 100""",
        ),
    }


def _state_queries(say: Messages) -> dict[str, dict[str, Any]]:
    c = _aliases(say)
    incident = f"""substr(i.id, 1, 8) AS {c["incident"]}, i.title AS {c["title"]}, i.rule AS {c["rule"]},
  i.severity AS {c["severity"]}, i.status AS {c["status"]}"""
    return {
        "insiden_terbaru": _query(
            say,
            "incidents",
            f"""SELECT {incident},
  waktu_lokal(i.opened_at) AS {c["opened"]}, waktu_lokal(i.updated_at) AS {c["updated"]},
  waktu_lokal(i.resolved_at) AS {c["resolved"]}, i.count AS {c["total"]},
  (SELECT COUNT(*) FROM incident_mentions l WHERE l.incident_id = i.id) AS {c["mentions"]}
FROM incidents i
ORDER BY i.opened_at DESC""",
        ),
        "insiden_dan_mention": _query(
            say,
            "incident_mentions",
            f"""SELECT {incident},
  waktu_lokal(m.published_at) AS {c["time"]}, m.source AS {c["source"]}, m.author AS {c["account"]},
  m.sentiment AS {c["sentiment"]},
  COALESCE(NULLIF(json_extract(m.data, '$.mention.title'), ''), json_extract(m.data, '$.mention.text'))
    AS {c["text"]},
  json_extract(m.data, '$.mention.url') AS {c["link"]}
FROM incidents i
JOIN incident_mentions l ON l.incident_id = i.id
JOIN {STORE_DB}.mentions m ON m.id = l.mention_id
WHERE (:insiden = '' OR i.id LIKE :insiden || '%')
ORDER BY i.opened_at DESC, m.published_at""",
        ),
    }


def _table(say: Messages, name: str, **extra: Any) -> dict[str, Any]:
    return {
        "title": say(f"explore.table.{name}.title"),
        "description": say(f"explore.table.{name}.description"),
        **extra,
    }


def metadata(files: ExploreFiles, say: Messages) -> dict[str, Any]:
    """Datasette metadata: titles, descriptions, facets, search and canned queries."""
    mentions = _table(
        say,
        "mentions",
        facets=["sentiment", "channel", "source", {"array": "topics"}, {"array": "flags"}, {"array": "watchlists"}],
        # The FTS5 rows share the mention row's rowid (the view names it `rowid` too).
        fts_table="mentions_fts",
        fts_pk="rowid",
        sort_desc="published_at",
        label_column="id",
    )
    if MENTION_VIEW in schema_names(files.store):
        # The reading view is what people open; the table stays reachable for row pages.
        store_tables = {MENTION_VIEW: mentions, "mentions": {"hidden": True}}
    else:
        store_tables = {"mentions": mentions}
    databases: dict[str, Any] = {
        STORE_DB: {
            "title": say("explore.db.store.title"),
            "description": say("explore.db.store.description", path=files.store),
            "tables": {**store_tables, "mentions_fts": {"hidden": True}},
            "queries": _store_queries(say),
        }
    }
    if files.state is not None:
        tables: dict[str, Any] = {name: {"hidden": True} for name in _BOOKKEEPING}
        tables["incidents"] = _table(
            say, "incidents", facets=["rule", "severity", "status"], sort_desc="opened_at", label_column="title"
        )
        tables["incident_events"] = _table(say, "incident_events", facets=["event", "severity"], sort_desc="seq")
        tables["incident_mentions"] = _table(say, "incident_mentions")
        tables["silences"] = _table(say, "silences", sort_desc="id")
        # A state file from before incident_mentions has no links to show.
        linked = {"incidents", "incident_mentions"} <= schema_names(files.state)
        databases[STATE_DB] = {
            "title": say("explore.db.state.title"),
            "description": say("explore.db.state.description", path=files.state),
            "tables": tables,
            "queries": _state_queries(say) if linked else {},
        }
    zone = datetime.now(say.zone).strftime("%Z")
    return {"title": say("explore.title"), "description": say("explore.description", zone=zone), "databases": databases}


def build_datasette(files: ExploreFiles, say: Messages) -> Datasette:
    """A Datasette over the store and state files, read-only, not yet serving."""
    plugin = sys.modules[__name__]
    if not pm.is_registered(plugin):
        pm.register(plugin)
    datasette = Datasette(metadata=metadata(files, say), settings=SETTINGS)
    # Datasette adds an empty in-memory database when it starts without files; ours come by name.
    datasette.remove_database("_memory")
    datasette.humas_view = View(say, files)
    # is_mutable: read through `?mode=ro` (see the module's docstring).
    datasette.add_database(Database(datasette, path=str(files.store), is_mutable=True), name=STORE_DB)
    if files.state is not None:
        datasette.add_database(Database(datasette, path=str(files.state), is_mutable=True), name=STATE_DB)
    return datasette
