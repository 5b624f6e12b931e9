"""Sentiment throughput of the default model against the plain transformers pipeline.

Both run in this process on the same texts, the same weights and the same thread count; the
baseline is `pipeline("text-classification")` as a user would call it (and once more with
`batch_size` set, the fairest plain setting). Ours sorts by length, pads per batch, runs under
`inference_mode`, and adds the n-gram head of the shipped ensemble.

    python benchmarks/bench_classify.py [--texts 3000] [--threads 2] [--model DIR]

Texts: SmSA test, IndoLEM test0 and EmoT test from ../shared/data when present (social posts
and reviews as they come), else the team's own evaluation set, repeated to --texts.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from monitor.classify import datasets  # noqa: E402
from monitor.classify.mix import SentimentMix  # noqa: E402
from monitor.classify.options import DEFAULT_MODEL_DIR  # noqa: E402
from monitor.classify.transformer import TransformerClassifier  # noqa: E402


def sample_texts(data_dir: Path, n: int) -> list[str]:
    if (data_dir / datasets.SMSA).is_dir():
        pool = [
            e.text
            for e in datasets.smsa(data_dir, "test")
            + datasets.indolem(data_dir, "test0")
            + datasets.emot(data_dir, "test")
        ]
    else:
        eval_set = ROOT / "models" / "eval" / "topics_flags_id.jsonl"
        pool = [json.loads(line)["text"] for line in eval_set.read_text(encoding="utf-8").splitlines() if line]
    return [pool[i % len(pool)] for i in range(n)]


def rate(run, texts: list[str]) -> float:
    run(texts[:64])  # warm-up: first calls allocate and pick kernels
    started = time.perf_counter()
    run(texts)
    return len(texts) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL_DIR)
    parser.add_argument("--data-dir", type=Path, default=ROOT / ".." / "shared" / "data")
    parser.add_argument("--texts", type=int, default=3000)
    parser.add_argument("--baseline-texts", type=int, default=600)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=64)
    args = parser.parse_args()

    import torch
    from transformers import pipeline

    torch.set_num_threads(args.threads)
    texts = sample_texts(args.data_dir, args.texts)
    ours = TransformerClassifier(args.model, batch_size=args.batch_size)
    plain = pipeline("text-classification", model=str(args.model), tokenizer=str(args.model), device=-1)
    results: dict[str, float] = {}
    shipped = ", ".join(f"{part} {w}" for part, w in ours.mix.weights.items())
    results[f"ours: shipped sentiment ({shipped})"] = rate(ours.probabilities, texts)
    backend = "onnxruntime" if ours.session is not None else "torch"
    transformer_only = SentimentMix({"transformer": 1.0})
    results[f"ours: transformer only ({backend})"] = rate(lambda t: ours.probabilities(t, transformer_only), texts)
    results["ours: full classify (+ language, topics, flags)"] = rate(ours.classify, texts)
    # The plain pipeline is slow: a sample of the same texts gives its rate in reasonable time.
    sample = texts[: args.baseline_texts]
    results["pipeline(text-classification), default"] = rate(lambda t: plain(t, truncation=True), sample)
    results["pipeline(text-classification), batch_size"] = rate(
        lambda t: plain(t, truncation=True, batch_size=args.batch_size), sample
    )

    baseline = results["pipeline(text-classification), default"]
    print(f"model {args.model.name}, {len(texts)} texts, {args.threads} threads, batch {args.batch_size}")
    width = max(map(len, results))
    for name, value in results.items():
        print(f"{name.ljust(width)}  {value:8.0f} texts/s  x{value / baseline:5.2f}")
    same_model = results[f"ours: transformer only ({backend})"] / baseline
    print(f"ratio, same transformer, ours / plain pipeline: {same_model:.2f}")


if __name__ == "__main__":
    main()
