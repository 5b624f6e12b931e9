"""Scores of a model directory: sentiment per dataset, confusion matrices, each calibration step,
topics and flags per label. Development data by default; `--test` adds the test splits (every
run with `--test` is one look at them: the model card counts them).

    .venv/bin/python models/evaluate.py                       # the shipped model, dev data
    .venv/bin/python models/evaluate.py --test --baseline models/work/v2 --json scores.json

Sentiment datasets: SmSA (3 classes), IndoLEM and EmoT (binary: scored by which of P(positive)
and P(negative) is larger), the team's social posts (`models/eval/social_id`, 3 classes), the
unfamiliar domain (`models/eval/domain_shift`, 3 classes) and the older 169 own posts
(`models/eval/topics_flags_id.jsonl`). Columns: the model as shipped (mix, calibration, no
deployment priors), each part alone, the word-list baseline, and `--baseline` (another model).

Calibration steps, on the social dev split: the raw mix, + temperature and class bias, + the
priors EM estimates from the unlabelled posts; then the same on a stream resampled from dev to
be half neutral (as tweets are), where the priors matter.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from models.metrics import macro_f1  # noqa: E402
from monitor.classify import datasets  # noqa: E402
from monitor.classify.calibration import (  # noqa: E402
    adjust_to_priors,
    estimate_priors,
    expected_calibration_error,
    nll,
)
from monitor.classify.datasets import Example, Post  # noqa: E402
from monitor.classify.lexicon import LexiconClassifier, sentiment_probabilities, sentiment_score  # noqa: E402
from monitor.classify.mix import SentimentMix  # noqa: E402
from monitor.classify.model import LightClassifier  # noqa: E402
from monitor.text.normalize import normalize_for_match  # noqa: E402

EVAL_SET = REPO_ROOT / "models" / "eval" / "topics_flags_id.jsonl"
SOCIAL = [REPO_ROOT / "models" / "eval" / "social_id" / f"posts_{p}.jsonl" for p in ("a", "b")]
DOMAIN = [REPO_ROOT / "models" / "eval" / "domain_shift" / "imigrasi_perikanan.jsonl"]
LABELS = list(datasets.SENTIMENT_LABELS)
Scorer = Callable[[list[str]], np.ndarray]


def own_posts(eval_set: Path) -> list[Example]:
    """The team's older 169 labelled posts (slang, Javanese, English mix, sarcasm): 3 classes."""
    rows = [json.loads(line) for line in eval_set.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [Example(r["text"], r["sentiment"]) for r in rows]


def sentiment_sets(data_dir: Path, test: bool) -> dict[str, tuple[list[Example], bool]]:
    """name -> (examples, scored as binary)."""
    sets = {
        "SmSA valid": (datasets.smsa(data_dir, "valid"), False),
        "IndoLEM dev0": (datasets.indolem(data_dir, "dev0"), True),
        "social dev": ([p.example for p in datasets.posts(SOCIAL, "dev")], False),
        "domain shift train (unknown domain)": ([p.example for p in datasets.posts(DOMAIN, "train")], False),
        "own posts (topics_flags_id)": (own_posts(EVAL_SET), False),
    }
    if test:
        sets |= {
            "SmSA test": (datasets.smsa(data_dir, "test"), False),
            "IndoLEM test0": (datasets.indolem(data_dir, "test0"), True),
            "EmoT test (pos/neg)": (datasets.emot_polarity(data_dir, "test"), True),
            "social test": ([p.example for p in datasets.posts(SOCIAL, "test")], False),
            "domain shift test": ([p.example for p in datasets.posts(DOMAIN, "test")], False),
        }
    return sets


def predicted_labels(probs: np.ndarray, binary: bool) -> list[str]:
    if binary:
        pos, neg = LABELS.index("positive"), LABELS.index("negative")
        return ["positive" if p[pos] >= p[neg] else "negative" for p in probs]
    return [LABELS[i] for i in probs.argmax(1)]


def score(probs: np.ndarray, examples: list[Example], binary: bool) -> float:
    labels = ["negative", "positive"] if binary else LABELS
    return macro_f1([e.label for e in examples], predicted_labels(probs, binary), labels)


def lexicon_scorer(texts: list[str]) -> np.ndarray:
    rows = [sentiment_probabilities(*sentiment_score(normalize_for_match(t))) for t in texts]
    return np.array([[r[label] for label in LABELS] for r in rows])


def model_scorers(model: LightClassifier) -> dict[str, Scorer]:
    def with_mix(mix: SentimentMix | None) -> Scorer:
        return lambda texts: model.probabilities(texts, mix)

    scorers = {model.name: with_mix(None)}
    if model.parts.ngram is not None:
        scorers["n-gram only"] = with_mix(SentimentMix({"ngram": 1.0}))
    if model.parts.wordvec is not None:
        scorers["word vectors only"] = with_mix(SentimentMix({"wordvec": 1.0}))
    return scorers


def print_table(title: str, header: Sequence[str], rows: list[Sequence[object]]) -> None:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=False)]
    print(f"\n{title}")
    for row in (header, ["-" * w for w in widths], *rows):
        print("  ".join(str(x).ljust(w) for x, w in zip(row, widths, strict=False)))


