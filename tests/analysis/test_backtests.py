"""A rule's thresholds over history: each value backtested through the real engine."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from timeline import Timeline, at, enriched, rule

from monitor.analysis.backtests import sweep, with_option

RULE = rule(name="keluhan", type="threshold", threshold=3, window="1h", sentiment=["negative"], resolve_after="1h")


@pytest.mark.slow
def test_higher_thresholds_raise_fewer_incidents(tmp_path):
    tl = Timeline(tmp_path, [RULE])
    try:
        # A small grumble in the morning, a real burst at noon.
        tl.add(
            *[enriched(f"antre bansos lama #{i}", minutes=i, sentiment="negative", author=f"a{i}") for i in range(3)]
        )
        tl.add(
            *[
                enriched(f"bansos gk cair2, kecewa bgt #{i}", minutes=240 + i, sentiment="negative", author=f"b{i}")
                for i in range(8)
            ]
        )
        points = sweep(tl.config, "keluhan", tl.store, at(-30), at(420), key="threshold", values=[2, 3, 6, 20])
        assert [(p.value, p.incidents) for p in points] == [(2, 2), (3, 2), (6, 1), (20, 0)]
        assert all(p.result.rule == "keluhan" for p in points)
        assert points[0].alerts >= points[2].alerts > points[3].alerts == 0
        assert tl.incidents() == []  # the monitor's own state is never touched
    finally:
        tl.close()


def test_a_changed_key_is_validated_like_a_rule_file():
    assert with_option(RULE, "threshold", 10).threshold == 10
    assert with_option(RULE, "window", "2h").evaluation_window.total_seconds() == 7200
    with pytest.raises(ValidationError):
        with_option(RULE, "threshold", 0)
    with pytest.raises(ValueError, match="tidak punya kunci 'ambang'"):
        with_option(RULE, "ambang", 3)
