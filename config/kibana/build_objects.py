"""Writes humas-monitor.ndjson: the analysts' Kibana objects in the saved-object format of Kibana 8.9.

    python config/kibana/build_objects.py            # rewrite the ndjson next to this file
    python config/kibana/build_objects.py --check    # exit 1 when the ndjson is out of date

tests/store/test_kibana_objects.py fails when the committed ndjson differs from what this writes.

Format (checked against elastic/kibana sources, see the README section "Dashboard Kibana"):
- every object carries `coreMigrationVersion` "8.8.0" (the last core migration; Kibana's own 8.x
  sample data, home/server/services/sample_data/data_sets/*/saved_objects.ts, carries the same)
  and a `typeMigrationVersion` no newer than Kibana 8.9 knows. Kibana refuses a higher one
  ("belongs to a more recent version of Kibana") and migrates a lower one up on import.
- lens "8.9.0": the last Lens migration (make_lens_embeddable_factory.ts / saved_object_migrations.ts;
  8.6.0 moved `datasourceStates.indexpattern` to `formBased`). After 8.10 types change only
  through model versions ("10.N.0"), which Kibana applies on import into later 8.x and 9.x.
- dashboard "8.9.0" (the dashboard type folds in the Lens panel migrations; its 8.9.0 schema
  allows exactly the attributes written here, unknowns forbidden), search and index-pattern
  "8.0.0" (their multi-space conversion version, `convertToMultiNamespaceTypeVersion`).
- Lens layers live in `state.datasourceStates.formBased.layers`; each layer is tied to the data
  view by a reference named `indexpattern-datasource-layer-<layerId>` (form_based/loader.ts).
- dashboard panels are by reference: `panelRefName` "panel_<panelIndex>" and a dashboard reference
  named "<panelIndex>:panel_<panelIndex>" (dashboard_saved_object_references.ts, as Kibana exports).
"""

from __future__ import annotations

import json
import sys
import uuid
from pathlib import Path
from typing import Any

OUTPUT = Path(__file__).resolve().parent / "humas-monitor.ndjson"

CORE_MIGRATION_VERSION = "8.8.0"
TYPE_MIGRATION_VERSION = {"index-pattern": "8.0.0", "search": "8.0.0", "lens": "8.9.0", "dashboard": "8.9.0"}
# The oldest Kibana that accepts every object above (Lens 8.9.0).
MIN_KIBANA = "8.9.0"

DATA_VIEW_ID = "humas-monitor-mentions"
DASHBOARD_ID = "humas-analyst-dashboard"
# The alias the store writes to by default; `monitor kibana import` rewrites it (es_admin.kibana_objects).
DEFAULT_ALIAS = "monitor-mentions"
TIME_FIELD = "published_at"
INDEX_REF = "kibanaSavedObjectMeta.searchSourceJSON.index"
RECORDS = "___records___"  # Lens's pseudo-field for count()
_NAMESPACE = uuid.UUID("6f1c7a52-8d0e-4b8e-9a57-2b6c3f0d9e41")

Json = dict[str, Any]


