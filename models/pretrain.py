"""Step 2 of the default model: a WordPiece tokenizer and a compact BERT pretrained with MLM.

Trains only on the unlabelled corpus in `../shared/data/corpus/` (evaluation texts were removed
from it upstream). Sized for two CPU cores: 4 layers, hidden 128, so that an hour of
pretraining makes several passes over the corpus and the fine-tuned model classifies more than
1,000 texts per second.

    .venv/bin/python models/pretrain.py --out models/work/pretrained --steps 6000

Writes the tokenizer and a checkpoint (transformers format) to --out every --save-every steps
and at the end; `train.py` fine-tunes from there. Seeds are fixed; with the same --steps and
--threads the run is repeatable up to floating-point scheduling noise.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from monitor.classify.datasets import corpus_lines  # noqa: E402
from monitor.classify.textprep import PREPROCESS_VERSION, prepare  # noqa: E402

SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def train_tokenizer(texts: list[str], vocab_size: int, out: Path):
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True, strip_accents=True, clean_text=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.decoder = decoders.WordPiece()
    trainer = trainers.WordPieceTrainer(vocab_size=vocab_size, min_frequency=2, special_tokens=SPECIAL)
    tok.train_from_iterator(texts, trainer=trainer)
    cls, sep = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B [SEP]", special_tokens=[("[CLS]", cls), ("[SEP]", sep)]
    )
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok,
        unk_token="[UNK]",
        pad_token="[PAD]",
        cls_token="[CLS]",
        sep_token="[SEP]",
        mask_token="[MASK]",
        model_max_length=512,
    )
    fast.save_pretrained(out)
    return fast


def batches(lengths: list[int], batch_size: int, rng: random.Random) -> list[list[int]]:
    """Length-bucketed batches in random order: little padding, still shuffled."""
    order = list(range(len(lengths)))
    rng.shuffle(order)
    chunk = batch_size * 50
    out: list[list[int]] = []
    for start in range(0, len(order), chunk):
        part = sorted(order[start : start + chunk], key=lengths.__getitem__)
        out.extend(part[i : i + batch_size] for i in range(0, len(part), batch_size))
    rng.shuffle(out)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, default=REPO_ROOT / ".." / "shared" / "data")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "models" / "work" / "pretrained")
    parser.add_argument("--vocab-size", type=int, default=12000)
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--layers", type=int, default=4)
    parser.add_argument("--heads", type=int, default=2)
    parser.add_argument("--intermediate", type=int, default=512)
    parser.add_argument("--max-len", type=int, default=128)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--steps", type=int, default=6000)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--mask-prob", type=float, default=0.2)
    parser.add_argument("--save-every", type=int, default=500)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument(
        "--stop-after",
        type=int,
        default=0,
        help="save and stop after this many steps of the --steps schedule (0 = run it all)",
    )
    parser.add_argument(
        "--max-minutes", type=float, default=0, help="stop early (and save) after this long; 0 = no limit"
    )
    args = parser.parse_args()

    import torch
    from transformers import BertConfig, BertForMaskedLM

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    log = open(args.out / "pretrain.log", "a", encoding="utf-8")  # noqa: SIM115 - open for the whole run

    def say(message: str) -> None:
        line = f"{time.strftime('%H:%M:%S')} {message}"
        print(line, flush=True)
        log.write(line + "\n")
        log.flush()

    texts = [prepare(line) for line in corpus_lines(args.data_dir)]
    say(f"corpus lines: {len(texts)}")
    tokenizer = train_tokenizer(texts, args.vocab_size, args.out)
    encoded = [ids for ids in tokenizer(texts, truncation=True, max_length=args.max_len)["input_ids"] if len(ids) > 3]
    lengths = [len(ids) for ids in encoded]
    say(f"sequences: {len(encoded)}, tokens: {sum(lengths)}")

    config = BertConfig(
        vocab_size=len(tokenizer),
        hidden_size=args.hidden,
        num_hidden_layers=args.layers,
        num_attention_heads=args.heads,
        intermediate_size=args.intermediate,
        max_position_embeddings=args.max_len,
        type_vocab_size=1,
        pad_token_id=tokenizer.pad_token_id,
    )
    config.monitor_preprocess = PREPROCESS_VERSION
    model = BertForMaskedLM(config)
    say(f"parameters: {sum(p.numel() for p in model.parameters())}")
    decay = [p for n, p in model.named_parameters() if p.ndim > 1 and "embeddings" not in n]
    no_decay = [p for n, p in model.named_parameters() if not (p.ndim > 1 and "embeddings" not in n)]
    optimizer = torch.optim.AdamW(
        [{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}],
        lr=args.lr,
        betas=(0.9, 0.98),
        eps=1e-6,
    )
    warmup = max(1, args.steps // 20)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / warmup, max(0.0, (args.steps - s) / (args.steps - warmup)))
    )
    special_ids = torch.tensor(tokenizer.all_special_ids)
    mask_id, vocab = tokenizer.mask_token_id, len(tokenizer)

    def save(step: int) -> None:
        model.save_pretrained(args.out)
        (args.out / "pretrain_state.json").write_text(
            json.dumps({"step": step, "args": {k: str(v) for k, v in vars(args).items()}}, indent=1)
        )
        say(f"saved step {step}")

    model.train()
    step, started, running = 0, time.monotonic(), 0.0
    pending: list[list[int]] = []
    while step < args.steps:
        if not pending:
            pending = batches(lengths, args.batch_size, rng)
        batch = [encoded[i] for i in pending.pop()]
        width = max(map(len, batch))
        ids = torch.full((len(batch), width), tokenizer.pad_token_id, dtype=torch.long)
        for row, seq in enumerate(batch):
            ids[row, : len(seq)] = torch.tensor(seq)
        attention = (ids != tokenizer.pad_token_id).long()
        # BERT masking: of the chosen positions 80% [MASK], 10% random token, 10% unchanged.
        maskable = attention.bool() & ~torch.isin(ids, special_ids)
        chosen = (torch.rand(ids.shape) < args.mask_prob) & maskable
        labels = ids[chosen]
        inputs = ids.clone()
        roll = torch.rand(ids.shape)
        inputs[chosen & (roll < 0.8)] = mask_id
        swap = chosen & (roll >= 0.8) & (roll < 0.9)
        inputs[swap] = torch.randint(len(SPECIAL), vocab, (int(swap.sum()),))
        hidden = model.bert(input_ids=inputs, attention_mask=attention).last_hidden_state
        # Project only the masked positions onto the vocabulary: most of the compute saved.
        logits = model.cls(hidden[chosen])
        loss = torch.nn.functional.cross_entropy(logits, labels)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        schedule.step()
        optimizer.zero_grad(set_to_none=True)
        step += 1
        running = 0.98 * running + 0.02 * loss.item() if step > 1 else loss.item()
        if step % 50 == 0:
            elapsed = time.monotonic() - started
            say(
                f"step {step}/{args.steps} loss {running:.3f} ppl {math.exp(min(running, 20)):.1f} "
                f"lr {schedule.get_last_lr()[0]:.2e} {step / elapsed:.2f} steps/s"
            )
        if step % args.save_every == 0:
            save(step)
        if args.stop_after and step >= args.stop_after:
            break
        if args.max_minutes and time.monotonic() - started > args.max_minutes * 60:
            say("time limit reached")
            break
    save(step)


if __name__ == "__main__":
    main()
