from __future__ import annotations

from collections.abc import Iterator

import pytest
from localhttp import LocalHTTPServer

from .fake_slack import FakeSlack


@pytest.fixture
def slack(local_http: LocalHTTPServer) -> Iterator[FakeSlack]:
    server = FakeSlack(local_http)
    yield server
    server.close()
