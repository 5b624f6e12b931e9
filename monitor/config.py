"""TOML configuration -> validated pydantic models.

Every problem is reported with its file and key, all at once. Unknown keys are errors. Secrets
come only from `${ENV_VAR}` references, never written in the file itself.

This module knows the shape of the main file and of the keys every plugin entry shares; what a
plugin's own keys mean is its own business. `read_config` takes a `PluginCatalog` that
validates those (monitor/app.py passes the real one), so configuration never imports a plugin.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal, Protocol

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)

from monitor.errors import ConfigError, ConfigProblem, MonitorError
from monitor.plugin import PluginOptions, UnknownPluginError
from monitor.values import Duration, Severity

# ${NAME} must be set; ${NAME:-} (or ${NAME:-fallback}) may be missing: a social source whose
# token is not set yet stays in the file, switched off, instead of breaking the whole config.
_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
_ACTIVE_HOURS = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")
_CLOCK_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
# Enough to catch a name typed where an address belongs; the mail server judges the rest.
_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
NAME_PATTERN = r"^[a-z0-9][a-z0-9_.-]*$"
# Where a configuration is looked for when none is named, in order (see `find_config`).
CONFIG_ENV = "MONITOR_CONFIG"
CONFIG_CANDIDATES = (Path("config/monitor.toml"), Path("monitor.toml"))


def expand_env(value: str) -> str:
    """Replace ${NAME} with the environment variable; a missing or empty variable is an error,
    unless the reference gives a fallback (${NAME:-} or ${NAME:-fallback})."""

    def lookup(match: re.Match[str]) -> str:
        name, fallback = match.group(1), match.group(2)
        found = os.environ.get(name, "")
        if found.strip():
            return found
        if fallback is not None:
            return fallback
        if name not in os.environ:
            raise ValueError(
                f"variabel lingkungan {name} belum di-set: jalankan export {name}='...' sebelum monitor "
                f"(untuk layanan systemd: Environment={name}=... di file unitnya)"
            )
        raise ValueError(f"variabel lingkungan {name} kosong: isi dengan nilai rahasianya (export {name}='...')")

    return _ENV_REF.sub(lookup, value)


Location = tuple[str | int, ...]


def _path_text(value: str) -> str:
    # TOML can spell a NUL ("\u0000"); the operating system cannot open such a path.
    if "\x00" in value:
        raise ValueError(f"nama folder atau file tidak boleh berisi karakter NUL: {value!r}")
    return value


# A folder or file name as written in the configuration.
PathText = Annotated[str, AfterValidator(_path_text)]


def _expand_tree(node: Any, path: Location, problems: list[tuple[Location, str]]) -> Any:
    if isinstance(node, dict):
        return {k: _expand_tree(v, (*path, k), problems) for k, v in node.items()}
    if isinstance(node, list):
        return [_expand_tree(v, (*path, i), problems) for i, v in enumerate(node)]
    if isinstance(node, str) and "${" in node:
        try:
            return expand_env(node)
        except ValueError as exc:
            problems.append((path, str(exc)))
    return node


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PluginEntry(BaseModel):
    """A plugin's table: `type` and the plugin's own keys, which its Options model validates.

    Loading replaces the raw keys by the validated `options`; code that builds the plugin uses
    those, never the raw table."""

    model_config = ConfigDict(extra="allow", frozen=True)
    type: str
    options: PluginOptions | None = Field(default=None, exclude=True)

    def raw_options(self) -> dict[str, Any]:
        return dict(self.model_extra or {})

    def validated(self) -> PluginOptions:
        if self.options is None:
            raise MonitorError(f"opsi plugin '{self.type}' belum divalidasi (muat konfigurasi lewat monitor.app)")
        return self.options


class SourceConfig(PluginEntry):
    """A `[[sources]]` entry. Scheduling keys are shared; the rest belong to the collector."""

    name: str = Field(pattern=NAME_PATTERN)
    interval: Duration = timedelta(minutes=15)
    enabled: bool = True
    # "official": the agency's own channel (its press-release feed, its accounts): every mention
    # is stored with that role, left out of rules that watch the public and evaluated as a release.
    role: Literal["official"] | None = None


class StoreConfig(PluginEntry):
    type: str = "sqlite"


class ClassifierConfig(PluginEntry):
    # "default": the model shipped in the package, "lexicon": the word-list baseline,
    # "transformer": any local Hugging Face sequence-classification model.
    type: str = "default"


class AlerterConfig(PluginEntry):
    pass


class RuleOptions(PluginOptions):
    """The keys every rule file shares; each rule type's Options adds its own (monitor/rules/types/)."""

    # Rule types whose numbers grow (counts, shares) escalate when they double; `any` reports
    # each new mention instead.
    counting: ClassVar[bool] = True
    # False for rule types that need live state (a source's health) and cannot run on history.
    backtestable: ClassVar[bool] = True

    name: str = Field(pattern=NAME_PATTERN)
    type: str
    description: str = ""
    severity: Severity = Severity.WARNING
    alerters: tuple[str, ...] = ("log",)
    # No new update alert sooner than this after the last one (escalations are never held back).
    cooldown: Duration = timedelta(minutes=30)
    # An open incident with no new firing for this long is resolved.
    resolve_after: Duration = timedelta(hours=6)
    # "06:00-22:00" in the configured time zone ("22:00-06:00" spans midnight); empty: always.
    active_hours: str = ""
    # An incident whose numbers reach this multiple of the last reported ones escalates a level.
    escalate_factor: float = Field(default=2.0, gt=1)

    @field_validator("active_hours")
    @classmethod
    def _hours_format(cls, value: str) -> str:
        if value and not _ACTIVE_HOURS.match(value.strip()):
            raise ValueError(f"jam aktif harus berbentuk 'JJ:MM-JJ:MM', misalnya '06:00-22:00' (bukan {value!r})")
        return value.strip()

    @property
    def active_minutes(self) -> tuple[int, int] | None:
        """Active hours as minutes after local midnight (start, end), or None for always."""
        match = _ACTIVE_HOURS.match(self.active_hours)
        if not match:
            return None
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        return h1 * 60 + m1, h2 * 60 + m2

    @property
    def evaluation_window(self) -> timedelta:
        """How far back one evaluation looks; the engine never steps further than this."""
        return timedelta(hours=1)

    @property
    def evaluation_delay(self) -> timedelta:
        """Late-arriving data: the window judged at moment t ends at t - delay."""
        return timedelta(0)

    @property
    def watched_watchlists(self) -> tuple[str, ...]:
        """The watchlists the rule filters on (silences and alerts name them)."""
        return ()


