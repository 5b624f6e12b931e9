from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from conftest import make_collector
from localhttp import Reply

from monitor.collectors.posts import parse_jsonl
from monitor.collectors.types.file import FileOptions
from monitor.errors import SourceError

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)


def test_bad_lines_are_reported_with_their_numbers_and_the_rest_kept():
    lines = [
        json.dumps(
            {
                "id": "1",
                "text": "Pompa di Sukasari ga nyala lg 😡",
                "published_at": "2026-11-20T07:10:00+07:00",
                "likes": 10,
                "shares": 5,
                "comments": 1,
                "reach": 900,
                "author": "warga1",
            }
        ),
        "{bukan json",
        json.dumps({"id": "2", "text": "   "}),
        json.dumps({"id": "3", "text": "ok", "published_at": "kemarin sore"}),
        "",
        json.dumps(["daftar", "bukan", "objek"]),
        json.dumps({"text": "Makasih BPBD udah gercep 🙏"}),
    ]
    parsed = parse_jsonl(lines, source="sosmed", channel="social", now=NOW)
    assert [m.text for m in parsed.mentions] == ["Pompa di Sukasari ga nyala lg 😡", "Makasih BPBD udah gercep 🙏"]
    first, second = parsed.mentions
    assert first.engagement == 16 and first.reach == 900
    assert first.published_at == datetime(2026, 11, 20, 0, 10, tzinfo=UTC)
    assert second.date_estimated and second.published_at == NOW
    assert [p.split(":")[0] for p in parsed.problems] == ["baris 2", "baris 3", "baris 4", "baris 6"]


def test_file_is_read_incrementally(tmp_path):
    path = tmp_path / "posts.jsonl"
    path.write_text(json.dumps({"id": "a", "text": "satu"}) + "\n", encoding="utf-8")
    posts = make_collector("file", "ekspor", base_dir=tmp_path, path="posts.jsonl", channel="social")
    first = posts.collect({}, NOW)
    assert [m.text for m in first.mentions] == ["satu"]
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps({"id": "b", "text": "dua"}) + "\n")
    second = posts.collect(first.cursor, NOW)
    assert [m.text for m in second.mentions] == ["dua"]
    assert second.cursor == {"lines": 2, "offset": path.stat().st_size} and not second.more


def _posts(path, texts, *, start=0):
    lines = [json.dumps({"id": f"p{start + i}", "text": t}, ensure_ascii=False) for i, t in enumerate(texts)]
    with path.open("a", encoding="utf-8") as handle:
        handle.write("".join(line + "\n" for line in lines))


def test_a_large_file_is_read_a_chunk_at_a_time_from_the_byte_offset(tmp_path):
    path = tmp_path / "posts.jsonl"
    texts = [f"antrean bansos di kelurahan {n} panjang bgt 😩" for n in range(7)]
    _posts(path, texts[:5])
    path.write_bytes(path.read_bytes().replace(b'{"id": "p2"', b'{rusak "p2"'))
    posts = make_collector("file", "ekspor", base_dir=tmp_path, path="posts.jsonl", chunk=2)
    first = posts.collect({}, NOW)
    assert [m.text for m in first.mentions] == texts[:2] and first.more
    second = posts.collect(first.cursor, NOW)
    # The broken third line is reported with its number and counted as read.
    assert [m.text for m in second.mentions] == texts[3:4] and second.skipped[0].startswith("baris 3:")
    third = posts.collect(second.cursor, NOW)
    assert [m.text for m in third.mentions] == texts[4:5] and not third.more
    _posts(path, texts[5:], start=5)
    fourth = posts.collect(third.cursor, NOW)
    assert [m.text for m in fourth.mentions] == texts[5:] and fourth.cursor["lines"] == 7


def test_a_cursor_from_before_offsets_skips_its_lines_once(tmp_path):
    path = tmp_path / "posts.jsonl"
    _posts(path, ["satu", "dua", "tiga"])
    posts = make_collector("file", "ekspor", base_dir=tmp_path, path="posts.jsonl")
    result = posts.collect({"lines": 2}, NOW)
    assert [m.text for m in result.mentions] == ["tiga"] and result.cursor["offset"] == path.stat().st_size


def test_a_file_replaced_by_a_shorter_one_is_read_from_the_start(tmp_path):
    path = tmp_path / "posts.jsonl"
    _posts(path, ["satu", "dua", "tiga"])
    posts = make_collector("file", "ekspor", base_dir=tmp_path, path="posts.jsonl")
    cursor = posts.collect({}, NOW).cursor
    path.write_text(json.dumps({"id": "baru", "text": "hari baru"}) + "\n", encoding="utf-8")
    assert [m.text for m in posts.collect(cursor, NOW).mentions] == ["hari baru"]
    # A cursor of lines only, from a longer file than this one, starts over too.
    assert [m.text for m in posts.collect({"lines": 9}, NOW).mentions] == ["hari baru"]


def test_missing_file_names_the_source(tmp_path):
    posts = make_collector("file", "ekspor", base_dir=tmp_path, path="hilang.jsonl")
    with pytest.raises(SourceError, match="sumber 'ekspor': tidak bisa membaca"):
        posts.collect({}, NOW)


def test_over_http(http_server):
    http_server.serve(
        "/posts.jsonl", Reply(200, (json.dumps({"id": "x", "text": "Jalan rusak parah"}) + "\n").encode())
    )
    posts = make_collector("file", "sosmed", url=http_server.url("/posts.jsonl"))
    assert [m.text for m in posts.collect({}, NOW).mentions] == ["Jalan rusak parah"]


def test_exactly_one_location_is_required():
    with pytest.raises(ValueError, match="tepat satu"):
        FileOptions()
