"""Elasticsearch-only behaviour: templates, retries, partial failures, an outage, retention.

Kibana: tests/store/test_kibana_objects.py (the shipped objects) and test_kibana_import.py."""

from __future__ import annotations

import json
import threading
from dataclasses import fields, replace
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from conftest import upserted
from localhttp import unused_url
from pydantic import ValidationError

from monitor.errors import StoreError
from monitor.plugin import PluginContext
from monitor.records import OFFICIAL, Classification, EnrichedMention, Mention
from monitor.store import STORES, es_admin
from monitor.store.base import MentionFilter
from monitor.store.mappings import TEMPLATE_VERSION, component_templates, index_template, mapping_properties
from monitor.store.types.elasticsearch import (
    ElasticsearchOptions,
    ElasticsearchStore,
    from_document,
    to_document,
)
from tests.store.es_support import ScriptedServer, es_options
from tests.store.samples import BY_ID, DAY, MENTIONS, make

NOW = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)


def many(count: int, *, start: int = 0) -> list:
    """Distinct mentions spread over two months (so bulk requests touch two indices)."""
    base = BY_ID["m3"]
    return [
        replace(
            base,
            mention=replace(
                base.mention,
                id=f"bulk-{n:05d}",
                text=f"{base.mention.text} (unggahan ke-{n})",
                published_at=DAY - timedelta(days=n % 2 * 20, minutes=n),
            ),
        )
        for n in range(start, start + count)
    ]


class FlakyProxy:
    """Forwards to the real node, but answers the first bulk requests with scripted faults."""

    def __init__(self, target: str, faults: list[str]):
        self.faults = list(faults)
        self.bulk_sizes: list[int] = []
        # "METHOD /path" of every request, in order.
        self.requests: list[str] = []
        self.http = httpx.Client(base_url=target, timeout=30)
        self.server = ScriptedServer(self._handle)
        self.url = self.server.url

    def _handle(self, method: str, path: str, headers: dict[str, str], body: bytes):
        product = {"x-elastic-product": "Elasticsearch", "content-type": "application/json"}
        self.requests.append(f"{method} {path.split('?')[0]}")
        is_bulk = path.startswith("/_bulk")
        fault = self.faults.pop(0) if is_bulk and self.faults else None
        if is_bulk:
            self.bulk_sizes.append(body.count(b'{"index"'))
        if fault in ("429", "503"):
            error = {"error": {"type": "es_rejected_execution_exception", "reason": "penuh"}, "status": int(fault)}
            return int(fault), product, json.dumps(error).encode()
        forward = {k: v for k, v in headers.items() if k.lower() in ("content-type", "accept")}
        response = self.http.request(method, path, headers=forward, content=body)
        payload = response.content
        if fault == "item429":
            # The node stored everything, but we claim it was too busy for the first document.
            data = response.json()
            first = data["items"][0]["index"]
            first.update(status=429, error={"type": "es_rejected_execution_exception", "reason": "antrean penuh"})
            data["errors"] = True
            payload = json.dumps(data).encode()
        return response.status_code, product, payload

    def close(self) -> None:
        self.server.close()
        self.http.close()


@pytest.fixture
def es_store(make_es_store) -> ElasticsearchStore:
    store = make_es_store()
    es_admin.init(store, now=NOW)
    return store


# Where each Classification field lives in the flat document Kibana sees.
CLASSIFICATION_KEYS = {
    "sentiment": "sentiment",
    "scores": "sentiment_scores",
    "topics": "topics",
    "topic_scores": "topic_scores",
    "flags": "flags",
    "model": "model",
    "language": "classification_language",
    "reason": "classification_reason",
    "labelled_by": "labelled_by",
    "labelled_fields": "labelled_fields",
}


def test_the_document_maps_every_record_field_and_nothing_unmapped():
    document = to_document(BY_ID["m1"])
    assert set(document) == set(mapping_properties())
    expected = {f.name for f in fields(Mention)} | {f.name for f in fields(EnrichedMention)} - {
        "mention",
        "classification",
    }
    assert {f.name for f in fields(Classification)} == set(CLASSIFICATION_KEYS)
    assert expected | set(CLASSIFICATION_KEYS.values()) == set(document)
    assert from_document(document) == BY_ID["m1"]


