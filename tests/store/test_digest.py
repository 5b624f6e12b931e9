"""The digest reads the store through the MentionStore protocol only: the same day gives the
same digest, word for word, from SQLite and from Elasticsearch."""

from __future__ import annotations

from conftest import upserted

from monitor.config import DigestGroupConfig
from monitor.digest.compose import build_sections, compose
from monitor.digest.day import DigestDay
from monitor.i18n import Messages
from monitor.plugin import PluginContext
from monitor.store.types.sqlite import SqliteStore
from tests.digest.world import DAY, the_day

GROUP = DigestGroupConfig(name="pimpinan", recipients=("kabag.humas@kota.go.id",), watchlists=("pemkot", "banjir"))


def digest_text(store) -> str:
    day = DigestDay("pimpinan", DAY, store, Messages("id"), watchlists=GROUP.watchlists)
    return compose(day, build_sections(GROUP, PluginContext())).text


def test_the_same_digest_from_every_store(store, tmp_path):
    upserted(store, the_day())
    reference = SqliteStore(tmp_path / "reference.sqlite3")
    try:
        upserted(reference, the_day())
        expected = digest_text(reference)
    finally:
        reference.close()
    assert "14 mention" in expected
    assert digest_text(store) == expected
