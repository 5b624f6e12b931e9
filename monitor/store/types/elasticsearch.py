"""The production store: Elasticsearch 8.x or 9.x, monthly indices behind one read alias.

- Each mention goes to the index of its publication month (`<prefix>-YYYY.MM`) with `_id` = the
  mention id. Routing by the mention's own date rather than through a rolling write alias keeps
  re-indexing idempotent: the same mention always lands on the same index and id, whenever it is
  re-sent (a corrected publication date moves the document: the old month's copy is deleted in
  the same bulk request). Every monthly index joins the alias `<prefix>` (from the index
  template); all reads and Kibana go through the alias, and retention deletes whole months.
- Bulk requests are retried with exponential backoff on 429/502/503/504 and connection errors.
  A document the cluster rejects (mapping error, oversize number) is returned in
  `UpsertResult.failed` with its reason; an outage that outlasts the retries raises StoreError,
  so the caller keeps the whole batch in its inbox. Re-sending is always safe.
- Compatibility: the installed 9.x client asks for `compatible-with=9` media types, which 8.x
  servers refuse. We send `compatible-with=8` instead: 8.x servers accept it natively and 9.x
  servers through REST API compatibility, so one client works with both.
"""

from __future__ import annotations

import functools
import logging
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

import orjson
from elastic_transport import ConnectionError as TransportConnectionError
from elastic_transport import ConnectionTimeout, HttpHeaders, Urllib3HttpNode
from elastic_transport.client_utils import DEFAULT, DefaultType
from elasticsearch import ApiError, Elasticsearch
from elasticsearch.serializer import NdjsonSerializer
from pydantic import Field, field_validator, model_validator

from monitor.errors import StoreError
from monitor.plugin import Plugin, PluginContext, PluginOptions
from monitor.records import Classification, EnrichedMention, Label, Mention
from monitor.store.base import MentionFilter, SearchHit, TermField, UpsertResult
from monitor.store.mappings import TEMPLATE_VERSION, component_templates, index_template
from monitor.text.normalize import tokens
from monitor.values import Duration, Sentiment, utc

if TYPE_CHECKING:
    from elastic_transport._node import NodeApiResponse

log = logging.getLogger(__name__)

T = TypeVar("T")

# Statuses that mean "busy or briefly away, try again": never a verdict on the document.
RETRY_STATUSES = frozenset({429, 502, 503, 504})
# Rejection reasons quote the document; the inbox only needs the start.
MAX_REASON = 500
SEARCH_FIELDS = ("title", "text", "normalized_text")
HIGHLIGHT_FIELDS = ("title", "text")
_SERVER_COMPAT = "compatible-with=8"
_CLIENT_COMPAT = "compatible-with=9"
_FILTER_FIELDS = {
    "sources": "source",
    "channels": "channel",
    "authors": "author",
    "sentiment": "sentiment",
    "topics": "topics",
    "flags": "flags",
    "watchlists": "watchlists",
    "stories": "story_id",
    "roles": "role",
}


class _Compat8Node(Urllib3HttpNode):
    """HTTP node that asks for the 8.x REST API, which both 8.x and 9.x servers speak."""

    def perform_request(
        self,
        method: str,
        target: str,
        body: bytes | None = None,
        headers: HttpHeaders | None = None,
        request_timeout: DefaultType | float | None = DEFAULT,
    ) -> NodeApiResponse:
        if headers:
            headers = headers.copy()
            for name in ("accept", "content-type"):
                value = headers.get(name)
                if value:
                    headers[name] = value.replace(_CLIENT_COMPAT, _SERVER_COMPAT)
        return super().perform_request(method, target, body=body, headers=headers, request_timeout=request_timeout)


