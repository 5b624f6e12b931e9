"""The watchlist query language: parsing, precedence, matching on normalized Indonesian text."""

from __future__ import annotations

import dataclasses
import re
import tomllib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from monitor.enrich.query import (
    MatchDocument,
    Watchlists,
    compile_watchlists,
    keywords_query,
    parse_query,
    query_matches,
)
from monitor.errors import QueryError
from monitor.records import Mention
from monitor.text.normalize import normalize_for_match


def doc(text: str, **fields: str) -> MatchDocument:
    return MatchDocument.build(text, **fields)


def matches(query: str, text: str, **fields: str) -> bool:
    return query_matches(parse_query(query), doc(text, **fields))


def mention(
    text: str, *, title: str = "", author: str | None = None, source: str = "x-bdg", channel: str = "x"
) -> Mention:
    now = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
    return Mention(
        id=str(abs(hash(text))),
        source=source,
        channel=channel,
        url=None,
        title=title,
        text=text,
        published_at=now,
        collected_at=now,
        author=author,
    )


# --- parsing and precedence ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "tree"),
    [
        ("banjir genangan", "(banjir AND genangan)"),
        ("banjir AND genangan OR longsor", "((banjir AND genangan) OR longsor)"),
        ("banjir OR genangan longsor", "(banjir OR (genangan AND longsor))"),
        ("banjir NOT hoaks", "(banjir AND NOT hoaks)"),
        ("NOT hoaks banjir", "(NOT hoaks AND banjir)"),
        ("NOT banjir NEAR/3 camat warga", "(NOT (banjir NEAR/3 camat) AND warga)"),
        ("banjir NEAR/2 surut NEAR/5f warga", "((banjir NEAR/2 surut) NEAR/5f warga)"),
        ("((banjir OR (genangan AND air)) AND warga)", "((banjir OR (genangan AND air)) AND warga)"),
        ("banjir DAN genangan ATAU longsor BUKAN hoaks", "((banjir AND genangan) OR (longsor AND NOT hoaks))"),
        ("title:(banjir OR longsor) korup*", "((title:banjir OR title:longsor) AND korup*)"),
        (
            "judul:banjir penulis:budi sumber:detik kanal:x isi:air",
            "(title:banjir AND author:budi AND source:detik AND channel:x AND text:air)",
        ),
        ("TITLE:banjir", "title:banjir"),
        ("(banjir OR longsor) OR (gempa tsunami) warga", "(banjir OR longsor OR (gempa AND tsunami AND warga))"),
    ],
)
def test_precedence_not_near_and_or(query: str, tree: str) -> None:
    assert str(parse_query(query)) == tree


def test_lower_case_operator_words_are_ordinary_words() -> None:
    # "banjir dan longsor" is what people write; it must not turn into an operator.
    assert str(parse_query("banjir dan longsor or not")) == "(banjir AND dan AND longsor AND or AND not)"
    assert str(parse_query("NEARBY near/5")) == '(nearby AND "near 5")'


def test_terms_are_normalized_like_documents() -> None:
    # Accent folded, slang expanded; the slang word itself stays for hashtags like "#pemkot".
    assert str(parse_query("Pémkot")) == '("pemerintah kota" OR pemkot)'
    assert str(parse_query("B4NJ1R")) == "banjir"  # alay digits
    assert str(parse_query("parahhhh")) == "parah"  # repeated letters
    assert str(parse_query("#B4nj1r @PemkotBDG")) == "(#banjir AND @pemkotbdg)"
    assert str(parse_query("\u201cdinas PU\u201d")) == '"dinas pu"'  # curly quotes from a document


def test_wildcard_prefix_is_not_slang_mapped() -> None:
    # "org" is slang for "orang", but "org*" means organisasi, organik...
    assert str(parse_query("org*")) == "org*"
    assert matches("org*", "Organisasi warga protes")
    assert not matches("org*", "banyak org nungguin bansos")


