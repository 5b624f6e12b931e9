"""Helpers for tests against a real Elasticsearch node: the node script, options, clean-up and
a scripted HTTP site for fault injection (a proxy) and for playing Kibana."""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from localhttp import Reply, Request, shared_server

from monitor.store import es_admin
from monitor.store.mappings import component_templates
from monitor.store.types.elasticsearch import ElasticsearchOptions, ElasticsearchStore

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / ".ci" / "elasticsearch.sh"


@dataclass
class EsNode:
    """A node run by .ci/elasticsearch.sh on its own port (and so its own data directory)."""

    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _script(self, command: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "ES_PORT": str(self.port)}
        return subprocess.run(
            ["bash", str(SCRIPT), command], check=False, env=env, capture_output=True, text=True, timeout=600
        )

    def start(self) -> None:
        result = self._script("start")
        if result.returncode != 0:
            raise RuntimeError(f"Elasticsearch tidak bisa dijalankan:\n{result.stderr[-4000:]}")

    def stop(self) -> None:
        self._script("stop")

    def wipe(self) -> None:
        self._script("wipe")


def es_options(url: str, **overrides: object) -> ElasticsearchOptions:
    # A unique prefix per test keeps tests independent on one shared node.
    values: dict[str, object] = {
        "hosts": [url],
        "index_prefix": f"test-{uuid.uuid4().hex[:10]}",
        "replicas": 0,
        "retries": 2,
        "backoff": 0.05,
    }
    return ElasticsearchOptions.model_validate({**values, **overrides})


def drop(store: ElasticsearchStore) -> None:
    """Delete a test's indices and templates (the node refuses destructive wildcards)."""
    indices = es_admin.monthly_indices(store)
    if indices:
        store.client.indices.delete(index=",".join(indices))
    client = store.client.options(ignore_status=404)
    client.indices.delete_index_template(name=store.alias)
    for name in component_templates(store.alias):
        client.cluster.delete_component_template(name=name)


Handle = Callable[[str, str, dict[str, str], bytes], tuple[int, dict[str, str], bytes]]


class ScriptedServer:
    """A site on the session's local HTTP server; `handle(method, path, headers, body)` writes
    each answer (paths are the site's own, see tests/localhttp.py)."""

    def __init__(self, handle: Handle):
        def answer(request: Request) -> Reply:
            status, headers, payload = handle(request.method, request.path, dict(request.headers), request.body)
            return Reply(status, payload, headers)

        self.site = shared_server().site(answer)
        self.url = self.site.url()

    def close(self) -> None:
        self.site.close()