def _json(value: Any) -> str:
    """Attributes Kibana stores as JSON strings (panelsJSON, searchSourceJSON, ...)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _saved_object(type_: str, id_: str, attributes: Json, references: list[Json]) -> Json:
    return {
        "attributes": attributes,
        "coreMigrationVersion": CORE_MIGRATION_VERSION,
        "id": id_,
        "references": references,
        "type": type_,
        "typeMigrationVersion": TYPE_MIGRATION_VERSION[type_],
    }


def _kql(query: str) -> Json:
    return {"query": query, "language": "kuery"}


# -- the data view -------------------------------------------------------------------------------
def data_view() -> Json:
    formats = {"url": {"id": "url"}, "reach": {"id": "number"}, "engagement": {"id": "number"}}
    return _saved_object(
        "index-pattern",
        DATA_VIEW_ID,
        {
            "fieldAttrs": "{}",
            "fieldFormatMap": _json(formats),
            "fields": "[]",
            "name": "Mention humas-monitor",
            "runtimeFieldMap": "{}",
            "timeFieldName": TIME_FIELD,
            "title": DEFAULT_ALIAS,
            "typeMeta": "{}",
        },
        [],
    )


# -- saved searches ------------------------------------------------------------------------------
def saved_search(id_: str, title: str, description: str, query: str, columns: list[str]) -> Json:
    source = {"query": _kql(query), "filter": [], "highlightAll": True, "version": True, "indexRefName": INDEX_REF}
    return _saved_object(
        "search",
        id_,
        {
            "title": title,
            "description": description,
            "columns": columns,
            "sort": [[TIME_FIELD, "desc"]],
            "grid": {},
            "hideChart": False,
            "isTextBasedQuery": False,
            "kibanaSavedObjectMeta": {"searchSourceJSON": _json(source)},
        },
        [{"id": DATA_VIEW_ID, "name": INDEX_REF, "type": "index-pattern"}],
    )


# -- Lens columns (one formBased layer per visualization) ----------------------------------------
def count(label: str = "Jumlah mention", *, kql: str | None = None) -> Json:
    column: Json = {
        "label": label,
        "customLabel": True,
        "dataType": "number",
        "operationType": "count",
        "isBucketed": False,
        "scale": "ratio",
        "sourceField": RECORDS,
        "params": {"emptyAsNull": True},
    }
    if kql:
        column["filter"] = _kql(kql)
    return column


def total(field: str, label: str) -> Json:
    return {
        "label": label,
        "customLabel": True,
        "dataType": "number",
        "operationType": "sum",
        "isBucketed": False,
        "scale": "ratio",
        "sourceField": field,
        "params": {"emptyAsNull": True},
    }


def over_time(label: str = "Waktu terbit") -> Json:
    return {
        "label": label,
        "customLabel": True,
        "dataType": "date",
        "operationType": "date_histogram",
        "isBucketed": True,
        "scale": "interval",
        "sourceField": TIME_FIELD,
        "params": {"interval": "auto", "includeEmptyRows": True, "dropPartials": False},
    }


def top(field: str, label: str, size: int, *, order_by: str) -> Json:
    return {
        "label": label,
        "customLabel": True,
        "dataType": "string",
        "operationType": "terms",
        "isBucketed": True,
        "scale": "ordinal",
        "sourceField": field,
        "params": {
            "size": size,
            "orderBy": {"type": "column", "columnId": order_by},
            "orderDirection": "desc",
            "otherBucket": False,
            "missingBucket": False,
            "parentFormat": {"id": "terms"},
        },
    }


class Ids:
    """Stable ids for one Lens object's layer and columns (uuid5, so the file is reproducible)."""

    def __init__(self, object_id: str):
        self.object_id = object_id

    def __call__(self, name: str) -> str:
        return str(uuid.uuid5(_NAMESPACE, f"{self.object_id}/{name}"))


def lens(id_: str, title: str, description: str, vis_type: str, ids: Ids, columns: dict[str, Json], vis: Json) -> Json:
    """A Lens object; `columns` in Lens's order (buckets first, outermost first)."""
    layer = ids("layer")
    state = {
        "datasourceStates": {
            "formBased": {
                "layers": {layer: {"columnOrder": list(columns), "columns": columns, "incompleteColumns": {}}}
            }
        },
        "visualization": vis,
        "query": _kql(""),
        "filters": [],
        "internalReferences": [],
        "adHocDataViews": {},
    }
    attributes = {"title": title, "description": description, "visualizationType": vis_type, "state": state}
    references = [{"id": DATA_VIEW_ID, "name": f"indexpattern-datasource-layer-{layer}", "type": "index-pattern"}]
    return _saved_object("lens", id_, attributes, references)


def xy(layer: str, series: str, *, x: str, y: list[str], split: str | None = None, legend: bool = True) -> Json:
    data_layer: Json = {"layerId": layer, "layerType": "data", "seriesType": series, "xAccessor": x, "accessors": y}
    if split:
        data_layer["splitAccessor"] = split
    shown = {"x": True, "yLeft": True, "yRight": True}
    return {
        "preferredSeriesType": series,
        "legend": {"isVisible": legend, "position": "right"},
        "valueLabels": "hide",
        "fittingFunction": "None",
        "axisTitlesVisibilitySettings": shown,
        "tickLabelsVisibilitySettings": shown,
        "gridlinesVisibilitySettings": shown,
        "layers": [data_layer],
    }


# -- the visualizations --------------------------------------------------------------------------
def metric(id_: str, title: str, description: str, kql: str | None) -> Json:
    ids = Ids(id_)
    columns = {ids("count"): count(title, kql=kql)}
    vis = {"layerId": ids("layer"), "layerType": "data", "metricAccessor": ids("count")}
    return lens(id_, title, description, "lnsMetric", ids, columns, vis)