def test_every_example_in_the_documentation_parses() -> None:
    page = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    examples = re.search(r"### Examples\n\n```text\n(.*?)```", page, re.DOTALL)
    assert examples is not None
    lines = examples.group(1).strip().splitlines()
    assert len(lines) >= 5
    for line in lines:
        parse_query(line)
    for toml_value in re.findall(r"^\w+ = '(.*)'$", page, re.MULTILINE):
        parse_query(toml_value)


def test_query_is_frozen() -> None:
    query = parse_query("banjir")
    with pytest.raises(dataclasses.FrozenInstanceError):
        query.text = "longsor"  # type: ignore[misc]


# --- matching ------------------------------------------------------------------------------

POST = "Wargaa ngeluh b4nj1rrr di Kec. Cibiru gak surut2 dr kmrn, @PemkotBDG kmn aja?? 😭😭 #BanjirBandung"


def test_boolean_operators() -> None:
    assert matches("banjir AND cibiru", POST)
    assert not matches("banjir AND longsor", POST)
    assert matches("longsor OR banjir", POST)
    assert not matches("longsor OR gempa", POST)
    assert matches("banjir NOT hoaks", POST)
    assert not matches("banjir NOT cibiru", POST)
    assert matches("banjir BUKAN hoaks", POST)
    assert matches("banjir cibiru", POST)  # implicit AND
    assert not matches("banjir gempa", POST)


def test_issue_example_with_nested_groups() -> None:
    query = '("banjir" OR genangan) AND (pemkot OR "dinas PU") NOT hoaks'
    assert matches(query, "Genangan setinggi lutut, Dinas PU blm turun tangan")
    assert matches(query, "Banjir lagi, Pemkot kemana??")
    assert not matches(query, "Banjir lagi, Pemkot kemana?? ternyata hoaks, foto lama")
    assert not matches(query, "Genangan di depan pasar, warga kerja bakti")


def test_slang_and_alay_spellings_match_the_standard_word() -> None:
    assert matches("tidak surut", POST)  # "gak surut2"
    assert matches("banjir", "B4NJ1RRR lg di prumahan kami")
    assert matches('"tidak ada"', "nggak ada petugas sama sekali")
    assert matches("gak", "Bantuan tidak sampai")  # slang in the query too
    assert matches('"pemerintah kota"', "pemkot lamban bgt")
    assert matches("pemkot", "Pemerintah Kota Bandung menggelar rapat")


def test_javanese_and_english_mixed_posts() -> None:
    assert matches("tidak NEAR/2 surut", "banyune ora surut-surut, piye iki pak wali")
    assert matches('"bagaimana" AND banjir', "Piye iki banjir meneh")
    assert matches("kabar banjir", "any update soal banjir di Dayeuhkolot?")


def test_case_and_accents_do_not_matter() -> None:
    assert matches("kafe", "Kafé di Braga kebanjiran")
    assert matches("BANJIR", "banjir")
    assert matches("Ciliwung", "CILIWUNG meluap")


def test_emoji_next_to_words_does_not_hide_them() -> None:
    assert matches("banjir", "banjir😭😭😭 lagi")
    assert matches('"banjir lagi"', "banjir 🌧️🌧️ lagi")  # emoji are not words; the phrase stays adjacent


def test_hashtags() -> None:
    assert matches("#banjirbandung", POST)
    assert matches("banjirbandung", POST)  # a plain word also finds the hashtag
    assert not matches("#banjir", "banjir di cibiru")  # a hashtag only finds the hashtag
    assert matches("#banjir*", POST)
    assert matches("#b4nj1r", "#banjir lagi")


def test_slang_words_still_find_hashtags_that_keep_the_slang() -> None:
    assert matches("bansos", "kapan cair nih #bansos")
    assert matches("bansos", "bantuan sosial belum cair")
    assert compile_watchlists({"dinkes": ["dinkes"]}).match(mention("antre vaksin lama #dinkes")) == ("dinkes",)
    assert matches("bansos NEAR/2 cair", "#bansos kapan cair")


def test_mentions() -> None:
    assert matches("@pemkotbdg", POST)
    assert not matches("@dinkesbdg", "dinkesbdg harus turun")
    assert matches("@dinkesbdg", "lapor @DinkesBdg")


