"""The demo's data, run once per session into a temporary folder, and the stores under test.

`store` (SQLite and a real Elasticsearch, see tests/store/conftest.py) is imported here so the
analysis functions, which read only through the MentionStore protocol, are checked on both.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from monitor.demo.run import DemoResult, run_demo
from tests.store.conftest import es_node_factory, es_url, make_es_store, store  # noqa: F401


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    """The demo run into a folder of its own (SQLite); tests only read it."""
    return run_demo(io.StringIO(), tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="session")
def demo_config(demo: DemoResult) -> Path:
    return demo.config