class ElasticsearchOptions(PluginOptions):
    """`[store]` keys when `type = "elasticsearch"`. Secrets come from ${ENV} references."""

    hosts: tuple[str, ...] = ("http://127.0.0.1:9200",)
    api_key: str | None = None
    username: str | None = None
    password: str | None = None
    ca_file: str | None = None
    verify_certs: bool = True
    # Monthly indices are `<index_prefix>-YYYY.MM`; the read alias (and Kibana data view) is the prefix.
    index_prefix: str = Field(default="monitor-mentions", pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    shards: int = Field(default=1, ge=1, le=64)
    replicas: int = Field(default=1, ge=0, le=8)
    # Whole months older than this are deleted by `monitor es retention`; None keeps everything.
    retention: Duration | None = timedelta(days=180)
    request_timeout: Duration = timedelta(seconds=30)
    retries: int = Field(default=5, ge=0, le=20)
    # First wait before a retry; doubles each time (0.5s, 1s, 2s, ...).
    backoff: Duration = timedelta(seconds=0.5)
    chunk_size: int = Field(default=500, ge=1, le=10_000)
    # `refresh()` makes what was stored searchable at once; the pipeline calls it once per cycle
    # before the rules run, so rules see every batch just indexed. false: left to the index's
    # refresh interval (about a second), and rules may miss the newest mentions.
    refresh: bool = True

    @field_validator("hosts", mode="before")
    @classmethod
    def _one_host_is_a_list(cls, value: Any) -> Any:
        return (value,) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _auth_is_consistent(self) -> ElasticsearchOptions:
        if (self.username is None) != (self.password is None):
            raise ValueError("username dan password harus diisi berdua")
        if self.api_key and self.username:
            raise ValueError("pilih salah satu: api_key atau username/password")
        if not self.hosts:
            raise ValueError("hosts tidak boleh kosong")
        return self


class _OrjsonNdjsonSerializer(NdjsonSerializer):
    """Bulk bodies encoded with orjson: with the json module, encoding a batch cost about as much
    as the node took to index it. What orjson refuses (an integer beyond 64 bits) goes through
    the json module as before, so the node rejects that one document, not the whole batch.
    Responses are still read by the json module (orjson reads such integers as floats)."""

    def json_dumps(self, data: Any) -> bytes:
        try:
            return orjson.dumps(data, default=self.default)
        except orjson.JSONEncodeError:
            return super().json_dumps(data)


# The client maps its compatibility-mode mimetype for bulk bodies to this one too.
_SERIALIZERS = {NdjsonSerializer.mimetype: _OrjsonNdjsonSerializer()}


def make_client(options: ElasticsearchOptions) -> Elasticsearch:
    """A client for the configured cluster; retries are ours (with backoff), not the client's."""
    auth: dict[str, Any] = {}
    if options.api_key:
        auth["api_key"] = options.api_key
    elif options.username is not None:
        auth["basic_auth"] = (options.username, options.password)
    return Elasticsearch(
        list(options.hosts),
        node_class=_Compat8Node,
        ca_certs=options.ca_file or DEFAULT,
        verify_certs=options.verify_certs,
        request_timeout=options.request_timeout.total_seconds(),
        max_retries=0,
        retry_on_timeout=False,
        serializers=_SERIALIZERS,
        **auth,
    )


def to_document(item: EnrichedMention) -> dict[str, Any]:
    """The flat document Kibana sees; `from_document` is its exact inverse."""
    m, c = item.mention, item.classification
    return {
        "id": m.id,
        "source": m.source,
        "channel": m.channel,
        "url": m.url,
        "title": m.title,
        "text": m.text,
        "normalized_text": item.normalized_text,
        "published_at": m.published_at.isoformat(),
        "collected_at": m.collected_at.isoformat(),
        "date_estimated": m.date_estimated,
        "author": m.author,
        "author_name": m.author_name,
        "platform_id": m.platform_id,
        "also_seen_in": list(m.also_seen_in),
        "role": m.role,
        "language": m.language,
        "engagement": m.engagement,
        "reach": m.reach,
        "sentiment": c.sentiment.value if c.sentiment else None,
        "sentiment_scores": c.scores,
        "topics": list(c.topics),
        "topic_scores": c.topic_scores,
        "flags": list(c.flags),
        "model": c.model,
        "classification_language": c.language,
        "classification_reason": c.reason,
        "labelled_by": c.labelled_by,
        "labelled_fields": list(c.labelled_fields),
        "watchlists": list(item.watchlists),
        "story_id": item.story_id,
    }


def from_document(doc: dict[str, Any]) -> EnrichedMention:
    mention = Mention(
        id=doc["id"],
        source=doc["source"],
        channel=doc["channel"],
        url=doc.get("url"),
        title=doc["title"],
        text=doc["text"],
        published_at=utc(datetime.fromisoformat(doc["published_at"])),
        collected_at=utc(datetime.fromisoformat(doc["collected_at"])),
        author=doc.get("author"),
        language=doc.get("language"),
        engagement=doc.get("engagement"),
        reach=doc.get("reach"),
        date_estimated=bool(doc.get("date_estimated")),
        platform_id=doc.get("platform_id"),
        author_name=doc.get("author_name"),
        also_seen_in=tuple(doc.get("also_seen_in") or ()),
        role=doc.get("role"),
    )
    classification = Classification(
        sentiment=Sentiment(doc["sentiment"]) if doc.get("sentiment") else None,
        scores=dict(doc.get("sentiment_scores") or {}),
        topics=tuple(doc.get("topics") or ()),
        topic_scores=dict(doc.get("topic_scores") or {}),
        flags=tuple(doc.get("flags") or ()),
        model=doc.get("model") or "unknown",
        language=doc.get("classification_language"),
        reason=doc.get("classification_reason"),
        labelled_by=doc.get("labelled_by"),
        labelled_fields=tuple(doc.get("labelled_fields") or ()),
    )
    return EnrichedMention(
        mention=mention,
        normalized_text=doc.get("normalized_text") or "",
        classification=classification,
        watchlists=tuple(doc.get("watchlists") or ()),
        story_id=doc.get("story_id"),
    )


def _error_reason(error: Any) -> str:
    if isinstance(error, dict) and isinstance(error.get("error"), dict):
        return _error_reason(error["error"])  # a whole response body
    if isinstance(error, dict):
        reason = f"{error.get('type', 'error')}: {error.get('reason', '')}"
        caused = error.get("caused_by")
        return f"{reason} ({_error_reason(caused)})" if caused else reason
    return str(error)


def _epoch_ms(dt: datetime) -> int:
    return int(utc(dt).timestamp() * 1000)


@dataclass(frozen=True)
class SignificantTerm:
    """A value over-represented in the foreground set compared with the background."""

    key: str
    count: int
    background_count: int
    score: float


# Mentions remembered between refreshes at most (about 100 bytes each).
MAX_UNREFRESHED = 100_000
# Ids per lookup of older copies (Elasticsearch returns at most 10,000 hits per search).
LOOKUP_SIZE = 5_000


class ElasticsearchStore:
    """MentionStore on an Elasticsearch cluster; the client is passed in (or built from options)."""

    def __init__(
        self,
        client: Elasticsearch,
        options: ElasticsearchOptions | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.client = client
        self.options = options or ElasticsearchOptions()
        self._sleep = sleep
        self._template_checked = False
        # Mention id -> the index it was written to since the last refresh(): the lookup of older
        # copies (a search) cannot see those yet.
        self._unrefreshed: dict[str, str] = {}
        # Indices written to (or deleted from) since the last refresh().
        self._dirty: set[str] = set()

    @classmethod
    def from_options(cls, options: ElasticsearchOptions) -> ElasticsearchStore:
        return cls(make_client(options), options)

    @classmethod
    def build(cls, name: str, options: ElasticsearchOptions, context: PluginContext) -> ElasticsearchStore:
        if options.ca_file:
            # A relative CA file is relative to the config file, like every other path.
            options = options.model_copy(update={"ca_file": str(context.resolve(options.ca_file))})
        return cls(make_client(options), options, sleep=context.sleep)

    @property
    def alias(self) -> str:
        return self.options.index_prefix

    def index_for(self, published_at: datetime) -> str:
        return f"{self.options.index_prefix}-{utc(published_at):%Y.%m}"

    def describe(self) -> str:
        return f"Elasticsearch {', '.join(self.options.hosts)} (alias {self.alias})"

    def close(self) -> None:
        self.client.close()

    # -- calling the cluster -------------------------------------------------------------------
    def call(self, what: str, fn: Callable[[], T]) -> T:
        """Run one request, retrying with backoff while the cluster is busy or unreachable."""
        for attempt in range(self.options.retries + 1):
            try:
                return fn()
            except (TransportConnectionError, ConnectionTimeout) as exc:
                problem = f"tidak dapat terhubung: {exc}"
            except ApiError as exc:
                if exc.meta.status not in RETRY_STATUSES:
                    raise StoreError(
                        f"Elasticsearch menolak {what}: {exc.meta.status} {_error_reason(exc.body)}"
                    ) from exc
                problem = f"sibuk ({exc.meta.status})"
            if attempt < self.options.retries:
                delay = self.options.backoff.total_seconds() * 2**attempt
                log.warning("Elasticsearch %s: %s; coba lagi dalam %.1f s", what, problem, delay)
                self._sleep(delay)
        raise StoreError(f"Elasticsearch {what} gagal setelah {self.options.retries + 1} percobaan: {problem}")

    def install_template(self) -> None:
        """Create or update the component and index templates (idempotent PUTs)."""
        prefix, opts = self.options.index_prefix, self.options
        for name, body in component_templates(prefix).items():
            self.call(
                "memasang component template",
                functools.partial(self.client.cluster.put_component_template, name=name, **body),
            )
        body = index_template(prefix, shards=opts.shards, replicas=opts.replicas)
        self.call("memasang index template", lambda: self.client.indices.put_index_template(name=prefix, **body))
        self._template_checked = True

    def _ensure_template(self) -> None:
        # Without the template a new monthly index would get dynamic mappings and no alias. An
        # older template (an upgrade without `monitor es init`) lacks fields this code writes,
        # which the strict mapping refuses: it is brought up to date as `monitor es init` does.
        if self._template_checked:
            return
        found = self.call(
            "memeriksa index template",
            lambda: self.client.options(ignore_status=404).indices.get_index_template(name=self.alias),
        )
        templates = found.body.get("index_templates", []) if isinstance(found.body, dict) else []
        version = templates[0]["index_template"].get("version") if templates else None
        if version is None or version < TEMPLATE_VERSION:
            log.info("index template %s versi %s; dipasang versi %s", self.alias, version, TEMPLATE_VERSION)
            from monitor.store import es_admin  # builds on this module

            es_admin.init(self)
        self._template_checked = True

    # -- writing -----------------------------------------------------------------------------
    def upsert(self, mentions: Sequence[EnrichedMention]) -> UpsertResult:
        # The last copy of an id in the batch wins, as with a replace.
        latest = {item.id: item for item in mentions}
        if not latest:
            return UpsertResult()
        self._ensure_template()
        items = list(latest.values())
        stored: set[str] = set()
        failed: dict[str, str] = {}
        touched: set[str] = set()
        created: list[EnrichedMention] = []
        size = self.options.chunk_size
        for start in range(0, len(items), size):
            touched |= self._bulk(items[start : start + size], stored, failed, created)
        touched |= self._remove_moved(created)
        self._unrefreshed.update((i, self.index_for(latest[i].mention.published_at)) for i in stored)
        self._dirty |= touched
        # Between evaluations a backlog can be large: what is remembered stays bounded.
        if len(self._unrefreshed) > MAX_UNREFRESHED:
            self._refresh_all()
        return UpsertResult(stored=tuple(i for i in latest if i in stored), failed=failed)

    def refresh(self) -> None:
        """Make everything upserted since the last call searchable: one refresh request for the
        indices written (a refresh per batch was most of the cost of indexing)."""
        if self.options.refresh:
            self._refresh_all()
        self._unrefreshed.clear()
        self._dirty.clear()

    def _refresh_all(self) -> None:
        if self._dirty:
            names = ",".join(sorted(self._dirty))
            self.call("refresh", lambda: self.client.indices.refresh(index=names, ignore_unavailable=True))
        self._unrefreshed.clear()
        self._dirty.clear()

    def _remove_moved(self, created: Sequence[EnrichedMention]) -> set[str]:
        """Delete the older copies of mentions that were new in their month's index: their date
        changed, and the copy in the old month's index would be a duplicate. A mention updated
        in place has none, so re-indexing known mentions costs no lookup. Returns the indices
        deleted from."""
        moved: dict[str, str] = {}
        for start in range(0, len(created), LOOKUP_SIZE):
            moved.update(self._moved(created[start : start + LOOKUP_SIZE]))
        if not moved:
            return set()
        operations = [{"delete": {"_index": index, "_id": mention_id}} for mention_id, index in moved.items()]
        try:
            response = self.call("bulk", functools.partial(self.client.bulk, operations=operations))
        except StoreError as exc:
            log.warning("salinan lama %s tidak terhapus: %s", ", ".join(sorted(moved)), exc)
            return set()
        for entry in response["items"]:
            result = entry["delete"]
            # 404: already gone. Any other failure leaves a stale copy; say so.
            if result["status"] >= 300 and result["status"] != 404:
                log.warning(
                    "salinan lama %s di %s tidak terhapus: %s", result["_id"], result["_index"], result["status"]
                )
        return set(moved.values())

    def _moved(self, chunk: Sequence[EnrichedMention]) -> dict[str, str]:
        """Mention id -> the other month's index that holds an older copy (its date changed)."""
        by_index: dict[str, list[str]] = {}
        for item in chunk:
            by_index.setdefault(self.index_for(item.mention.published_at), []).append(item.id)
        # Only copies outside their target index match, so the usual answer is empty and cheap.
        query = {
            "bool": {
                "should": [
                    {"bool": {"filter": [{"ids": {"values": ids}}], "must_not": [{"term": {"_index": index}}]}}
                    for index, ids in by_index.items()
                ],
                "minimum_should_match": 1,
            }
        }
        response = self._search("lookup", query=query, size=len(chunk), source=False)
        moved = {hit["_id"]: hit["_index"] for hit in response["hits"]["hits"]}
        # Copies written since the last refresh are not searchable yet: remembered instead.
        for item in chunk:
            written = self._unrefreshed.get(item.id)
            if written is not None and written != self.index_for(item.mention.published_at):
                moved[item.id] = written
        return moved

    def _bulk(
        self,
        chunk: Sequence[EnrichedMention],
        stored: set[str],
        failed: dict[str, str],
        created: list[EnrichedMention],
    ) -> set[str]:
        """One bulk request; documents the cluster was too busy for are re-sent with backoff.
        Mentions new to their index go to `created`. Returns the indices it wrote to."""
        pending = {item.id: item for item in chunk}
        touched: set[str] = set()
        for attempt in range(self.options.retries + 1):
            operations: list[dict[str, Any]] = []
            for item in pending.values():
                index = self.index_for(item.mention.published_at)
                touched.add(index)
                operations.append({"index": {"_index": index, "_id": item.id}})
                operations.append(to_document(item))
            response = self.call("bulk", functools.partial(self.client.bulk, operations=operations))
            busy: dict[str, str] = {}
            for entry in response["items"]:
                result = entry["index"]
                mention_id, status = result["_id"], result["status"]
                if status < 300:
                    stored.add(mention_id)
                    if result.get("result") == "created":
                        created.append(pending[mention_id])
                elif status in RETRY_STATUSES:
                    busy[mention_id] = _error_reason(result.get("error"))[:MAX_REASON]
                else:
                    failed[mention_id] = _error_reason(result.get("error"))[:MAX_REASON]
            if not busy:
                return touched
            if attempt < self.options.retries:
                self._sleep(self.options.backoff.total_seconds() * 2**attempt)
            pending = {mention_id: pending[mention_id] for mention_id in busy}
        failed.update(busy)
        return touched

    def relabel(self, labels: Sequence[Label]) -> UpsertResult:
        """Each labelled mention is read where it lives (its month's index) and written back
        whole, with the person's labels applied; one search and one bulk request per call."""
        wanted = list(dict.fromkeys(label.mention_id for label in labels))
        if not wanted:
            return UpsertResult()
        found: dict[str, tuple[str, EnrichedMention]] = {}
        for start in range(0, len(wanted), self.options.chunk_size):
            ids = wanted[start : start + self.options.chunk_size]
            response = self._search("relabel", query={"ids": {"values": ids}}, size=len(ids))
            for hit in response["hits"]["hits"]:
                found[hit["_id"]] = (hit["_index"], from_document(hit["_source"]))
        for label in labels:
            if label.mention_id in found:
                index, item = found[label.mention_id]
                found[label.mention_id] = (index, item.with_label(label))
        operations: list[dict[str, Any]] = []
        for mention_id, (index, item) in found.items():
            operations.append({"index": {"_index": index, "_id": mention_id}})
            operations.append(to_document(item))
        failed = {i: "mention tidak ada di penyimpanan" for i in wanted if i not in found}
        stored: list[str] = []
        if operations:
            written = self.call("relabel", functools.partial(self.client.bulk, operations=operations))
            for entry in written["items"]:
                result = next(iter(entry.values()))
                if result["status"] < 300:
                    stored.append(result["_id"])
                else:
                    failed[result["_id"]] = _error_reason(result.get("error"))[:MAX_REASON]
            if self.options.refresh:
                names = ",".join(sorted({index for index, _ in found.values()}))
                self.call("refresh", lambda: self.client.indices.refresh(index=names, ignore_unavailable=True))
        return UpsertResult(stored=tuple(i for i in wanted if i in stored), failed=failed)

    # -- reading -----------------------------------------------------------------------------
    def _query(self, flt: MentionFilter) -> dict[str, Any]:
        clauses: list[dict[str, Any]] = []
        window: dict[str, Any] = {}
        if flt.since:
            window["gte"] = _epoch_ms(flt.since)
        if flt.until:
            window["lt"] = _epoch_ms(flt.until)
        if window:
            clauses.append({"range": {"published_at": {**window, "format": "epoch_millis"}}})
        for attr, field in _FILTER_FIELDS.items():
            values = getattr(flt, attr)
            if values:
                clauses.append({"terms": {field: list(values)}})
        if flt.ids:
            clauses.append({"ids": {"values": list(flt.ids)}})
        # Like the sqlite store: every normalized query word must occur in title, text or the
        # normalized text; a word that is only a stop word constrains nothing.
        must = [
            {
                "multi_match": {
                    "query": word,
                    "fields": list(SEARCH_FIELDS),
                    "operator": "and",
                    "zero_terms_query": "all",
                }
            }
            for word in _query_words(flt.query)
        ]
        query: dict[str, Any] = {"filter": clauses, "must": must}
        if flt.exclude_roles:
            # A document without a role has no term to exclude: it always passes, as in SQLite.
            query["must_not"] = [{"terms": {"role": list(flt.exclude_roles)}}]
        return {"bool": query}

    def _search(self, what: str, **body: Any) -> dict[str, Any]:
        return self.call(
            what,
            lambda: self.client.search(index=self.alias, ignore_unavailable=True, allow_no_indices=True, **body).body,
        )

    def get(self, mention_id: str) -> EnrichedMention | None:
        hits = self._search("get", query={"ids": {"values": [mention_id]}}, size=1)["hits"]["hits"]
        return from_document(hits[0]["_source"]) if hits else None

    def search(self, flt: MentionFilter, *, limit: int = 50, offset: int = 0) -> list[SearchHit]:
        words = _query_words(flt.query)
        sort: list[Any] = [{"published_at": "desc"}, {"id": "asc"}]
        extra: dict[str, Any] = {}
        if words:
            sort = ["_score", *sort]
            extra["highlight"] = {
                "pre_tags": ["[["],
                "post_tags": ["]]"],
                "fields": {name: {"number_of_fragments": 2, "fragment_size": 160} for name in HIGHLIGHT_FIELDS},
            }
        response = self._search(
            "search", query=self._query(flt), sort=sort, from_=offset, size=limit, track_total_hits=False, **extra
        )
        return [
            SearchHit(
                mention=from_document(hit["_source"]),
                score=float(hit.get("_score") or 0.0),
                highlights=tuple(
                    fragment for name in HIGHLIGHT_FIELDS for fragment in hit.get("highlight", {}).get(name, ())
                ),
            )
            for hit in response["hits"]["hits"]
        ]

    def ids(self, flt: MentionFilter, *, limit: int = 50) -> list[str]:
        response = self._search(
            "ids",
            query=self._query(flt),
            sort=[{"published_at": "desc"}, {"id": "asc"}],
            size=limit,
            source=False,
            track_total_hits=False,
        )
        return [str(hit["_id"]) for hit in response["hits"]["hits"]]

    def count(self, flt: MentionFilter, *, unique_authors: bool = False) -> int:
        if not unique_authors:
            response = self.call(
                "count",
                lambda: self.client.count(
                    index=self.alias, query=self._query(flt), ignore_unavailable=True, allow_no_indices=True
                ),
            )
            return int(response["count"])
        # Cardinality is exact below its precision threshold (40000 distinct authors).
        aggs = {"authors": {"cardinality": {"field": "author", "precision_threshold": 40000}}}
        found = self._search("count", query=self._query(flt), size=0, aggs=aggs)
        return int(found.get("aggregations", {}).get("authors", {}).get("value", 0))

    def span(self, flt: MentionFilter) -> tuple[datetime, datetime] | None:
        aggs = {"first": {"min": {"field": "published_at"}}, "last": {"max": {"field": "published_at"}}}
        found = self._search("span", query=self._query(flt), size=0, aggs=aggs).get("aggregations", {})
        first, last = found.get("first", {}).get("value"), found.get("last", {}).get("value")
        if first is None or last is None:
            return None
        return datetime.fromtimestamp(first / 1000, UTC), datetime.fromtimestamp(last / 1000, UTC)

    def histogram(
        self, flt: MentionFilter, interval: timedelta, *, unique_authors: bool = False
    ) -> list[tuple[datetime, int]]:
        step_ms = int(interval / timedelta(milliseconds=1))
        if step_ms <= 0:
            raise ValueError("interval harus positif")
        # fixed_interval buckets start at multiples of the interval since the epoch, in UTC.
        volume: dict[str, Any] = {
            "date_histogram": {"field": "published_at", "fixed_interval": f"{step_ms}ms", "min_doc_count": 1}
        }
        if unique_authors:
            # Exact below the precision threshold, as in count().
            volume["aggs"] = {"authors": {"cardinality": {"field": "author", "precision_threshold": 40000}}}
        response = self._search("histogram", query=self._query(flt), size=0, aggs={"volume": volume})
        counts = {
            int(bucket["key"]) // step_ms: int(bucket["authors"]["value"] if unique_authors else bucket["doc_count"])
            for bucket in response.get("aggregations", {}).get("volume", {}).get("buckets", ())
        }
        if flt.since and flt.until:
            # Filled here rather than with extended_bounds so an empty cluster gives the same answer.
            keys: Sequence[int] = range(_epoch_ms(flt.since) // step_ms, math.ceil(_epoch_ms(flt.until) / step_ms))
        else:
            keys = sorted(counts)
        return [(datetime.fromtimestamp(key * step_ms / 1000, UTC), counts.get(key, 0)) for key in keys]

    def terms(self, field: TermField, flt: MentionFilter, *, size: int = 10) -> list[tuple[str, int]]:
        aggs = {
            "top": {
                "terms": {
                    "field": field,
                    "size": size,
                    # Exact counts on one shard; on many, ask each shard for more than we keep.
                    "shard_size": max(size * 10, 100),
                    "order": [{"_count": "desc"}, {"_key": "asc"}],
                }
            }
        }
        response = self._search("terms", query=self._query(flt), size=0, aggs=aggs)
        buckets = response.get("aggregations", {}).get("top", {}).get("buckets", ())
        return [(str(bucket["key"]), int(bucket["doc_count"])) for bucket in buckets]

    def significant_terms(
        self,
        field: TermField,
        flt: MentionFilter,
        *,
        background: MentionFilter | None = None,
        size: int = 10,
        min_count: int = 3,
    ) -> list[SignificantTerm]:
        """Values unusually frequent in `flt` compared with `background` (default: everything)."""
        agg: dict[str, Any] = {"field": field, "size": size, "min_doc_count": min_count}
        if background is not None:
            agg["background_filter"] = self._query(background)
        response = self._search(
            "significant_terms", query=self._query(flt), size=0, aggs={"sig": {"significant_terms": agg}}
        )
        buckets = response.get("aggregations", {}).get("sig", {}).get("buckets", ())
        return [
            SignificantTerm(str(b["key"]), int(b["doc_count"]), int(b["bg_count"]), float(b["score"])) for b in buckets
        ]


def _query_words(query: str | None) -> list[str]:
    return [word for word in (w.strip("#@") for w in tokens(query or "")) if word]


PLUGIN = Plugin(ElasticsearchOptions, ElasticsearchStore.build)
