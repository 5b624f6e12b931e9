"""Export a sequence-classification model directory to `model.onnx` for ONNX Runtime.

    .venv/bin/python models/export_onnx.py monitor/classify/sentiment-id-small [--no-quantize]

Works for any local Hugging Face model a user plugs in, too. By default the weights are
quantised to int8 (dynamic quantisation): a quarter of the size and faster on CPUs; the script
prints how often the quantised model's top label agrees with the torch model's.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from monitor.classify.transformer import ONNX_FILE  # noqa: E402


def export_onnx(model_dir: Path, *, quantize: bool = True) -> float:
    """Write model_dir/model.onnx; return top-label agreement with torch on random inputs."""
    import onnxruntime
    import torch
    from transformers import AutoModelForSequenceClassification

    # Eager attention exports to plain ONNX operators; the fused SDPA path does not trace cleanly.
    model = AutoModelForSequenceClassification.from_pretrained(
        model_dir, local_files_only=True, attn_implementation="eager", dtype=torch.float32
    ).eval()

    class Logits(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            return self.model(input_ids=input_ids, attention_mask=attention_mask).logits

    wrapper = Logits().eval()
    example = (torch.ones((2, 16), dtype=torch.long), torch.ones((2, 16), dtype=torch.long))
    target = model_dir / ONNX_FILE
    with tempfile.TemporaryDirectory() as tmp:
        plain = Path(tmp) / "model.onnx"
        torch.onnx.export(
            wrapper,
            example,
            str(plain),
            input_names=["input_ids", "attention_mask"],
            output_names=["logits"],
            dynamic_axes={
                "input_ids": {0: "batch", 1: "tokens"},
                "attention_mask": {0: "batch", 1: "tokens"},
                "logits": {0: "batch"},
            },
            opset_version=17,
            dynamo=False,
        )
        if quantize:
            from onnxruntime.quantization import QuantType, quantize_dynamic

            quantize_dynamic(str(plain), str(target), weight_type=QuantType.QInt8)
        else:
            target.write_bytes(plain.read_bytes())
    wrapper.eval()  # export restores the module's previous mode; keep dropout off for the check

    session = onnxruntime.InferenceSession(str(target), providers=["CPUExecutionProvider"])
    generator = torch.Generator().manual_seed(0)
    vocab = model.config.vocab_size
    length = min(40, model.config.max_position_embeddings)
    ids = torch.randint(5, vocab, (256, length), generator=generator)
    mask = torch.ones_like(ids)
    mask[128:, length // 2 :] = 0
    with torch.inference_mode():
        expected = wrapper(ids, mask).numpy()
    got = session.run(None, {"input_ids": ids.numpy(), "attention_mask": mask.numpy()})[0]
    return float((expected.argmax(1) == got.argmax(1)).mean())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model_dir", type=Path)
    parser.add_argument("--no-quantize", action="store_true")
    args = parser.parse_args()
    agreement = export_onnx(args.model_dir, quantize=not args.no_quantize)
    size = (args.model_dir / ONNX_FILE).stat().st_size
    print(f"{args.model_dir / ONNX_FILE}: {size / 1e6:.1f} MB, top label agrees with torch on {agreement:.1%}")


if __name__ == "__main__":
    main()
