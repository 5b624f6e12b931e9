"""The digest through a real SMTP server (aiosmtpd): what arrives, parsed as a mail client would."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from email.message import EmailMessage

import pytest
from PIL import Image

from monitor.store.base import MentionFilter
from tests.digest.world import DAY, MARKUP_TITLE, MIDNIGHT

HTML_LIMIT = 102 * 1024  # Gmail clips a message past about 102 KB of HTML
WATCHLISTS = ("pemkot", "banjir")


def today(**criteria: object) -> MentionFilter:
    criteria.setdefault("watchlists", WATCHLISTS)
    return MentionFilter(since=MIDNIGHT, until=MIDNIGHT + timedelta(days=1), **criteria)  # type: ignore[arg-type]


def parts(message: EmailMessage) -> tuple[str, str, dict[str, EmailMessage]]:
    text_part, html_part = message.get_body(("plain",)), message.get_body(("html",))
    assert text_part is not None and html_part is not None
    images = {str(p["Content-ID"]).strip("<>"): p for p in message.walk() if p.get_content_maintype() == "image"}
    text = str(text_part.get_content()).replace("\r\n", "\n")
    return text, str(html_part.get_content()), images


def test_digest_arrives_with_both_alternatives_every_chart_and_the_stores_numbers(make_world, smtp_server):
    world = make_world()
    report = world.service().run()
    assert report.sent == ["pimpinan 2026-11-23"] and not report.errors
    [message] = smtp_server.mailbox.messages
    [(mail_from, rcpt_tos)] = smtp_server.mailbox.envelopes
    assert mail_from == "monitor@tirtamulya.go.id"
    assert rcpt_tos == ["kabag.humas@tirtamulya.go.id", "sekda@tirtamulya.go.id"]
    assert message.get_content_type() == "multipart/alternative"
    assert message["Message-ID"] == "<digest.pimpinan.2026-11-23@tirtamulya.go.id>"
    text, html, images = parts(message)

    # Every chart the HTML shows is attached under that Content-ID, and nothing else is.
    referenced = set(re.findall(r'src="cid:([^"]+)"', html))
    assert referenced == set(images) and len(referenced) == 2
    for part in images.values():
        assert part.get_content_type() == "image/png"
        picture = Image.open(io.BytesIO(part.get_content()))
        assert picture.width >= 600
    assert len(html.encode("utf-8")) < HTML_LIMIT

    store = world.store
    total = store.count(today())
    negative = store.count(today(sentiment=("negative",)))
    assert message["Subject"] == f"Ringkasan media Senin, 23 Nov 2026: {total} mention, {negative} negatif"
    assert text.splitlines()[3] == "== Angka hari ini =="
    assert text.splitlines()[4].startswith(f"{total} mention (rata-rata 7 hari sebelumnya: ")
    channels = dict(store.terms("channel", today()))
    assert f"Per kanal: Media sosial {channels['social']}, Berita {channels['news']}" in text
    for sentiment, word in (("negative", "negatif"), ("neutral", "netral"), ("positive", "positif")):
        n = store.count(today(sentiment=(sentiment,)))
        assert re.search(rf"^- {word}: {n} \({round(100 * n / total)}%\), ", text, re.M), (word, n)
    # Share of voice: each watchlist's own count.
    for watchlist in WATCHLISTS:
        assert f"- {watchlist}: {store.count(today(watchlists=(watchlist,)))} (" in text
    # The syndicated story is one line with its count and first source.
    [(story, copies)] = store.terms("story_id", today(), size=1)
    assert story == "s-banjir"
    assert re.search(rf"warta-kota · 23 Nov 2026, 06\.00 WIB · jangkauan 50\.000 · {copies} mention$", text, re.M)
    hoaxes = store.count(today(flags=("hoaks",)))
    assert f"{hoaxes} mention bertanda hoaks" in text and "Klarifikasi (1)" in text
    # Incidents of the day with their Slack thread.
    assert "[PERINGATAN] Keluhan banjir melonjak" not in text  # escalated: now critical
    assert "[KRITIS] Keluhan banjir melonjak" in text
    assert "Insiden baru 07.15 WIB · Eskalasi 08.15 WIB · Di-ack 08.35 WIB" in text
    link = "https://slack.com/archives/C0KRISIS1/p1763881200123456"
    assert f"Buka di Slack: {link}" in text and f'href="{link}"' in html

    # Text from posts is text: no tag of theirs survives in the HTML.
    assert "<script" not in html.lower() and "onerror" not in html.replace("onerror=alert(1)&gt;", "")
    assert "&lt;script&gt;" in html
    assert MARKUP_TITLE[:20] in text  # the plain text shows it literally


def test_english_group_gets_english_words(make_world, smtp_server):
    world = make_world('language = "en"\nsections = ["numbers", { type = "top_stories", limit = 1 }]\n')
    world.service().run()
    [message] = smtp_server.mailbox.messages
    text, _html, images = parts(message)
    assert message["Subject"].startswith("Media digest Monday, 23 Nov 2026: ")
    assert "== The day in numbers ==" in text and "== Top stories ==" in text
    assert "Incidents" not in text and not images  # only the sections listed
    assert "News 4" in text and "06:00 WIB" in text


@pytest.mark.slow  # renders and sends the digest five times (charts through matplotlib)
def test_outage_then_recovery_sends_exactly_once_even_across_restarts(make_world, smtp_server):
    world = make_world()
    smtp_server.stop()
    report = world.service().run()
    assert not report.sent and len(report.errors) == 1
    assert (
        "gagal dikirim (percobaan ke-1)" in report.errors[0]
        and "Dicoba lagi 24 Nov 2026, 07.00 WIB" in report.errors[0]
    )

    smtp_server.start()
    service = world.restart()
    assert service.run().sent == []  # back, but the backoff has not passed
    world.clock.advance(timedelta(minutes=1))
    smtp_server.mailbox.reply = "451 4.3.0 antrean penuh, coba lagi"
    report = service.run()
    assert "percobaan ke-2" in report.errors[0] and "451" in report.errors[0]
    smtp_server.mailbox.reply = None
    world.clock.advance(timedelta(minutes=2))
    service = world.restart()
    assert service.run().sent == ["pimpinan 2026-11-23"]
    for _ in range(3):
        world.clock.advance(timedelta(minutes=30))
        assert world.restart().run().sent == []
    assert len(smtp_server.mailbox.messages) == 1

    # The next morning brings the next day, once.
    world.clock.advance(timedelta(days=1) - timedelta(minutes=92))
    assert world.service().run().sent == ["pimpinan 2026-11-24"]
    assert len(smtp_server.mailbox.messages) == 2


def test_a_refused_address_is_reported_and_not_retried(make_world, smtp_server):
    world = make_world()
    smtp_server.mailbox.reply = "550 5.1.1 mailbox tidak ada"
    report = world.service().run()
    assert "550" in report.errors[0] and "Dicoba lagi" not in report.errors[0]
    world.clock.advance(timedelta(hours=1))
    smtp_server.mailbox.reply = None
    assert world.service().run().sent == []
    delivery = world.service().ledger.get("pimpinan", DAY)
    assert delivery is not None and delivery.status == "failed" and "550" in (delivery.last_error or "")


def test_an_empty_day_is_sent_unless_the_group_opts_out(make_world, smtp_server):
    world = make_world(mentions=False, incident=False)
    assert world.service().run().sent == ["pimpinan 2026-11-23"]
    text, _html, images = parts(smtp_server.mailbox.messages[0])
    assert "0 mention" in text and "Tidak ada mention pada hari ini." in text and not images
    assert "Tidak ada aktivitas insiden." in text


def test_send_empty_false_skips_a_day_without_mentions(make_world, smtp_server):
    world = make_world("send_empty = false\n", mentions=False, incident=False)
    report = world.service().run()
    assert report.skipped == ["pimpinan 2026-11-23"] and not smtp_server.mailbox.messages
    assert world.service().run().skipped == []


def test_nothing_goes_out_before_the_send_time(make_world, smtp_server):
    world = make_world('send_at = "09:30"\n')
    assert world.service().run().sent == []
    world.clock.advance(timedelta(hours=2, minutes=30))
    assert world.service().run().sent == ["pimpinan 2026-11-23"]
