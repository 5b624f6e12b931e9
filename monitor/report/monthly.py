"""The monthly evaluation report as files: one HTML page (charts inside, opens in any browser,
prints on A4) and a CSV per table for the annual report (*laporan tahunan*).

Every cell is formatted once, here, in the report's language (`Messages`), so the page and the
tables say the same thing; the figures come from monitor/evaluation/monthly.py.
"""

from __future__ import annotations

import base64
import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from monitor.digest import charts, templating
from monitor.evaluation.monthly import Figures, MonthlyReport, NetSentiment, Programme
from monitor.evaluation.pickup import ReleaseReport
from monitor.evaluation.responses import ResponseStatus, effect_line, percent
from monitor.i18n import Messages

# A release title or an incident's, cut for a table cell.
TITLE_CHARS = 110


@dataclass(frozen=True)
class Table:
    """A table of the report: its name (the CSV file's, in the report's language), headers,
    cells, and lines under some rows."""

    name: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    # Columns holding numbers (right-aligned on the page).
    numeric: frozenset[int] = frozenset()
    # Lines shown under a row on the page (a changed fact's two sentences); by row index.
    notes: dict[int, tuple[str, ...]] = field(default_factory=dict)
    empty: str = ""
    # The notes are warnings (a changed fact), shown in red.
    warn: bool = False


@dataclass(frozen=True)
class Card:
    label: str
    value: str
    detail: str = ""


@dataclass(frozen=True)
class RenderedReport:
    html: str
    tables: tuple[Table, ...]


def _duration(value: timedelta | None, say: Messages) -> str:
    return say.duration(value) if value is not None else "–"


def _signed(value: float, say: Messages) -> str:
    """'+0,12', '−0,05', '0,00': two decimals, the sign always shown unless it rounds to zero."""
    shown = round(value, 2)
    return ("+" if shown > 0 else "−" if shown < 0 else "") + say.number(abs(shown), places=2)


def _net(sentiment: NetSentiment, say: Messages) -> str:
    """'+0,12 (−0,05 s.d. +0,29)'."""
    if sentiment.value is None or sentiment.interval is None:
        return "–"
    low, high = sentiment.interval
    return say("report.net", value=_signed(sentiment.value, say), low=_signed(low, say), high=_signed(high, say))


def _change(value: float | None, say: Messages) -> str:
    if value is None:
        return "–"
    return ("+" if value > 0 else "−" if value < 0 else "") + f"{say.number(round(abs(value)))} %"


def _clip(text: str) -> str:
    return templating.clip(text, TITLE_CHARS)


def programme_table(report: MonthlyReport, say: Messages) -> Table:
    rows = []
    for p in (*report.programmes, report.overall):
        rows.append(
            (
                p.name or say("report.all"),
                say.number(p.figures.volume),
                _change(p.volume_change, say),
                f"{say.number(round(p.share))} %" if p.share is not None else "–",
                _net(p.figures.sentiment, say),
                say("report.of", n=say.number(p.carried), total=say.number(len(p.releases))),
                _duration(p.median_pickup, say),
                say("report.of", n=say.number(len(p.responded)), total=say.number(len(p.responses))),
                _duration(p.median_response, say),
                say.number(p.credited),
            )
        )
    columns = tuple(say(f"report.col.{c}") for c in ("programme", "volume", "change", "share", "net", "releases",
                                                      "pickup", "incidents", "response", "credited"))  # fmt: skip
    return Table(say("report.csv.summary"), say("report.programmes"), columns, tuple(rows), frozenset(range(1, 10)))


def trend_table(report: MonthlyReport, say: Messages) -> Table:
    columns = (say("report.col.programme"), *(m.label(say) for m in report.months))

    def cells(p: Programme) -> tuple[str, ...]:
        history: Sequence[Figures] = (*p.trend, p.figures)
        return (
            p.name or say("report.all"),
            *(
                # A month with mentions but none scored for sentiment keeps its volume.
                f"{say.number(f.volume)} · "
                + (_signed(f.sentiment.value, say) if f.sentiment.value is not None else "–")
                for f in history
            ),
        )

    rows = tuple(cells(p) for p in (*report.programmes, report.overall))
    return Table(say("report.csv.trend"), say("report.trend"), columns, rows, frozenset(range(1, len(columns))))


def release_table(releases: Sequence[ReleaseReport], say: Messages) -> Table:
    rows: list[tuple[str, ...]] = []
    notes: dict[int, tuple[str, ...]] = {}
    for i, r in enumerate(releases):
        s = r.sentiment
        rows.append(
            (
                say.time(r.published_at),
                _clip(" ".join(r.title.split())),
                say.number(len(r.outlets)),
                say.number(r.posts),
                _duration(r.first_pickup, say),
                say.number(r.reach),
                f"{say.number(s['positive'])} / {say.number(s['neutral'])} / {say.number(s['negative'])}",
                say.number(len(r.changed)),
            )
        )
        lines = []
        for pickup in r.changed:
            for change in pickup.changes:
                lines.append(
                    say(
                        "report.change",
                        outlet=pickup.outlet,
                        release=change.release.text,
                        report=change.report.text,
                        sentence=" ".join(change.report.sentence.split()),
                    )
                )
        if lines:
            notes[i] = tuple(lines)
    columns = tuple(say(f"report.col.{c}") for c in ("published", "release", "outlets", "posts", "first",
                                                      "reach", "sentiment", "changed"))  # fmt: skip
    return Table(
        say("report.csv.releases"),
        say("report.releases"),
        columns,
        tuple(rows),
        frozenset({2, 3, 5, 7}),
        notes,
        say("report.no_releases"),
        warn=True,
    )