def neutral_as_negative(gold: Sequence[str], predicted: Sequence[str]) -> float:
    neutral = [p for g, p in zip(gold, predicted, strict=True) if g == "neutral"]
    return sum(p == "negative" for p in neutral) / max(1, len(neutral))


def confusion(name: str, gold: Sequence[str], predicted: Sequence[str]) -> dict[str, object]:
    matrix = [
        [sum(1 for g, p in zip(gold, predicted, strict=True) if g == a and p == b) for b in LABELS] for a in LABELS
    ]
    rows = [[f"gold {a}", *matrix[i]] for i, a in enumerate(LABELS)]
    share = neutral_as_negative(gold, predicted)
    print_table(
        f"Confusion, {name} (rows gold, columns predicted); neutral read as negative {share:.1%}", ["", *LABELS], rows
    )
    return {"matrix": matrix, "neutral_as_negative": round(share, 4)}


def sentiment_report(model: LightClassifier, baseline: LightClassifier | None, data_dir: Path, test: bool) -> dict:
    scorers = model_scorers(model)
    scorers["word-list baseline"] = lexicon_scorer
    if baseline is not None:
        scorers[f"baseline {baseline.name}"] = lambda texts: baseline.probabilities(texts)
    results: dict[str, object] = {}
    rows = []
    for name, (examples, binary) in sentiment_sets(data_dir, test).items():
        texts = [e.text for e in examples]
        probs = {s: fn(texts) for s, fn in scorers.items()}
        f1s = {s: round(score(p, examples, binary), 4) for s, p in probs.items()}
        entry: dict[str, object] = {"n": len(examples), "macro_f1": f1s}
        if not binary:
            gold = [e.label for e in examples]
            entry["confusion"] = confusion(f"{name}, {model.name}", gold, predicted_labels(probs[model.name], False))
            if baseline is not None:
                key = f"baseline {baseline.name}"
                entry["baseline_confusion"] = confusion(f"{name}, {key}", gold, predicted_labels(probs[key], False))
        results[name] = entry
        rows.append([name, len(examples), "2" if binary else "3", *(f"{v:.4f}" for v in f1s.values())])
    print_table(f"Sentiment macro-F1 ({model.name})", ["dataset", "n", "classes", *scorers], rows)
    return results


