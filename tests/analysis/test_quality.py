"""Model quality: a report's numbers agree with each other and with what the model said."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.analysis.quality import Labelled, evaluate, shared_sets, team_posts
from monitor.classify.lexicon import LexiconClassifier

REPO = Path(__file__).resolve().parents[2]
POSTS = [
    Labelled("Makasih pemkot, pelayanan puskesmas cepet & ramah bgt 👍", "positive"),
    Labelled("Alhamdulillah jalan depan rumah udah diaspal, mantap", "positive"),
    Labelled("Pompa air mati, rumah kebanjiran, pemkot lambat banget ngurusnya 😡", "negative"),
    Labelled("Kecewa, bansos blm cair udah 3 bulan", "negative"),
    Labelled("Jadwal pendaftaran sekolah dibuka Senin depan di kantor dinas", "neutral"),
    Labelled("keren bgt pemkot, banjir tiap tahun tetep konsisten 👏", "negative"),  # sarcasm
]


@pytest.fixture(scope="module")
def report():
    return evaluate(LexiconClassifier(), POSTS, "uji")


def test_the_numbers_of_a_report_agree(report):
    matrix = report.confusion()
    assert report.size == len(POSTS) == sum(map(sum, matrix))
    assert report.accuracy == pytest.approx(sum(matrix[i][i] for i in range(3)) / len(POSTS))
    assert [sum(row) for row in matrix] == [3, 1, 2]  # negative, neutral, positive by their true label
    assert 0 < report.macro_f1 <= 1 and set(report.f1()) == {"negative", "neutral", "positive"}


def test_worst_errors_are_the_misses_most_confident_first(report):
    misses = report.worst()
    assert len(misses) == sum(g != p for g, p in zip(report.gold, report.predicted, strict=True))
    assert all(m.gold != m.predicted for m in misses)
    assert [m.confidence for m in misses] == sorted((m.confidence for m in misses), reverse=True)
    assert evaluate(LexiconClassifier(), POSTS[:2], "mudah").worst() == []


def test_sets_without_neutral_are_scored_positive_against_negative():
    binary = evaluate(LexiconClassifier(), [p for p in POSTS if p.label != "neutral"], "dua", binary=True)
    assert binary.labels == ("negative", "positive") and set(binary.predicted) <= {"negative", "positive"}
    assert len(binary.confusion()) == 2


def test_the_teams_own_posts_are_read_by_split():
    folder = REPO / "models" / "eval" / "social_id"
    test = team_posts(folder)
    assert len(test) == 339 and {p.label for p in test} == {"negative", "neutral", "positive"}
    assert len(team_posts(folder, split=None)) == 1800


def test_missing_shared_data_is_left_out(tmp_path):
    assert shared_sets(tmp_path) == {}
    data = REPO.parent / "shared" / "data"
    if not (data / "indonlu").is_dir():
        pytest.skip("../shared/data tidak ada di mesin ini")
    found = shared_sets(data)
    assert len(found["SmSA test"][0]) == 500 and found["IndoLEM test0"][1] is True
