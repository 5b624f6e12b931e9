"""The shipped Kibana objects (config/kibana/humas-monitor.ndjson), checked without a Kibana.

They follow the saved-object export format of Kibana 8.9 (see config/kibana/build_objects.py):
`coreMigrationVersion` 8.8.0 and per-type `typeMigrationVersion` values Kibana 8.9 knows, Lens
layers under `state.datasourceStates.formBased.layers` referenced as
`indexpattern-datasource-layer-<layerId>`, dashboard panels by reference (`panelRefName`
"panel_<i>" with a reference named "<i>:panel_<i>"). Shapes verified against elastic/kibana:
the 8.x sample data (home/server/services/sample_data/data_sets/ecommerce/saved_objects.ts), the
Lens migration map (make_lens_embeddable_factory.ts, last entry 8.9.0), the document migrator
(refuses a typeMigrationVersion newer than it knows), the dashboard attribute schema
(content_management/v1, unknown keys forbidden) and the search schema for 8.8.0. No live Kibana
was available here; these tests check structure, references and fields only.
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from typing import Any

import pytest

from monitor.store.mappings import mapping_properties

KIBANA_DIR = Path(__file__).resolve().parents[2] / "config" / "kibana"
KIBANA_FILE = KIBANA_DIR / "humas-monitor.ndjson"

CORE_MIGRATION_VERSION = "8.8.0"
TYPE_MIGRATION_VERSION = {"index-pattern": "8.0.0", "search": "8.0.0", "lens": "8.9.0", "dashboard": "8.9.0"}
# Attributes each type accepts (Kibana validates with unknown keys forbidden for dashboards and
# searches; Lens keeps title, description, visualizationType and state).
ALLOWED_ATTRIBUTES = {
    "index-pattern": {
        "title",
        "name",
        "timeFieldName",
        "fields",
        "fieldFormatMap",
        "fieldAttrs",
        "runtimeFieldMap",
        "typeMeta",
        "sourceFilters",
        "allowNoIndex",
    },
    "search": {
        "title",
        "description",
        "columns",
        "sort",
        "grid",
        "rowHeight",
        "rowsPerPage",
        "hideChart",
        "breakdownField",
        "kibanaSavedObjectMeta",
        "isTextBasedQuery",
        "usesAdHocDataView",
        "timeRestore",
        "timeRange",
        "refreshInterval",
        "viewMode",
        "hideAggregatedPreview",
        "hits",
        "version",
    },
    "lens": {"title", "description", "visualizationType", "state"},
    "dashboard": {
        "title",
        "description",
        "kibanaSavedObjectMeta",
        "timeRestore",
        "timeFrom",
        "timeTo",
        "refreshInterval",
        "controlGroupInput",
        "panelsJSON",
        "optionsJSON",
        "hits",
        "version",
    },
}
# Keys only the 7.x format (legacy aggregation-based visualizations) has.
LEGACY_KEYS = {"migrationVersion", "visState", "uiStateJSON"}
# Attributes stored as JSON strings.
JSON_STRING_ATTRIBUTES = {
    "fields",
    "fieldFormatMap",
    "fieldAttrs",
    "runtimeFieldMap",
    "typeMeta",
    "panelsJSON",
    "optionsJSON",
}
# What each Lens operation needs from the mapping (None: any field).
OPERATION_FIELD_TYPES: dict[str, set[str] | None] = {
    "date_histogram": {"date"},
    "terms": {"keyword", "boolean", "long", "integer"},
    "sum": {"long", "integer", "float"},
    "average": {"long", "integer", "float"},
    "median": {"long", "integer", "float"},
    "max": {"long", "integer", "float", "date"},
    "min": {"long", "integer", "float", "date"},
    "unique_count": {"keyword", "long", "integer"},
    "count": None,
}
COLUMN_DATA_TYPE = {"date": "date", "keyword": "string", "boolean": "boolean", "long": "number", "float": "number"}
VISUALIZATION_TYPES = {"lnsXY", "lnsDatatable", "lnsMetric", "lnsPie"}
KQL_FIELD = re.compile(r"\b([a-z_][a-z0-9_.]*)\s*:")
GRID_COLUMNS = 48


def _objects() -> list[dict[str, Any]]:
    return [json.loads(line) for line in KIBANA_FILE.read_text(encoding="utf-8").splitlines() if line.strip()]


def _of_type(type_: str) -> list[dict[str, Any]]:
    return [obj for obj in _objects() if obj["type"] == type_]


def _dashboard() -> dict[str, Any]:
    (dashboard,) = _of_type("dashboard")
    return dashboard


def _layers(obj: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return obj["attributes"]["state"]["datasourceStates"]["formBased"]["layers"]


def _field_type(name: str) -> str | None:
    properties = mapping_properties()
    head, _, sub = name.partition(".")
    spec = properties.get(head)
    if spec is None:
        return None
    if sub:
        spec = spec.get("fields", {}).get(sub) or spec.get("properties", {}).get(sub)
    return spec.get("type", "object") if spec else None


def _keys(value: Any) -> set[str]:
    """Every dict key at any depth, JSON strings in attributes included."""
    if isinstance(value, dict):
        return set(value) | {key for item in value.values() for key in _keys(item)}
    if isinstance(value, list):
        return {key for item in value for key in _keys(item)}
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return _keys(json.loads(value))
        except ValueError:
            return set()
    return set()


def _kql_fields(query: dict[str, Any] | None) -> list[str]:
    if not query:
        return []
    assert query["language"] == "kuery", query
    return KQL_FIELD.findall(query["query"])


def test_the_ndjson_is_what_build_objects_writes():
    spec = importlib.util.spec_from_file_location("build_objects", KIBANA_DIR / "build_objects.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.render() == KIBANA_FILE.read_text(encoding="utf-8"), (
        "humas-monitor.ndjson sudah usang: jalankan python config/kibana/build_objects.py"
    )
    assert module.TYPE_MIGRATION_VERSION == TYPE_MIGRATION_VERSION
    assert module.CORE_MIGRATION_VERSION == CORE_MIGRATION_VERSION


def test_every_object_is_in_the_8x_export_format():
    objects = _objects()
    assert {obj["type"] for obj in objects} == set(TYPE_MIGRATION_VERSION)
    for obj in objects:
        assert {"id", "type", "attributes", "references", "coreMigrationVersion", "typeMigrationVersion"} <= set(obj)
        assert obj["coreMigrationVersion"] == CORE_MIGRATION_VERSION, obj["id"]
        assert obj["typeMigrationVersion"] == TYPE_MIGRATION_VERSION[obj["type"]], obj["id"]
        assert not LEGACY_KEYS & _keys(obj), f"{obj['id']}: kunci format 7.x {LEGACY_KEYS & _keys(obj)}"
        assert set(obj["attributes"]) <= ALLOWED_ATTRIBUTES[obj["type"]], obj["id"]
        assert obj["attributes"]["title"]
    ids = [(obj["type"], obj["id"]) for obj in objects]
    assert len(ids) == len(set(ids))


def test_json_strings_inside_attributes_parse():
    parsed = 0
    for obj in _objects():
        attributes = obj["attributes"]
        for key in JSON_STRING_ATTRIBUTES & set(attributes):
            json.loads(attributes[key])
            parsed += 1
        meta = attributes.get("kibanaSavedObjectMeta")
        if meta:
            assert isinstance(json.loads(meta["searchSourceJSON"]), dict)
            parsed += 1
    assert parsed >= 10


def test_lens_columns_use_fields_the_template_maps_with_a_compatible_type():
    lenses = _of_type("lens")
    assert len(lenses) >= 10
    checked = 0
    for obj in lenses:
        title = obj["attributes"]["title"]
        assert obj["attributes"]["visualizationType"] in VISUALIZATION_TYPES, title
        for layer in _layers(obj).values():
            assert layer["columnOrder"] and set(layer["columnOrder"]) == set(layer["columns"]), title
            for column in layer["columns"].values():
                operation, field = column["operationType"], column["sourceField"]
                assert operation in OPERATION_FIELD_TYPES, f"{title}: operasi {operation}"
                for kql_field in _kql_fields(column.get("filter")):
                    assert _field_type(kql_field), f"{title}: filter memakai {kql_field!r}"
                if operation == "count" and field == "___records___":
                    continue
                mapped = _field_type(field)
                assert mapped is not None, f"{title}: field {field!r} tidak ada di template"
                accepted = OPERATION_FIELD_TYPES[operation]
                assert accepted is None or mapped in accepted, f"{title}: {field!r} bertipe {mapped}, perlu {accepted}"
                assert column["dataType"] == COLUMN_DATA_TYPE.get(mapped), f"{title}: dataType {column['dataType']}"
                checked += 1
        for field in _kql_fields(obj["attributes"]["state"]["query"]):
            assert _field_type(field), f"{title}: query memakai {field!r}"
    assert checked >= 15


def test_the_data_view_and_saved_searches_use_mapped_fields():
    (view,) = _of_type("index-pattern")
    assert _field_type(view["attributes"]["timeFieldName"]) == "date"
    assert view["attributes"]["timeFieldName"] == "published_at"
    for field in json.loads(view["attributes"]["fieldFormatMap"]):
        assert _field_type(field), field
    searches = _of_type("search")
    assert len(searches) >= 3
    for search in searches:
        attributes = search["attributes"]
        for field in attributes["columns"]:
            assert _field_type(field), f"{attributes['title']}: kolom {field!r}"
        for field, direction in attributes["sort"]:
            assert _field_type(field) in {"date", "keyword", "long"} and direction in {"asc", "desc"}
        source = json.loads(attributes["kibanaSavedObjectMeta"]["searchSourceJSON"])
        fields = _kql_fields(source["query"])
        assert fields, attributes["title"]
        for field in fields:
            assert _field_type(field), f"{attributes['title']}: query memakai {field!r}"


def test_every_reference_resolves_to_an_object_in_the_file():
    objects = _objects()
    known = {(obj["type"], obj["id"]) for obj in objects}
    for obj in objects:
        for ref in obj["references"]:
            assert set(ref) == {"id", "name", "type"}, ref
            assert (ref["type"], ref["id"]) in known, f"{obj['id']} -> {ref}"


def test_lens_layers_and_accessors_are_wired():
    (view,) = _of_type("index-pattern")
    for obj in _of_type("lens"):
        layers = _layers(obj)
        expected = {f"indexpattern-datasource-layer-{layer}" for layer in layers}
        assert {ref["name"] for ref in obj["references"]} == expected, obj["id"]
        assert all(ref["type"] == "index-pattern" and ref["id"] == view["id"] for ref in obj["references"])
        columns = {column for layer in layers.values() for column in layer["columns"]}
        for layer in layers.values():
            for column in layer["columns"].values():
                order_by = column.get("params", {}).get("orderBy", {})
                if order_by.get("type") == "column":
                    assert order_by["columnId"] in layer["columns"], obj["id"]
        vis, vis_type = obj["attributes"]["state"]["visualization"], obj["attributes"]["visualizationType"]
        if vis_type == "lnsXY":
            for layer in vis["layers"]:
                assert layer["layerId"] in layers and layer["layerType"] == "data"
                used = {layer["xAccessor"], *layer["accessors"], *filter(None, [layer.get("splitAccessor")])}
                assert used <= columns, obj["id"]
        elif vis_type == "lnsDatatable":
            assert vis["layerId"] in layers
            assert [c["columnId"] for c in vis["columns"]] == layers[vis["layerId"]]["columnOrder"]
        elif vis_type == "lnsMetric":
            assert vis["layerId"] in layers and vis["metricAccessor"] in columns


def test_dashboard_panels_are_by_reference_and_every_panel_ref_name_has_a_reference():
    dashboard = _dashboard()
    panels = json.loads(dashboard["attributes"]["panelsJSON"])
    references = {ref["name"]: ref for ref in dashboard["references"]}
    assert len(panels) == len(references)
    for panel in panels:
        assert "embeddableConfig" in panel and "attributes" not in panel["embeddableConfig"], "panel by value"
        assert panel["panelRefName"] == f"panel_{panel['panelIndex']}"
        ref = references.get(f"{panel['panelIndex']}:{panel['panelRefName']}")
        assert ref is not None, f"panelRefName {panel['panelRefName']} tanpa reference"
        assert ref["type"] == panel["type"] and ref["type"] in {"lens", "search"}
        assert panel["gridData"]["i"] == panel["panelIndex"]


def test_dashboard_layout_fits_the_grid_without_overlaps():
    panels = json.loads(_dashboard()["attributes"]["panelsJSON"])
    cells: set[tuple[int, int]] = set()
    for panel in panels:
        grid = panel["gridData"]
        assert grid["x"] >= 0 and grid["w"] > 0 and grid["x"] + grid["w"] <= GRID_COLUMNS, grid
        area = {
            (x, y) for x in range(grid["x"], grid["x"] + grid["w"]) for y in range(grid["y"], grid["y"] + grid["h"])
        }
        assert not cells & area, f"panel {panel['panelIndex']} menimpa panel lain"
        cells |= area


def _panel_fields(dashboard: dict[str, Any]) -> list[tuple[str, set[str], str]]:
    """(object type, fields it breaks down or filters by, query) for every dashboard panel."""
    by_key = {(obj["type"], obj["id"]): obj for obj in _objects()}
    found = []
    for ref in dashboard["references"]:
        obj = by_key[(ref["type"], ref["id"])]
        if obj["type"] == "search":
            source = json.loads(obj["attributes"]["kibanaSavedObjectMeta"]["searchSourceJSON"])
            found.append(("search", set(_kql_fields(source["query"])), source["query"]["query"]))
            continue
        fields = {c["sourceField"] for layer in _layers(obj).values() for c in layer["columns"].values()}
        fields |= {
            f
            for layer in _layers(obj).values()
            for c in layer["columns"].values()
            for f in _kql_fields(c.get("filter"))
        }
        found.append((obj["attributes"]["visualizationType"], fields, obj["attributes"]["state"]["query"]["query"]))
    return found


@pytest.mark.parametrize(
    ("what", "vis_type", "fields"),
    [
        ("volume per kanal", "lnsXY", {"published_at", "channel"}),
        ("sentimen dari waktu ke waktu", "lnsXY", {"published_at", "sentiment"}),
        ("topik teratas", "lnsXY", {"topics"}),
        ("sumber teratas", "lnsDatatable", {"source", "reach"}),
        ("akun teratas", "lnsDatatable", {"author", "engagement"}),
        ("watchlist dari waktu ke waktu", "lnsXY", {"published_at", "watchlists"}),
        ("flag dari waktu ke waktu", "lnsXY", {"published_at", "flags"}),
        ("mention bertanda", "search", {"flags"}),
        ("mention pemicu insiden", "search", {"watchlists", "sentiment"}),
    ],
)
def test_the_analysts_dashboard_has_the_panel(what, vis_type, fields):
    panels = _panel_fields(_dashboard())
    assert any(kind == vis_type and fields <= used for kind, used, _ in panels), what


def test_the_dashboard_shows_the_negative_share_of_watchlist_mentions():
    panels = _panel_fields(_dashboard())
    assert any(kind == "lnsXY" and "sentiment" in used and "watchlists" in query for kind, used, query in panels)
    (share,) = [obj for obj in _of_type("lens") if "watchlists" in obj["attributes"]["state"]["query"]["query"]]
    assert share["attributes"]["state"]["visualization"]["preferredSeriesType"] == "area_percentage_stacked"
