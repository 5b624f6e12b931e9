"""Throughput of the default model's full `classify` against the word-list classifier, same run.

Both run in this process on the same texts and the same thread count. The baseline is the
plain-Python `LexiconClassifier` (word list + seed terms: the cheapest classifier the monitor
has); ours is the numpy default model (n-gram and word-vector heads, calibration, the learned
topic/flag tagger). With the `transformer` extra installed, `--pipeline DIR` also times
`transformers.pipeline("text-classification")` on a Hugging Face model directory.

    python benchmarks/bench_classify.py [--texts 3000] [--threads 2] [--model DIR] [--compare DIR]

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
sys.path.insert(0, str(ROOT))


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--data-dir", type=Path, default=ROOT / ".." / "shared" / "data")
    parser.add_argument("--texts", type=int, default=3000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch", type=int, default=256, help="texts per classify call (the pipeline's batch)")
    parser.add_argument("--pipeline", type=Path, default=None, help="also time transformers.pipeline on this model")
    parser.add_argument("--compare", type=Path, default=None, help="also time this model directory's full classify")
    parser.add_argument("--rounds", type=int, default=3, help="--compare: best of this many interleaved rounds")
    args = parser.parse_args()
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, str(args.threads))

    from monitor.classify.lexicon import LexiconClassifier
    from monitor.classify.mix import SentimentMix
    from monitor.classify.model import LightClassifier
    from monitor.classify.options import DEFAULT_MODEL_DIR

    started = time.perf_counter()
    ours = LightClassifier(args.model or DEFAULT_MODEL_DIR)
    load_s = time.perf_counter() - started
    texts = sample_texts(args.data_dir, args.texts)
    results: dict[str, float] = {}
    results["baseline: word list + seed terms (LexiconClassifier.classify)"] = rate(
        LexiconClassifier().classify, texts, args.batch
    )
    shipped = ", ".join(f"{part} {w}" for part, w in ours.parts.mix.weights.items())
    results[f"ours: sentiment only ({shipped}, calibrated)"] = rate(ours.probabilities, texts, args.batch)
    results["ours: n-gram head only"] = rate(
        lambda t: ours.probabilities(t, SentimentMix({"ngram": 1.0})), texts, args.batch
    )
    results["ours: full classify (+ language, learned topics and flags)"] = rate(ours.classify, texts, args.batch)
    if args.compare:
        theirs = LightClassifier(args.compare)
        # Interleaved rounds, best of each, the order swapped every round: both see the same
        # spells of load from other jobs, and neither always runs first.
        best = {"ours": 0.0, "theirs": 0.0}
        runs = {"ours": ours.classify, "theirs": theirs.classify}
        for round_ in range(args.rounds):
            for who in ("ours", "theirs") if round_ % 2 == 0 else ("theirs", "ours"):
                best[who] = max(best[who], rate(runs[who], texts, args.batch))
        results[f"ours: full classify, best of {args.rounds} interleaved"] = best["ours"]
        results[f"compare: full classify of {theirs.name}, best of {args.rounds} interleaved"] = best["theirs"]
    if args.pipeline:
        from transformers import pipeline

        plain = pipeline("text-classification", model=str(args.pipeline), device=-1)
        results["transformers pipeline (--pipeline)"] = rate(lambda t: plain(t, truncation=True), texts[:600], 64)

    baseline = results["baseline: word list + seed terms (LexiconClassifier.classify)"]
    print(
        f"model {ours.name}, loaded in {load_s:.2f} s; {len(texts)} texts, {args.threads} threads, batch {args.batch}"
    )
    width = max(map(len, results))
    for name, value in results.items():
        print(f"{name.ljust(width)}  {value:8.0f} texts/s  x{value / baseline:5.2f}")
    if args.compare:
        print(f"full classify, {ours.name} / {theirs.name}: x{best['ours'] / best['theirs']:.2f}")


if __name__ == "__main__":
    main()
