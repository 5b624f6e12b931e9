"""`monitor.records.dumps`: orjson's speed, and what the json module read before reads the same."""

import json

import pytest

from monitor.records import dumps


def test_dumps_sorts_keys_and_keeps_indonesian_text_and_emoji_as_is():
    text = dumps({"teks": "Banjir lg di Rungkut 😭, pompa ga nyala", "b": [1, 2.5, None], "a": True})
    assert text == '{"a":true,"b":[1,2.5,null],"teks":"Banjir lg di Rungkut 😭, pompa ga nyala"}'


@pytest.mark.parametrize(
    "data",
    [
        # An integer beyond 64 bits (a reach someone typed with too many zeros): orjson cannot
        # write it, the json module writes it exactly.
        {"reach": 10**30, "engagement": 2**64 - 1},
        {"skor": -(2**63), "ids": [2**63, 2**64 + 1]},
        # Numbers as keys come back as text, as with the json module.
        {1: "satu", 20: "dua puluh"},
        # Tuples (records' fields) are lists.
        {"topics": ("bansos", "banjir"), "also_seen_in": ()},
    ],
)
def test_what_dumps_writes_the_json_module_reads_back_as_before(data):
    assert json.loads(dumps(data)) == json.loads(json.dumps(data, ensure_ascii=False, sort_keys=True))


def test_a_lone_surrogate_is_written_as_the_json_module_wrote_it():
    # orjson refuses it; the json module wrote it through (SQLite refuses it later, as before).
    data = {"teks": "rusak \ud83d di tengah"}
    assert dumps(data) == json.dumps(data, ensure_ascii=False, sort_keys=True)
