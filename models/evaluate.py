"""Macro-F1 per dataset for a sentiment model directory, and topic/flag precision and recall.

    .venv/bin/python models/evaluate.py                      # the shipped default model
    .venv/bin/python models/evaluate.py --model DIR --nc     # another model; add nc/ flag checks

Sentiment datasets (columns: the shipped mix, each part alone, the lexicon baseline):
- SmSA valid and test: 3 classes.
- IndoLEM sentiment, the five test folds together (every row once; never used in training):
  binary. A 3-class model is scored by which of P(positive) and P(negative) is larger, i.e.
  neutral is ignored rather than counted wrong, since IndoLEM has no neutral class.
- EmoT test (tweets, emotions): happy+love as positive, anger+sadness+fear as negative, binary
  as above. The default model trains on EmoT train mapped the same way, so this is in-domain.
- Own posts: the team's evaluation set (3 classes), written for this project, never trained on.
A binary model (trained with `train.py --train-set indolem`) is scored on the SmSA rows (and own
posts) that are positive or negative.

Topics and flags are scored on `models/eval/topics_flags_id.jsonl` (written by the team, not
copied): precision and recall per label. `--nc` adds flag recall/precision on the
evaluation-only data in `nc/` (never trained on).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from models.metrics import macro_f1  # noqa: E402
from monitor.classify import datasets  # noqa: E402
from monitor.classify.datasets import Example  # noqa: E402
from monitor.classify.lexicon import LexiconClassifier, sentiment_probabilities, sentiment_score  # noqa: E402
from monitor.classify.taxonomy import DEFAULT_FLAGS, DEFAULT_TOPICS, KeywordTagger  # noqa: E402
from monitor.text.normalize import normalize_for_match  # noqa: E402

EVAL_SET = REPO_ROOT / "models" / "eval" / "topics_flags_id.jsonl"
Scorer = Callable[[list[str]], tuple[list[str], np.ndarray]]


def sentiment_sets(data_dir: Path, binary_model: bool) -> dict[str, tuple[list[Example], bool]]:
    """name -> (examples, scored as binary)."""
    emot = datasets.emot_polarity(data_dir, "test")
    sets = {
        "SmSA valid": (datasets.smsa(data_dir, "valid"), False),
        "SmSA test": (datasets.smsa(data_dir, "test"), False),
        "IndoLEM test 0-4": (datasets.indolem_all_tests(data_dir), True),
        "IndoLEM test0": (datasets.indolem(data_dir, "test0"), True),
        "EmoT test (pos/neg)": (emot, True),
        "own posts (models/eval)": (own_posts(EVAL_SET), False),
    }
    if binary_model:
        for name in ("SmSA valid", "SmSA test", "own posts (models/eval)"):
            sets[name] = ([e for e in sets[name][0] if e.label != "neutral"], True)
    return sets


def own_posts(eval_set: Path) -> list[Example]:
    """The team's own labelled posts (slang, Javanese, English mix, sarcasm): 3 classes."""
    rows = [json.loads(line) for line in eval_set.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [Example(r["text"], r["sentiment"]) for r in rows]


def score(scorer: Scorer, examples: list[Example], binary: bool) -> float:
    labels, probs = scorer([e.text for e in examples])
    gold = [e.label for e in examples]
    if binary:
        pos, neg = labels.index("positive"), labels.index("negative")
        predicted = ["positive" if p[pos] >= p[neg] else "negative" for p in probs]
        return macro_f1(gold, predicted, ["negative", "positive"])
    return macro_f1(gold, [labels[i] for i in probs.argmax(1)], list(datasets.SENTIMENT_LABELS))


def lexicon_scorer(texts: list[str]) -> tuple[list[str], np.ndarray]:
    labels = list(datasets.SENTIMENT_LABELS)
    rows = [sentiment_probabilities(*sentiment_score(normalize_for_match(t))) for t in texts]
    return labels, np.array([[r[label] for label in labels] for r in rows])


def model_scorers(model_dir: Path) -> dict[str, Scorer]:
    from monitor.classify.mix import SentimentMix
    from monitor.classify.transformer import TransformerClassifier

    classifier = TransformerClassifier(model_dir)

    def with_mix(mix: SentimentMix | None) -> Scorer:
        return lambda texts: (classifier.labels, classifier.probabilities(texts, mix))

    scorers = {classifier.name: with_mix(None)}
    if classifier.ngram is not None or classifier.wordvec is not None:  # each part alone
        scorers["transformer only"] = with_mix(SentimentMix({"transformer": 1.0}))
    if classifier.ngram is not None:
        scorers["n-gram only"] = with_mix(SentimentMix({"ngram": 1.0}))
    if classifier.wordvec is not None:
        scorers["word vectors only"] = with_mix(SentimentMix({"wordvec": 1.0}))
    return scorers


def print_table(title: str, header: Sequence[str], rows: list[Sequence[object]]) -> None:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=False)]
    print(f"\n{title}")
    for row in (header, ["-" * w for w in widths], *rows):
        print("  ".join(str(x).ljust(w) for x, w in zip(row, widths, strict=False)))


