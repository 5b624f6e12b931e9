"""Helpers for tests against a real Elasticsearch node: the node script, options, clean-up and
a small HTTP server for fault injection (a proxy) and for playing Kibana."""

from __future__ import annotations

import os
import socket
import subprocess
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from monitor.store import es_admin
from monitor.store.mappings import component_templates
from monitor.store.types.elasticsearch import ElasticsearchOptions, ElasticsearchStore

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / ".ci" / "elasticsearch.sh"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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
    """A real HTTP server on 127.0.0.1; `handle(method, path, headers, body)` writes each answer."""

    def __init__(self, handle: Handle):
        class Handler(BaseHTTPRequestHandler):
            def _any(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                status, headers, payload = handle(self.command, self.path, dict(self.headers), body)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _any

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