def test_trailing_wildcard() -> None:
    assert matches("korup*", "Pejabat dinas terseret KORUPSI dana bansos")
    assert matches("korup*", "koruptor harus dihukum")
    assert not matches("korup*", "korban banjir belum dapat bantuan")
    assert matches('"dana bansos dikorup*"', "katanya dana bansos dikorupsi oknum")


def test_reduplication_and_hyphenated_words() -> None:
    assert matches("anak", "anak2 sekolah gak bisa berangkat")
    assert matches("anak-anak", "anak2 sekolah gak bisa berangkat")
    assert matches('"rumah warga"', "rumah-rumah warga terendam")


def test_phrases_need_adjacent_words() -> None:
    assert matches('"banjir bandang"', "Banjir bandang landa Garut")
    assert not matches('"banjir bandang"', "Banjir dan longsor bandang")
    assert not matches('"bandang banjir"', "Banjir bandang landa Garut")


def test_near_counts_words_between_either_way() -> None:
    text = "banjir setinggi dada rendam kantor pemkot"  # four words between banjir and pemerintah kota
    assert matches("banjir NEAR/4 pemkot", text)
    assert not matches("banjir NEAR/3 pemkot", text)
    assert matches("pemkot NEAR/4 banjir", text)
    assert matches("banjir NEAR/4f pemkot", text)
    assert not matches("pemkot NEAR/4f banjir", text)
    assert matches("banjir NEAR/0 setinggi", text)


def test_near_between_phrases_groups_and_wildcards() -> None:
    text = "Kepala Dinas PU diperiksa KPK soal dugaan korupsi proyek drainase"
    assert matches('"dinas pu" NEAR/5 "dugaan korupsi"', text)
    assert not matches('"dinas pu" NEAR/2 "dugaan korupsi"', text)
    assert matches("(kpk OR kejaksaan) NEAR/3 korup*", text)
    assert not matches("(polisi OR kejaksaan) NEAR/3 korup*", text)


def test_near_needs_two_occurrences_of_the_same_word() -> None:
    assert not matches("banjir NEAR/3 banjir", "banjir di cibiru")
    assert matches("banjir NEAR/3 banjir", "banjir lagi banjir lagi")


def test_field_scopes() -> None:
    fields = {
        "title": "Pemkot Bandung Tanggapi Keluhan Banjir",
        "author": "Redaksi Pikiran Rakyat",
        "source": "pikiranrakyat-rss",
        "channel": "news",
    }
    text = "Wali kota meminta warga bersabar, pompa air dikerahkan."
    assert matches("title:banjir", text, **fields)
    assert not matches("text:banjir", text, **fields)
    assert matches("text:pompa", text, **fields)
    assert not matches("title:pompa", text, **fields)
    assert matches("banjir AND pompa", text, **fields)  # unscoped: title or text, AND across both
    assert matches('author:"pikiran rakyat"', text, **fields)
    assert matches("source:pikiran*", text, **fields)
    assert matches("source:pikiranrakyat", text, **fields)  # hyphenated names are found by their parts
    assert matches("channel:news", text, **fields)
    assert not matches("channel:x", text, **fields)
    assert matches("title:(longsor OR banjir)", text, **fields)
    assert matches("title:(pemkot NEAR/3 banjir)", text, **fields)


def test_phrase_and_near_do_not_cross_from_title_into_text() -> None:
    title, text = "Warga protes banjir", "Bandang di Garut"
    assert not matches('"banjir bandang"', text, title=title)
    assert not matches("banjir NEAR/5 bandang", text, title=title)
    assert matches("banjir bandang", text, title=title)


def test_author_handle_is_found_with_or_without_at_sign() -> None:
    assert matches("author:budi_s", "banjir lagi", author="@Budi_S")
    assert matches("author:@budi_s", "banjir lagi", author="@Budi_S")


