"""Stores under test: a SQLite file and a real single-node Elasticsearch.

The node comes from `MONITOR_TEST_ES_URL` (CI starts it with `.ci/elasticsearch.sh start`) or,
when that is unset, is started here with the same script on a free port. If it cannot start,
the run fails when `CI` is set and the Elasticsearch tests are skipped (with the reason) locally.
Set `MONITOR_TEST_ES8_URL` to also run the contract suite against an 8.x node.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable, Iterator

import pytest
from localhttp import free_port

from monitor.errors import StoreError
from monitor.store import es_admin
from monitor.store.types.elasticsearch import ElasticsearchStore, make_client
from monitor.store.types.sqlite import SqliteStore
from tests.store.es_support import EsNode, drop, es_options


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"Elasticsearch wajib ada di CI: {reason}", pytrace=False)
    pytest.skip(f"Elasticsearch tidak tersedia: {reason}")


@pytest.fixture(scope="session")
def es_node_factory() -> Iterator[Callable[[], EsNode]]:
    """Starts extra private nodes (the outage test stops one); all are wiped at the end."""
    started: list[EsNode] = []

    def make() -> EsNode:
        node = EsNode(free_port())
        started.append(node)
        node.wipe()
        try:
            node.start()
        except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
            _unavailable(str(exc))
        return node

    yield make
    for node in started:
        node.wipe()


@pytest.fixture(scope="session")
def es_url(es_node_factory) -> str:
    return os.environ.get("MONITOR_TEST_ES_URL") or es_node_factory().url


@pytest.fixture
def make_es_store(es_url: str) -> Iterator:
    made: list[ElasticsearchStore] = []

    def make(
        url: str = es_url, *, sleep: Callable[[float], None] = time.sleep, **overrides: object
    ) -> ElasticsearchStore:
        options = es_options(url, **overrides)
        store = ElasticsearchStore(make_client(options), options, sleep=sleep)
        made.append(store)
        return store

    yield make
    for store in made:
        store.close()
        # Straight to the node: some tests reach it through a proxy that is gone by now.
        direct = ElasticsearchStore.from_options(store.options.model_copy(update={"hosts": [es_url]}))
        try:
            drop(direct)
        finally:
            direct.close()


def _es_store(make_es_store, url: str) -> ElasticsearchStore:
    store = make_es_store(url)
    try:
        es_admin.init(store)
    except StoreError as exc:
        _unavailable(f"{store.describe()}: {exc}")
    return store


# Only the Elasticsearch parameters need a node: the SQLite half of the contract stays in the fast tier.
_STORES = [
    "sqlite",
    pytest.param("elasticsearch", marks=pytest.mark.elasticsearch),
    *(
        [pytest.param("elasticsearch-8", marks=pytest.mark.elasticsearch)]
        if os.environ.get("MONITOR_TEST_ES8_URL")
        else []
    ),
]


@pytest.fixture(params=_STORES)
def store(request, tmp_path):
    """Each contract test runs once per store implementation."""
    if request.param == "sqlite":
        sqlite = SqliteStore(tmp_path / "mentions.sqlite3")
        yield sqlite
        sqlite.close()
    elif request.param == "elasticsearch":
        yield _es_store(request.getfixturevalue("make_es_store"), request.getfixturevalue("es_url"))
    else:
        yield _es_store(request.getfixturevalue("make_es_store"), os.environ["MONITOR_TEST_ES8_URL"])
