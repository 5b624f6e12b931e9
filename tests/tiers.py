"""Test tiers: a plain `pytest` runs the fast tier, the markers name what the others need.

- `elasticsearch`: a real node (tests/store/conftest.py starts one through Maven when
  MONITOR_TEST_ES_URL is unset: minutes);
- `slow`: subprocesses (SIGKILL, SIGTERM), the demo, anything over SLOW_LIMIT;
- `model`: torch/transformers or the shipped model;
- `browser`: Debian's chromium renders a page (the digest's layout, `monitor explore`).
- `notebook`: a notebook of notebooks/ runs top to bottom.

pyproject.toml deselects them by default; `pytest -m ""` runs everything (CI does). The
markers are checked, so the fast tier stays fast without anyone remembering to mark:
- at collection, a test that uses a fixture of a tier (TIER_FIXTURES) without its marker is an
  error;
- a fast test that imports torch, transformers or onnxruntime fails, naming the marker;
- unmarked tests that took longer than SLOW_LIMIT are listed at the end of the run.
The run ends with one line saying how many tests the tiers left out and how to run them.
tests/test_tiers.py runs these checks on small test files.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Generator

import pytest

TIERS = ("elasticsearch", "slow", "model", "browser", "notebook")
# Fixtures that only a test of the tier may use.
TIER_FIXTURES = {
    "es_url": "elasticsearch",
    "es_node_factory": "elasticsearch",
    "make_es_store": "elasticsearch",
    "es_store": "elasticsearch",
    "tiny_model_dir": "model",
}
HEAVY_MODULES = ("torch", "transformers", "onnxruntime")
SLOW_LIMIT = 2.0  # seconds for setup, call and teardown together

_left_out: Counter[str] = Counter()
_left_out_tests = 0
_tiered: set[str] = set()
_unmarked_seconds: Counter[str] = Counter()
_last_test: set[str] = set()


def _tiers_of(item: pytest.Item) -> list[str]:
    return [tier for tier in TIERS if item.get_closest_marker(tier)]


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects anything
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    _tiered.update(item.nodeid for item in items if _tiers_of(item))
    unmarked = sorted(
        f"{item.nodeid} uses {name} but is not marked @pytest.mark.{tier}"
        for item in items
        for name, tier in TIER_FIXTURES.items()
        if name in getattr(item, "fixturenames", ()) and not item.get_closest_marker(tier)
    )
    if unmarked:
        raise pytest.UsageError("tests of a tier without its marker:\n  " + "\n  ".join(unmarked))


def pytest_deselected(items: list[pytest.Item]) -> None:
    global _left_out_tests
    for item in items:
        tiers = _tiers_of(item)
        _left_out.update(tiers)
        _left_out_tests += bool(tiers)


def _heavy_loaded() -> set[str]:
    return {name for name in HEAVY_MODULES if name in sys.modules}


def _no_heavy_imports(item: pytest.Item) -> Generator[None, None, None]:
    before = _heavy_loaded()
    yield
    new = _heavy_loaded() - before
    if new and not item.get_closest_marker("model"):
        pytest.fail(f"imports {', '.join(sorted(new))}: mark the test @pytest.mark.model", pytrace=False)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, None, None]:
    return (yield from _no_heavy_imports(item))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    return (yield from _no_heavy_imports(item))


def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    if nextitem is None:
        _last_test.add(item.nodeid)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    # The last test's teardown also stops the session's fixtures (an Elasticsearch node): not its cost.
    last_teardown = report.when == "teardown" and report.nodeid in _last_test
    if report.nodeid not in _tiered and not last_teardown:
        _unmarked_seconds[report.nodeid] += report.duration


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    slow = [(seconds, node) for node, seconds in _unmarked_seconds.items() if seconds > SLOW_LIMIT]
    if slow:
        terminalreporter.section(f"unmarked tests over {SLOW_LIMIT:g} s: mark them slow or make them faster")
        for seconds, node in sorted(slow, reverse=True):
            terminalreporter.write_line(f"{seconds:6.2f}s {node}")


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    # After the terminal reporter's last line ("N passed, M deselected"), so it is the last word.
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if _left_out_tests and reporter is not None:
        counts = ", ".join(f"{tier} {_left_out[tier]}" for tier in TIERS if _left_out[tier])
        reporter.ensure_newline()
        reporter.write_line(
            f"{_left_out_tests} test{'s' if _left_out_tests != 1 else ''} of the slower tiers were not run ({counts}): "
            f'`pytest -m ""` runs every tier, `pytest -m slow` (or elasticsearch, model, browser, notebook) one of them'
        )