# --- errors --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "position", "message"),
    [
        ("", 0, "kueri kosong"),
        ("   ", 0, "kueri kosong"),
        ("banjir OR", 9, "berakhir sebelum selesai"),
        ("OR banjir", 0, "ditemukan 'OR'"),
        ("banjir AND AND pemkot", 11, "ditemukan 'AND'"),
        ("(banjir OR genangan", 0, "kurung '(' tidak ditutup"),
        ("banjir (genangan OR (air AND pemkot)", 7, "kurung '(' tidak ditutup"),
        ("banjir) pemkot", 6, "tanpa pasangan"),
        ("banjir ()", 7, "kurung kosong"),
        ('banjir "dinas pu', 7, "tanda kutip tidak ditutup"),
        ('banjir "  "', 7, "frasa kosong"),
        ("NOT hoaks", 0, "cocok dengan semua"),
        ("banjir OR NOT hoaks", 0, "cocok dengan semua"),
        ("url:detik", 0, "kolom 'url:' tidak dikenal"),
        ("banjir title:", 13, "harus diikuti"),
        ("title:(author:budi)", 7, "kolom di dalam kolom"),
        ("ko*", 0, "paling sedikit 3 huruf"),
        ("banjir kor*si", 10, "hanya boleh di akhir"),
        ("title:kor*si", 9, "hanya boleh di akhir"),
        ('"dana k*rup"', 7, "hanya boleh di akhir"),
        ("banjir NEAR pemkot", 7, "NEAR/5"),
        ("banjir NEAR/x pemkot", 7, "NEAR/5"),
        ("banjir NEAR/500 pemkot", 7, "paling banyak 100"),
        ("banjir NEAR/3", 13, "berakhir sebelum selesai"),
        ("(banjir AND air) NEAR/3 pemkot", 0, "NEAR hanya bisa"),
        ("banjir NEAR/3 (air NOT hoaks)", 14, "NEAR hanya bisa"),
        ("title:banjir NEAR/3 pemkot", 13, "kolom yang sama"),
        ("banjir 😭", 7, "tidak berisi huruf"),
    ],
)
def test_parse_errors_point_at_the_problem(query: str, position: int, message: str) -> None:
    with pytest.raises(QueryError) as caught:
        parse_query(query)
    assert caught.value.position == position
    assert caught.value.query == query
    assert message in str(caught.value)


def test_error_message_shows_a_pointer_under_the_query() -> None:
    with pytest.raises(QueryError) as caught:
        parse_query("banjir kor*si")
    assert str(caught.value).endswith("  banjir kor*si\n            ^")


# --- watchlists ----------------------------------------------------------------------------


def test_watchlists_tag_mentions_in_config_order() -> None:
    watchlists = compile_watchlists(
        {
            "banjir": '(banjir OR genangan) AND (pemkot OR "dinas PU") NOT hoaks',
            "korupsi": ["korupsi", "suap", "pungli"],
            "walikota": 'author:@walikotabdg OR "wali kota"',
        }
    )
    assert isinstance(watchlists, Watchlists)
    assert watchlists.names == ("banjir", "korupsi", "walikota")
    assert watchlists.match(mention("Banjir lagi, pemkot ngapain aja? ada pungli pula")) == ("banjir", "korupsi")
    assert watchlists.match(mention("Kerja bakti bersihin selokan", author="@WalikotaBdg")) == ("walikota",)
    assert watchlists.match(mention("Cuaca cerah hari ini")) == ()


def test_watchlists_from_toml_with_multiline_queries() -> None:
    config = tomllib.loads(
        """
[watchlists]
banjir = '''
  ("banjir" OR genangan OR "air naik")
  AND (pemkot OR "dinas PU" OR camat)
  NOT hoaks
'''
layanan = ["puskesmas", "antrean panjang", "bpjs"]
"""
    )
    watchlists = compile_watchlists(config["watchlists"])
    post = mention("Antrean panjang bgt di puskesmas, air naik sampe teras, camat kmn?")
    assert watchlists.match(post) == ("banjir", "layanan")


