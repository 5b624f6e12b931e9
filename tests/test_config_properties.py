"""Properties of configuration loading (monitor.app.load_config) over generated files: any
`[[sources]]`, `[store]`, `[alerters.*]`, `[watchlists]` and rule tables either load or raise
ConfigError, never another exception, and every problem names its file and its key.

The keys come from the plugins' own Options models (so new plugins are covered without editing
this file), mixed with keys nobody knows; the values are any TOML value, with durations,
queries, URLs, ${ENV} references and paths people write.
"""

from __future__ import annotations

import json
import re
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from strategies import any_text

from monitor.app import families, load_config
from monitor.errors import ConfigError

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def toml_key(key: str) -> str:
    return key if _BARE_KEY.match(key) else toml_value(key)


def toml_value(value: Any) -> str:
    """TOML for a generated value (JSON strings are TOML basic strings once DEL is escaped)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return "nan" if value != value else ("inf" if value > 0 else "-inf")
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return "{" + ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items()) + "}"


def toml_table(header: str, table: dict[str, Any]) -> str:
    return header + "\n" + "".join(f"{toml_key(k)} = {toml_value(v)}\n" for k, v in table.items())


WRITTEN = (
    "5m", "1h", "0s", "-1h", "90", "sebentar", "https://contoh.id/rss", "contoh.id/rss", "C0KRISIS01", "xoxb-uji",
    "${TIDAK_DISET}", "banjir OR longsor", "((", "06:00-22:00", "25:00-01:00", "log", "negative", "critical", "id",
    "en", "Asia/Jakarta", "Asia/Atlantis", "", "a\x00b", "/", "..", "rules", "posts.jsonl",
)  # fmt: skip
scalar = st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.floats() | any_text | st.sampled_from(WRITTEN)
value = st.recursive(scalar, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(any_text, inner, max_size=2), max_leaves=4)  # fmt: skip
RULE_KEYS = ("name", "description", "severity", "alerters", "cooldown", "resolve_after", "active_hours", "escalate_factor", "watchlists")  # fmt: skip


@cache
def type_names(family: str) -> tuple[str, ...]:
    return tuple(families()[family].names())


@cache
def option_names(family: str, type_name: str) -> list[str]:
    registry = families()[family]
    return sorted(registry.plugin(type_name).options.model_fields) if type_name in type_names(family) else []


@st.composite
def plugin_table(draw: st.DrawFn, family: str, shared: tuple[str, ...] = ()) -> dict[str, Any]:
    type_name = draw(st.sampled_from([*type_names(family), "tidak-ada"]) | any_text)
    known = [*option_names(family, type_name), *shared]
    table: dict[str, Any] = {"type": type_name} if draw(st.integers(0, 5)) else {}
    for key in draw(st.lists(st.sampled_from(known) | any_text if known else any_text, max_size=5)):
        table[key] = draw(value)
    return table


@st.composite
def configurations(draw: st.DrawFn) -> tuple[str, dict[str, str]]:
    """The main file's text and the rule files (name -> text)."""
    parts = []
    if draw(st.booleans()):
        parts.append(toml_table("", {"rules_dir": draw(st.sampled_from(["rules", "aturan"]) | any_text)}))
    if draw(st.booleans()):
        general = st.sampled_from(["data_dir", "timezone", "language", "evaluate_interval", "shared_data"]) | any_text
        parts.append(toml_table("[monitor]", draw(st.dictionaries(general, value, max_size=3))))
    if draw(st.booleans()):
        parts.append(toml_table("[store]", draw(plugin_table("store"))))
    for _ in range(draw(st.integers(0, 2))):
        source = draw(plugin_table("source", ("name", "interval", "enabled")))
        source.setdefault("name", draw(st.sampled_from(["antara", "sosmed", "Huruf Besar"]) | any_text))
        parts.append(toml_table("[[sources]]", source))
    if draw(st.booleans()):
        queries = st.sampled_from(["banjir OR longsor", "((", "NOT hoaks"]) | any_text | st.lists(any_text, max_size=2)
        parts.append(toml_table("[watchlists]", draw(st.dictionaries(st.sampled_from(["bansos"]) | any_text, queries, max_size=2))))  # fmt: skip
    for name in draw(st.lists(st.sampled_from(["log", "krisis"]) | any_text, max_size=2, unique=True)):
        parts.append(toml_table(f"[alerters.{toml_key(name)}]", draw(plugin_table("alerter"))))
    rule_names = st.sampled_from(["keluhan", "lonjakan"]) | st.from_regex(r"[a-z][a-z0-9-]{0,8}", fullmatch=True)
    rules = draw(st.dictionaries(rule_names, plugin_table("rule", RULE_KEYS).map(lambda t: toml_table("", t)), max_size=2))  # fmt: skip
    return "\n".join(parts), rules


# Half the profile's examples: each one writes files and loads a whole configuration.
@settings(max_examples=max(10, settings.default.max_examples // 2))
@given(configurations())
@example(('[alerters.krisis]\ntype = "log"\n', {"keluhan": 'type = "any"\n'}))  # the rule names a missing alerter
@example(('[monitor]\ndata_dir = "var\\u0000"\n', {}))  # loaded, then crashed opening the folder
@example(('rules = 3\n[[sources]]\nname = "x"\n', {"r": "type = 1\n"}))
def test_a_configuration_loads_or_every_problem_names_its_file_and_key(configuration: tuple[str, dict[str, str]]):
    body, rules = configuration
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "monitor.toml"
        path.write_text(body, encoding="utf-8")
        (Path(folder) / "rules").mkdir()
        for name, text in rules.items():
            (Path(folder) / "rules" / f"{name}.toml").write_text(text, encoding="utf-8")
        try:
            config = load_config(path)
        except ConfigError as error:
            assert error.problems
            for problem in error.problems:
                # The main file, a rule file, or (two rules with one name) the rules folder.
                assert problem.file == str(path) or problem.file.startswith(str(Path(folder).resolve())), problem
                assert problem.key and problem.message, problem
        else:
            assert config.data_dir.is_absolute() and config.shared_data.is_absolute()


def test_a_problem_in_a_rule_found_after_loading_it_names_the_rule_file(write_config):
    path = write_config(rules={"keluhan": 'type = "any"\nname = "keluhan-warga"\nalerters = ["slack"]\n'})

    with pytest.raises(ConfigError) as caught:
        load_config(path)

    [problem] = caught.value.problems
    assert problem.file == str(path.parent / "rules" / "keluhan.toml") and problem.key == "alerters"
    assert "alerter 'slack' tidak ada" in problem.message
