from __future__ import annotations

from collections.abc import Iterator

import pytest
from localhttp import LocalHTTPServer

from tests.alerters.fake_slack import FakeSlack

# A real Elasticsearch node for the monthly report's same-answer test (tests/store/conftest.py).
from tests.store.conftest import es_node_factory, es_url, make_es_store  # noqa: F401


@pytest.fixture
def slack(local_http: LocalHTTPServer) -> Iterator[FakeSlack]:
    """The fake Slack Web API (tests/alerters/fake_slack.py) on the session's server."""
    server = FakeSlack(local_http)
    yield server
    server.close()
