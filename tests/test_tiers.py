"""The tier markers check themselves (tests/tiers.py), run on small test files in a subprocess
with this project's own pytest options."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    options = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["pytest"]["ini_options"]
    pytester.makepyprojecttoml(
        f"[tool.pytest.ini_options]\naddopts = {json.dumps(options['addopts'])}\nmarkers = {json.dumps(options['markers'])}\n"
    )
    pytester.makepyfile(tiers=(ROOT / "tests" / "tiers.py").read_text(encoding="utf-8"))
    pytester.makeconftest(
        'import pytest\npytest_plugins = ["tiers"]\n\n@pytest.fixture\ndef es_url():\n    return "http://127.0.0.1:9"\n'
    )
    return pytester


@pytest.mark.slow  # pytest in a subprocess, twice
def test_marking_is_checked_and_the_run_says_what_it_left_out(project: pytest.Pytester) -> None:
    project.makepyfile(
        test_tiers_demo="""
        import sys, types
        import pytest

        def test_fast():
            assert True

        @pytest.mark.elasticsearch
        def test_node(es_url):
            assert es_url

        @pytest.mark.slow
        @pytest.mark.model
        def test_demo():
            assert True

        def test_sneaks_a_model_in():
            sys.modules.setdefault("onnxruntime", types.ModuleType("onnxruntime"))
        """
    )
    result = project.runpytest_subprocess()
    result.assert_outcomes(passed=1, failed=1, deselected=2)
    result.stdout.fnmatch_lines(["*imports onnxruntime: mark the test @pytest.mark.model*"])
    assert result.stdout.lines[-1].startswith(
        "2 tests of the slower tiers were not run (elasticsearch 1, slow 1, model 1)"
    )

    project.makepyfile(test_unmarked="def test_uses_a_node(es_url):\n    assert es_url\n")
    result = project.runpytest_subprocess("test_unmarked.py")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*test_uses_a_node uses es_url but is not marked @pytest.mark.elasticsearch*"])