def _known_zone(value: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"zona waktu tidak dikenal: {value!r}") from None
    return value


class SectionEntry(PluginEntry):
    """One section of a digest group: a name (`"top_stories"`) or a table with `type` and the
    section's own keys (`{ type = "top_stories", limit = 8 }`), which its Options validate."""

    @model_validator(mode="before")
    @classmethod
    def _name_alone(cls, value: Any) -> Any:
        return {"type": value} if isinstance(value, str) else value


class SmtpConfig(Strict):
    """`[digest.smtp]`: the mail server the digest goes out through."""

    host: str = ""
    # Empty: 587 for STARTTLS, 465 for SSL, 25 without encryption.
    port: int | None = Field(default=None, ge=1, le=65535)
    security: Literal["starttls", "ssl", "none"] = "starttls"
    # Written as "${SMTP_USER}" / "${SMTP_PASSWORD}": expanded from the environment at load.
    username: str = ""
    password: SecretStr = SecretStr("")
    sender: str = ""
    timeout: Duration = timedelta(seconds=30)
    # A PEM file with the certificate authority of an internal mail server (relative paths
    # resolve against the configuration file); empty: the system's authorities.
    ca_file: str = ""

    @property
    def effective_port(self) -> int:
        return self.port or {"starttls": 587, "ssl": 465, "none": 25}[self.security]


