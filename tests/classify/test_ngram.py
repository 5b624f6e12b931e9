from __future__ import annotations

import numpy as np
import pytest

from monitor.classify.ngram import NgramHead, NgramSpec, column_major, featurize, sparse_dot
from monitor.classify.textprep import prepare

SPEC = NgramSpec(bits=12)


def test_rows_are_unit_length_and_every_text_has_features():
    batch = featurize(["", "   ", "😡😡", "jalan rusak parah bgt", "x" * 5000], SPEC)
    assert len(batch.indptr) == 6
    lengths = np.diff(batch.indptr)
    assert (lengths > 0).all()
    norms = np.sqrt(np.add.reduceat(batch.weights**2, batch.indptr[:-1]))
    assert np.allclose(norms, 1.0, atol=1e-5)


def test_features_do_not_depend_on_the_rest_of_the_batch():
    alone = featurize(["pelayanan lambat"], SPEC)
    together = featurize(["banjir lagi di kampung", "pelayanan lambat", ""], SPEC)
    start, end = together.indptr[1], together.indptr[2]
    assert np.array_equal(alone.ids, together.ids[start:end])
    assert np.allclose(alone.weights, together.weights[start:end])


def test_ngrams_cross_word_boundaries_so_negation_counts():
    # "tidak enak" and "enak" share the word but not the cross-word grams ("k en").
    negated, plain = featurize(["tidak enak"], SPEC), featurize(["enak"], SPEC)
    assert set(plain.ids) < set(negated.ids)


WORDS = NgramSpec(bits=16, words=2)


def test_word_ngrams_add_whole_words_and_word_pairs_to_the_byte_ngrams():
    texts = ["pelayanannya mengecewakan bgt 😡", "tidak enak"]
    bytes_only, with_words = featurize(texts, NgramSpec(bits=16)), featurize(texts, WORDS)
    for i in range(len(texts)):
        plain = set(bytes_only.ids[bytes_only.indptr[i] : bytes_only.indptr[i + 1]])
        words = set(with_words.ids[with_words.indptr[i] : with_words.indptr[i + 1]])
        # 4 words (the emoji is one: its bytes are not ASCII) + 3 pairs; 2 words + 1 pair;
        # one may share a bucket with a byte n-gram
        assert plain < words and len(words - plain) >= (7 if i == 0 else 3) - 1
    norms = np.sqrt(np.add.reduceat(with_words.weights**2, with_words.indptr[:-1]))
    assert np.allclose(norms, 1.0, atol=1e-5)


def word_features(text: str) -> set[int]:
    return set(featurize([text], WORDS).ids) - set(featurize([text], NgramSpec(bits=16)).ids)


def test_a_word_hashes_the_same_wherever_it_stands_and_punctuation_separates_words():
    # "kecewa" alone, after a space or after a comma: one word feature, the same each time.
    alone, after_space, after_comma = word_features("kecewa"), word_features("aku kecewa"), word_features("aku,kecewa")
    assert len(alone) == 1 and alone < after_space and after_space == after_comma
    # a word pair is not its two words: "tidak enak" has a feature that "tidak" and "enak" lack
    assert word_features("tidak enak") - word_features("tidak") - word_features("enak")
    # and word pairs do not run across texts of a batch
    together = featurize(["jalan rusak", "parah banget"], WORDS)
    first = set(together.ids[: together.indptr[1]])
    assert first == set(featurize(["jalan rusak"], WORDS).ids)


def test_word_ngram_features_do_not_depend_on_the_rest_of_the_batch():
    alone = featurize(["Makasih pemkot, bansos udah cair 🙏"], WORDS)
    together = featurize(["banjir lagi", "Makasih pemkot, bansos udah cair 🙏", "", "x" * 3000], WORDS)
    start, end = together.indptr[1], together.indptr[2]
    assert np.array_equal(alone.ids, together.ids[start:end])
    assert np.allclose(alone.weights, together.weights[start:end])


def test_head_round_trips_through_safetensors(tmp_path):
    rng = np.random.default_rng(0)
    head = NgramHead(
        rng.normal(size=(1 << SPEC.bits, 3)), rng.normal(size=3), ["negative", "neutral", "positive"], SPEC
    )
    head.save(tmp_path)
    loaded = NgramHead.load(tmp_path)
    assert loaded is not None and loaded.labels == head.labels and loaded.spec == SPEC
    texts = ["mantap pelayanannya", "jalan rusak"]
    # float16 storage: logits agree to well within decision margins.
    assert np.allclose(loaded.logits(texts), head.logits(texts), atol=1e-2)


def test_load_returns_none_without_a_head(tmp_path):
    assert NgramHead.load(tmp_path) is None


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("Cek https://t.co/abc123 ya @pemkot_bdg", "Cek url ya @user"),
        ("mantaaaap bangeeeet", "mantaap bangeet"),
        ("maaf   saat\tini", "maaf saat ini"),
        ("rusak \ud83d parah", "rusak ? parah"),
    ],
)
def test_prepare(raw, expected):
    assert prepare(raw) == expected


@pytest.mark.parametrize("fold", [0, 3])
def test_a_column_major_table_gives_the_same_logits_as_a_row_major_one(fold):
    # Inference reads column-major tables column by column; training keeps row-major ones.
    spec = NgramSpec(bits=12)
    batch = featurize(["bansos blm cair 😡", "makasih BPBD gercep", "ora iso lewat, banyune sedengkul"], spec)
    rng = np.random.default_rng(5)
    table = rng.normal(size=(1 << (spec.bits - fold), 7)).astype(np.float32)
    fast = sparse_dot(batch, column_major(table), fold)
    assert not table.flags.f_contiguous and column_major(table).flags.f_contiguous
    np.testing.assert_allclose(fast, sparse_dot(batch, table, fold), rtol=1e-5, atol=1e-6)
    # Row 0 by hand: its features' rows, weighted.
    ids = batch.ids[batch.indptr[0] : batch.indptr[1]] >> fold
    expected = (table[ids] * batch.weights[batch.indptr[0] : batch.indptr[1], None]).sum(axis=0)
    np.testing.assert_allclose(fast[0], expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    "text",
    [
        "Cek HTTPS://Bansos.GO.ID/daftar skrg!!!",
        "info di WWW.kemensos.go.id  @KemensosRI mantuuuul",
        "ga\u3000nyala\x1clg,\u00a0banjiiiir\t\n sedengkul",
        "email warga@contoh.id bukan akun",
        "  biasa aja  ",
    ],
)
def test_prepare_gives_what_the_model_was_trained_on(text):
    # The fast paths must not change the text shape: the reference is every substitution, always.
    import re

    from monitor.classify import textprep

    reference = textprep._URL.sub(" url ", textprep.repair_unicode(text))
    reference = textprep._REPEAT.sub(r"\1\1", textprep._HANDLE.sub(" @user ", reference))
    assert prepare(text) == re.sub(r"\s+", " ", reference).strip()
