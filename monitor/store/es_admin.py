"""Operator tasks for the Elasticsearch store and Kibana: `monitor es init`, `monitor es
retention` and `monitor kibana import`. Each is one function the CLI calls; all idempotent."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from monitor.errors import MonitorError, StoreError
from monitor.store.mappings import mapping_properties
from monitor.store.types.elasticsearch import ElasticsearchStore
from monitor.values import utc

KIBANA_DIR = Path(__file__).resolve().parent.parent.parent / "config" / "kibana"
# The data view in the shipped objects points at the default alias; import rewrites it.
SHIPPED_ALIAS = "monitor-mentions"


@dataclass(frozen=True)
class InitReport:
    template: str
    alias: str
    # The current month's index when this run created it, else None.
    created_index: str | None
    # Existing indices whose mappings were brought up to date.
    updated_indices: tuple[str, ...]


def init(store: ElasticsearchStore, *, now: datetime | None = None) -> InitReport:
    """Create or update the templates, the current month's index and its alias.

    Safe to run any number of times: templates are PUT, the index is created only when missing,
    and new mapping fields are added to existing indices (Elasticsearch refuses incompatible
    changes, which then fail loudly rather than silently diverging)."""
    client = store.client
    store.install_template()
    index = store.index_for(now or datetime.now(UTC))
    created: str | None = None
    if not store.call("memeriksa indeks", lambda: client.indices.exists(index=index)):
        try:
            store.call("membuat indeks", lambda: client.indices.create(index=index))
            created = index
        except StoreError as exc:
            # Another process created it between our check and our create: that is fine.
            if "resource_already_exists_exception" not in str(exc):
                raise
    existing = monthly_indices(store)
    properties = mapping_properties()
    if existing:
        names = ",".join(existing)
        store.call("memperbarui mapping", lambda: client.indices.put_mapping(index=names, properties=properties))
        store.call("memasang alias", lambda: client.indices.put_alias(index=names, name=store.alias))
    return InitReport(
        template=store.alias,
        alias=store.alias,
        created_index=created,
        updated_indices=tuple(i for i in existing if i != created),
    )


def monthly_indices(store: ElasticsearchStore) -> list[str]:
    """Our `<prefix>-YYYY.MM` indices, oldest first."""
    pattern = re.compile(re.escape(store.options.index_prefix) + r"-(\d{4})\.(\d{2})")
    response = store.call(
        "mendaftar indeks",
        lambda: store.client.indices.get(
            index=f"{store.options.index_prefix}-*", allow_no_indices=True, ignore_unavailable=True
        ),
    )
    return sorted(name for name in response.body if pattern.fullmatch(name))


def _month_end(index: str) -> datetime:
    year, month = (int(part) for part in index.rsplit("-", 1)[1].split("."))
    return datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)


def expired_indices(store: ElasticsearchStore, *, now: datetime | None = None) -> list[str]:
    """Monthly indices whose whole month lies before `now - retention`."""
    retention = store.options.retention
    if retention is None:
        return []
    cutoff = utc(now or datetime.now(UTC)) - retention
    return [name for name in monthly_indices(store) if _month_end(name) <= cutoff]


def retention(store: ElasticsearchStore, *, now: datetime | None = None, dry_run: bool = False) -> list[str]:
    """Delete (or with dry_run only list) the expired monthly indices; returns their names."""
    expired = expired_indices(store, now=now)
    if not dry_run:
        for name in expired:
            store.call("menghapus indeks lama", functools.partial(store.client.indices.delete, index=name))
    return expired


class KibanaImportError(MonitorError):
    """Kibana refused the saved objects, or could not be reached."""


# The oldest Kibana that accepts the shipped objects (their Lens typeMigrationVersion is 8.9.0).
MIN_KIBANA = "8.9"
# Saved-object types in words, for the operator.
_TYPE_WORDS = {
    "index-pattern": "data view",
    "lens": "visualisasi Lens",
    "visualization": "visualisasi",
    "search": "pencarian tersimpan",
    "dashboard": "dasbor",
}


@dataclass(frozen=True)
class KibanaImportFailure:
    """One object the saved objects import API refused (an entry of its `errors`)."""

    id: str
    type: str
    title: str | None
    # Kibana's error.type: conflict, ambiguous_conflict, missing_references, unsupported_type, unknown.
    reason: str
    message: str | None = None
    # (type, id) of references Kibana could not find, or of conflicting objects.
    references: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_api(cls, entry: dict[str, Any]) -> KibanaImportFailure:
        error = entry.get("error") or {}
        reason = str(error.get("type") or "unknown")
        type_ = str(entry.get("type", "?"))
        refs: tuple[tuple[str, str], ...] = ()
        if reason == "missing_references":
            refs = tuple((str(r.get("type", "?")), str(r.get("id", "?"))) for r in error.get("references") or ())
        elif reason == "conflict":
            destination = error.get("destination_id") or error.get("destinationId")
            refs = ((type_, str(destination)),) if destination else ()
        elif reason == "ambiguous_conflict":
            refs = tuple((type_, str(d.get("id", "?"))) for d in error.get("destinations") or ())
        return cls(
            id=str(entry.get("id", "?")),
            type=type_,
            title=(entry.get("meta") or {}).get("title") or entry.get("title"),
            reason=reason,
            message=error.get("message"),
            references=refs,
        )

    def _reason_in_words(self) -> str:
        names = ", ".join(f"{_TYPE_WORDS.get(t, t)} {i}" for t, i in self.references)
        if self.reason == "missing_references":
            return f"rujukan tidak ditemukan di Kibana: {names or '-'}"
        if self.reason == "conflict":
            return "bentrok dengan objek yang sudah ada" + (f" ({names})" if names else "")
        if self.reason == "ambiguous_conflict":
            return f"bentrok dengan lebih dari satu objek yang sudah ada ({names or '-'})"
        if self.reason == "unsupported_type":
            return "tipe objek ini tidak dikenal Kibana tujuan (versinya terlalu lama, atau fiturnya dimatikan)"
        words = f"galat Kibana: {self.message}" if self.message else f"ditolak ({self.reason})"
        if self.message and "more recent version of Kibana" in self.message:
            words += f" (Kibana tujuan lebih tua dari format objek; butuh Kibana {MIN_KIBANA} atau lebih baru)"
        return words

    def describe(self) -> str:
        """One Indonesian line: what was refused and why."""
        what = _TYPE_WORDS.get(self.type, self.type)
        name = f'"{self.title}" ({self.id})' if self.title else self.id
        return f"{what} {name}: {self._reason_in_words()}"


@dataclass(frozen=True)
class KibanaImportResult:
    """What Kibana answered: how many objects it stored and which it refused (with why)."""

    imported: int
    failures: tuple[KibanaImportFailure, ...] = ()

    @property
    def errors(self) -> tuple[str, ...]:
        """Each refused object as a readable line."""
        return tuple(failure.describe() for failure in self.failures)


def kibana_objects(alias: str = SHIPPED_ALIAS, files: Sequence[Path] | None = None) -> bytes:
    """The shipped saved objects as one NDJSON body, the data view pointed at `alias`."""
    lines: list[str] = []
    for path in files or sorted(KIBANA_DIR.glob("*.ndjson")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            obj = json.loads(line)
            if obj.get("type") == "index-pattern":
                obj["attributes"]["title"] = alias
            lines.append(json.dumps(obj, ensure_ascii=False))
    return ("\n".join(lines) + "\n").encode("utf-8")


def import_kibana(
    url: str,
    *,
    alias: str = SHIPPED_ALIAS,
    files: Sequence[Path] | None = None,
    space: str | None = None,
    api_key: str | None = None,
    username: str | None = None,
    password: str | None = None,
    verify: bool | str = True,
    client: httpx.Client | None = None,
) -> KibanaImportResult:
    """Load the saved objects through Kibana's import API with overwrite=true (idempotent).

    Objects Kibana refuses come back in `failures`; an unreachable Kibana or a refused request
    (HTTP status other than 200) raises KibanaImportError."""
    headers = {"kbn-xsrf": "humas-monitor"}
    if api_key:
        headers["Authorization"] = f"ApiKey {api_key}"
    auth: httpx.Auth | None = httpx.BasicAuth(username, password or "") if username else None
    base = url.rstrip("/") + (f"/s/{space}" if space else "")
    owned = client is None
    http = client or httpx.Client(verify=verify, timeout=60.0)
    try:
        response = http.post(
            f"{base}/api/saved_objects/_import",
            params={"overwrite": "true"},
            headers=headers,
            auth=auth or httpx.USE_CLIENT_DEFAULT,
            files={"file": ("humas-monitor.ndjson", kibana_objects(alias, files), "application/ndjson")},
        )
    except httpx.HTTPError as exc:
        raise KibanaImportError(f"Kibana {url} tidak dapat dihubungi: {exc}") from exc
    finally:
        if owned:
            http.close()
    if response.status_code != 200:
        raise KibanaImportError(f"Kibana menolak impor: HTTP {response.status_code} {response.text[:500]}")
    try:
        body = response.json()
    except ValueError as exc:
        raise KibanaImportError(f"Jawaban Kibana bukan JSON: {response.text[:500]}") from exc
    failures = tuple(KibanaImportFailure.from_api(entry) for entry in body.get("errors") or ())
    if body.get("success") is False and not failures:
        failures = (KibanaImportFailure(id="-", type="-", title=None, reason="unknown", message=str(body)[:500]),)
    return KibanaImportResult(imported=int(body.get("successCount", 0)), failures=failures)
