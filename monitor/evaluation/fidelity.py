"""Message fidelity: did a report keep the release's key facts, or change one?

A report's fact *changes* a release's fact when it is of the same kind, says something else, and
stands where the release's fact stood: it shares the words around it (or what it counts) with
that fact, and the report nowhere gives the release's own value. So a report that adds a number
of its own ("tahun lalu Rp200 ribu") beside the release's is not flagged, one that writes "Rp3
juta" where the release said "Rp300 ribu" is, with both sentences. Names are compared for
misspellings only (the same title, a name that is almost but not quite the release's): another
official quoted is not a changed fact.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from monitor.evaluation.facts import Fact, FactKind

# How strongly a report's fact must be tied to a release fact to count as the same fact: shared
# context words, and two more when both count the same thing ("keluarga").
MIN_TIE = 2
SAME_UNIT_TIE = 2
# Names this alike (0-1) and not equal are a misspelling ("Wahyuni" / "Wahyudi").
NAME_LIKENESS = 0.8


@dataclass(frozen=True)
class Change:
    """A release fact a report gave differently: both as written, each in its sentence."""

    kind: FactKind
    release: Fact
    report: Fact


def _tie(fact: Fact, other: Fact) -> int:
    unit = SAME_UNIT_TIE if fact.unit and fact.unit == other.unit and fact.kind == "count" else 0
    return len(fact.context & other.context) + unit


def _same_name(a: Fact, b: Fact) -> bool:
    """One name, written in full or shortened ("Tri Wahyuni" for "Tri Wahyuni Saputri")."""
    first, second = set(str(a.value).split()), set(str(b.value).split())
    return first <= second or second <= first


def _misspelt(release: Fact, report: Fact) -> bool:
    if release.unit != report.unit or _same_name(release, report):
        return False
    return SequenceMatcher(None, str(release.value), str(report.value)).ratio() >= NAME_LIKENESS


def changes(release: Sequence[Fact], report: Sequence[Fact], *, tolerance: float = 0.05) -> list[Change]:
    """The release facts `report` changed, in the report's order, each pair of values once (a
    title and a text that repeat the change are one change)."""
    found: dict[tuple[str, str, str], Change] = {}
    for fact in report:
        same_kind = [g for g in release if g.kind == fact.kind]
        if fact.kind == "name":
            if any(_same_name(g, fact) for g in same_kind):
                continue
            wrong = [g for g in same_kind if _misspelt(g, fact)]
            if wrong and not any(_same_name(g, h) for g in wrong for h in report if h.kind == "name"):
                found.setdefault(("name", str(wrong[0].value), str(fact.value)), Change("name", wrong[0], fact))
            continue
        if not same_kind or any(fact.same_value(g, tolerance) for g in same_kind):
            continue
        best = max(same_kind, key=lambda g: _tie(fact, g))
        if _tie(fact, best) < MIN_TIE:
            continue  # a number of the report's own, about something else
        if any(best.same_value(h, tolerance) for h in report):
            continue  # the release's value is there too: this one is another fact
        found.setdefault((fact.kind, str(best.value), str(fact.value)), Change(fact.kind, best, fact))
    return list(found.values())
