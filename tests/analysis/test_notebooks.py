"""The analysts' notebooks: committed without outputs, and each runs top to bottom on the demo's
data, once on SQLite (the notebook runs the demo itself, as it does for a new analyst) and once
on a real Elasticsearch (the demo run into it, the notebook pointed at it by MONITOR_CONFIG)."""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from monitor.demo.run import run_demo
from monitor.store.types.elasticsearch import ElasticsearchOptions, ElasticsearchStore
from tests.store.es_support import drop

REPO = Path(__file__).resolve().parents[2]
FOLDER = REPO / "notebooks"
NOTEBOOKS = sorted(FOLDER.glob("*.ipynb"))
# Per cell; the longest (03 scores a few thousand labelled texts) takes well under a minute.
CELL_TIMEOUT = 600


def test_the_four_notebooks_are_there():
    assert [p.stem for p in NOTEBOOKS] == [
        "01_explore_mentions",
        "02_issue_deep_dive",
        "03_model_quality",
        "04_rule_backtest",
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_notebooks_carry_no_outputs_and_say_what_they_answer(path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{path.name}: keluaran belum dibersihkan"
    opening = notebook.cells[0].source + notebook.cells[1].source
    assert "**Pertanyaan:**" in opening and "MONITOR_CONFIG" in opening and "demo" in opening
    # The project's API, not SQL or Elasticsearch queries copied into cells.
    code = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "code")
    assert "open_workspace()" in code
    for foreign in ("SELECT ", "sqlite3", "Elasticsearch(", '"query":', "json_each"):
        assert foreign not in code, f"{path.name} memakai {foreign!r}"


@pytest.fixture(scope="session")
def es_demo(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Iterator[Path]:
    """The demo run into a real Elasticsearch (its own index prefix); yields its configuration."""
    url = request.getfixturevalue("es_url")
    prefix = f"nb-{uuid.uuid4().hex[:10]}"
    store = {"type": "elasticsearch", "hosts": [url], "index_prefix": prefix, "replicas": 0}
    result = run_demo(io.StringIO(), tmp_path_factory.mktemp("demo-es"), store=store)
    assert result.stored > 0 and "Elasticsearch" in result.store
    yield result.config
    direct = ElasticsearchStore.from_options(ElasticsearchOptions(hosts=(url,), index_prefix=prefix))
    try:
        drop(direct)
    finally:
        direct.close()


@pytest.mark.notebook
@pytest.mark.parametrize("store_type", ["sqlite", "elasticsearch"])
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_notebook_runs_top_to_bottom(path, store_type, request, tmp_path, monkeypatch):
    if store_type == "elasticsearch":
        monkeypatch.setenv("MONITOR_CONFIG", str(request.getfixturevalue("es_demo")))
    else:
        monkeypatch.delenv("MONITOR_CONFIG", raising=False)
    monkeypatch.setenv("OUTPUT_DIR", str(tmp_path / "laporan"))
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook, timeout=CELL_TIMEOUT, kernel_name="python3", resources={"metadata": {"path": str(FOLDER)}}
    )
    client.execute()  # raises CellExecutionError, with the cell and its traceback, on any error
    outputs = [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs]
    text = "".join(str(output.get("text", "")) for output in outputs)
    assert ("Elasticsearch" if store_type == "elasticsearch" else "(demo)") in text
    charts = sum("image/png" in output.get("data", {}) for output in outputs)
    assert charts >= 2, f"{path.name}: {charts} grafik"
