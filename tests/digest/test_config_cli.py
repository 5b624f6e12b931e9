"""The `[digest]` configuration, `monitor digest preview|send`, STARTTLS, and the scheduler's jobs."""

from __future__ import annotations

import io
import ssl
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from monitor.app import load_config
from monitor.cli import main
from monitor.cli.common import EXIT_OK, EXIT_USAGE
from monitor.clock import SimulatedClock
from monitor.errors import ConfigError
from monitor.pipeline import build_pipeline
from monitor.scheduler import build_scheduler
from tests.digest.conftest import SEND_TIME, Mailbox, free_port
from tests.digest.world import DAY


def problems(write_config, body: str) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load_config(write_config(body))
    return [str(p) for p in info.value.problems]


def test_every_digest_mistake_is_reported_with_its_key(write_config):
    found = problems(
        write_config,
        """
        [watchlists]
        pemkot = ["pemkot"]
        [[digest.groups]]
        name = "pimpinan"
        recipients = ["kabag humas"]
        watchlists = ["pemkott"]
        send_at = "7 pagi"
        timezone = "Asia/Jakartaa"
        sections = ["numbers", "ramalan", { type = "top_stories", limt = 3 }]
        [[digest.groups]]
        name = "pimpinan"
        recipients = ["sekda@kota.go.id"]
        """,
    )
    text = "\n".join(found)
    assert "digest.groups[0].recipients: bukan alamat email: 'kabag humas'" in text
    assert "digest.groups[0].send_at: jam kirim harus berbentuk 'JJ:MM'" in text
    assert "digest.groups[0].timezone: zona waktu tidak dikenal" in text
    # Shapes first: the sections and references are checked once the shapes are right.
    fixed = write_config(
        """
        [watchlists]
        pemkot = ["pemkot"]
        [[digest.groups]]
        name = "pimpinan"
        recipients = ["kabag.humas@kota.go.id"]
        watchlists = ["pemkott"]
        sections = ["numbers", "ramalan", { type = "top_stories", limt = 3 }]
        [[digest.groups]]
        name = "pimpinan"
        recipients = ["sekda@kota.go.id"]
        """,
        name="fixed.toml",
    )
    with pytest.raises(ConfigError) as info:
        load_config(fixed)
    text = "\n".join(str(p) for p in info.value.problems)
    assert "digest.groups[0].sections[1].type: tipe 'ramalan' tidak dikenal (pilihan: emerging, hoaxes," in text
    assert (
        "digest.groups[0].sections[2].limt: kunci 'limt' tidak dipakai oleh bagian ringkasan bertipe 'top_stories'"
        in text
    )
    assert "digest.groups[0].watchlists: watchlist 'pemkott' tidak ada" in text
    assert "digest.groups: nama kelompok 'pimpinan' dipakai lebih dari sekali" in text
    assert "digest.smtp.host: wajib diisi bila ada [[digest.groups]]" in text


def test_a_valid_digest_config(write_config, monkeypatch):
    monkeypatch.setenv("SMTP_PASSWORD", "rahasia-uji")
    config = load_config(
        write_config(
            """
            [digest.smtp]
            host = "smtp.kota.go.id"
            security = "ssl"
            username = "monitor"
            password = "${SMTP_PASSWORD}"
            sender = "Humas <monitor@kota.go.id>"
            [[digest.groups]]
            name = "pimpinan"
            recipients = ["kabag.humas@kota.go.id"]
            sections = ["numbers", { type = "trend", days = 14 }]
            """
        )
    )
    group = config.digest.group("pimpinan")
    assert config.digest.smtp.effective_port == 465
    assert config.digest.smtp.password.get_secret_value() == "rahasia-uji"
    assert "rahasia-uji" not in repr(config)
    assert group.send_time == (7, 0) and group.language is None
    assert [s.type for s in group.sections] == ["numbers", "trend"]
    assert group.sections[1].validated().days == 14  # type: ignore[attr-defined]


def run(*args: str, clock=None) -> tuple[int, str]:
    out = io.StringIO()
    return main(list(args), out=out, clock=clock), out.getvalue()


