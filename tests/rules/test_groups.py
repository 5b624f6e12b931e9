"""Grouped rules see every group, not only the most frequent hundred."""

from __future__ import annotations

from timeline import Timeline, enriched, rule


def test_any_rule_grouped_by_author_alerts_every_author(tmp_path):
    timeline = Timeline(tmp_path, [rule(type="any", watchlists=["bansos"], group_by="author", window="1h")])
    timeline.add(
        *[
            enriched(f"Bansos blm cair, udah antre dari pagi ({i})", minutes=1, author=f"warga{i:03d}")
            for i in range(150)
        ]
    )
    alerts = timeline.run(5)
    assert len(alerts) == 150 and len({a.group_key for a in alerts}) == 150
    timeline.close()
