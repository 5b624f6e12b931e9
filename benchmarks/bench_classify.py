"""Throughput of the default model's full `classify` against the word-list classifier, same run.

Both run in this process on the same texts and the same thread count. The baseline is the
plain-Python `LexiconClassifier` (word list + seed terms: the cheapest classifier the monitor
has); ours is the numpy default model (n-gram and word-vector heads, calibration, the learned
topic/flag tagger). With the `transformer` extra installed, `--pipeline DIR` also times
`transformers.pipeline("text-classification")` on a Hugging Face model directory.

    python benchmarks/bench_classify.py [--texts 3000] [--threads 1] [--batch 1024] [--model DIR] [--compare DIR]

`--compare DIR` also times another model directory's full `classify` (a previous version) in
the same run, interleaved with ours, and prints ours / theirs: on a shared machine the load
moves the absolute numbers, the ratio less.

Texts: SmSA test, IndoLEM test0 and EmoT test from ../shared/data when present (social posts
and reviews as they come) plus the team's social posts, repeated to --texts.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from table import Figure  # noqa: E402


def sample_texts(data_dir: Path, n: int) -> list[str]:
    from monitor.classify import datasets

    social = [ROOT / "models" / "eval" / "social_id" / f"posts_{p}.jsonl" for p in ("a", "b")]
    pool = [p.text for p in datasets.posts(social)]
    if (data_dir / datasets.SMSA).is_dir():
        pool += [
            e.text
            for e in datasets.smsa(data_dir, "test")
            + datasets.indolem(data_dir, "test0")
            + datasets.emot(data_dir, "test")
        ]
    return [pool[i % len(pool)] for i in range(n)]


def rate(run, texts: list[str], batch: int) -> float:
    run(texts[:64])  # warm-up: first calls allocate
    started = time.perf_counter()
    for start in range(0, len(texts), batch):
        run(texts[start : start + batch])
    return len(texts) / (time.perf_counter() - started)


FULL = "ours: full classify (+ language, learned topics and flags)"
BASELINE = "baseline: word list + seed terms (LexiconClassifier.classify)"


def measure(
    model: Path | None,
    data_dir: Path,
    texts: int,
    batch: int,
    pipeline: Path | None = None,
    compare: Path | None = None,
    rounds: int = 3,
) -> tuple[str, float, int, dict[str, float]]:
    """(model name, load seconds, texts, {what: texts/s}); the first entry is the baseline."""
    from monitor.classify.lexicon import LexiconClassifier
    from monitor.classify.mix import SentimentMix
    from monitor.classify.model import LightClassifier
    from monitor.classify.options import DEFAULT_MODEL_DIR

    started = time.perf_counter()
    ours = LightClassifier(model or DEFAULT_MODEL_DIR)
    load_s = time.perf_counter() - started
    sample = sample_texts(data_dir, texts)
    results: dict[str, float] = {}
    results[BASELINE] = rate(LexiconClassifier().classify, sample, batch)
    shipped = ", ".join(f"{part} {w}" for part, w in ours.parts.mix.weights.items())
    results[f"ours: sentiment only ({shipped}, calibrated)"] = rate(ours.probabilities, sample, batch)
    results["ours: n-gram head only"] = rate(
        lambda t: ours.probabilities(t, SentimentMix({"ngram": 1.0})), sample, batch
    )
    results[FULL] = rate(ours.classify, sample, batch)
    if compare:
        theirs = LightClassifier(compare)
        # Interleaved rounds, best of each, the order swapped every round: both see the same
        # spells of load from other jobs, and neither always runs first.
        best = {"ours": 0.0, "theirs": 0.0}
        runs = {"ours": ours.classify, "theirs": theirs.classify}
        for round_ in range(rounds):
            for who in ("ours", "theirs") if round_ % 2 == 0 else ("theirs", "ours"):
                best[who] = max(best[who], rate(runs[who], sample, batch))
        results[f"ours: full classify, best of {rounds} interleaved"] = best["ours"]
        results[f"compare: full classify of {theirs.name}, best of {rounds} interleaved"] = best["theirs"]
    if pipeline:
        from transformers import pipeline as hf_pipeline

        plain = hf_pipeline("text-classification", model=str(pipeline), device=-1)
        results["transformers pipeline (--pipeline)"] = rate(lambda t: plain(t, truncation=True), sample[:600], 64)
    return ours.name, load_s, len(sample), results


def figures(texts: int = 3000, batch: int = 1024, data_dir: Path = ROOT / ".." / "shared" / "data") -> list[Figure]:
    """The default model's full classify rate against the word-list classifier's."""
    model, _, count, results = measure(None, data_dir, texts, batch)
    return [
        Figure(
            f"{model} classify, {count:,} texts, batch {batch:,}",
            results[FULL],
            "texts/s",
            results[BASELINE],
            "word list + seed terms",
        )
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--data-dir", type=Path, default=ROOT / ".." / "shared" / "data")
    parser.add_argument("--texts", type=int, default=3000)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--batch", type=int, default=1024, help="texts per classify call (the pipeline's page)")
    parser.add_argument("--pipeline", type=Path, default=None, help="also time transformers.pipeline on this model")
    parser.add_argument("--compare", type=Path, default=None, help="also time this model directory's full classify")
    parser.add_argument("--rounds", type=int, default=3, help="--compare: best of this many interleaved rounds")
    args = parser.parse_args()
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = str(args.threads)
    model, load_s, count, results = measure(
        args.model, args.data_dir, args.texts, args.batch, args.pipeline, args.compare, args.rounds
    )
    baseline = results[BASELINE]
    print(f"model {model}, loaded in {load_s:.2f} s; {count} texts, {args.threads} threads, batch {args.batch}")
    width = max(map(len, results))
    for name, value in results.items():
        print(f"{name.ljust(width)}  {value:8.0f} texts/s  x{value / baseline:5.2f}")
    interleaved = [value for name, value in results.items() if "interleaved" in name]
    if len(interleaved) == 2:
        print(f"full classify, ours / {args.compare}: x{interleaved[0] / interleaved[1]:.2f}")


if __name__ == "__main__":
    main()
