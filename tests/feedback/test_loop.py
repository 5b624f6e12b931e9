"""The analysts' loop as a deployment runs it: collect, label (one, a CSV, an edited export),
`label queue`, `train`; labels reach the store, survive re-classification, and teach the model."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from models.evaluate import DOMAIN
from models.metrics import macro_f1
from monitor.app import build_classifier, load_config, open_store
from monitor.classify import datasets
from monitor.classify.model import LightClassifier
from monitor.classify.options import DEFAULT_MODEL_DIR, deployment_dir, trained_model_dir
from monitor.cli import main
from monitor.cli.common import EXIT_OK, EXIT_PARTIAL, EXIT_USAGE
from monitor.store.base import MentionFilter


def run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(list(args), out=out), out.getvalue()


def deployment(tmp_path: Path, posts: list[datasets.Post]) -> Path:
    """A monitor with the default model whose file source holds these posts (published today)."""
    now = datetime.now(UTC)
    lines = [
        {
            "id": p.id,
            "text": p.text,
            "author": f"akun{i % 37}",
            "published_at": (now - timedelta(minutes=i)).isoformat(),
        }
        for i, p in enumerate(posts)
    ]
    (tmp_path / "posts.jsonl").write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines), encoding="utf-8")
    config = tmp_path / "monitor.toml"
    config.write_text(
        '[monitor]\ndata_dir = "var"\n[classifier]\ntype = "default"\n'
        '[[sources]]\nname = "sosmed"\ntype = "file"\npath = "posts.jsonl"\n',
        encoding="utf-8",
    )
    code, out = run("once", "--config", str(config))
    assert code == EXIT_OK, out
    return config


def stored_ids(config: Path) -> dict[str, str]:
    """Post text -> stored mention id, through the export analysts use."""
    code, out = run("search", "--config", str(config), "--json", "--since", "2d", "--limit", "1000")
    assert code == EXIT_OK
    rows = [json.loads(line) for line in out.splitlines()]
    return {row["mention"]["text"]: row["mention"]["id"] for row in rows}


def test_one_label_reaches_the_store_and_survives_reclassification(tmp_path):
    posts = datasets.posts(DOMAIN, "test")[:6]
    config = deployment(tmp_path, posts)
    ids = stored_ids(config)
    target = ids[posts[0].text]
    code, out = run(
        "label",
        target,
        "--sentiment",
        "netral",
        "--topics",
        "pelayanan_publik",
        "--by",
        "rina",
        "--config",
        str(config),
    )
    assert code == EXIT_OK and "1 label dicatat" in out
    store = open_store(load_config(config))
    try:
        stored = store.get(target)
        assert stored is not None
        assert stored.classification.sentiment.value == "neutral"
        assert stored.classification.topics == ("pelayanan_publik",)
        assert stored.classification.labelled_by == "rina"
        assert store.count(MentionFilter(topics=("pelayanan_publik",))) >= 1
    finally:
        store.close()
    # The source serves the same posts again with a changed text: the mention is classified
    # anew, and the person's label still wins.
    source = tmp_path / "posts.jsonl"
    rows = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines()]
    rows[0]["text"] += " (diperbarui)"
    rows[0]["id"] = rows[0]["id"]
    source.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    assert run("once", "--config", str(config))[0] == EXIT_OK
    store = open_store(load_config(config))
    try:
        again = store.get(target)
        assert again is not None and again.classification.sentiment.value == "neutral"
        assert again.classification.labelled_fields == ("sentiment", "topics")
    finally:
        store.close()


def test_bad_input_is_reported_line_by_line_and_loses_nothing(tmp_path):
    posts = datasets.posts(DOMAIN, "test")[:3]
    config = deployment(tmp_path, posts)
    ids = list(stored_ids(config).values())
    labels = tmp_path / "label.csv"
    labels.write_text(
        f"id,sentiment,topics,flags\n{ids[0]},positif,,\n{ids[1]},galau,,\ntidak-ada,negatif,,\n{ids[2]},,pariwisata,\n",
        encoding="utf-8",
    )
    code, out = run("label", "--file", str(labels), "--config", str(config))
    assert code == EXIT_PARTIAL
    assert "baris 3" in out and "galau" in out
    assert "tidak-ada" in out and "baris 5" in out and "pariwisata" in out
    assert "1 label dicatat" in out
    assert run("label", "--config", str(config))[0] == EXIT_USAGE
    assert run("label", ids[0], "--sentiment", "marah", "--config", str(config))[0] == EXIT_USAGE


def test_queue_lists_the_least_sure_unlabelled_mentions_first(tmp_path):
    posts = datasets.posts(DOMAIN, "test")[:30]
    config = deployment(tmp_path, posts)
    code, out = run("label", "queue", "--json", "--limit", "5", "--config", str(config))
    assert code == EXIT_OK
    queue = [json.loads(line) for line in out.splitlines()]
    assert len(queue) == 5
    margins = [row["margin"] for row in queue]
    assert margins == sorted(margins)
    # An edited export line is a label; the unedited ones are not recorded.
    edited = [dict(row) for row in queue]
    edited[0]["sentiment"] = "positive" if queue[0]["classification"]["sentiment"] != "positive" else "negative"
    export = tmp_path / "queue.jsonl"
    export.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in edited), encoding="utf-8")
    code, out = run("label", "--file", str(export), "--config", str(config))
    assert code == EXIT_OK and "1 label dicatat, 4 sama" in out
    code, out = run("label", "queue", "--json", "--limit", "30", "--config", str(config))
    assert queue[0]["mention"]["id"] not in {json.loads(line)["mention"]["id"] for line in out.splitlines()}


def test_train_with_too_few_labels_says_so(tmp_path):
    config = deployment(tmp_path, datasets.posts(DOMAIN, "test")[:5])
    code, _ = run("train", "--config", str(config))
    assert code == EXIT_USAGE


@pytest.mark.model
def test_labelling_200_posts_of_an_unknown_domain_teaches_the_model(tmp_path):
    """Issue 12's loop: label the 200 train posts of a domain the shipped model does not know
    (passports, immigration offices, fisheries), train, and the 120 held-out posts score higher."""
    train_posts, test_posts = datasets.posts(DOMAIN, "train"), datasets.posts(DOMAIN, "test")
    config = deployment(tmp_path, train_posts + test_posts)
    ids = stored_ids(config)
    sheet = io.StringIO()
    writer = csv.writer(sheet)
    writer.writerow(["id", "sentiment", "topics", "flags"])
    for post in train_posts:
        writer.writerow([ids[post.text], post.sentiment, ";".join(post.topics) or "-", ";".join(post.flags) or "-"])
    (tmp_path / "label.csv").write_text(sheet.getvalue(), encoding="utf-8")
    code, out = run("label", "--file", str(tmp_path / "label.csv"), "--by", "tim-analis", "--config", str(config))
    assert code == EXIT_OK and "200 label dicatat" in out, out

    before = build_classifier(load_config(config))
    code, out = run("train", "--config", str(config))
    assert code == EXIT_OK, out
    assert "Model hasil latih dipakai" in out and "Proporsi sentimen" in out
    assert (trained_model_dir(tmp_path / "var") / "model.json").is_file()
    assert (deployment_dir(tmp_path / "var") / "priors.json").is_file()
    after = build_classifier(load_config(config))
    assert isinstance(after, LightClassifier) and after.name.endswith("+lokal") and after.priors is not None
    # Scored on the held-out fifth, then refitted on all 200: every correction reaches the model.
    assert "dengan 200 label analis" in after.info.origin and "semua 200 label" in out

    texts, gold = [p.text for p in test_posts], [p.sentiment for p in test_posts]
    labels = ["negative", "neutral", "positive"]

    def f1(classifier) -> float:
        # A post read as not Indonesian gets no sentiment: counted as a miss.
        found = [c.sentiment.value if c.sentiment else "-" for c in classifier.classify(texts)]
        return macro_f1(gold, found, labels)

    f1_before, f1_after = f1(before), f1(after)
    print(f"domain shift test macro-F1: {f1_before:.3f} -> {f1_after:.3f}; train report:\n{out}")
    assert f1_after >= f1_before + 0.03, (f1_before, f1_after)
    # The shipped model is untouched and still loads: the fallback.
    assert LightClassifier(DEFAULT_MODEL_DIR).name == "sentiment-id-small-v5"
