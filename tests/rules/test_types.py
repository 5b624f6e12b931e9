"""Each rule type on synthetic timelines: the condition, restart in the middle, late data."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError
from timeline import T0, Timeline, at, enriched, rule

from monitor.app import load_config
from monitor.config import RuleOptions
from monitor.errors import ConfigError
from monitor.rules import RULE_TYPES

NEG = "negative"


@pytest.fixture
def make(tmp_path: Path):
    made: list[Timeline] = []

    def build(*rules: RuleOptions, **kwargs) -> Timeline:
        timeline = Timeline(tmp_path, list(rules), **kwargs)
        made.append(timeline)
        return timeline

    yield build
    for timeline in made:
        timeline.close()


def opened(alerts, rule_name=None) -> list:
    return [a for a in alerts if a.event == "opened" and (rule_name is None or a.rule == rule_name)]


# --- configuration -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "key"),
    [
        ({"type": "any", "threshold": 3}, "threshold"),
        ({"type": "spike", "min_share": 0.5}, "min_share"),
        ({"type": "negative_surge", "sentiment": ["negative"]}, "sentiment"),
        ({"type": "silence", "watchlists": ["bansos"]}, "watchlists"),
        ({"type": "viral", "min_reach": 10, "group_by": "source"}, "group_by"),
        ({"type": "coordinated", "factor": 2}, "factor"),
    ],
)
def test_each_type_rejects_keys_it_does_not_use(values, key, write_config):
    body = "\n".join(f"{k} = {v!r}".replace("'", '"') for k, v in values.items())
    path = write_config(rules={"x": body})
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    [problem] = caught.value.problems
    assert problem.file.endswith("x.toml") and problem.key == key
    assert f"kunci '{key}' tidak dipakai oleh aturan bertipe '{values['type']}'" in problem.message


def test_viral_needs_a_bound_and_active_hours_a_clock_range():
    with pytest.raises(ValidationError, match="min_reach"):
        RULE_TYPES.validate("viral", {"name": "x", "type": "viral"})
    with pytest.raises(ValidationError, match="JJ:MM-JJ:MM"):
        rule(type="any", active_hours="6-22")
    assert rule(type="any", active_hours="22:00-06:00").active_minutes == (
        1320,
        360,
    )


# --- any ------------------------------------------------------------------------------------


def test_any_alerts_each_mention_once_across_a_restart(make):
    tl = make(rule(name="hoaks", type="any", flags=["hoaks"], window="2h", watchlists=[]))
    tl.add(
        enriched("Katanya bansos dipotong 50rb sama pak RT, hoaks gak sih?", minutes=-3, flags=["hoaks"]),
        enriched("Info penyaluran BLT minggu depan", minutes=-2),
    )
    first = tl.run(10)
    assert [(a.event, a.count) for a in first] == [("opened", 1)]
    tl.down_for(30)
    # While it was down: two more hoax posts were collected (by the collector catching up).
    tl.add(
        enriched("HOAKS!!1 bansos dihentikan taun dpn, sebarin gaes 😡", minutes=20, flags=["hoaks"]),
        enriched("Cek fakta: pesan berantai soal BLT palsu", minutes=31, flags=["hoaks"]),
    )
    after = tl.run(5)
    assert sum(a.count for a in after) == 2 and {a.event for a in after} == {"updated"}
    assert tl.run(30) == []
    assert tl.events() == ["opened", "updated", "updated"]


def test_any_catches_a_late_mention_inside_its_window(make):
    tl = make(rule(name="hoaks", type="any", flags=["hoaks"], window="1h", watchlists=[]))
    tl.run(30)
    # Published 20 minutes ago, collected only now.
    tl.add(enriched("Video lama diedit, ngaku2 bansos ditarik. Hoaks!", minutes=10, flags=["hoaks"]))
    assert [a.count for a in tl.run(5)] == [1]


# --- threshold ------------------------------------------------------------------------------


def test_threshold_late_data_needs_the_delay(make):
    on_time = rule(name="tanpa-jeda", type="threshold", window="30m", threshold=3, sentiment=[NEG])
    delayed = rule(name="dengan-jeda", type="threshold", window="30m", threshold=3, sentiment=[NEG], delay="1h")
    tl = make(on_time, delayed)
    tl.run(55)
    # Three complaints from 08:00-08:10 reach the store only at 08:55 (a slow export).
    tl.add(
        *(
            enriched(f"bansos telat cair lagi, kecewa bgt #{i}", minutes=5 * i, sentiment=NEG, author=f"warga{i}")
            for i in range(3)
        )
    )
    alerts = tl.run(60)
    assert [a.rule for a in opened(alerts)] == ["dengan-jeda"]
    assert opened(alerts)[0].count == 3


def test_threshold_unique_authors_and_restart_escalation(make):
    tl = make(
        rule(
            name="keluhan",
            type="threshold",
            window="1h",
            threshold=3,
            unique_authors=True,
            sentiment=[NEG],
            cooldown="30m",
        )
    )
    # One angry account posting five times is not three people.
    tl.add(*(enriched(f"BLT ga cair2 😤 ke-{i}", minutes=i, sentiment=NEG, author="akun_sama") for i in range(5)))
    assert tl.run(10) == []
    tl.add(
        *(
            enriched(f"dana pkh dipotong oknum, parah {i}", minutes=8 + i, sentiment=NEG, author=f"warga{i}")
            for i in range(3)
        )
    )
    assert [(a.event, a.count) for a in tl.run(5)] == [("opened", 4)]
    tl.down_for(20)
    tl.add(
        *(
            enriched(f"sama, di desa kami jg blm cair {i}", minutes=22, sentiment=NEG, author=f"tetangga{i}")
            for i in range(6)
        )
    )
    after = tl.run(5)
    assert [(a.event, a.severity.value, a.count) for a in after] == [("escalated", "critical", 10)]
    assert tl.events() == ["opened", "escalated"]


# --- spike ------------------------------------------------------------------------------------


def _weekly_history(
    tl: Timeline, per_hour: int, *, weeks: int = 4, hour_offset: float = 0, text: str = "bansos"
) -> None:
    for week in range(1, weeks + 1):
        base = T0 - timedelta(weeks=week) + timedelta(hours=hour_offset)
        tl.add(
            *(
                enriched(f"{text} minggu-{week} #{i}", published=base + timedelta(minutes=50 * i / max(per_hour, 1)))
                for i in range(per_hour)
            )
        )


def test_spike_against_the_same_hour_of_previous_weeks(make):
    tl = make(rule(name="lonjakan", type="spike", window="1h", factor=3, min_count=10))
    _weekly_history(tl, 4)
    tl.clock.set(at(55))
    tl.add(
        *(enriched(f"Antrean bansos ricuh di kantor pos, warga desak-desakan {i}", minutes=2 * i) for i in range(20))
    )
    alerts = tl.run(5)
    assert len(opened(alerts)) == 1
    alert = opened(alerts)[0]
    assert alert.count == 20 and alert.baseline == 4.0
    assert "5.0× dari biasanya" in alert.summary


def test_spike_respects_the_daily_rhythm_and_minimum_counts(make):
    tl = make(rule(name="lonjakan", type="spike", window="1h", factor=3, min_count=10))
    # Mornings are always busy: 18 an hour at 08:00 on past Mondays, so 20 now is normal ...
    _weekly_history(tl, 18)
    # ... although the rest of the day is quiet.
    for hour in range(1, 10):
        _weekly_history(tl, 1, hour_offset=hour)
    tl.clock.set(at(55))
    tl.add(*(enriched(f"Pagi2 rame bahas bansos {i}", minutes=2 * i) for i in range(20)))
    assert tl.run(5) == []


def test_spike_needs_minimum_volume_and_a_baseline(make):
    tl = make(rule(name="lonjakan", type="spike", window="1h", factor=3, min_count=10))
    # Nobody talks about it at 08:00 on Mondays (the monitor ran: there is news at 06:00).
    _weekly_history(tl, 3, hour_offset=-2)
    tl.clock.set(at(55))
    # 0 -> 2 is not a crisis ...
    tl.add(enriched("ada yg tau bansos cair kapan?", minutes=10), enriched("bansos udah cair blm", minutes=20))
    assert tl.run(5) == []
    # ... 0 -> 12 is.
    tl.add(*(enriched(f"Bansos ditunda?? {i}", minutes=30 + i) for i in range(10)))
    alerts = tl.run(5)
    assert len(opened(alerts)) == 1 and "biasanya nyaris nol" in alerts[0].summary


def test_spike_without_history_does_not_fire(make):
    tl = make(rule(name="lonjakan", type="spike", window="1h", factor=3, min_count=10))
    tl.add(*(enriched(f"Bansos jadi trending {i}", minutes=-55 + 2 * i) for i in range(30)))
    assert tl.run(5) == []


def test_spike_down(make):
    tl = make(rule(name="senyap", type="spike", window="1h", direction="down", factor=4, min_baseline=10))
    _weekly_history(tl, 20)
    tl.clock.set(at(55))
    tl.add(enriched("cuma satu berita bansos pagi ini", minutes=30))
    alerts = tl.run(5)
    assert len(opened(alerts)) == 1 and "turun tajam" in alerts[0].summary


def test_spike_restart_in_the_middle_and_late_data(make):
    tl = make(rule(name="lonjakan", type="spike", window="1h", factor=3, min_count=10, delay="15m"))
    _weekly_history(tl, 3)
    tl.run(10)
    tl.down_for(40)
    # Published 08:10-08:40 while the monitor was down; the last few reach the store late.
    tl.add(*(enriched(f"Bansos salah sasaran, viral di grup WA {i}", minutes=10 + 2 * i) for i in range(16)))
    alerts = tl.run(5)
    # Evaluated on restart at the moment it happened (08:30, seen at 08:45 because of the delay).
    assert [(a.event, a.count, a.fired_at) for a in alerts] == [("opened", 10, at(45))]
    tl.restart()
    assert opened(tl.run(15)) == []
    assert tl.events().count("opened") == 1


# --- negative_surge -----------------------------------------------------------------------------


def _mix(tl: Timeline, start: float, total: int, negative: int, spread: float) -> None:
    tl.add(
        *(
            enriched(
                f"bansos hari ke {start} no {i}",
                minutes=start + spread * i / total,
                author=f"a{i}",
                sentiment=NEG if i < negative else "neutral",
            )
            for i in range(total)
        )
    )


def test_negative_surge_above_level_and_baseline(make):
    tl = make(rule(name="sentimen", type="negative_surge", window="1h", min_share=0.5, margin=0.2, min_volume=20))
    _mix(tl, -3 * 24 * 60, 50, 10, 2 * 24 * 60)  # the week before: 20 % negative
    _mix(tl, -55, 30, 21, 50)  # this hour: 70 % negative
    alerts = tl.run(5)
    assert len(opened(alerts)) == 1
    assert "21 dari 30 mention negatif (70%)" in alerts[0].summary and "biasanya 20%" in alerts[0].summary


def test_negative_surge_not_when_always_negative_or_too_few(make):
    tl = make(rule(name="sentimen", type="negative_surge", window="1h", min_share=0.5, margin=0.2, min_volume=20))
    _mix(tl, -3 * 24 * 60, 50, 30, 2 * 24 * 60)  # usually 60 % negative: 70 % is no surge
    _mix(tl, -55, 30, 21, 50)
    assert tl.run(5) == []


def test_negative_surge_needs_volume(make):
    tl = make(rule(name="sentimen", type="negative_surge", window="1h", min_volume=20))
    _mix(tl, -40, 19, 19, 30)  # nineteen mentions, all negative: too few to call a surge
    assert tl.run(5) == []
    _mix(tl, 0, 1, 1, 1)
    assert [a.event for a in tl.run(5)] == ["opened"]


def test_negative_surge_restart_and_late_data(make):
    tl = make(rule(name="sentimen", type="negative_surge", window="1h", min_volume=20, delay="20m"))
    _mix(tl, -3 * 24 * 60, 40, 4, 2 * 24 * 60)
    tl.run(5)
    tl.down_for(60)
    _mix(tl, 0, 25, 20, 40)  # 08:00-08:40, all arriving late, while down
    alerts = tl.run(5)
    assert [a.event for a in alerts] == ["opened"]
    tl.restart()
    tl.run(30)
    assert tl.events() == ["opened"]


# --- viral --------------------------------------------------------------------------------------


def test_viral_by_reach_once_per_post(make):
    tl = make(rule(name="viral", type="viral", window="24h", min_reach=50_000, watchlists=[]))
    post = enriched(
        "Video petugas bansos bentak nenek2 di antrean 😡😡", minutes=-10, reach=120_000, author="lambe_kota"
    )
    tl.add(post, enriched("biasa aja", minutes=-9, reach=300))
    alerts = tl.run(30)
    assert [(a.event, a.group_key, a.count) for a in alerts] == [("opened", post.id, 120_000)]
    assert alerts[0].title.endswith("@lambe_kota: Video petugas bansos bentak nenek2 di antrean 😡😡")


def test_viral_growth_between_collections_survives_a_restart(make):
    tl = make(rule(name="melesat", type="viral", window="24h", min_growth=500, watchlists=[], cooldown="0s"))
    first = enriched("Pak camat joget2 pas rapat bencana?? 🤦", minutes=0, engagement=200, key="p1", collected=at(0))
    tl.add(first)
    assert tl.run(10) == []
    tl.down_for(30)
    # Collected again 40 minutes later with far more likes: the inbox re-queued it, the store upserted.
    tl.add(enriched("Pak camat joget2 pas rapat bencana?? 🤦", minutes=0, engagement=1_400, key="p1", collected=at(40)))
    alerts = tl.run(5)
    assert [a.event for a in alerts] == ["opened"] and "engagement naik 1800/jam" in alerts[0].summary
    tl.restart()
    assert tl.run(30) == []  # same observation: no new growth to report


def test_viral_late_post_with_delay(make):
    tl = make(rule(name="viral", type="viral", window="1h", min_engagement=5_000, delay="30m", watchlists=[]))
    tl.run(60)
    tl.add(enriched("Thread: kejanggalan data penerima bansos", minutes=15, engagement=9_000))
    assert [a.event for a in tl.run(10)] == ["opened"]


# --- new_story ----------------------------------------------------------------------------------


def test_new_story_fires_only_for_stories_not_seen_before(make):
    tl = make(rule(name="cerita", type="new_story", window="1h", min_mentions=5, novelty="3d"))
    tl.add(
        *(
            enriched(
                f"Gudang beras bansos terbakar, kata outlet {i}",
                minutes=-50 + 5 * i,
                source=f"media{i}",
                story="gudang-terbakar",
            )
            for i in range(6)
        )
    )
    # An old story trending again is not a new one.
    tl.add(enriched("Kisruh data DTKS", minutes=-2 * 24 * 60, story="dtks"))
    tl.add(*(enriched(f"Kisruh data DTKS berlanjut {i}", minutes=-40 + 5 * i, story="dtks") for i in range(6)))
    alerts = tl.run(5)
    assert [(a.event, a.group_key, a.count) for a in alerts] == [("opened", "gudang-terbakar", 6)]
    assert "dari 6 sumber" in alerts[0].summary


def test_new_story_restart_and_late_data(make):
    tl = make(rule(name="cerita", type="new_story", window="1h", min_mentions=4, delay="15m"))
    tl.run(5)
    tl.down_for(50)
    tl.add(*(enriched(f"Bupati diperiksa KPK soal bansos {i}", minutes=20 + 5 * i, story="kpk") for i in range(5)))
    assert [a.event for a in tl.run(5)] == ["opened"]
    tl.restart()
    tl.run(60)
    assert tl.events().count("opened") == 1


# --- coordinated -------------------------------------------------------------------------------

TEMPLATE = "Program bansos pemerintah sangat membantu rakyat kecil, terima kasih bapak menteri atas kerja nyatanya {}"


def test_coordinated_many_accounts_near_identical_text(make):
    tl = make(rule(name="buzzer", type="coordinated", window="30m", min_accounts=5, similarity=0.7))
    endings = ["#BansosTepatSasaran", "👍👍", "https://t.co/abc123", "#KerjaNyata @menteri", "mantap", "!!"]
    tl.add(*(enriched(TEMPLATE.format(end), minutes=-20 + i, author=f"akun_{i:03d}") for i, end in enumerate(endings)))
    # Real people say it in their own words.
    tl.add(
        *(
            enriched(f"bansos di kampung saya {w} cair, alhamdulillah", minutes=-15, author=f"warga{i}")
            for i, w in enumerate(["udah", "baru", "akhirnya", "kemarin", "tadi pagi"])
        )
    )
    # One account posting the same thing ten times is spam, not coordination.
    tl.add(
        *(enriched("Cek bio buat info bansos terbaru!!", minutes=-10 + i * 0.5, author="spammer") for i in range(10))
    )
    alerts = tl.run(5)
    assert [(a.event, a.count) for a in alerts] == [("opened", 6)]
    assert "6 akun berbeda" in alerts[0].summary


def test_coordinated_campaign_keeps_its_key_as_it_grows_across_a_restart(make):
    tl = make(rule(name="buzzer", type="coordinated", window="1h", min_accounts=5, similarity=0.7, cooldown="0s"))
    tl.add(*(enriched(TEMPLATE.format(i), minutes=-30 + i, author=f"akun_{i}") for i in range(5)))
    first = tl.run(5)
    assert [a.event for a in first] == ["opened"]
    tl.down_for(20)
    tl.add(*(enriched(TEMPLATE.format(f"🙏 {i}"), minutes=i, author=f"akun_baru_{i}") for i in range(7)))
    later = tl.run(5)
    assert [(a.event, a.count) for a in later] == [("escalated", 12)]
    assert later[0].group_key == first[0].group_key
    assert len(tl.incidents()) == 1


def test_coordinated_late_posts_with_delay(make):
    tl = make(rule(name="buzzer", type="coordinated", window="30m", min_accounts=4, delay="30m"))
    tl.run(40)
    tl.add(*(enriched(TEMPLATE.format("#2026"), minutes=15 + i, author=f"bot{i}") for i in range(4)))
    assert [a.event for a in tl.run(30)] == ["opened"]


# --- silence ---------------------------------------------------------------------------------


def test_silence_per_source_and_whole_collector(make):
    per_source = rule(name="sumber-sepi", type="silence", max_quiet="2h")
    everything = rule(name="kolektor-mati", type="silence", max_quiet="3h", per_source=False)
    tl = make(per_source, everything, sources=["antara", "tempo"])
    post = enriched("apa saja").mention
    tl.inbox.commit("antara", [post], {}, at(0))
    for minute in range(0, 151, 15):  # tempo delivers new items every 15 minutes until 10:30
        tl.inbox.commit("tempo", [enriched(f"berita {minute}", minutes=minute).mention], {}, at(minute))
    # antara is fetched fine but has nothing new.
    tl.inbox.commit("antara", [post], {}, at(60))
    alerts = tl.run(125)
    assert [(a.rule, a.group_key) for a in opened(alerts)] == [("sumber-sepi", "antara")]
    assert "tidak ada isi baru" in alerts[0].summary
    alerts = tl.run(240)
    assert ("kolektor-mati", "") in {(a.rule, a.group_key) for a in opened(alerts)}
    assert ("sumber-sepi", "tempo") in {(a.rule, a.group_key) for a in opened(alerts)}


def test_silence_reported_after_a_restart_that_found_the_collector_quiet(make):
    tl = make(rule(name="sumber-sepi", type="silence", max_quiet="1h"), sources=["antara"])
    tl.inbox.commit("antara", [enriched("x").mention], {}, at(0))
    tl.inbox.record_failure("antara", "HTTP 503 dari https://antaranews.com/rss", at(30))
    tl.run(30)
    tl.down_for(120)
    alerts = tl.run(5)
    # Walking the gap: quiet for 1 hour at 09:00 (opened), for 2 hours at 10:00 (escalated).
    assert [(a.event, a.fired_at, a.count) for a in alerts] == [("opened", at(60), 1), ("escalated", at(120), 2)]
    assert "galat terakhir: HTTP 503" in alerts[0].summary
    tl.restart()
    tl.run(5)
    assert tl.events() == ["opened", "escalated"]


def test_silence_reports_the_outage_even_when_collection_resumed_first(make):
    tl = make(rule(name="sumber-sepi", type="silence", max_quiet="1h", resolve_after="30m"), sources=["antara"])
    tl.inbox.commit("antara", [enriched("berita pagi").mention], {}, at(0))
    tl.run(30)
    tl.down_for(150)
    # On start the collector runs before the rules: antara has news again.
    tl.inbox.commit("antara", [enriched("berita siang").mention], {}, tl.clock.now())
    alerts = tl.run(5)
    assert [(a.event, a.fired_at) for a in alerts] == [("opened", at(60)), ("escalated", at(120))]
    assert "selama 1 jam" in alerts[0].summary
    assert [a.event for a in tl.run(40)] == ["resolved"]


def test_summaries_in_english_by_setting(make):
    tl = make(
        rule(name="complaints", type="threshold", threshold=3, unique_authors=True, sentiment=[NEG]),
        rule(name="viral", type="viral", window="1d", min_reach=10_000, watchlists=[]),
        rule(name="quiet", type="silence", per_source=False, max_quiet="1h"),
        sources=["antara"],
        language="en",
    )
    tl.add(*(enriched(f"bansos telat, kecewa {i}", minutes=-10, sentiment=NEG, author=f"w{i}") for i in range(3)))
    tl.add(enriched("Pengakuan mantan pendamping PKH", minutes=-5, reach=12_500))
    tl.inbox.commit("antara", [enriched("x").mention], {}, at(-60))
    summaries = {a.rule: a.summary for a in tl.run(5)}
    assert summaries == {
        "complaints": "3 distinct accounts in 1 hour (threshold 3)",
        "viral": "Viral post: reach 12,500",
        "quiet": "all sources: no new mentions for 1 hour 5 minutes (limit 1 hour)",
    }