def volume_over_time(
    id_: str, title: str, description: str, field: str, label: str, size: int, *, series: str = "bar_stacked"
) -> Json:
    """Mentions per interval, split by a keyword field (the top `size` values over the period)."""
    ids = Ids(id_)
    columns = {
        ids("split"): top(field, label, size, order_by=ids("count")),
        ids("time"): over_time(),
        ids("count"): count(),
    }
    vis = xy(ids("layer"), series, x=ids("time"), split=ids("split"), y=[ids("count")])
    return lens(id_, title, description, "lnsXY", ids, columns, vis)


def negative_share(id_: str) -> Json:
    """What the negative-sentiment rules watch: the sentiment mix of watchlist mentions over time."""
    obj = volume_over_time(
        id_,
        "Pemicu insiden: porsi sentimen mention watchlist",
        "Porsi positif/netral/negatif di antara mention yang cocok dengan watchlist (aturan threshold, "
        "negative_surge).",
        "sentiment",
        "Sentimen",
        3,
        series="area_percentage_stacked",
    )
    obj["attributes"]["state"]["query"] = _kql("watchlists : *")
    return obj


def top_topics(id_: str) -> Json:
    ids = Ids(id_)
    columns = {ids("topic"): top("topics", "Topik", 15, order_by=ids("count")), ids("count"): count()}
    vis = xy(ids("layer"), "bar_horizontal", x=ids("topic"), y=[ids("count")], legend=False)
    return lens(id_, "Topik teratas", "Topik (taksonomi) dengan mention terbanyak.", "lnsXY", ids, columns, vis)


def top_table(id_: str, title: str, description: str, field: str, label: str, sum_field: str, sum_label: str) -> Json:
    ids = Ids(id_)
    columns = {
        ids("key"): top(field, label, 15, order_by=ids("count")),
        ids("count"): count(),
        ids("sum"): total(sum_field, sum_label),
    }
    vis = {
        "layerId": ids("layer"),
        "layerType": "data",
        "columns": [{"columnId": column, "isTransposed": False} for column in columns],
        "rowHeight": "single",
        "rowHeightLines": 1,
    }
    return lens(id_, title, description, "lnsDatatable", ids, columns, vis)


# -- the dashboard -------------------------------------------------------------------------------
def dashboard(panels: list[tuple[Json, int, int, int, int]]) -> Json:
    """`panels`: (object, x, y, w, h) on Kibana's 48-column grid."""
    saved_panels, references = [], []
    for number, (obj, x, y, w, h) in enumerate(panels, start=1):
        index = str(number)
        saved_panels.append(
            {
                "version": MIN_KIBANA,
                "type": obj["type"],
                "gridData": {"x": x, "y": y, "w": w, "h": h, "i": index},
                "panelIndex": index,
                "embeddableConfig": {"enhancements": {}},
                "panelRefName": f"panel_{index}",
            }
        )
        references.append({"id": obj["id"], "name": f"{index}:panel_{index}", "type": obj["type"]})
    options = {
        "useMargins": True,
        "syncColors": False,
        "syncCursor": True,
        "syncTooltips": False,
        "hidePanelTitles": False,
    }
    return _saved_object(
        "dashboard",
        DASHBOARD_ID,
        {
            "title": "Humas Monitor: ringkasan analis",
            "description": "Volume per kanal dan sentimen, pemicu insiden (watchlist, sentimen negatif, flag), "
            "topik, sumber dan akun teratas, mention bertanda.",
            "panelsJSON": _json(saved_panels),
            "optionsJSON": _json(options),
            "timeRestore": True,
            "timeFrom": "now-7d",
            "timeTo": "now",
            "refreshInterval": {"pause": False, "value": 300000},
            "kibanaSavedObjectMeta": {"searchSourceJSON": _json({"query": _kql(""), "filter": []})},
            "version": 1,
        },
        references,
    )


