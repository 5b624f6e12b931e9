"""The base install: `monitor classify` and `monitor once` with the default model never import
torch, transformers or onnxruntime (even where they are installed), and the default model needs
only numpy and safetensors."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from monitor.classify.options import DEFAULT_MODEL_DIR

HEAVY = ("torch", "transformers", "onnxruntime", "tokenizers")

SCRIPT = f"""
import json, sys
from monitor.cli import main
config, source, target = sys.argv[1:4]
codes = [
    main(["classify", "--config", config, "--input", source, "--output", target]),
    main(["once", "--config", config]),
]
heavy = sorted(name for name in sys.modules if name.split(".")[0] in {set(HEAVY)!r})
print(json.dumps({{"codes": codes, "heavy": heavy}}))
"""


def test_classify_and_once_with_the_default_model_never_import_torch(tmp_path: Path):
    now = datetime.now(UTC).isoformat()
    posts = [
        {"id": "1", "text": "jalan rusak parah, pemda kemana 😡", "published_at": now, "author": "a"},
        {"id": "2", "text": "Makasih pemkot, bansos udah cair 🙏", "published_at": now, "author": "b"},
    ]
    (tmp_path / "posts.jsonl").write_text("\n".join(json.dumps(p) for p in posts), encoding="utf-8")
    (tmp_path / "in.txt").write_text("antri dukcapil dr subuh blm dipanggil jg\n", encoding="utf-8")
    config = tmp_path / "monitor.toml"
    config.write_text(
        '[monitor]\ndata_dir = "var"\n[classifier]\ntype = "default"\n'
        '[[sources]]\nname = "sosmed"\ntype = "file"\npath = "posts.jsonl"\n',
        encoding="utf-8",
    )
    target = tmp_path / "out.jsonl"
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(config), str(tmp_path / "in.txt"), str(target)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report == {"codes": [0, 0], "heavy": []}, done.stderr
    (row,) = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert row["model"].startswith("sentiment-id-small") and row["sentiment"] == "negative"


def test_the_shipped_directory_holds_no_transformer_files():
    names = {path.name for path in DEFAULT_MODEL_DIR.iterdir()}
    assert not names & {"model.onnx", "model.safetensors", "config.json", "tokenizer.json"}
    assert {"model.json", "sentiment_mix.json", "ngram_head.safetensors", "tagger.safetensors"} <= names
    size = sum(path.stat().st_size for path in DEFAULT_MODEL_DIR.iterdir())
    assert size < 12 * 1024 * 1024


def test_the_package_data_patterns_ship_every_model_file():
    # A non-editable install only carries the files these patterns name: a model file left out
    # makes every installed monitor fall back to the word list.
    import fnmatch
    import tomllib

    pyproject = tomllib.loads((DEFAULT_MODEL_DIR.parents[2] / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["monitor"]
    for path in DEFAULT_MODEL_DIR.iterdir():
        relative = path.relative_to(DEFAULT_MODEL_DIR.parents[1]).as_posix()
        assert any(fnmatch.fnmatch(relative, p.replace("**/", "*")) for p in patterns), relative
