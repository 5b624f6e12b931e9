from __future__ import annotations

import emoji
import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.classify.textprep import emoji_words, prepare


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("dukcapil lemot bgt 😡", "dukcapil lemot bgt wajah sangat marah"),
        ("makasih pak 🙏🙏", "makasih pak melipat tangan melipat tangan"),
        # A skin tone is dropped: the thumbs-up says the stance, the tone nothing.
        ("mantul 👍🏽", "mantul jempol ke atas"),
        ("❤️ Indonesia 🇮🇩", "hati merah Indonesia bendera indonesia"),
        ("ga ada emoji, ga berubah", "ga ada emoji, ga berubah"),
    ],
)
def test_emoji_become_their_indonesian_names(raw, expected):
    assert prepare(raw) == expected


def test_the_names_are_words_the_shipped_word_vectors_know():
    from monitor.classify.wordvec import shipped_word_vectors, word_tokens

    vectors = shipped_word_vectors()
    assert vectors is not None
    for face in "😡😭👍👏🙏🤮":
        words = word_tokens(face)
        assert words and len(vectors.ids(words)) == len(words), (face, words)


def test_every_emoji_the_package_knows_becomes_words():
    # The run pattern that hands text to the package must cover every emoji sequence it has.
    left = [e for e in emoji.EMOJI_DATA if emoji.emoji_count(emoji_words(f"a{e}b"))]
    assert left == []


@given(st.text())
def test_emoji_words_leaves_no_emoji_and_keeps_the_other_characters(text):
    result = emoji_words(text)
    assert emoji.emoji_count(result) == 0
    if emoji.emoji_count(text) == 0:
        assert result == text


@given(st.text(alphabet=st.characters(codec="ascii")))
def test_ascii_text_is_returned_as_it_is(text):
    assert emoji_words(text) is text