def calibration_report(model: LightClassifier, name: str, posts: list[Post], seed: int = 13) -> dict:
    """Each step's effect: raw mix, + temperature and bias, + EM priors; on the posts as they are
    and on a stream resampled from them to be half neutral, a quarter each polar."""
    texts = [p.text for p in posts]
    features = model.parts.features(texts)
    normalized = [normalize_for_match(t) for t in texts]
    gold = np.array([LABELS.index(p.sentiment) for p in posts])
    raw = model.sentiment(features, normalized, calibrate=False)
    calibrated = model.sentiment(features, normalized)
    rng = np.random.default_rng(seed)
    by_class = [np.flatnonzero(gold == c) for c in range(3)]
    size = 2 * len(by_class[1])
    half_neutral = np.concatenate(
        [rng.choice(by_class[0], size // 4), rng.choice(by_class[1], size // 2), rng.choice(by_class[2], size // 4)]
    )
    out: dict[str, object] = {}
    for stream, index in (("as labelled", np.arange(len(gold))), ("resampled half neutral", half_neutral)):
        rows = []
        steps: dict[str, np.ndarray] = {"raw mix": raw[index], "+ temperature and bias": calibrated[index]}
        prior = estimate_priors(calibrated[index], model.train_prior)
        steps["+ EM priors"] = adjust_to_priors(calibrated[index], model.train_prior, prior)
        for step, probs in steps.items():
            g = gold[index]
            predicted = [LABELS[i] for i in probs.argmax(1)]
            gold_names = [LABELS[i] for i in g]
            row = {
                "macro_f1": round(macro_f1(gold_names, predicted, LABELS), 4),
                "accuracy": round(float((probs.argmax(1) == g).mean()), 4),
                "nll": round(nll(probs, g), 4),
                "ece": round(expected_calibration_error(probs, g), 4),
                "neutral_as_negative": round(neutral_as_negative(gold_names, predicted), 4),
            }
            out[f"{stream}: {step}"] = row
            rows.append([step, *row.values()])
        true_prior = np.bincount(gold[index], minlength=3) / len(index)
        print_table(
            f"Calibration steps, {name}, {stream} (n={len(index)}; EM priors {np.round(prior, 3).tolist()}, "
            f"true {np.round(true_prior, 3).tolist()})",
            ["step", "macro-F1", "accuracy", "NLL", "ECE", "neutral->negative"],
            rows,
        )
    return out


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


def post_tags(post: Post, kind: str) -> set[str]:
    tags = set(getattr(post, kind))
    if kind == "flags" and post.kind == "hoax_debunk":
        tags.add("klarifikasi")
    return tags


def taxonomy_report(model: LightClassifier, sets: dict[str, list[Post]]) -> dict[str, object]:
    seed = LexiconClassifier()
    out: dict[str, object] = {}
    for name, posts in sets.items():
        texts = [p.text for p in posts]
        learned, seeded = model.classify(texts), seed.classify(texts)
        for kind in ("topics", "flags"):
            gold = [post_tags(p, kind) for p in posts]
            labels = sorted({t for g in gold for t in g} | {t for c in learned for t in getattr(c, kind)})
            table = []
            entry: dict[str, object] = {}
            for who, results in (("learned", learned), ("seed terms", seeded)):
                predicted = [set(getattr(c, kind)) for c in results]
                p, r = micro(gold, predicted)
                entry[who] = {"micro_precision": round(p, 4), "micro_recall": round(r, 4)}
                per_label = precision_recall(gold, predicted, labels)
                entry[f"{who} per label"] = {row[0]: {"precision": row[3], "recall": row[4]} for row in per_label}
                if who == "learned":
                    table = per_label
                    table.append(
                        ["(micro, learned)", sum(map(len, gold)), sum(map(len, predicted)), f"{p:.2f}", f"{r:.2f}"]
                    )
                else:
                    table.append(
                        ["(micro, seed terms)", sum(map(len, gold)), sum(map(len, predicted)), f"{p:.2f}", f"{r:.2f}"]
                    )
            out[f"{name} {kind}"] = entry
            print_table(
                f"{kind}, {name} ({len(posts)} posts)", ["label", "gold", "predicted", "precision", "recall"], table
            )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=REPO_ROOT / "monitor" / "classify" / "sentiment-id-small")
    parser.add_argument("--baseline", type=Path, default=None, help="another model directory to compare with")
    parser.add_argument("--data-dir", type=Path, default=REPO_ROOT / ".." / "shared" / "data")
    parser.add_argument("--test", action="store_true", help="also score the test splits (one look)")
    parser.add_argument("--json", type=Path, help="also write every number here")
    args = parser.parse_args()
    model = LightClassifier(args.model)
    baseline = LightClassifier(args.baseline) if args.baseline else None
    results: dict[str, object] = {"sentiment": sentiment_report(model, baseline, args.data_dir, args.test)}
    splits = ["dev", "test"] if args.test else ["dev"]
    results["calibration"] = {
        split: calibration_report(model, f"social {split}", datasets.posts(SOCIAL, split)) for split in splits
    }
    tag_sets = {f"social {split}": datasets.posts(SOCIAL, split) for split in splits}
    results["taxonomy"] = taxonomy_report(model, tag_sets)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