@pytest.mark.elasticsearch
def test_init_is_idempotent_and_sets_up_template_index_and_alias(make_es_store):
    store = make_es_store()
    first = es_admin.init(store, now=NOW)
    assert first.created_index == f"{store.alias}-2026.11"
    second = es_admin.init(store, now=NOW)
    assert second.created_index is None and second.updated_indices == (f"{store.alias}-2026.11",)
    client = store.client
    assert client.indices.exists_index_template(name=store.alias)
    aliases = client.indices.get_alias(name=store.alias).body
    assert list(aliases) == [f"{store.alias}-2026.11"]
    mapping = client.indices.get_mapping(index=f"{store.alias}-2026.11").body[f"{store.alias}-2026.11"]
    assert mapping["mappings"]["dynamic"] == "strict"
    assert mapping["mappings"]["properties"]["title"]["analyzer"] == "indonesian_text"


@pytest.mark.elasticsearch
def test_store_installs_a_missing_template_before_the_first_write(make_es_store):
    store = make_es_store()  # no init
    assert upserted(store, MENTIONS).failed == {}
    index = store.index_for(DAY)
    assert store.client.indices.get_mapping(index=index).body[index]["mappings"]["dynamic"] == "strict"
    assert store.count(MentionFilter()) == len(MENTIONS)


@pytest.mark.elasticsearch
def test_a_cluster_set_up_by_an_older_version_is_brought_up_to_date_before_the_first_write(make_es_store):
    # What the previous version left: its template (version 2) and monthly indices whose strict
    # mapping has no `role`; the upgrade was installed without running `monitor es init`.
    store = make_es_store()
    [(name, component)] = component_templates(store.alias).items()
    mappings = component["template"]["mappings"]
    properties = {k: v for k, v in mappings["properties"].items() if k != "role"}
    old_mappings = {**mappings, "properties": properties}
    old_component = {**component, "version": 2, "template": {**component["template"], "mappings": old_mappings}}
    store.client.cluster.put_component_template(name=name, **old_component)
    old_template = {**index_template(store.alias, shards=1, replicas=0), "version": 2}
    store.client.indices.put_index_template(name=store.alias, **old_template)
    for index in {store.index_for(m.mention.published_at) for m in MENTIONS}:
        store.client.indices.create(index=index)
    assert "role" not in store.client.indices.get_mapping(index=index).body[index]["mappings"]["properties"]
    upgraded = make_es_store(index_prefix=store.options.index_prefix)  # the same cluster data
    official = replace(MENTIONS[0], mention=replace(MENTIONS[0].mention, role=OFFICIAL))
    written = [official, *MENTIONS[1:]]
    assert upserted(upgraded, written).failed == {}
    assert upgraded.count(MentionFilter()) == len(MENTIONS)
    assert upgraded.count(MentionFilter(roles=(OFFICIAL,))) == sum(m.mention.role == OFFICIAL for m in written) > 1
    installed = store.client.indices.get_index_template(name=store.alias).body["index_templates"][0]
    assert installed["index_template"]["version"] == TEMPLATE_VERSION


@pytest.mark.elasticsearch
def test_analyzer_drops_indonesian_stop_words_but_keeps_negation(es_store):
    # The test node is the minimal integ-test-zip: this also proves the analyzer needs no plugin.
    index = es_store.index_for(NOW)
    text = "Warga yang tinggal di bantaran kali TIDAK dapat bantuan dari pemkot 😡"
    tokens = es_store.client.indices.analyze(index=index, analyzer="indonesian_text", text=text).body["tokens"]
    words = [t["token"] for t in tokens]
    assert "yang" not in words and "di" not in words and "dari" not in words
    assert {"warga", "tidak", "bantuan", "pemkot"} <= set(words)