def build() -> list[Json]:
    """Every object, dependencies first."""
    flagged = saved_search(
        "humas-flagged-mentions",
        "Mention bertanda (flag sensitif)",
        "Mention dengan flag apa pun: hoaks, ujaran kebencian, protes, ...",
        "flags : *",
        ["source", "author", "title", "sentiment", "flags", "watchlists", "url"],
    )
    incident = saved_search(
        "humas-incident-mentions",
        "Mention pemicu insiden (watchlist, negatif)",
        "Mention negatif yang cocok dengan watchlist: bahan aturan threshold dan negative_surge.",
        'watchlists : * and sentiment : "negative"',
        ["source", "author", "title", "watchlists", "topics", "story_id", "reach"],
    )
    negative = saved_search(
        "humas-negative-mentions",
        "Mention negatif",
        "Semua mention bersentimen negatif.",
        'sentiment : "negative"',
        ["source", "channel", "author", "title", "topics", "watchlists", "url"],
    )
    hoax = saved_search(
        "humas-hoax-mentions",
        "Mention hoaks",
        "Mention dengan flag hoaks (aturan hoaks-agensi).",
        'flags : "hoaks"',
        ["source", "author", "title", "sentiment", "watchlists", "reach", "url"],
    )
    all_count = metric("humas-lens-count-all", "Jumlah mention", "Semua mention pada rentang waktu.", None)
    negative_count = metric(
        "humas-lens-count-negative", "Mention negatif", "Mention bersentimen negatif.", 'sentiment : "negative"'
    )
    flagged_count = metric("humas-lens-count-flagged", "Mention bertanda", "Mention dengan flag apa pun.", "flags : *")
    watchlist_count = metric(
        "humas-lens-count-watchlist", "Mention watchlist", "Mention yang cocok dengan watchlist.", "watchlists : *"
    )
    channels = volume_over_time(
        "humas-lens-volume-per-channel",
        "Volume mention per kanal",
        "Jumlah mention per interval, dipecah per kanal (news, social, ...).",
        "channel",
        "Kanal",
        10,
    )
    sentiment = volume_over_time(
        "humas-lens-sentiment-over-time",
        "Sentimen dari waktu ke waktu",
        "Jumlah mention per interval dan sentimen.",
        "sentiment",
        "Sentimen",
        3,
        series="line",
    )
    watchlists = volume_over_time(
        "humas-lens-watchlists-over-time",
        "Pemicu insiden: watchlist dari waktu ke waktu",
        "Mention per watchlist per interval (aturan spike, threshold, any).",
        "watchlists",
        "Watchlist",
        10,
    )
    share = negative_share("humas-lens-negative-share")
    flags = volume_over_time(
        "humas-lens-flags-over-time",
        "Pemicu insiden: flag dari waktu ke waktu",
        "Mention per flag sensitif per interval (aturan hoaks: type any, flags).",
        "flags",
        "Flag",
        10,
    )
    topics = top_topics("humas-lens-top-topics")
    sources = top_table(
        "humas-lens-top-sources",
        "Sumber teratas",
        "Sumber dengan mention terbanyak, dengan total jangkauan.",
        "source",
        "Sumber",
        "reach",
        "Total jangkauan",
    )
    authors = top_table(
        "humas-lens-top-authors",
        "Akun/penulis teratas",
        "Akun dengan mention terbanyak, dengan total interaksi.",
        "author",
        "Penulis",
        "engagement",
        "Total interaksi",
    )
    panels = [
        (all_count, 0, 0, 12, 7),
        (negative_count, 12, 0, 12, 7),
        (flagged_count, 24, 0, 12, 7),
        (watchlist_count, 36, 0, 12, 7),
        (channels, 0, 7, 24, 15),
        (sentiment, 24, 7, 24, 15),
        (watchlists, 0, 22, 16, 15),
        (share, 16, 22, 16, 15),
        (flags, 32, 22, 16, 15),
        (topics, 0, 37, 16, 15),
        (sources, 16, 37, 16, 15),
        (authors, 32, 37, 16, 15),
        (flagged, 0, 52, 48, 18),
        (incident, 0, 70, 48, 18),
    ]
    visualizations = [obj for obj, *_ in panels if obj["type"] == "lens"]
    return [data_view(), flagged, incident, negative, hoax, *visualizations, dashboard(panels)]


def render(objects: list[Json] | None = None) -> str:
    """The NDJSON text: one object a line, keys sorted like a Kibana export."""
    objects = build() if objects is None else objects
    return "".join(json.dumps(obj, ensure_ascii=False, sort_keys=True) + "\n" for obj in objects)


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != text:
            print(f"{OUTPUT.name} tidak sesuai build_objects.py; jalankan: python {Path(__file__).name}")
            return 1
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"{OUTPUT}: {text.count(chr(10))} objek")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
