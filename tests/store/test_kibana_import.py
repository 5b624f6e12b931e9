"""`monitor kibana import` against a fake Kibana that answers like the saved objects import API.

The fake checks what Kibana checks before storing: known types and that every reference resolves
(to an uploaded object of a known type or to one already there), and answers
`{"success", "successCount", "errors": [{"id", "type", "title", "meta", "error": {...}}]}`
with the failure kinds of Kibana's SavedObjectsImportFailure (missing_references,
unsupported_type, conflict, ambiguous_conflict, unknown).
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from localhttp import unused_url

from monitor.cli import main
from monitor.cli.common import EXIT_OK, EXIT_PARTIAL
from monitor.store import es_admin
from tests.store.es_support import ScriptedServer

KIBANA_FILE = Path(__file__).resolve().parents[2] / "config" / "kibana" / "humas-monitor.ndjson"
KIBANA_TYPES = frozenset({"index-pattern", "lens", "search", "dashboard", "visualization"})
ICONS = {"index-pattern": "indexPatternApp", "lens": "lensApp", "search": "discoverApp", "dashboard": "dashboardApp"}


def _ndjson(multipart: bytes) -> bytes:
    """The uploaded file inside a multipart body (boundaries differ between requests)."""
    return multipart.split(b"\r\n\r\n", 1)[1].rsplit(b"\r\n--", 1)[0]


def _shipped() -> list[dict]:
    return [json.loads(line) for line in KIBANA_FILE.read_text(encoding="utf-8").splitlines() if line.strip()]


def _failure(obj: dict, error: dict) -> dict:
    title = obj["attributes"].get("title")
    return {"id": obj["id"], "type": obj["type"], "title": title, "meta": {"title": title}, "error": error}


class FakeKibana:
    """Records import requests and answers like Kibana's saved objects import API.

    With `answer` it always says that; otherwise it validates the upload: objects of a type it does
    not know are refused (unsupported_type), objects whose references resolve neither to an
    accepted upload nor to `existing` are refused (missing_references), the rest are stored."""

    def __init__(
        self,
        status: int = 200,
        answer: dict | None = None,
        *,
        types: frozenset[str] = KIBANA_TYPES,
        existing: frozenset[tuple[str, str]] = frozenset(),
    ):
        self.requests: list[tuple[str, dict[str, str], bytes]] = []
        self.status, self.answer, self.types, self.existing = status, answer, types, existing
        self.server = ScriptedServer(self._handle)
        self.url = self.server.url

    def _handle(self, method, path, headers, body):
        self.requests.append((path, {k.lower(): v for k, v in headers.items()}, body))
        answer = self.answer if self.answer is not None else self._import(_ndjson(body))
        return self.status, {"content-type": "application/json"}, json.dumps(answer).encode()

    def _import(self, ndjson: bytes) -> dict:
        objects = [json.loads(line) for line in ndjson.splitlines() if line.strip()]
        errors = [_failure(o, {"type": "unsupported_type"}) for o in objects if o["type"] not in self.types]
        supported = [o for o in objects if o["type"] in self.types]
        known = self.existing | {(o["type"], o["id"]) for o in supported}
        for obj in supported:
            missing = [
                {"type": r["type"], "id": r["id"]} for r in obj["references"] if (r["type"], r["id"]) not in known
            ]
            if missing:
                errors.append(_failure(obj, {"type": "missing_references", "references": missing}))
        answer: dict = {"success": not errors, "successCount": len(objects) - len(errors)}
        if errors:
            answer["errors"] = errors
        return answer


@pytest.fixture
def kibana() -> Iterator[FakeKibana]:
    fake = FakeKibana()
    yield fake
    fake.server.close()


@pytest.fixture
def fake_kibana() -> Iterator[Callable[..., FakeKibana]]:
    made: list[FakeKibana] = []

    def make(*args, **kwargs) -> FakeKibana:
        made.append(FakeKibana(*args, **kwargs))
        return made[-1]

    yield make
    for fake in made:
        fake.server.close()


def test_kibana_import_posts_every_object_with_overwrite_and_api_key(kibana):
    result = es_admin.import_kibana(kibana.url, alias="humas-jabar", api_key="a2V5OnJhaGFzaWE=", space="humas")
    assert result.imported == len(_shipped()) and result.failures == () and result.errors == ()
    path, headers, body = kibana.requests[0]
    assert path == "/s/humas/api/saved_objects/_import?overwrite=true"
    assert headers["kbn-xsrf"] and headers["authorization"] == "ApiKey a2V5OnJhaGFzaWE="
    assert headers["content-type"].startswith("multipart/form-data")
    uploaded = [json.loads(line) for line in _ndjson(body).splitlines()]
    (view,) = [o for o in uploaded if o["type"] == "index-pattern"]
    assert view["attributes"]["title"] == "humas-jabar"
    # Only the data view's title changes; the rest is the shipped file, 8.x format keys included.
    assert [o for o in uploaded if o is not view] == [o for o in _shipped() if o["type"] != "index-pattern"]
    assert all(o["coreMigrationVersion"] and o["typeMigrationVersion"] for o in uploaded)
    # Running it again is the same request: overwrite makes the import idempotent.
    es_admin.import_kibana(kibana.url, alias="humas-jabar", api_key="a2V5OnJhaGFzaWE=", space="humas")
    assert _ndjson(kibana.requests[1][2]) == _ndjson(body)


def test_kibana_import_uses_basic_auth(kibana):
    result = es_admin.import_kibana(kibana.url, username="elastic", password="rahasia")
    assert result.failures == ()
    assert kibana.requests[0][1]["authorization"].startswith("Basic ")


def test_missing_references_name_the_object_and_what_it_needs(fake_kibana, tmp_path):
    # Without the data view in the upload (and none in Kibana) every search and Lens object
    # loses its reference; the dashboard still finds them in the upload.
    without_view = tmp_path / "tanpa-data-view.ndjson"
    kept = [o for o in _shipped() if o["type"] != "index-pattern"]
    without_view.write_text("".join(json.dumps(o) + "\n" for o in kept), encoding="utf-8")
    fake = fake_kibana()
    result = es_admin.import_kibana(fake.url, files=[without_view])
    refused = {f.id for f in result.failures}
    assert refused == {o["id"] for o in kept if o["type"] in {"lens", "search"}}
    assert result.imported == 1  # the dashboard
    assert all(f.reason == "missing_references" for f in result.failures)
    assert all(f.references == (("index-pattern", "humas-monitor-mentions"),) for f in result.failures)
    assert (
        'visualisasi Lens "Volume mention per kanal" (humas-lens-volume-per-channel): '
        "rujukan tidak ditemukan di Kibana: data view humas-monitor-mentions"
    ) in result.errors
    assert (
        'pencarian tersimpan "Mention bertanda (flag sensitif)" (humas-flagged-mentions): '
        "rujukan tidak ditemukan di Kibana: data view humas-monitor-mentions"
    ) in result.errors
    # With the data view already in Kibana, the same upload goes through.
    fake = fake_kibana(existing=frozenset({("index-pattern", "humas-monitor-mentions")}))
    assert es_admin.import_kibana(fake.url, files=[without_view]).failures == ()


def test_a_kibana_without_lens_refuses_the_visualizations_and_so_the_dashboard(fake_kibana):
    fake = fake_kibana(types=KIBANA_TYPES - {"lens"})
    result = es_admin.import_kibana(fake.url)
    by_reason: dict[str, set[str]] = {}
    for failure in result.failures:
        by_reason.setdefault(failure.reason, set()).add(failure.id)
    assert by_reason["unsupported_type"] == {o["id"] for o in _shipped() if o["type"] == "lens"}
    assert by_reason["missing_references"] == {"humas-analyst-dashboard"}
    (dashboard,) = [f for f in result.failures if f.type == "dashboard"]
    line = dashboard.describe()
    assert line.startswith(
        'dasbor "Humas Monitor: ringkasan analis" (humas-analyst-dashboard): rujukan tidak ditemukan'
    )
    assert "visualisasi Lens humas-lens-volume-per-channel" in line
    assert any("tipe objek ini tidak dikenal Kibana tujuan" in e for e in result.errors)


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (
            {"type": "conflict", "destinationId": "lama-123"},
            'dasbor "Humas Monitor: ringkasan analis" (humas-analyst-dashboard): '
            "bentrok dengan objek yang sudah ada (dasbor lama-123)",
        ),
        (
            {"type": "ambiguous_conflict", "destinations": [{"id": "a"}, {"id": "b", "title": "Salinan"}]},
            'dasbor "Humas Monitor: ringkasan analis" (humas-analyst-dashboard): '
            "bentrok dengan lebih dari satu objek yang sudah ada (dasbor a, dasbor b)",
        ),
        (
            {
                "type": "unknown",
                "message": 'Document "humas-analyst-dashboard" belongs to a more recent version of Kibana '
                "[8.9.0] when the last known version is [8.7.0].",
                "statusCode": 400,
            },
            'dasbor "Humas Monitor: ringkasan analis" (humas-analyst-dashboard): galat Kibana: Document '
            '"humas-analyst-dashboard" belongs to a more recent version of Kibana [8.9.0] when the last known '
            "version is [8.7.0]. (Kibana tujuan lebih tua dari format objek; butuh Kibana 8.9 atau lebih baru)",
        ),
        ({"type": "unknown"}, 'dasbor "Humas Monitor: ringkasan analis" (humas-analyst-dashboard): ditolak (unknown)'),
    ],
)
def test_each_kind_of_refusal_reads_as_one_indonesian_line(fake_kibana, error, expected):
    dashboard = next(o for o in _shipped() if o["type"] == "dashboard")
    answer = {"success": False, "successCount": len(_shipped()) - 1, "errors": [_failure(dashboard, error)]}
    result = es_admin.import_kibana(fake_kibana(answer=answer).url)
    assert result.imported == len(_shipped()) - 1
    assert result.errors == (expected,)


def test_an_unsuccessful_answer_without_details_is_still_a_failure(fake_kibana):
    result = es_admin.import_kibana(fake_kibana(answer={"success": False, "successCount": 0}).url)
    assert len(result.failures) == 1 and result.failures[0].reason == "unknown"


def test_kibana_import_failures_raise(fake_kibana):
    fake = fake_kibana(status=401, answer={"message": "unauthorized"})
    with pytest.raises(es_admin.KibanaImportError, match="401"):
        es_admin.import_kibana(fake.url)
    with pytest.raises(es_admin.KibanaImportError, match="tidak dapat dihubungi"):
        es_admin.import_kibana(unused_url())


# -- the command -----------------------------------------------------------------------------------
def _run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(list(args), out=out), out.getvalue()


@pytest.fixture
def es_config(write_config, monkeypatch) -> str:
    for name in ("KIBANA_API_KEY", "KIBANA_USERNAME", "KIBANA_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    # The store is only asked for its alias: no Elasticsearch is contacted.
    body = '[store]\ntype = "elasticsearch"\nhosts = ["http://127.0.0.1:9"]\nindex_prefix = "humas-jabar"\n'
    return str(write_config(body))


def test_the_command_imports_and_exits_0(fake_kibana, es_config):
    fake = fake_kibana()
    code, out = _run("kibana", "import", "--config", es_config, "--url", fake.url)
    assert code == EXIT_OK, out
    assert out == f"Kibana: {len(_shipped())} objek dimuat\n"
    assert b'"title": "humas-jabar"' in fake.requests[0][2]


def test_the_command_prints_each_refused_object_and_exits_1(fake_kibana, es_config):
    fake = fake_kibana(types=KIBANA_TYPES - {"lens"})
    code, out = _run("kibana", "import", "--config", es_config, "--url", fake.url, "--space", "humas")
    assert code == EXIT_PARTIAL == 1
    lines = out.splitlines()
    lenses = sum(1 for o in _shipped() if o["type"] == "lens")
    assert lines[0] == f"Kibana: {len(_shipped()) - lenses - 1} objek dimuat, {lenses + 1} ditolak:"
    assert len(lines) == lenses + 2 and all(line.startswith("  - ") for line in lines[1:])
    assert '  - visualisasi Lens "Topik teratas" (humas-lens-top-topics): tipe objek ini tidak dikenal' in out
    assert '  - dasbor "Humas Monitor: ringkasan analis" (humas-analyst-dashboard): rujukan tidak ditemukan' in out
    assert fake.requests[0][0] == "/s/humas/api/saved_objects/_import?overwrite=true"