class DigestGroupConfig(Strict):
    """A `[[digest.groups]]` entry: who gets which digest, when, in which language."""

    name: str = Field(pattern=NAME_PATTERN)
    recipients: tuple[str, ...] = Field(min_length=1)
    # The watchlists the digest covers (mentions matching any of them); empty: every mention.
    watchlists: tuple[str, ...] = ()
    # Empty: the [monitor] language and time zone.
    language: Literal["id", "en"] | None = None
    timezone: str | None = None
    # Local time (in `timezone`) the previous day's digest goes out.
    send_at: str = "07:00"
    # Validated by each section's own Options (monitor/digest/sections/); empty: the default list.
    sections: tuple[SectionEntry, ...] = ()
    # False: no email on a day without a single mention.
    send_empty: bool = True

    @field_validator("recipients")
    @classmethod
    def _addresses(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        wrong = [v for v in values if not _EMAIL.match(v.strip())]
        if wrong:
            raise ValueError(f"bukan alamat email: {', '.join(repr(w) for w in wrong)}")
        return tuple(v.strip() for v in values)

    @field_validator("send_at")
    @classmethod
    def _clock_time(cls, value: str) -> str:
        if not _CLOCK_TIME.match(value.strip()):
            raise ValueError(f"jam kirim harus berbentuk 'JJ:MM', misalnya '07:00' (bukan {value!r})")
        return value.strip()

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        return _known_zone(value) if value is not None else None

    @property
    def send_time(self) -> tuple[int, int]:
        hour, minute = self.send_at.split(":")
        return int(hour), int(minute)


class DigestConfig(Strict):
    """`[digest]`: the daily email for PR heads (monitor/digest/)."""

    smtp: SmtpConfig = SmtpConfig()
    groups: tuple[DigestGroupConfig, ...] = ()

    def group(self, name: str) -> DigestGroupConfig:
        for group in self.groups:
            if group.name == name:
                return group
        known = ", ".join(g.name for g in self.groups) or "(tidak ada)"
        raise KeyError(f"kelompok penerima '{name}' tidak ada (yang ada: {known})")


class GeneralConfig(Strict):
    data_dir: PathText = "var"
    timezone: str = "Asia/Jakarta"
    language: Literal["id", "en"] = "id"
    shared_data: PathText = "../shared/data"
    # Rules run after each collected batch and also on this interval.
    evaluate_interval: Duration = timedelta(minutes=5)
    user_agent: str = "humas-monitor/0.1 (+https://github.com/humas-monitor)"

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        return _known_zone(value)


class CalendarEvent(Strict):
    """A day (or days) the team knows is unusual: an election, a launch, a regional holiday."""

    name: str = Field(min_length=1)
    date: dt.date
    # Last day, inclusive; empty: one day.
    end: dt.date | None = None
    # "holiday": as quiet as a public holiday; "busy": `expect` times the usual volume.
    effect: Literal["holiday", "busy"] = "holiday"
    expect: float = Field(default=2.0, gt=0, le=100)

    @property
    def last(self) -> dt.date:
        return self.end or self.date


class CalendarConfig(Strict):
    """`[calendar]`: the days that are not ordinary days, for rules with a seasonal baseline."""

    # Country for public holidays and cuti bersama (the `holidays` package); "" for none.
    holidays: str = "ID"
    # Ramadan changes the daily rhythm (sahur, buka puasa): its days get a flatter hour profile.
    ramadan: bool = True
    events: tuple[CalendarEvent, ...] = ()


class DeliveryConfig(Strict):
    """`[delivery]`: what the outbox does when an alerter cannot deliver for a while."""

    # An alert still undelivered this long after it fired is overdue: the heartbeat alerters are
    # told, and when it finally goes out it is marked late.
    overdue_after: Duration = timedelta(minutes=15)
    # Alerters that hear about another alerter's overdue alerts (and its recovery); empty: the
    # `log` alerter when there is one.
    heartbeat: tuple[str, ...] = ()


class ClarificationConfig(Strict):
    """`[clarifications]`: linking a hoax mention to an official clarification in the store."""

    # How far back a clarification may have been published.
    lookback: Duration = timedelta(days=30)
    # Source names or web domains whose clarifications count as official, besides *.go.id and the
    # built-in fact-checking outlets.
    official: tuple[str, ...] = ()
    # Share of the hoax's content words the clarification must also use (0-1).
    min_similarity: float = Field(default=0.3, gt=0, le=1)


class FetchConfig(Strict):
    """`[fetch]`: how collectors treat other people's servers, and how they back off."""

    # Sources collected at once (`monitor once` and the service).
    workers: int = Field(default=16, ge=1, le=256)
    # Requests at once to one host, and the least time between two of them (politeness).
    per_host: int = Field(default=2, ge=1, le=32)
    per_host_gap: Duration = timedelta(seconds=1)
    # Sent in the User-Agent so a site's admin can reach the office instead of blocking it.
    contact: str = ""
    # After a failure the source waits 1, 2, 4 ... intervals (with jitter), at most this long.
    max_backoff: Duration = timedelta(hours=6)
    # This many failures in a row and the source is switched off until `monitor sources enable`.
    disable_after: int = Field(default=20, ge=1)
    # Poll a feed that rarely has something new less often (down to interval x 4), and a busy
    # one more often (up to interval / 2).
    adaptive: bool = True


class AgencyConfig(Strict):
    """`[agency]`: who the office watches for; Google News searches are built from these
    (`google_news` sources with `terms = "names"`, "programmes" or "officials")."""

    names: tuple[str, ...] = ()
    programmes: tuple[str, ...] = ()
    officials: tuple[str, ...] = ()
    # The agency's own accounts and its spokespeople's ("kemensos", "@jubir_kemensos"): their
    # posts, from any source, are stored with the role "official" (case does not matter).
    accounts: tuple[str, ...] = ()

    @field_validator("accounts")
    @classmethod
    def _handles(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        handles = tuple(v.strip().removeprefix("@").lower() for v in values)
        wrong = [v for v, h in zip(values, handles, strict=True) if not h or any(c.isspace() for c in h)]
        if wrong:
            raise ValueError(
                f"bukan nama akun: {', '.join(repr(w) for w in wrong)} (tulis tanpa spasi, misalnya '@kemensos')"
            )
        return handles


class EvaluationConfig(Strict):
    """`[evaluation]`: how the agency's own communication is judged (monitor/evaluation/)."""

    # A release is picked up by mentions published within this long after it ...
    pickup_days: int = Field(default=3, ge=1, le=30)
    # ... that share its story, or at least `min_shared_words` of its content words with this
    # similarity (0-1: how much of each the other carries, rare words weighing more; news that
    # carries a release scores 0,35-0,6, a post quoting it 0,15-0,25, talk on the same topic < 0,1).
    pickup_similarity: float = Field(default=0.15, gt=0, le=1)
    min_shared_words: int = Field(default=4, ge=1, le=50)
    # Numbers within this relative difference count as the same (rounding: 1,23 -> 1,2 juta).
    number_tolerance: float = Field(default=0.05, ge=0, lt=1)
    # The response is judged over this long before and after it ...
    response_window: Duration = timedelta(hours=6)
    # ... against the same hours of this many previous weeks (the seasonal baseline).
    baseline_weeks: int = Field(default=4, ge=1, le=12)
    # Credited when the negative share after it is at least this far (0-1) below what the trend
    # before it, over the baseline, would have given.
    min_drop: float = Field(default=0.10, gt=0, lt=1)
    # Fewer public mentions than this after the response: too little to judge.
    min_mentions: int = Field(default=20, ge=1)


class MonitorConfig(Strict):
    monitor: GeneralConfig = GeneralConfig()
    calendar: CalendarConfig = CalendarConfig()
    delivery: DeliveryConfig = DeliveryConfig()
    clarifications: ClarificationConfig = ClarificationConfig()
    agency: AgencyConfig = AgencyConfig()
    evaluation: EvaluationConfig = EvaluationConfig()
    fetch: FetchConfig = FetchConfig()
    store: StoreConfig = StoreConfig()
    classifier: ClassifierConfig = ClassifierConfig()
    sources: tuple[SourceConfig, ...] = ()
    # name = query string (AND, OR, NOT, "phrases", prefix*, NEAR/n, title:, #tag) or a keyword list.
    watchlists: dict[str, str | list[str]] = {}
    alerters: dict[str, AlerterConfig] = {"log": AlerterConfig(type="log")}
    rules_dir: PathText = "rules"
    # Validated by each rule type's own Options (subclasses of RuleOptions).
    rules: tuple[RuleOptions, ...] = ()
    digest: DigestConfig = DigestConfig()
    # Where the config was read from; relative paths resolve against it.
    base_dir: Path = Path(".")

    def resolve(self, path: str) -> Path:
        candidate = Path(path).expanduser()
        return candidate if candidate.is_absolute() else (self.base_dir / candidate).resolve()

    @property
    def data_dir(self) -> Path:
        return self.resolve(self.monitor.data_dir)

    @property
    def shared_data(self) -> Path:
        return self.resolve(self.monitor.shared_data)

    @property
    def official_sources(self) -> tuple[str, ...]:
        """The sources marked `role = "official"`: the agency's own channels."""
        return tuple(s.name for s in self.sources if s.role == "official")

    def source(self, name: str) -> SourceConfig:
        for source in self.sources:
            if source.name == name:
                return source
        raise KeyError(name)

    def rule(self, name: str) -> RuleOptions:
        for rule in self.rules:
            if rule.name == name:
                return rule
        known = ", ".join(sorted(r.name for r in self.rules)) or "(tidak ada)"
        raise KeyError(f"aturan '{name}' tidak ada (aturan yang ada: {known})")


class PluginCatalog(Protocol):
    """What configuration needs from the plugin families (monitor/app.py provides it)."""

    def validate(self, family: str, type_name: str, raw: Mapping[str, Any]) -> PluginOptions:
        """The plugin's options; raises UnknownPluginError or pydantic's ValidationError."""

    def check_query(self, name: str, query: str | list[str]) -> None:
        """Raises QueryError when a watchlist query does not parse."""


def key_path(loc: Location) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(root)"


# How a problem names the kind of plugin whose key it is.
FAMILY_NAMES = {
    "rule": "aturan",
    "source": "sumber",
    "store": "penyimpanan",
    "classifier": "pengklasifikasi",
    "digest_section": "bagian ringkasan",
}


def validation_problems(
    exc: ValidationError, file: str, prefix: Location = (), plugin: tuple[str, str] | None = None
) -> list[ConfigProblem]:
    """Pydantic's errors as problems with file and key; `plugin` (family, type) names whose keys
    an unknown key was checked against."""
    problems = []
    for err in exc.errors():
        loc = (*prefix, *err["loc"])
        message = err["msg"]
        if err["type"] == "extra_forbidden" and plugin:
            family, type_name = plugin
            what = FAMILY_NAMES.get(family, family)
            message = f"kunci '{err['loc'][-1]}' tidak dipakai oleh {what} bertipe '{type_name}' (tidak dikenal; salah ketik?)"
        elif err["type"] == "extra_forbidden":
            message = "kunci tidak dikenal (salah ketik?)"
        elif message.startswith("Value error, "):
            message = message.removeprefix("Value error, ")
        problems.append(ConfigProblem(file, key_path(loc), message))
    return problems


@dataclass
class _Loader:
    """Collects every problem of one configuration while it validates it."""

    catalog: PluginCatalog
    problems: list[ConfigProblem]
    # Rule name -> its file, so a problem found later still names the file to open.
    rule_files: dict[str, str] = field(default_factory=dict)
    # Keys whose ${ENV} reference could not be expanded (already reported).
    unexpanded: tuple[Location, ...] = ()

    def options(self, family: str, file: str, loc: Location, type_name: str, raw: Mapping[str, Any]) -> Any:
        try:
            return self.catalog.validate(family, type_name, raw)
        except UnknownPluginError as exc:
            known = ", ".join(exc.known)
            self.problems.append(
                ConfigProblem(file, key_path((*loc, "type")), f"tipe '{type_name}' tidak dikenal (pilihan: {known})")
            )
        except ValidationError as exc:
            self.problems.extend(validation_problems(exc, file, loc, (family, type_name)))
        return None

    def entry(self, family: str, file: str, loc: Location, entry: PluginEntry) -> Any:
        if any(path[: len(loc)] == loc for path in self.unexpanded):
            # Its secret is missing: that is the problem to report, not what "${NAME}" looks like.
            return entry
        options = self.options(family, file, loc, entry.type, entry.raw_options())
        return entry.model_copy(update={"options": options}) if options is not None else entry

    def sources(self, raw_sources: Any, file: str) -> tuple[SourceConfig, ...]:
        """Sources one by one, so one broken entry does not hide the problems of the others."""
        if not isinstance(raw_sources, list):
            self.problems.append(ConfigProblem(file, "sources", "harus daftar [[sources]]"))
            return ()
        sources = []
        for i, raw in enumerate(raw_sources):
            try:
                source = SourceConfig.model_validate(raw)
            except ValidationError as exc:
                self.problems.extend(validation_problems(exc, file, ("sources", i)))
                continue
            sources.append(self.entry("source", file, ("sources", i), source))
        names = [s.name for s in sources]
        for name in sorted({n for n in names if names.count(n) > 1}):
            self.problems.append(ConfigProblem(file, "sources", f"nama sumber '{name}' dipakai lebih dari sekali"))
        return tuple(sources)

    def rules(self, rules_dir: Path) -> tuple[RuleOptions, ...]:
        rules: list[RuleOptions] = []
        if not rules_dir.is_dir():
            return ()
        for path in sorted(rules_dir.glob("*.toml")):
            try:
                raw = _read_toml(path)
            except ConfigError as exc:
                self.problems.extend(exc.problems)
                continue
            raw.setdefault("name", path.stem)
            env_problems: list[tuple[Location, str]] = []
            raw = _expand_tree(raw, (), env_problems)
            self.problems.extend(ConfigProblem(str(path), key_path(loc), msg) for loc, msg in env_problems)
            if not isinstance(raw.get("type"), str):
                self.problems.append(ConfigProblem(str(path), "type", "wajib diisi: tipe aturan"))
                continue
            rule = self.options("rule", str(path), (), raw["type"], raw)
            if rule is not None:
                rules.append(rule)
                self.rule_files[rule.name] = str(path)
        names = [r.name for r in rules]
        for name in sorted({n for n in names if names.count(n) > 1}):
            self.problems.append(
                ConfigProblem(str(rules_dir), "name", f"nama aturan '{name}' dipakai lebih dari sekali")
            )
        return tuple(rules)

    def digest(self, digest: DigestConfig, file: str) -> DigestConfig:
        """Each group's sections validated by their own Options."""
        groups = []
        for i, group in enumerate(digest.groups):
            loc: Location = ("digest", "groups", i, "sections")
            sections = tuple(
                self.entry("digest_section", file, (*loc, j), entry) for j, entry in enumerate(group.sections)
            )
            groups.append(group.model_copy(update={"sections": sections}))
        return digest.model_copy(update={"groups": tuple(groups)})

    def references(self, config: MonitorConfig, file: str) -> None:
        """Watchlist queries parse; every watchlist and alerter a rule names exists."""
        for name, value in config.watchlists.items():
            try:
                self.catalog.check_query(name, value)
            except MonitorError as exc:
                self.problems.append(ConfigProblem(file, f"watchlists.{name}", str(exc)))
        for rule in config.rules:
            where = self.rule_files.get(rule.name, f"rule '{rule.name}'")
            for watchlist in rule.watched_watchlists:
                if watchlist not in config.watchlists:
                    self.problems.append(ConfigProblem(where, "watchlists", f"watchlist '{watchlist}' tidak ada"))
            for alerter in rule.alerters:
                if alerter not in config.alerters:
                    self.problems.append(ConfigProblem(where, "alerters", f"alerter '{alerter}' tidak ada"))
        for alerter in config.delivery.heartbeat:
            if alerter not in config.alerters:
                self.problems.append(ConfigProblem(file, "delivery.heartbeat", f"alerter '{alerter}' tidak ada"))
        self.digest_references(config.digest, config.watchlists, file)

    def digest_references(self, digest: DigestConfig, watchlists: Mapping[str, object], file: str) -> None:
        """Group names are unique, their watchlists exist, and there is a server to send through."""
        names = [g.name for g in digest.groups]
        for name in sorted({n for n in names if names.count(n) > 1}):
            self.problems.append(
                ConfigProblem(file, "digest.groups", f"nama kelompok '{name}' dipakai lebih dari sekali")
            )
        for i, group in enumerate(digest.groups):
            for watchlist in group.watchlists:
                if watchlist not in watchlists:
                    where = key_path(("digest", "groups", i, "watchlists"))
                    self.problems.append(ConfigProblem(file, where, f"watchlist '{watchlist}' tidak ada"))
        if digest.groups:
            for key in ("host", "sender"):
                if not getattr(digest.smtp, key):
                    self.problems.append(
                        ConfigProblem(file, f"digest.smtp.{key}", "wajib diisi bila ada [[digest.groups]]")
                    )


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError([ConfigProblem(str(path), "(file)", "file tidak ditemukan")]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([ConfigProblem(str(path), "(syntax)", f"TOML tidak valid: {exc}")]) from None


def find_config(path: str | Path | None = None) -> Path | None:
    """The file to read: the one named, else $MONITOR_CONFIG, else ./config/monitor.toml or
    ./monitor.toml; None when there is none (the built-in defaults then apply)."""
    if path:
        return Path(path)
    if os.environ.get(CONFIG_ENV):
        return Path(os.environ[CONFIG_ENV])
    return next((candidate for candidate in CONFIG_CANDIDATES if candidate.is_file()), None)


def read_config(path: Path | None, catalog: PluginCatalog) -> MonitorConfig:
    """Read, expand ${ENV} references, validate everything; raise ConfigError listing every
    problem. `path` None: the built-in defaults (no sources, the log alerter)."""
    raw = _read_toml(path) if path else {}
    file = str(path) if path else "(bawaan)"
    env_problems: list[tuple[Location, str]] = []
    raw = _expand_tree(raw, (), env_problems)
    if "rules" in raw:
        raw.pop("rules")
        env_problems.append((("rules",), "aturan ditulis satu per file di folder rules_dir, bukan di file ini"))
    loader = _Loader(
        catalog,
        [ConfigProblem(file, key_path(loc), msg) for loc, msg in env_problems],
        unexpanded=tuple(loc for loc, _ in env_problems),
    )
    base_dir = path.resolve().parent if path else Path.cwd()
    sources = loader.sources(raw.pop("sources", []), file)
    rules_dir = raw.get("rules_dir", "rules")
    try:
        config = MonitorConfig.model_validate({**raw, "base_dir": base_dir})
    except ValidationError as exc:
        loader.problems += validation_problems(exc, file)
        loader.rules(base_dir / rules_dir if isinstance(rules_dir, str) and path else base_dir / "rules")
        raise ConfigError(loader.problems) from None
    rules = loader.rules(base_dir / config.rules_dir) if path else ()
    config = config.model_copy(
        update={
            "sources": sources,
            "rules": rules,
            "store": loader.entry("store", file, ("store",), config.store),
            "classifier": loader.entry("classifier", file, ("classifier",), config.classifier),
            "alerters": {
                name: loader.entry("alerter", file, ("alerters", name), entry)
                for name, entry in config.alerters.items()
            },
            "digest": loader.digest(config.digest, file),
        }
    )
    loader.references(config, file)
    if loader.problems:
        raise ConfigError(loader.problems)
    return config
