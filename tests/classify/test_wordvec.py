from __future__ import annotations

import numpy as np
import pytest

from monitor.classify.wordvec import WordVectorHead, WordVectors, unit_rows, word_tokens

LABELS = ["negative", "neutral", "positive"]
VOCAB = ["jalan", "rusak", "parah", "mantap", "pelayanan", "!", "😡"]


def make_head(seed: int = 0, hidden: int = 8) -> WordVectorHead:
    rng = np.random.default_rng(seed)
    dim = 6
    return WordVectorHead(
        WordVectors(VOCAB, unit_rows(rng.normal(size=(len(VOCAB), dim)))),
        rng.normal(size=2 * dim).astype(np.float32),
        rng.uniform(0.5, 2, size=2 * dim).astype(np.float32),
        rng.normal(size=(2 * dim, hidden)).astype(np.float32),
        rng.normal(size=hidden).astype(np.float32),
        rng.normal(size=(hidden, 3)).astype(np.float32),
        rng.normal(size=3).astype(np.float32),
        LABELS,
    )


@pytest.mark.parametrize(
    "text,expected",
    [
        (
            "Jalan RUSAKKK parah!!! 😡😡",
            ["jalan", "rusakk", "parah", "!", "!", "!", *["wajah", "sangat", "marah"] * 2],
        ),
        ("cek https://t.co/x @dinas_pu", ["cek", "url", "@", "user"]),
        ("", []),
    ],
)
def test_tokens_are_prepared_lowercased_words_and_single_symbols(text, expected):
    assert word_tokens(text) == expected


def test_pooling_is_mean_and_max_of_known_words_and_zero_without_any():
    words = make_head().words
    pooled = words.pooled(["jalan rusak", "kata asing semua", "", "rusak"])
    dim = words.vectors.shape[1]
    both = words.vectors[[0, 1]]
    assert np.allclose(pooled[0, :dim], both.mean(0)) and np.allclose(pooled[0, dim:], both.max(0))
    assert not pooled[1].any() and not pooled[2].any()
    assert np.allclose(pooled[3, :dim], words.vectors[1])


def test_logits_of_a_text_do_not_depend_on_the_batch():
    head = make_head()
    alone = head.logits(["pelayanan mantap !"])
    together = head.logits(["jalan rusak parah 😡", "pelayanan mantap !", ""])
    assert np.allclose(alone[0], together[1], atol=1e-5)


def test_head_round_trips_with_int8_vectors(tmp_path):
    head = make_head()
    head.save(tmp_path)
    loaded = WordVectorHead.load(tmp_path)
    assert loaded is not None and loaded.words.vocab == VOCAB and loaded.labels == LABELS
    texts = ["jalan rusak parah 😡", "pelayanan mantap !"]
    assert np.abs(loaded.words.vectors - head.words.vectors).max() < 0.01
    assert np.allclose(loaded.logits(texts), head.logits(texts), atol=0.1)
    assert (loaded.logits(texts).argmax(1) == head.logits(texts).argmax(1)).all()


def test_load_returns_none_without_a_head(tmp_path):
    assert WordVectorHead.load(tmp_path) is None
