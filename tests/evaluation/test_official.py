"""The agency's own voice: official sources and accounts are stored with their role, left out of
rules that watch the public unless a rule asks for them, and count as clarifications."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import T0

from monitor.alerters.types.log import LogAlerter
from monitor.app import load_config
from monitor.clock import SimulatedClock
from monitor.config import ClarificationConfig
from monitor.enrich.roles import OfficialVoices
from monitor.errors import ConfigError
from monitor.i18n import Messages
from monitor.incidents.book import IncidentBook
from monitor.pipeline import build_pipeline
from monitor.records import OFFICIAL, Mention
from monitor.rules.clarify import Clarifier
from monitor.store.base import MentionFilter
from tests.evaluation.world import item

CONFIG = """
[agency]
names = ["Kementerian Sosial"]
accounts = ["@Kemensos_RI", "jubir_kemensos"]

[[sources]]
name = "rilis-kemensos"
type = "file"
path = "rilis.jsonl"
role = "official"

[[sources]]
name = "sosmed"
type = "file"
channel = "social"
path = "sosmed.jsonl"

[watchlists]
bansos = ["bansos", "bantuan sosial", "bantuan pangan"]

[alerters.log]
type = "log"
"""

RULES = {
    # The public only (the default): the ministry's own posts do not make a wave of talk.
    "ramai": 'type = "threshold"\nwatchlists = ["bansos"]\nthreshold = 3\n',
    "semua": 'type = "threshold"\nwatchlists = ["bansos"]\nthreshold = 3\nofficial = "include"\n',
    "resmi": 'type = "threshold"\nwatchlists = ["bansos"]\nthreshold = 2\nofficial = "only"\n',
}


def _lines(posts: list[dict[str, object]]) -> str:
    return "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in posts)


def test_official_sources_and_accounts_are_stored_as_official_and_left_out_of_public_rules(
    tmp_path: Path, write_config
):
    (tmp_path / "rilis.jsonl").write_text(
        _lines(
            [
                {
                    "id": "r1",
                    "title": "Kemensos salurkan bantuan pangan tambahan",
                    "text": "Bantuan pangan Rp300 ribu per keluarga mulai 1 Desember.",
                    "published_at": (T0 + timedelta(minutes=1)).isoformat(),
                }
            ]
        ),
        encoding="utf-8",
    )
    posts = [
        # The ministry's account, found by a search: official by its handle (case and @ aside).
        ("s1", "KEMENSOS_RI", "Bantuan pangan cair 1 Desember, cek di aplikasi Cek Bansos ya"),
        ("s2", "ibu_rina", "alhamdulillah bansos pangan cair bulan depan 🙏"),
        ("s3", "bang_oji", "bansos pangan 300rb mana cukup min 😤"),
    ]
    (tmp_path / "sosmed.jsonl").write_text(
        _lines(
            [
                {"id": key, "author": author, "text": text, "published_at": (T0 + timedelta(minutes=i + 2)).isoformat()}
                for i, (key, author, text) in enumerate(posts)
            ]
        ),
        encoding="utf-8",
    )
    config = load_config(write_config(CONFIG, rules=RULES))
    assert config.official_sources == ("rilis-kemensos",)
    assert config.agency.accounts == ("kemensos_ri", "jubir_kemensos")
    clock = SimulatedClock(T0 + timedelta(minutes=10))
    pipeline = build_pipeline(
        config, clock=clock, alerters={"log": LogAlerter("log", Messages(), stream=io.StringIO())}
    )
    try:
        report = pipeline.cycle()
        assert report.ok, report
        store = pipeline.store
        official = {hit.mention.mention.text[:20] for hit in store.search(MentionFilter(roles=(OFFICIAL,)))}
        assert official == {"Bantuan pangan Rp300", "Bantuan pangan cair "}
        assert store.count(MentionFilter(exclude_roles=(OFFICIAL,))) == 2
        opened = {row.incident.rule: row.incident.count for row in IncidentBook(pipeline.state).rows()}
        # Two public posts: "ramai" stays quiet; with the ministry's two it is four; two official.
        assert opened == {"semua": 4, "resmi": 2}
    finally:
        pipeline.close()


def test_a_source_in_also_seen_in_makes_a_mention_official():
    voices = OfficialVoices.of(["rilis-kemensos"], ["@Jubir_Kemensos"])
    base = item("Bantuan pangan tambahan", at=T0, source="google-news").mention
    assert voices.role(base) is None
    assert voices.mark(base) is base
    carried = Mention(**{**base.__dict__, "also_seen_in": ("rilis-kemensos",)})
    assert voices.mark(carried).role == OFFICIAL
    spokesperson = Mention(**{**base.__dict__, "author": "@JUBIR_KEMENSOS"})
    assert voices.mark(spokesperson).official


@pytest.mark.parametrize(
    ("body", "key", "words"),
    [
        ('[[sources]]\nname = "pers"\ntype = "file"\npath = "x.jsonl"\nrole = "pers"\n', "sources[0].role", "official"),
        ('[agency]\naccounts = ["kemensos ri"]\n', "agency.accounts", "bukan nama akun"),
        ("[evaluation]\nmin_drop = 1.5\n", "evaluation.min_drop", "less than 1"),
    ],
)
def test_roles_and_evaluation_settings_are_checked(write_config, body: str, key: str, words: str):
    with pytest.raises(ConfigError) as caught:
        load_config(write_config(body))
    [problem] = caught.value.problems
    assert problem.key == key and words in problem.message


def test_a_rule_option_official_takes_only_known_choices(write_config):
    with pytest.raises(ConfigError) as caught:
        load_config(write_config("", rules={"x": 'type = "threshold"\nofficial = "kadang"\n'}))
    assert caught.value.problems[0].key == "official"


def test_the_agencys_own_post_counts_as_a_clarification():
    clarifier = Clarifier(store=None, config=ClarificationConfig(), say=Messages())  # type: ignore[arg-type]
    own = item(
        "[KLARIFIKASI] Bantuan pangan tidak dipungut biaya", at=T0, source="ig-kemensos", url=None, role=OFFICIAL
    )
    stranger = item("[KLARIFIKASI] Bantuan pangan tidak dipungut biaya", at=T0, source="ig-warga", url=None)
    assert clarifier.outlet(own) == "ig-kemensos"
    assert clarifier.outlet(stranger) is None