def sentiment_report(model_dir: Path, data_dir: Path) -> dict[str, dict[str, float]]:
    scorers = model_scorers(model_dir)
    binary_model = "neutral" not in next(iter(scorers.values()))(["tes"])[0]
    scorers["lexicon baseline"] = lexicon_scorer
    results: dict[str, dict[str, float]] = {}
    rows = []
    for name, (examples, binary) in sentiment_sets(data_dir, binary_model).items():
        results[name] = {s: round(score(fn, examples, binary), 4) for s, fn in scorers.items()}
        rows.append([name, len(examples), "2" if binary else "3", *(f"{v:.4f}" for v in results[name].values())])
    print_table(f"Sentiment macro-F1 ({model_dir.name})", ["dataset", "n", "classes", *scorers], rows)
    return results


def precision_recall(gold: list[set[str]], predicted: list[set[str]], labels: Sequence[str]) -> list[list[object]]:
    rows = []
    for label in labels:
        tp = sum(1 for g, p in zip(gold, predicted, strict=False) if label in g and label in p)
        n_pred = sum(1 for p in predicted if label in p)
        n_gold = sum(1 for g in gold if label in g)
        precision = tp / n_pred if n_pred else float("nan")
        recall = tp / n_gold if n_gold else float("nan")
        rows.append([label, n_gold, n_pred, f"{precision:.2f}", f"{recall:.2f}"])
    return rows


def micro(gold: list[set[str]], predicted: list[set[str]]) -> tuple[float, float]:
    tp = sum(len(g & p) for g, p in zip(gold, predicted, strict=False))
    return tp / max(1, sum(map(len, predicted))), tp / max(1, sum(map(len, gold)))


def taxonomy_report(eval_set: Path) -> dict[str, tuple[float, float]]:
    rows = [json.loads(line) for line in eval_set.read_text(encoding="utf-8").splitlines() if line.strip()]
    classifier = LexiconClassifier()  # topics and flags come from the same taggers in every classifier
    results = classifier.classify([r["text"] for r in rows])
    out = {}
    for kind, labels in (("topics", list(DEFAULT_TOPICS)), ("flags", list(DEFAULT_FLAGS))):
        gold = [set(r[kind]) for r in rows]
        predicted = [set(getattr(c, kind)) for c in results]
        table = precision_recall(gold, predicted, labels)
        out[kind] = micro(gold, predicted)
        table.append(
            ["(micro)", sum(map(len, gold)), sum(map(len, predicted)), f"{out[kind][0]:.2f}", f"{out[kind][1]:.2f}"]
        )
        print_table(
            f"{kind} on {eval_set.name} ({len(rows)} texts)",
            ["label", "gold", "predicted", "precision", "recall"],
            table,
        )
    return out


def nc_flag_report(data_dir: Path) -> None:
    """Hate-speech flag against two evaluation-only corpora (binary precision/recall)."""
    tagger = KeywordTagger(DEFAULT_FLAGS)
    rows = []
    hate = data_dir / "nc" / "id-multilabel-hate-abusive" / "re_dataset.csv"
    with open(hate, encoding="latin-1", newline="") as handle:
        records = list(csv.DictReader(handle))
    for column in ("HS", "HS_Religion", "HS_Race"):
        rows.append(
            _binary_row(
                f"ujaran_kebencian vs {hate.parent.name}:{column}",
                tagger,
                [(r["Tweet"], r[column] == "1") for r in records],
                "ujaran_kebencian",
            )
        )
    netifier = data_dir / "nc" / "netifier" / "raw_test.csv"
    with open(netifier, encoding="utf-8", newline="") as handle:
        records = list(csv.DictReader(handle))
    rows.append(
        _binary_row(
            "ujaran_kebencian vs netifier:sara",
            tagger,
            [(r["original_text"], r["sara"] == "1") for r in records],
            "ujaran_kebencian",
        )
    )
    print_table("Flags on evaluation-only data (nc/)", ["check", "n", "positives", "precision", "recall"], rows)


def _binary_row(name: str, tagger: KeywordTagger, items: list[tuple[str, bool]], flag: str) -> list[object]:
    predicted = [flag in tagger.tag(normalize_for_match(text))[0] for text, _ in items]
    gold = [g for _, g in items]
    tp = sum(p and g for p, g in zip(predicted, gold, strict=False))
    precision = tp / max(1, sum(predicted))
    recall = tp / max(1, sum(gold))
    return [name, len(items), sum(gold), f"{precision:.2f}", f"{recall:.2f}"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=REPO_ROOT / "monitor" / "classify" / "sentiment-id-small")
    parser.add_argument("--data-dir", type=Path, default=REPO_ROOT / ".." / "shared" / "data")
    parser.add_argument("--eval-set", type=Path, default=EVAL_SET)
    parser.add_argument("--nc", action="store_true", help="also score flags on nc/ (evaluation-only data)")
    parser.add_argument("--json", type=Path, help="also write the sentiment scores here")
    args = parser.parse_args()
    results = sentiment_report(args.model, args.data_dir)
    taxonomy_report(args.eval_set)
    if args.nc:
        nc_flag_report(args.data_dir)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