@pytest.mark.elasticsearch
def test_significant_terms_compare_a_slice_with_the_background(es_store):
    upserted(es_store, MENTIONS)
    negative = MentionFilter(sentiment=("negative",))
    found = es_store.significant_terms("topics", negative, min_count=1)
    # Negative mentions: m1 (bencana, infrastruktur), m3 (bencana), m5 (bansos); bansos is 1 of 3
    # there but 1 of 7 overall, so it stands out most.
    assert [(t.key, t.count, t.background_count) for t in found] == [
        ("bansos", 1, 1),
        ("bencana", 2, 4),
        ("infrastruktur", 1, 2),
    ]
    assert found[0].score > found[1].score > found[2].score
    social = MentionFilter(channels=("social",))
    within = es_store.significant_terms(
        "topics", replace(negative, channels=("social",)), background=social, min_count=1
    )
    # Against social mentions only, bencana's background is m3 alone, not the four overall.
    assert {(t.key, t.count, t.background_count) for t in within} == {("bansos", 1, 1), ("bencana", 1, 1)}


@pytest.mark.elasticsearch
def test_a_rejected_document_is_reported_and_the_rest_are_stored(es_store):
    huge = replace(BY_ID["m4"], mention=replace(BY_ID["m4"].mention, id="terlalu-besar", engagement=10**20))
    result = upserted(es_store, [*MENTIONS, huge])
    assert set(result.stored) == set(BY_ID)
    assert list(result.failed) == ["terlalu-besar"]
    assert "engagement" in result.failed["terlalu-besar"]
    assert es_store.get("terlalu-besar") is None
    assert es_store.count(MentionFilter()) == len(MENTIONS)


@pytest.mark.elasticsearch
def test_bulk_is_retried_with_backoff_on_429_and_503(make_es_store, es_url):
    proxy = FlakyProxy(es_url, ["429", "503"])
    try:
        waits: list[float] = []
        store = make_es_store(proxy.url, retries=3, sleep=waits.append)
        es_admin.init(store, now=NOW)
        result = upserted(store, MENTIONS)
        assert result.failed == {} and len(result.stored) == len(MENTIONS)
        assert waits == [0.05, 0.1]
        assert proxy.bulk_sizes == [len(MENTIONS)] * 3
        assert store.count(MentionFilter()) == len(MENTIONS)
    finally:
        proxy.close()


@pytest.mark.elasticsearch
def test_documents_the_node_was_too_busy_for_are_resent_alone(make_es_store, es_url):
    proxy = FlakyProxy(es_url, ["item429"])
    try:
        store = make_es_store(proxy.url, sleep=lambda _: None)
        es_admin.init(store, now=NOW)
        result = upserted(store, MENTIONS)
        assert result.failed == {} and set(result.stored) == set(BY_ID)
        assert proxy.bulk_sizes == [len(MENTIONS), 1]
        assert store.count(MentionFilter()) == len(MENTIONS)
    finally:
        proxy.close()


@pytest.mark.elasticsearch
def test_busy_documents_that_stay_busy_are_failed_not_lost(make_es_store, es_url):
    proxy = FlakyProxy(es_url, ["item429"] * 3)
    try:
        store = make_es_store(proxy.url, retries=2, sleep=lambda _: None)
        es_admin.init(store, now=NOW)
        result = upserted(store, MENTIONS[:3])
        assert list(result.failed) == ["m1"] and "antrean penuh" in result.failed["m1"]
        assert result.stored == ("m2", "m3")
    finally:
        proxy.close()


def test_an_unreachable_cluster_raises_store_error_after_retries():
    options = es_options(unused_url(), retries=2, request_timeout=2)
    waits: list[float] = []
    # Built as the monitor builds it: the backoff goes through the plugin context's sleep.
    store = STORES.build("elasticsearch", "store", options, PluginContext(sleep=waits.append))
    with pytest.raises(StoreError, match="3 percobaan"):
        upserted(store, MENTIONS)
    assert waits == [0.05, 0.1]
    store.close()


def test_options_validate_auth_hosts_and_durations():
    options = ElasticsearchOptions.model_validate(
        {"hosts": "https://es.humas.go.id:9243", "retention": "90d", "api_key": "abc"}
    )
    assert options.hosts == ("https://es.humas.go.id:9243",) and options.retention == timedelta(days=90)
    for bad in (
        {"username": "elastic"},
        {"api_key": "abc", "username": "u", "password": "p"},
        {"index": "salah"},
        {"index_prefix": "Huruf Besar"},
        {"hosts": []},
    ):
        with pytest.raises(ValidationError):
            ElasticsearchOptions.model_validate(bad)


