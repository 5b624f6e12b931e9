"""`monitor es init|retention` and `monitor once` against a real Elasticsearch node."""

from __future__ import annotations

import io
import json
import uuid

import httpx
import pytest
from localhttp import Reply

from monitor.cli import main
from monitor.cli.common import EXIT_OK, EXIT_USAGE


def run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(list(args), out=out), out.getvalue()


@pytest.mark.elasticsearch
def test_es_init_is_idempotent_and_once_indexes_into_elasticsearch(es_url, write_config, http_server):
    prefix = f"uji-cli-{uuid.uuid4().hex[:8]}"
    posts = "\n".join(
        json.dumps(
            {
                "id": str(i),
                "text": f"Banjir di Sukasari, pompa mati ({i})",
                "author": f"w{i}",
                "published_at": "2026-11-20T01:00:00+00:00",
            }
        )
        for i in range(5)
    )
    http_server.serve("/posts", Reply(200, posts.encode()))
    config = str(
        write_config(
            f'[store]\ntype = "elasticsearch"\nhosts = ["{es_url}"]\nindex_prefix = "{prefix}"\nreplicas = 0\n'
            f'[[sources]]\nname = "sosmed"\ntype = "file"\nurl = "{http_server.url("/posts")}"\n'
        )
    )
    try:
        code, out = run("es", "init", "--config", config)
        assert code == EXIT_OK and f"alias {prefix}" in out
        code, again = run("es", "init", "--config", config)
        assert code == EXIT_OK and "indeks baru: -" in again
        code, out = run("once", "--config", config)
        assert code == EXIT_OK and "5 tersimpan" in out, out
        code, out = run("once", "--config", config)  # the same posts again: nothing stored twice
        count = httpx.get(f"{es_url}/{prefix}/_count").json()["count"]
        assert count == 5
        code, out = run("es", "retention", "--dry-run", "--config", config)
        assert code == EXIT_OK and "akan dihapus" in out
    finally:
        httpx.delete(f"{es_url}/{prefix}-*")
        httpx.delete(f"{es_url}/_index_template/{prefix}")


def test_es_commands_need_the_elasticsearch_store(write_config, capsys):
    code, _ = run("es", "init", "--config", str(write_config()))
    assert code == EXIT_USAGE and "elasticsearch" in capsys.readouterr().err