def verdict(status: ResponseStatus, say: Messages) -> str:
    if status.first is None:
        return say("report.verdict.none")
    if status.effect is None:
        return say("report.verdict.pending")
    return say(f"report.verdict.{status.effect.verdict}")


def response_table(responses: Sequence[ResponseStatus], say: Messages) -> Table:
    rows: list[tuple[str, ...]] = []
    notes: dict[int, tuple[str, ...]] = {}
    for i, status in enumerate(responses):
        effect = status.effect
        j = effect.judgement if effect else None
        rows.append(
            (
                _clip(status.incident.title),
                say.time(status.incident.opened_at),
                _duration(status.delay, say)
                if status.delay is None or status.delay >= timedelta(0)
                else "−" + say.duration(-status.delay),
                f"{percent(j.before_share, say)} % → {percent(j.after_share, say)} %" if j else "–",
                f"{percent(j.expected_share, say)} %" if j else "–",
                verdict(status, say),
            )
        )
        if effect is not None:
            notes[i] = (effect_line(effect, say),)
    columns = tuple(say(f"report.col.{c}") for c in ("incident", "opened", "delay", "negative", "expected", "verdict"))
    return Table(
        say("report.csv.responses"),
        say("report.responses"),
        columns,
        tuple(rows),
        frozenset({2, 3, 4}),
        notes,
        say("report.no_incidents"),
    )


def net_card(sentiment: NetSentiment, say: Messages) -> Card:
    """The value large, its interval and what it means under it."""
    if sentiment.value is None or sentiment.interval is None:
        return Card(say("report.card.net"), "–", say("report.card.net_meaning"))
    low, high = sentiment.interval
    detail = say("report.card.net_detail", low=_signed(low, say), high=_signed(high, say))
    return Card(say("report.card.net"), _signed(sentiment.value, say), detail)


def cards(report: MonthlyReport, say: Messages) -> list[Card]:
    overall = report.overall
    return [
        Card(
            say("report.card.volume"),
            say.number(overall.figures.volume),
            say("report.card.change", change=_change(overall.volume_change, say)),
        ),
        net_card(overall.figures.sentiment, say),
        Card(
            say("report.card.releases"),
            say("report.of", n=say.number(overall.carried), total=say.number(len(overall.releases))),
            say(
                "report.card.releases_detail",
                pickup=_duration(overall.median_pickup, say),
                changed=say.number(overall.changed),
            ),
        ),
        Card(
            say("report.card.responses"),
            say("report.of", n=say.number(len(overall.responded)), total=say.number(len(overall.responses))),
            say(
                "report.card.responses_detail",
                delay=_duration(overall.median_response, say),
                credited=say.number(overall.credited),
            ),
        ),
    ]


def sentiment_chart(report: MonthlyReport, say: Messages) -> str:
    """The overall public mentions per month by sentiment, as a data: URL."""
    history = (*report.overall.trend, report.overall.figures)
    series = [
        (say(f"sentiment.{key}"), charts.COLOURS[key], [getattr(f.sentiment, key) for f in history])
        for key in ("negative", "neutral", "positive")
    ]
    png = charts.stacked_bars([m.label(say) for m in report.months], series)
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def render(report: MonthlyReport, say: Messages, *, scope: str = "") -> RenderedReport:
    tables = (
        programme_table(report, say),
        trend_table(report, say),
        release_table(report.releases, say),
        response_table(report.responses, say),
    )
    title = say("report.title", month=report.month.label(say))
    html = (
        templating.environment("monitor.report")
        .get_template("monthly.html.j2")
        .render(
            language=say.language,
            title=title,
            meta=say("report.meta", scope=scope or say("report.scope_all"), generated=say.time(report.generated_at)),
            cards=cards(report, say),
            chart=sentiment_chart(report, say),
            chart_title=say("report.chart"),
            chart_alt=say("report.chart_alt"),
            tables=tables,
            method=[say("report.method.net"), say("report.method.pickup"), say("report.method.response")],
            method_title=say("report.method.title"),
        )
    )
    return RenderedReport(html, tables)


def write(rendered: RenderedReport, folder: Path, stem: str) -> list[Path]:
    """`<stem>.html` and `<stem>-<table>.csv` in `folder`; returns the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    page = folder / f"{stem}.html"
    page.write_text(rendered.html, encoding="utf-8")
    written = [page]
    for table in rendered.tables:
        path = folder / f"{stem}-{table.name}.csv"
        # UTF-8 with a byte-order mark: Excel reads the accents and the arrows right.
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            out = csv.writer(handle)
            out.writerow(table.columns)
            out.writerows(table.rows)
        written.append(path)
    return written