@pytest.mark.parametrize(
    ("auth", "expected"),
    [
        ({"api_key": "a2V5OnJhaGFzaWE="}, "ApiKey a2V5OnJhaGFzaWE="),
        ({"username": "humas", "password": "rahasia"}, "Basic aHVtYXM6cmFoYXNpYQ=="),
    ],
)
def test_requests_carry_auth_and_ask_for_the_8x_rest_api(auth, expected):
    seen: list[dict[str, str]] = []

    def answer(method, path, headers, body):
        seen.append({k.lower(): v for k, v in headers.items()})
        return 200, {"x-elastic-product": "Elasticsearch", "content-type": "application/json"}, b'{"count": 0}'

    server = ScriptedServer(answer)
    store = ElasticsearchStore.from_options(es_options(server.url, **auth))
    try:
        assert store.count(MentionFilter()) == 0
    finally:
        store.close()
        server.close()
    # 8.x servers refuse compatible-with=9; 8.x and 9.x servers both accept compatible-with=8.
    assert seen[0]["accept"] == "application/vnd.elasticsearch+json; compatible-with=8"
    assert seen[0]["content-type"] == "application/vnd.elasticsearch+json; compatible-with=8"
    assert seen[0]["authorization"] == expected


@pytest.mark.elasticsearch
def test_node_outage_mid_indexing_loses_and_duplicates_nothing(es_node_factory):
    """An indexer drains an inbox while the node is stopped and restarted under it."""
    node = es_node_factory()
    store = ElasticsearchStore.from_options(
        es_options(node.url, retries=1, backoff=0.2, request_timeout=5, chunk_size=50)
    )
    es_admin.init(store, now=NOW)
    batches = [many(100, start=n * 100) for n in range(12)]
    inbox = list(batches)
    stored: set[str] = set()
    outages: list[str] = []
    first_batches_done = threading.Event()

    def indexer() -> None:
        while inbox:
            batch = inbox[0]
            try:
                result = upserted(store, batch)
            except StoreError as exc:
                outages.append(str(exc))  # the batch stays in the inbox
                threading.Event().wait(0.5)
                continue
            assert result.failed == {}
            stored.update(result.stored)
            inbox.pop(0)
            if len(stored) >= 300:
                first_batches_done.set()

    worker = threading.Thread(target=indexer)
    worker.start()
    try:
        assert first_batches_done.wait(120)
        node.stop()
        node.start()
        worker.join(300)
        assert not worker.is_alive()
    finally:
        inbox.clear()
        worker.join(30)
    assert outages, "the node stopped, so some upsert must have failed"
    expected = {m.id for batch in batches for m in batch}
    assert stored == expected
    assert store.count(MentionFilter()) == len(expected)
    # Documents per index add up to the total: no copy landed twice anywhere.
    stats = store.client.indices.stats(index=store.alias, metric="docs").body["indices"]
    assert sum(index["primaries"]["docs"]["count"] for index in stats.values()) == len(expected)
    store.close()


@pytest.mark.elasticsearch
def test_retention_deletes_only_whole_months_older_than_the_limit(make_es_store):
    store = make_es_store(retention="60d")
    es_admin.init(store, now=NOW)
    months = [datetime(2026, m, 15, tzinfo=UTC) for m in (7, 8, 9, 10)]
    upserted(
        store,
        [
            make(f"r{d:%m}", d - DAY, source="detik", channel="news", title="Arsip", text="arsip lama", sentiment=None)
            for d in months
        ],
    )
    # now - 60d = 2026-09-28: July and August are over before it, September is not.
    expired = [f"{store.alias}-2026.07", f"{store.alias}-2026.08"]
    assert es_admin.retention(store, now=NOW, dry_run=True) == expired
    assert store.count(MentionFilter()) == 4
    assert es_admin.retention(store, now=NOW) == expired
    assert es_admin.retention(store, now=NOW) == []
    assert store.count(MentionFilter()) == 2
    assert es_admin.monthly_indices(store) == [f"{store.alias}-2026.{m}" for m in ("09", "10", "11")]


