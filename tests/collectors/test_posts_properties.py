"""Properties of JSON Lines post parsing (monitor.collectors.posts.parse_jsonl): whatever an
export holds, parsing never raises and never drops a line silently; every non-empty line becomes
a mention or a problem that names its line number."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from hypothesis import example, given
from hypothesis import strategies as st
from strategies import any_text, indonesian_text, word

from monitor.collectors.posts import parse_jsonl

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
KEYS = ("id", "text", "title", "published_at", "url", "author", "source", "channel", "language", "likes", "shares", "comments", "retweets", "replies", "engagement", "reach")  # fmt: skip
LIKELY = ("2026-11-20T08:15:00+07:00", "2026-11-20", "kemarin sore", "https://x.com/warga/status/1", "12", "1e3")

scalar = st.none() | st.booleans() | st.integers() | st.floats() | any_text | indonesian_text | st.sampled_from(LIKELY)
json_value = st.recursive(scalar, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(any_text, inner, max_size=3), max_leaves=6)  # fmt: skip
post = st.dictionaries(st.sampled_from(KEYS) | any_text, json_value, max_size=8)
# JSON's NaN and Infinity included: Python writes them and so do some exporters.
line = post.map(json.dumps) | json_value.map(json.dumps) | any_text | st.sampled_from(["", "   ", "{", "[1,"])


@given(st.lists(line, max_size=8), st.integers(1, 10_000))
@example(['{"text": "Banjir lagi", "url": true}'], 1)  # a url that is not text
@example(['{"text": "Viral bgt", "likes": Infinity}'], 1)  # int(inf): OverflowError
@example(["[" * 100_000 + "]" * 100_000], 7)  # nested past the decoder's recursion limit
@example(['{"text": "ok", "language": ["id"]}', "", '{"text": "   "}'], 3)
def test_every_non_empty_line_is_a_mention_or_a_numbered_problem(lines: list[str], first_line: int) -> None:
    parsed = parse_jsonl(lines, source="sosmed", channel="social", now=NOW, first_line=first_line)

    non_empty = [number for number, text in enumerate(lines, start=first_line) if text.strip()]
    numbered = [int(m.group(1)) for m in (re.match(r"baris (\d+): \S", p) for p in parsed.problems) if m]
    assert len(numbered) == len(parsed.problems), parsed.problems  # each problem names its line
    assert len(set(numbered)) == len(numbered) and set(numbered) <= set(non_empty)
    assert len(parsed.mentions) + len(parsed.problems) == len(non_empty)
    for mention in parsed.mentions:
        assert mention.text.strip() and mention.source and mention.id


@given(st.lists(st.lists(word, min_size=1, max_size=6).map(" ".join), min_size=1, max_size=5))
def test_posts_with_words_all_become_mentions(texts: list[str]) -> None:
    lines = [json.dumps({"id": str(i), "text": text}) for i, text in enumerate(texts)]

    parsed = parse_jsonl(lines, source="sosmed", channel="social", now=NOW)

    assert parsed.problems == ()
    assert [m.id for m in parsed.mentions] == list(dict.fromkeys(m.id for m in parsed.mentions))
    assert len(parsed.mentions) == len(texts)
