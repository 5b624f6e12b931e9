from __future__ import annotations

import os
import textwrap
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from localhttp import LocalHTTPServer, Site, close_shared_server, shared_server

from monitor.records import Mention, mention_id

# The markers of the test tiers and their checks (tests/tiers.py); pytester tests them.
pytest_plugins = ["tiers", "pytester"]

# Property tests: a modest number of examples in the fast tier; HYPOTHESIS_PROFILE=ci tries more.
# No deadline: the machine is shared, and a slow example is not a wrong one.
settings.register_profile("fast", max_examples=40, deadline=None)
settings.register_profile("ci", max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fast"))

T0 = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)  # 08:00 WIB


@pytest.fixture(scope="session")
def local_http() -> Iterator[LocalHTTPServer]:
    """The one local HTTP server of the session (tests/localhttp.py)."""
    yield shared_server()
    close_shared_server()


@pytest.fixture
def http_server(local_http: LocalHTTPServer) -> Iterator[Site]:
    """This test's own site on the session's server: scripted routes, recorded requests."""
    site = local_http.site()
    yield site
    site.close()


@pytest.fixture
def write_config(tmp_path: Path) -> Callable[..., Path]:
    """Write a monitor.toml (and rule files) into tmp_path; data goes to tmp_path/var."""

    def write(body: str = "", rules: dict[str, str] | None = None, name: str = "monitor.toml") -> Path:
        rules_dir = tmp_path / "rules"
        rules_dir.mkdir(exist_ok=True)
        for rule_name, text in (rules or {}).items():
            (rules_dir / f"{rule_name}.toml").write_text(textwrap.dedent(text), encoding="utf-8")
        head = 'rules_dir = "rules"\n[monitor]\ndata_dir = "var"\n[classifier]\ntype = "lexicon"\n'
        path = tmp_path / name
        path.write_text(head + textwrap.dedent(body), encoding="utf-8")
        return path

    return write


def make_mention(
    text: str,
    *,
    source: str = "uji",
    minutes: float = 0,
    author: str | None = "warga",
    title: str = "",
    channel: str = "social",
    reach: int | None = None,
    n: int | None = None,
) -> Mention:
    from datetime import timedelta

    published = T0 + timedelta(minutes=minutes)
    return Mention(
        id=mention_id(source, platform_id=f"{text}|{author}|{minutes}|{n}"),
        source=source,
        channel=channel,
        url=None,
        title=title,
        text=text,
        published_at=published,
        collected_at=published,
        author=author,
        reach=reach,
    )


def make_collector(type_name: str, name: str, *, base_dir: Path | None = None, context=None, **options: object):
    """A collector exactly as a `[[sources]]` entry with these keys would build it (no gap
    between requests to one host unless `context` says otherwise)."""
    import httpx

    from monitor.collectors import COLLECTORS
    from monitor.plugin import FetchSettings, PluginContext

    if context is None:
        context = PluginContext(
            base_dir=base_dir or Path.cwd(), http_factory=httpx.Client, fetch=FetchSettings(per_host_gap=0)
        )
    return COLLECTORS.build(type_name, name, COLLECTORS.validate(type_name, options), context)


def upserted(store: Any, mentions: Any) -> Any:
    """Store mentions and make them searchable at once, as the pipeline does before its rules run."""
    result = store.upsert(list(mentions))
    store.refresh()
    return result
