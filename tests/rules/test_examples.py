"""The sample rule files: valid against the default watchlists, one per type, quoted in the README."""

from __future__ import annotations

import json
from pathlib import Path

from monitor.app import load_config
from monitor.rules import RULE_TYPES

REPO = Path(__file__).resolve().parents[2]
DEFAULT_CONFIG = REPO / "config" / "monitor.toml"
EXAMPLES = REPO / "config" / "rules" / "examples"


def test_examples_load_with_the_default_watchlists_and_cover_every_type(tmp_path: Path):
    default = load_config(DEFAULT_CONFIG)
    # JSON strings and lists of strings are valid TOML values.
    lists = "\n".join(f"{name} = {json.dumps(query)}" for name, query in default.watchlists.items())
    path = tmp_path / "monitor.toml"
    path.write_text(
        f'rules_dir = "{EXAMPLES}"\n[classifier]\ntype = "lexicon"\n[watchlists]\n{lists}\n', encoding="utf-8"
    )
    config = load_config(path)
    assert len(config.rules) == len(list(EXAMPLES.glob("*.toml")))
    assert {r.type for r in config.rules} == set(RULE_TYPES.names())
    assert all(r.description for r in config.rules)


def test_docs_quote_every_example_verbatim():
    docs = (REPO / "README.md").read_text(encoding="utf-8")
    for example in sorted(EXAMPLES.glob("*.toml")):
        assert f"# config/rules/{example.name}\n{example.read_text(encoding='utf-8')}```" in docs, example.name
