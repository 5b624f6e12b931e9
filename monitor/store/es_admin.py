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


@dataclass(frozen=True)
class KibanaImportResult:
    imported: int
    # "type/id: reason" for each object Kibana refused.
    errors: tuple[str, ...]


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
    """Load the saved objects through Kibana's import API with overwrite=true (idempotent)."""
    headers = {"kbn-xsrf": "humas-monitor"}
    if api_key:
        headers["Authorization"] = f"ApiKey {api_key}"
    auth = httpx.BasicAuth(username, password or "") if username else None
    base = url.rstrip("/") + (f"/s/{space}" if space else "")
    owned = client is None
    http = client or httpx.Client(verify=verify, timeout=60.0)
    try:
        response = http.post(
            f"{base}/api/saved_objects/_import",
            params={"overwrite": "true"},
            headers=headers,
            auth=auth,
            files={"file": ("humas-monitor.ndjson", kibana_objects(alias, files), "application/ndjson")},
        )
    except httpx.HTTPError as exc:
        raise KibanaImportError(f"Kibana {url} tidak dapat dihubungi: {exc}") from exc
    finally:
        if owned:
            http.close()
    if response.status_code != 200:
        raise KibanaImportError(f"Kibana menolak impor: HTTP {response.status_code} {response.text[:500]}")
    body = response.json()
    errors = tuple(
        f"{e.get('type')}/{e.get('id')}: {e.get('error', {}).get('type', 'error')}" for e in body.get("errors") or ()
    )
    return KibanaImportResult(imported=int(body.get("successCount", 0)), errors=errors)
