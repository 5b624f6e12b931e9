"""The Elasticsearch index template for mentions, shipped as JSON so analysts can review it.

The analysis settings and the mappings live beside this file as two JSON documents; they are
installed as one component template (Elasticsearch validates a component on its own, so mappings
that name the Indonesian analyzer must travel with it). The composable index template that ties
it to the monthly indices and the read alias is built here, because its shard/replica counts and
names come from the store options.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
# Bumped whenever the JSON changes, so `monitor es init` can tell what a cluster runs.
TEMPLATE_VERSION = 3


@cache
def _component(kind: str) -> dict[str, Any]:
    component: dict[str, Any] = json.loads((HERE / f"mentions-{kind}.json").read_text(encoding="utf-8"))
    return component


def component_templates(prefix: str) -> dict[str, dict[str, Any]]:
    """Component template name -> body, for PUT _component_template/<name>."""
    analysis, mappings = _component("analysis"), _component("mappings")
    body = {
        "template": {**analysis["template"], **mappings["template"]},
        "version": TEMPLATE_VERSION,
        "_meta": {"description": f"{analysis['_meta']['description']} {mappings['_meta']['description']}"},
    }
    return {f"{prefix}-mentions": body}


def index_template(prefix: str, *, shards: int, replicas: int) -> dict[str, Any]:
    """Body for PUT _index_template/<prefix>: every `<prefix>-YYYY.MM` index joins the alias."""
    return {
        "index_patterns": [f"{prefix}-*"],
        "composed_of": list(component_templates(prefix)),
        # Above the built-in templates (priority 100..) so ours wins on overlapping patterns.
        "priority": 200,
        "version": TEMPLATE_VERSION,
        "template": {
            "settings": {"number_of_shards": shards, "number_of_replicas": replicas},
            "aliases": {prefix: {}},
        },
        "_meta": {"managed_by": "humas-monitor"},
    }


def mapping_properties() -> dict[str, Any]:
    """The mapped fields, name -> mapping (used by the Kibana field check and the store)."""
    properties: dict[str, Any] = _component("mappings")["template"]["mappings"]["properties"]
    return properties
