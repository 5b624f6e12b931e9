"""Charts: local time on the axis, sentiments in their own words and colours, counts in the cells."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pytest

from monitor.analysis.charts import SENTIMENT_COLORS, plot_confusion, plot_sentiment, plot_volume
from monitor.analysis.quality import Labelled, QualityReport, save_labelled, team_posts
from monitor.i18n import Messages

T = datetime(2026, 11, 19, 22, tzinfo=UTC)  # 05:00 WIB on 20 November
HOURS = [(T + timedelta(hours=h), n) for h, n in enumerate([1, 3, 0, 2])]


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_sentiments_stack_in_their_words_and_colours_on_a_local_axis():
    fig, ax = plt.subplots()
    series = {"positive": HOURS, "negative": [(at, 1) for at, _ in HOURS]}
    plot_sentiment(ax, series, Messages(), title="Sentimen")
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert legend == ["negatif", "positif"]  # negative first, always
    assert ax.get_xlabel() == "Waktu (WIB)"
    tops = [patch.get_y() + patch.get_height() for patch in ax.patches]
    assert max(tops) == 4  # 1 negative + 3 positive in the second hour
    assert ax.patches[0].get_facecolor()[:3] == pytest.approx(matplotlib.colors.to_rgb(SENTIMENT_COLORS["negative"]))
    fig.canvas.draw()
    first = mdates.num2date(ax.patches[0].get_x(), tz=Messages().zone)
    assert (first.hour, first.day) == (5, 20)


def test_english_and_another_zone():
    _fig, ax = plt.subplots()
    plot_volume(ax, HOURS, Messages("en", "Asia/Makassar"), title="Volume")
    assert ax.get_xlabel() == "Time (WITA)" and ax.get_ylabel() == "Mentions"


def test_the_confusion_matrix_shows_its_counts():
    report = QualityReport(
        "uji",
        ("negative", "neutral", "positive"),
        ("a", "b", "c", "d"),
        ("negative", "negative", "neutral", "positive"),
        ("negative", "neutral", "neutral", "positive"),
        (0.9, 0.6, 0.8, 0.7),
    )
    _fig, ax = plt.subplots()
    plot_confusion(ax, report, Messages())
    assert [t.get_text() for t in ax.texts] == ["1", "1", "0", "0", "1", "0", "0", "0", "1"]
    assert ax.get_ylabel() == "Label benar" and "macro-F1" in ax.get_title()


def test_corrections_saved_in_the_teams_format_read_back(tmp_path):
    rows = [Labelled("pompa mati lg 😡", "negative"), Labelled("info posko di SDN 3", "neutral")]
    path = save_labelled(tmp_path / "koreksi.jsonl", rows)
    assert team_posts(path) == rows