def test_watchlist_fields_come_from_the_mention() -> None:
    watchlists = compile_watchlists({"detik": "source:detik* title:banjir", "x": "channel:x banjir"})
    news = mention("Air mulai surut.", title="Banjir Rendam Cibiru", source="detik-rss", channel="news")
    assert watchlists.match(news) == ("detik",)
    assert watchlists.match(MatchDocument.from_mention(news)) == ("detik",)


def test_document_from_already_normalized_text_is_the_same_document() -> None:
    title, text = "Pemkot Bdg Tanggapi #B4nj1r", "Warga ngeluh gak ada petugas, anak2 ngungsi 😭"
    built = MatchDocument.build(text, title=title, author="@Budi_S", source="x-bdg", channel="x")
    reused = MatchDocument.from_normalized(
        normalize_for_match(text), title=normalize_for_match(title), author="@Budi_S", source="x-bdg", channel="x"
    )
    assert reused == built
    assert query_matches(parse_query('title:"pemkot bdg" AND tidak'), reused)


def test_keyword_lists_are_literal_phrases() -> None:
    query = keywords_query(["dinas PU", "korup*", "banjir OR longsor"])
    assert str(query) == '("dinas pu" OR korup OR "banjir or longsor")'
    assert query_matches(query, doc("Dinas PU diam saja"))
    assert not query_matches(query, doc("korupsi lagi"))  # no wildcard in the old keyword form
    assert not query_matches(query, doc("dinas kesehatan dan PU"))
    assert not query_matches(query, doc("banjir"))


def test_watchlist_errors_name_the_watchlist() -> None:
    with pytest.raises(QueryError) as caught:
        compile_watchlists({"ok": "banjir", "rusak": "banjir AND (pemkot"})
    assert caught.value.position == 11
    assert str(caught.value).startswith("watchlist 'rusak': kurung '(' tidak ditutup")
    with pytest.raises(QueryError, match="watchlist 'kosong': daftar kata kunci kosong"):
        compile_watchlists({"kosong": []})
    with pytest.raises(QueryError, match="watchlist 'emoji': kata kunci '🔥' tidak berisi"):
        compile_watchlists({"emoji": ["banjir", "🔥"]})


def test_watchlist_prefilter_agrees_with_evaluating_every_query() -> None:
    # Watchlists skips queries none of whose required words occur; it must never skip a match.
    queries = {
        "kata": "banjir",
        "frasa": '"dinas pu"',
        "atau": "longsor OR (gempa AND warga)",
        "dan_bukan": "macet NOT hoaks",
        "wildcard": "korup* OR pungl*",  # no exact word: evaluated on every document
        "near": "pemkot NEAR/3 lamban",
        "penulis": "author:@budi_s sampah",
        "sumber": "source:detik* OR channel:x",
        "tagar": "#banjirbandung",
        "bukan_saja": "warga NOT (banjir OR macet)",
    }
    watchlists = compile_watchlists(queries)
    parsed = {name: parse_query(text) for name, text in queries.items()}
    posts = [
        ("Banjir lg di cibiru, pemkot lamban bgt", "@budi_s", "x-bdg", "x"),
        ("Dinas PU diem aja, jalan rusak parah", None, "kompas-rss", "news"),
        ("Gempa kecil kerasa, warga panik", "@ani", "detik-rss", "news"),
        ("Ada pungli di pasar baru, lapor kemana?", "@ani", "kompas-rss", "news"),
        ("sampah numpuk #BanjirBandung", "@Budi_S", "kompas-rss", "news"),
        ("Warga kerja bakti, macet dikit, hoaks soal banjir", None, "kompas-rss", "news"),
        ("Cuaca cerah 🌞", None, "kompas-rss", "news"),
    ]
    for text, author, source, channel in posts:
        document = MatchDocument.build(text, author=author, source=source, channel=channel)
        expected = tuple(name for name, query in parsed.items() if query_matches(query, document))
        assert watchlists.match(document) == expected
    tagged = [watchlists.match(MatchDocument.build(text, author=a, source=s, channel=c)) for text, a, s, c in posts]
    assert all(tagged[:-1]) and tagged[-1] == ()
