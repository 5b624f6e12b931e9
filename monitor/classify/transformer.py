"""Sentiment from any Hugging Face sequence-classification model in a local directory.

For `type = "transformer"`: a user points the configuration at a directory (an IndoBERT
sentiment model downloaded once) with a label mapping. Needs the `transformer` extra
(`pip install humas-monitor[transformer]`); torch and transformers are imported only when a
model is loaded, so the rest of the monitor starts without them. The shipped default model
does not come here: it is numpy only (`model.py`). A directory may also hold the light parts
(`sentiment_mix.json` mixing the transformer with the n-gram and word-vector heads).

Speed on a CPU comes from: one fast-tokenizer call per batch of input, sorting by token length
so each padded batch wastes little, and no Python work per token. When the directory holds a
`model.onnx` (the shipped model does) and onnxruntime is installed, ONNX Runtime runs it: for
a model this small it is several times faster than eager torch, whose per-operator overhead
dominates. Otherwise torch runs under `inference_mode`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from monitor.classify.lexicon import describe_unclassifiable
from monitor.classify.mix import SentimentMix, log_softmax
from monitor.classify.model import SentimentParts
from monitor.classify.taxonomy import DEFAULT_FLAGS, DEFAULT_TOPICS, FlagTagger, KeywordTagger
from monitor.classify.textprep import PREPROCESS_VERSION, prepare, repair_unicode
from monitor.errors import ClassifierError
from monitor.records import Classification
from monitor.text.normalize import normalize_for_match
from monitor.values import Sentiment

log = logging.getLogger(__name__)

ONNX_FILE = "model.onnx"

# Label names seen in published Indonesian sentiment models, mapped without configuration.
KNOWN_LABELS: dict[str, str] = {
    "positive": "positive",
    "pos": "positive",
    "positif": "positive",
    "neutral": "neutral",
    "neu": "neutral",
    "netral": "neutral",
    "negative": "negative",
    "neg": "negative",
    "negatif": "negative",
}


def label_mapping(id2label: Mapping[int, str], overrides: Mapping[str, str]) -> list[str]:
    """Sentiment name for each output index of the model; unknown labels are an error."""
    mapped = []
    for index in range(len(id2label)):
        name = id2label[index]
        target = overrides.get(name) or KNOWN_LABELS.get(name.lower())
        if target not in {"positive", "neutral", "negative"}:
            raise ClassifierError(
                f"label model '{name}' tidak dikenal; tambahkan [classifier] labels = {{ \"{name}\" = "
                '"positive" | "neutral" | "negative" }'
            )
        mapped.append(target)
    if "positive" not in mapped or "negative" not in mapped:
        raise ClassifierError(f"model harus punya label positif dan negatif, bukan {mapped}")
    return mapped


class TransformerClassifier:
    """Batched sentiment from a local transformer, plus seed-term topics and flags."""

    def __init__(
        self,
        model_dir: Path,
        *,
        labels: Mapping[str, str] | None = None,
        batch_size: int = 64,
        max_length: int = 128,
        threads: int | None = None,
        topics: Mapping[str, Sequence[str]] = DEFAULT_TOPICS,
        flags: Mapping[str, Sequence[str]] = DEFAULT_FLAGS,
    ):
        import torch
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        if not (model_dir / "config.json").is_file():
            raise ClassifierError(f"direktori model tidak ada atau tanpa config.json: {model_dir}")
        if threads:
            torch.set_num_threads(threads)
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(model_dir, local_files_only=True)  # type: ignore[no-untyped-call,unused-ignore]  # transformers leaves it untyped
            self.model = AutoModelForSequenceClassification.from_pretrained(
                model_dir, local_files_only=True, dtype=torch.float32
            ).eval()
        except Exception as exc:  # corrupt files surface as many unrelated types (SafetensorError, ...)
            raise ClassifierError(f"model di {model_dir} tidak bisa dimuat: {exc}") from exc
        config = self.model.config
        self.labels = label_mapping(config.id2label, labels or {})
        self.batch_size = batch_size
        positions = getattr(config, "max_position_embeddings", max_length) or max_length
        self.max_length = min(max_length, positions)
        # Only models trained on `prepare`d text get it; any other model sees the text as written.
        self.preprocess = getattr(config, "monitor_preprocess", None) == PREPROCESS_VERSION
        self.session = _onnx_session(model_dir / ONNX_FILE, threads)
        # The light parts (n-gram, word vectors, word list) a directory may mix in.
        self.parts = SentimentParts(model_dir, self.labels)
        self.mix = self.parts.mix
        self.ngram, self.wordvec = self.parts.ngram, self.parts.wordvec
        self.name = str(getattr(config, "monitor_model_name", None) or model_dir.name)
        self.topics = KeywordTagger(topics)
        self.flags = FlagTagger(flags)

    def probabilities(self, texts: Sequence[str], mix: SentimentMix | None = None) -> np.ndarray:
        """Sentiment probabilities (rows in input order, columns as `self.labels`).

        The parts are combined as the directory's `sentiment_mix.json` says (weights chosen on
        validation data); `mix` overrides it, e.g. to score one part alone.
        """
        mix = mix or self.mix
        if not texts:
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        prepared = [prepare(t) if self.preprocess else repair_unicode(t) for t in texts]
        parts = self.parts.log_probs(self.parts.features(texts), [normalize_for_match(t) for t in texts], mix)
        if mix.weight("transformer") > 0:
            parts["transformer"] = log_softmax(self.transformer_logits(prepared))
        return mix.combine(parts)

    def transformer_logits(self, prepared: Sequence[str]) -> np.ndarray:
        """Raw logits of the transformer, batched by length with per-batch padding."""
        encoded = self.tokenizer(list(prepared), truncation=True, max_length=self.max_length)["input_ids"]
        order = np.argsort([len(ids) for ids in encoded], kind="stable")
        pad = self.tokenizer.pad_token_id or 0
        logits = np.zeros((len(prepared), len(self.labels)), dtype=np.float32)
        for start in range(0, len(order), self.batch_size):
            rows = order[start : start + self.batch_size]
            ids, mask = pad_batch([encoded[i] for i in rows], pad)
            logits[rows] = self._logits(ids, mask)
        return logits

    def _logits(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        if self.session is not None:
            result: np.ndarray = self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
            return result
        import torch

        with torch.inference_mode():
            output = self.model(input_ids=torch.from_numpy(ids), attention_mask=torch.from_numpy(mask))
        logits: np.ndarray = output.logits.float().numpy()
        return logits

    def classify(self, texts: Sequence[str]) -> list[Classification]:
        normalized = [normalize_for_match(t) for t in texts]
        verdicts = [describe_unclassifiable(t, n) for t, n in zip(texts, normalized, strict=True)]
        scorable = [i for i, (_, reason) in enumerate(verdicts) if reason is None]
        probs = self.probabilities([texts[i] for i in scorable])
        by_index = dict(zip(scorable, probs, strict=True))
        results = []
        for i in range(len(texts)):
            topics, topic_scores = self.topics.tag(normalized[i])
            flags, _ = self.flags.tag_text(texts[i], normalized[i])
            language, reason = verdicts[i]
            if i not in by_index:
                results.append(Classification(None, {}, topics, topic_scores, flags, self.name, language, reason))
                continue
            scores: dict[str, float] = {}
            for label, p in zip(self.labels, by_index[i], strict=True):
                scores[label] = round(scores.get(label, 0.0) + float(p), 4)
            sentiment = Sentiment(max(scores, key=scores.__getitem__))
            results.append(Classification(sentiment, scores, topics, topic_scores, flags, self.name, language))
        return results


def pad_batch(sequences: Sequence[Sequence[int]], pad_id: int) -> tuple[np.ndarray, np.ndarray]:
    """Token ids padded to the longest sequence of the batch (dynamic padding), and the mask."""
    width = max(len(seq) for seq in sequences)
    ids = np.full((len(sequences), width), pad_id, dtype=np.int64)
    mask = np.zeros((len(sequences), width), dtype=np.int64)
    for row, seq in enumerate(sequences):
        ids[row, : len(seq)] = seq
        mask[row, : len(seq)] = 1
    return ids, mask


def _onnx_session(path: Path, threads: int | None) -> Any:
    """An ONNX Runtime session for the exported model, or None (no file, no onnxruntime)."""
    if not path.is_file():
        return None
    try:
        import onnxruntime
    except ImportError:
        log.info("onnxruntime tidak terpasang; %s dijalankan dengan torch", path.parent)
        return None
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads or 0
    options.inter_op_num_threads = 1
    try:
        return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    except Exception as exc:  # a corrupt file: torch still has the weights
        log.error("model ONNX %s rusak (%s); memakai torch", path, exc)
        return None