@pytest.mark.slow  # renders the digest five times (charts through matplotlib)
def test_preview_and_send_from_the_command_line(make_world, smtp_server, tmp_path: Path):
    world = make_world()
    world.state.close()
    config = str(world.folder / "monitor.toml")
    code, out = run("digest", "preview", "--config", config, "--date", DAY.isoformat())
    assert code == EXIT_OK and "== Cerita teratas ==" in out and "14 mention" in out
    target = tmp_path / "ringkasan.html"
    code, out = run("digest", "preview", "--config", config, "--date", DAY.isoformat(), "--out", str(target))
    page = target.read_text(encoding="utf-8")
    assert code == EXIT_OK and 'src="data:image/png;base64,' in page and "cid:" not in page

    clock = SimulatedClock(SEND_TIME)
    code, out = run("digest", "send", "--config", config, "--group", "pimpinan", clock=clock)
    assert code == EXIT_OK and out.startswith("Ringkasan pimpinan 2026-11-23 terkirim ke 2 penerima.")
    code, out = run("digest", "send", "--config", config, "--group", "pimpinan", clock=clock)
    assert code == EXIT_OK and "sudah terkirim pada 24 Nov 2026, 07.00 WIB; tidak dikirim lagi" in out
    assert len(smtp_server.mailbox.messages) == 1
    code, out = run("digest", "send", "--config", config, "--group", "pimpinan", "--again", clock=clock)
    assert code == EXIT_OK and len(smtp_server.mailbox.messages) == 2
    first, second = smtp_server.mailbox.messages
    assert first["Message-ID"] != second["Message-ID"]

    code, _ = run("digest", "send", "--config", config, "--group", "direksi", clock=clock)
    assert code == EXIT_USAGE
    with pytest.raises(SystemExit) as exit_info:  # argparse: a usage error, exit 2
        run("digest", "send", "--config", config, "--group", "pimpinan", "--date", "2026-11-31")
    assert exit_info.value.code == EXIT_USAGE


@pytest.mark.slow  # openssl makes an RSA key in a subprocess
def test_starttls_with_the_servers_own_certificate_authority(make_world, tmp_path: Path):
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    mailbox, port = Mailbox(), free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True)
    controller.start()
    try:
        starttls = f'port = {port}\nsecurity = "starttls"\n'
        # Without the CA the certificate is refused, permanently (retrying cannot fix it).
        world = make_world()
        config_text = (world.folder / "monitor.toml").read_text().replace('security = "none"\n', "")
        config_text = config_text.replace(f"port = {world.config.digest.smtp.port}\n", starttls)
        (world.folder / "monitor.toml").write_text(config_text)
        world.config = load_config(world.folder / "monitor.toml")
        report = world.service().run()
        assert "TLS" in report.errors[0] and "Dicoba lagi" not in report.errors[0]
        (world.folder / "monitor.toml").write_text(config_text.replace(starttls, starttls + f'ca_file = "{cert}"\n'))
        world.config = load_config(world.folder / "monitor.toml")
        _report, delivery = world.service().send_now(world.config.digest.group("pimpinan"), DAY)
        assert delivery.status == "sent" and len(mailbox.messages) == 1
    finally:
        controller.stop()


def test_the_service_schedules_a_cron_per_group_in_its_zone(make_world):
    world = make_world('timezone = "Asia/Makassar"\nsend_at = "06:30"\n')
    world.state.close()
    pipeline = build_pipeline(world.config, clock=SimulatedClock(SEND_TIME), store=world.store, alerters={})
    try:
        scheduler = build_scheduler(pipeline)
        jobs = {job.id: job for job in scheduler.get_jobs()}
        cron = jobs["digest:pimpinan"].trigger
        assert str(cron.timezone) == "Asia/Makassar"
        assert {f.name: str(f) for f in cron.fields}["hour"] == "6" and {f.name: str(f) for f in cron.fields}[
            "minute"
        ] == "30"
        assert "digest-retry" in jobs
        assert jobs["digest-retry"].trigger.interval == timedelta(minutes=1)
    finally:
        pipeline.inbox.close()
        pipeline.state.close()