@pytest.mark.elasticsearch
def test_the_pipeline_refreshes_once_before_its_rules_and_they_see_every_batch(make_es_store, es_url, write_config):
    from test_pipeline import RULES, T0, posts

    from monitor.app import load_config
    from monitor.clock import SimulatedClock
    from monitor.pipeline import build_pipeline

    proxy = FlakyProxy(es_url, [])
    try:
        store = make_es_store(proxy.url)
        es_admin.init(store, now=T0)
        folder = write_config(
            '[[sources]]\nname = "sosmed"\ntype = "file"\nchannel = "social"\npath = "posts.jsonl"\n'
            '[watchlists]\nbanjir = ["banjir", "pompa", "perahu", "bpbd"]\n',
            rules=RULES,
        )
        (folder.parent / "posts.jsonl").write_bytes(posts(6))
        pipeline = build_pipeline(load_config(folder), clock=SimulatedClock(T0 + timedelta(minutes=10)), store=store)
        pipeline.collect_all()
        assert pipeline.process(batch_size=2).stored == 6
        refreshes = [r for r in proxy.requests if r.endswith("/_refresh")]
        assert refreshes == [] and len(proxy.bulk_sizes) == 3
        report = pipeline.evaluate()
        assert len([r for r in proxy.requests if r.endswith("/_refresh")]) == 1
        # The threshold rule (4 negative flood complaints in an hour) saw the three batches at once:
        # the five of the six that the word list reads as negative, as on SQLite.
        assert [a.count for a in report.alerts] == [5]
        pipeline.evaluate()  # nothing new stored: no second refresh
        assert len([r for r in proxy.requests if r.endswith("/_refresh")]) == 1
        pipeline.close()
    finally:
        proxy.close()


@pytest.mark.elasticsearch
def test_a_date_corrected_before_the_refresh_still_leaves_no_copy(es_store):
    # Two batches of one cycle: the second moves m5 a month back before anything was refreshed.
    es_store.upsert(MENTIONS)
    m5 = BY_ID["m5"]
    corrected = replace(m5, mention=replace(m5.mention, published_at=m5.mention.published_at - timedelta(days=40)))
    assert es_store.upsert([corrected]).stored == ("m5",)
    es_store.refresh()
    assert es_store.count(MentionFilter()) == len(MENTIONS)
    assert es_store.get("m5") == corrected


@pytest.mark.elasticsearch
def test_re_indexing_known_mentions_needs_no_lookup_and_a_long_backlog_stays_bounded(
    make_es_store, es_url, monkeypatch
):
    from monitor.store.types import elasticsearch as es_module

    proxy = FlakyProxy(es_url, [])
    try:
        store = make_es_store(proxy.url)
        es_admin.init(store, now=NOW)
        store.upsert(MENTIONS)
        store.refresh()
        before = len(proxy.requests)
        retitled = [replace(m, mention=replace(m.mention, title=f"{m.mention.title} (ralat)")) for m in MENTIONS]
        assert set(store.upsert(retitled).stored) == {m.id for m in MENTIONS}
        # Updated in place: one bulk request, no search for older copies.
        assert [r for r in proxy.requests[before:] if "_search" in r] == []
        # More unrefreshed mentions than remembered: the store refreshes on its own, and a date
        # corrected afterwards still leaves no copy behind.
        monkeypatch.setattr(es_module, "MAX_UNREFRESHED", 2)
        m5 = BY_ID["m5"]
        store.upsert(MENTIONS)
        assert any(r.endswith("/_refresh") for r in proxy.requests[before:])
        corrected = replace(m5, mention=replace(m5.mention, published_at=m5.mention.published_at - timedelta(days=40)))
        store.upsert([corrected])
        store.refresh()
        assert store.count(MentionFilter()) == len(MENTIONS)
        assert store.get("m5") == corrected
    finally:
        proxy.close()
