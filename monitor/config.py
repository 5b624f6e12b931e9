"""TOML configuration -> validated pydantic models.

Every problem is reported with its file and key, all at once. Unknown keys are errors. Secrets
come only from `${ENV_VAR}` references, never written in the file itself.
"""

from __future__ import annotations

import os
import re
import tomllib
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from monitor.errors import ConfigError, ConfigProblem, QueryError

PACKAGE_CONFIG = Path(__file__).resolve().parent.parent / "config"
DEFAULT_CONFIG = PACKAGE_CONFIG / "monitor.toml"

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def parse_duration(value: Any) -> timedelta:
    """'90s', '15m', '1h', '7d', '2w' or a number of seconds."""
    if isinstance(value, timedelta):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return timedelta(seconds=value)
    if isinstance(value, str):
        match = _DURATION.match(value)
        if match:
            return timedelta(**{_UNITS[match.group(2)]: float(match.group(1))})
    raise ValueError(f"bukan durasi yang dikenal: {value!r} (contoh: '30s', '15m', '1h', '7d')")


Duration = Annotated[timedelta, BeforeValidator(parse_duration)]


def expand_env(value: str) -> str:
    """Replace ${NAME} with the environment variable; a missing variable is an error."""

    def lookup(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in os.environ:
            raise ValueError(f"variabel lingkungan ${{{name}}} tidak di-set")
        return os.environ[name]

    return _ENV_REF.sub(lookup, value)


def _expand_tree(node: Any, path: tuple[str | int, ...], problems: list[tuple[tuple, str]]) -> Any:
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


class PluginConfig(Strict):
    """A plugin entry: common keys here, the rest validated by the plugin's own options model."""

    model_config = ConfigDict(extra="allow", frozen=True)
    type: str

    def options(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class SourceConfig(PluginConfig):
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    interval: Duration = timedelta(minutes=15)
    enabled: bool = True
    # Channel label for every mention of this source ("news", "social", ...).
    channel: str = "news"


class StoreConfig(PluginConfig):
    type: str = "sqlite"


class AlerterConfig(PluginConfig):
    pass


class ClassifierConfig(Strict):
    # "default": the shipped model in models/, "lexicon": the word-list baseline,
    # "transformer": any Hugging Face sequence-classification model in `model_path`.
    sentiment: Literal["default", "lexicon", "transformer"] = "default"
    model_path: str | None = None
    # Model label -> positive/neutral/negative, for models whose labels differ.
    labels: dict[str, Literal["positive", "neutral", "negative"]] = {}
    batch_size: int = Field(default=64, ge=1, le=4096)
    max_length: int = Field(default=128, ge=8, le=4096)
    # Optional TOML file with the agency's own topic taxonomy (seed terms per topic).
    taxonomy: str | None = None


RuleTypeName = Literal["any", "threshold", "spike", "negative_surge", "viral", "new_story", "coordinated", "silence"]

_RULE_FILTERS = frozenset({"watchlists", "topics", "sentiment", "flags", "sources", "channels"})
_WINDOWED = frozenset({"window", "delay"}) | _RULE_FILTERS
# The keys each rule type uses beyond the common ones (name, type, description, severity,
# alerters, cooldown, resolve_after, active_hours, escalate_factor). A key the type does not use
# is an error, so a typo or a key copied from another rule never silently does nothing.
RULE_TYPE_KEYS: dict[str, frozenset[str]] = {
    "any": _WINDOWED | {"group_by"},
    "threshold": _WINDOWED | {"group_by", "threshold", "unique_authors"},
    "spike": _WINDOWED | {"group_by", "baseline_weeks", "factor", "min_count", "min_baseline", "direction"},
    # The rule measures the negative share itself, so a sentiment filter would make it 100 %.
    "negative_surge": (_WINDOWED - {"sentiment"})
    | {"group_by", "min_share", "margin", "min_volume", "baseline_period"},
    "viral": _WINDOWED | {"min_reach", "min_engagement", "min_growth"},
    "new_story": _WINDOWED | {"min_mentions", "novelty"},
    "coordinated": _WINDOWED | {"min_accounts", "similarity"},
    "silence": frozenset({"sources", "max_quiet", "per_source"}),
}
_ACTIVE_HOURS = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")


class RuleConfig(Strict):
    """One rule file in config/rules/: common keys, then the keys of each rule type (see
    RULE_TYPE_KEYS and docs/rules.md)."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    type: RuleTypeName
    description: str = ""
    severity: Literal["info", "warning", "critical"] = "warning"
    alerters: list[str] = ["log"]
    # No new update alert sooner than this after the last one (escalations are never held back).
    cooldown: Duration = timedelta(minutes=30)
    # An open incident with no new firing for this long is resolved.
    resolve_after: Duration = timedelta(hours=6)
    # "06:00-22:00" in the configured time zone ("22:00-06:00" spans midnight); empty: always.
    active_hours: str = ""
    # An incident whose numbers reach this multiple of the last reported ones escalates a level.
    escalate_factor: float = Field(default=2.0, gt=1)
    # Filters (all rule types but `silence`; `silence` uses only `sources`).
    watchlists: list[str] = []
    topics: list[str] = []
    sentiment: list[Literal["positive", "neutral", "negative"]] = []
    flags: list[str] = []
    sources: list[str] = []
    channels: list[str] = []
    window: Duration = timedelta(hours=1)
    # Late-arriving data: evaluate the window that ended this long ago.
    delay: Duration = timedelta(0)
    # "" (one incident per rule) or one incident per value of a mention field.
    group_by: Literal["", "source", "channel", "author", "watchlist", "topic"] = ""
    # threshold: at least this many mentions (or distinct authors) in the window.
    threshold: int = Field(default=1, ge=1)
    unique_authors: bool = False
    # spike: the window against the same hours of the same weekday over the last weeks.
    baseline_weeks: int = Field(default=4, ge=1, le=12)
    factor: float = Field(default=3.0, gt=1)
    min_count: int = Field(default=10, ge=1)
    min_baseline: float = Field(default=5.0, ge=0)
    direction: Literal["up", "down", "both"] = "up"
    # negative_surge: the negative share above min_share and above the baseline share + margin.
    min_share: float = Field(default=0.5, gt=0, le=1)
    margin: float = Field(default=0.2, ge=0, le=1)
    min_volume: int = Field(default=20, ge=1)
    baseline_period: Duration = timedelta(days=7)
    # viral: bounds on one post's reach, engagement, or engagement growth per hour.
    min_reach: int | None = Field(default=None, ge=1)
    min_engagement: int | None = Field(default=None, ge=1)
    min_growth: float | None = Field(default=None, gt=0)
    # new_story: a story with at least min_mentions in the window and none in `novelty` before.
    min_mentions: int = Field(default=5, ge=2)
    novelty: Duration = timedelta(days=3)
    # coordinated: this many accounts posting texts at least this similar (Jaccard) in the window.
    min_accounts: int = Field(default=5, ge=2)
    similarity: float = Field(default=0.8, ge=0.3, le=1)
    # silence: a source (or, with per_source = false, every source) with nothing new this long.
    max_quiet: Duration = timedelta(hours=2)
    per_source: bool = True

    @field_validator(*sorted(set().union(*RULE_TYPE_KEYS.values())))
    @classmethod
    def _key_fits_type(cls, value: Any, info: Any) -> Any:
        kind = info.data.get("type")
        if kind in RULE_TYPE_KEYS and info.field_name not in RULE_TYPE_KEYS[kind]:
            raise ValueError(f"kunci '{info.field_name}' tidak dipakai oleh aturan bertipe '{kind}'")
        return value

    @field_validator("active_hours")
    @classmethod
    def _hours_format(cls, value: str) -> str:
        if value and not _ACTIVE_HOURS.match(value.strip()):
            raise ValueError(f"jam aktif harus berbentuk 'JJ:MM-JJ:MM', misalnya '06:00-22:00' (bukan {value!r})")
        return value.strip()

    @model_validator(mode="after")
    def _type_needs(self) -> RuleConfig:
        if self.type == "viral" and not (self.min_reach or self.min_engagement or self.min_growth):
            raise ValueError("aturan 'viral' butuh setidaknya satu dari 'min_reach', 'min_engagement', 'min_growth'")
        return self

    @property
    def active_minutes(self) -> tuple[int, int] | None:
        """Active hours as minutes after local midnight (start, end), or None for always."""
        match = _ACTIVE_HOURS.match(self.active_hours)
        if not match:
            return None
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        return h1 * 60 + m1, h2 * 60 + m2


class GeneralConfig(Strict):
    data_dir: str = "var"
    timezone: str = "Asia/Jakarta"
    language: Literal["id", "en"] = "id"
    shared_data: str = "../shared/data"
    # Rules run after each collected batch and also on this interval.
    evaluate_interval: Duration = timedelta(minutes=5)
    user_agent: str = "humas-monitor/0.1 (+https://github.com/humas-monitor)"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"zona waktu tidak dikenal: {value!r}") from None
        return value


class MonitorConfig(Strict):
    monitor: GeneralConfig = GeneralConfig()
    store: StoreConfig = StoreConfig()
    classifier: ClassifierConfig = ClassifierConfig()
    sources: list[SourceConfig] = []
    # name = query string (AND, OR, NOT, "phrases", prefix*, NEAR/n, title:, #tag) or a keyword list.
    watchlists: dict[str, str | list[str]] = {}
    alerters: dict[str, AlerterConfig] = {"log": AlerterConfig(type="log")}
    rules_dir: str = "rules"
    rules: list[RuleConfig] = []
    # Where the config was read from; relative paths resolve against it.
    base_dir: Path = Path(".")

    def resolve(self, path: str) -> Path:
        candidate = Path(path).expanduser()
        return candidate if candidate.is_absolute() else (self.base_dir / candidate).resolve()

    @property
    def data_dir(self) -> Path:
        return self.resolve(self.monitor.data_dir)

    def source(self, name: str) -> SourceConfig:
        for source in self.sources:
            if source.name == name:
                return source
        raise KeyError(name)


def _key(loc: tuple[str | int, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(root)"


def _problems(exc: ValidationError, file: str, prefix: tuple = ()) -> list[ConfigProblem]:
    problems = []
    for err in exc.errors():
        loc = (*prefix, *err["loc"])
        message = err["msg"]
        if err["type"] == "extra_forbidden":
            message = "kunci tidak dikenal (salah ketik?)"
        elif message.startswith("Value error, "):
            message = message.removeprefix("Value error, ")
        problems.append(ConfigProblem(file, _key(loc), message))
    return problems


def _plugin_problems(loc: tuple, entry: PluginConfig, registry: dict[str, type], file: str) -> list[ConfigProblem]:
    """Validate one plugin entry's own options against its plugin's Options model."""
    plugin = registry.get(entry.type)
    if plugin is None:
        known = ", ".join(sorted(registry))
        return [ConfigProblem(file, _key((*loc, "type")), f"tipe '{entry.type}' tidak dikenal (pilihan: {known})")]
    try:
        plugin.Options.model_validate(entry.options())
    except ValidationError as exc:
        return _problems(exc, file, loc)
    return []


def _source_problems(raw_sources: Any, file: str) -> tuple[list[SourceConfig], list[ConfigProblem]]:
    """Sources one by one, so one broken entry does not hide the problems of the others."""
    from monitor.collectors import COLLECTORS

    if not isinstance(raw_sources, list):
        return [], [ConfigProblem(file, "sources", "harus daftar [[sources]]")]
    sources, problems = [], []
    for i, raw in enumerate(raw_sources):
        try:
            source = SourceConfig.model_validate(raw)
        except ValidationError as exc:
            problems += _problems(exc, file, ("sources", i))
            continue
        problems += _plugin_problems(("sources", i), source, COLLECTORS, file)
        sources.append(source)
    names = [s.name for s in sources]
    for name in sorted({n for n in names if names.count(n) > 1}):
        problems.append(ConfigProblem(file, "sources", f"nama sumber '{name}' dipakai lebih dari sekali"))
    return sources, problems


def _watchlist_problems(config: MonitorConfig, file: str) -> list[ConfigProblem]:
    """Every watchlist query must parse; each bad one is reported with its position."""
    from monitor.rules.query import keywords_query, parse_query

    problems = []
    for name, value in config.watchlists.items():
        try:
            parse_query(value) if isinstance(value, str) else keywords_query(value)
        except QueryError as exc:
            problems.append(ConfigProblem(file, f"watchlists.{name}", str(exc)))
    return problems


def _rule_problems(config: MonitorConfig) -> list[ConfigProblem]:
    problems = []
    for rule in config.rules:
        where = f"rule '{rule.name}'"
        for watchlist in rule.watchlists:
            if watchlist not in config.watchlists:
                problems.append(ConfigProblem(where, "watchlists", f"watchlist '{watchlist}' tidak ada"))
        for alerter in rule.alerters:
            if alerter not in config.alerters:
                problems.append(ConfigProblem(where, "alerters", f"alerter '{alerter}' tidak ada"))
    return problems


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError([ConfigProblem(str(path), "(file)", "file tidak ditemukan")]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([ConfigProblem(str(path), "(syntax)", f"TOML tidak valid: {exc}")]) from None


def _load_rules(rules_dir: Path, problems: list[ConfigProblem]) -> list[RuleConfig]:
    rules: list[RuleConfig] = []
    if not rules_dir.is_dir():
        return rules
    for path in sorted(rules_dir.glob("*.toml")):
        try:
            raw = _read_toml(path)
        except ConfigError as exc:
            problems.extend(exc.problems)
            continue
        raw.setdefault("name", path.stem)
        env_problems: list[tuple[tuple, str]] = []
        raw = _expand_tree(raw, (), env_problems)
        problems.extend(ConfigProblem(str(path), _key(loc), msg) for loc, msg in env_problems)
        try:
            rules.append(RuleConfig.model_validate(raw))
        except ValidationError as exc:
            problems.extend(_problems(exc, str(path)))
    names = [r.name for r in rules]
    for name in {n for n in names if names.count(n) > 1}:
        problems.append(ConfigProblem(str(rules_dir), "name", f"nama aturan '{name}' dipakai lebih dari sekali"))
    return rules


def load_config(path: str | Path | None = None) -> MonitorConfig:
    """Read, expand ${ENV} references, validate; raise ConfigError listing every problem."""
    from monitor.alerters import ALERTERS
    from monitor.store import STORES

    config_path = Path(path) if path else DEFAULT_CONFIG
    raw = _read_toml(config_path)
    file = str(config_path)
    env_problems: list[tuple[tuple, str]] = []
    raw = _expand_tree(raw, (), env_problems)
    problems = [ConfigProblem(file, _key(loc), msg) for loc, msg in env_problems]
    base_dir = config_path.resolve().parent
    sources, source_problems = _source_problems(raw.pop("sources", []), file)
    problems += source_problems
    config = None
    try:
        config = MonitorConfig.model_validate({**raw, "base_dir": base_dir})
    except ValidationError as exc:
        problems += _problems(exc, file)
    rules_dir = raw.get("rules_dir", "rules")
    rules = _load_rules(base_dir / rules_dir if isinstance(rules_dir, str) else base_dir / "rules", problems)
    if config is None:
        raise ConfigError(problems)
    config = config.model_copy(update={"sources": sources, "rules": [*config.rules, *rules]})
    problems += _plugin_problems(("store",), config.store, STORES, file)
    for name, alerter in config.alerters.items():
        problems += _plugin_problems(("alerters", name), alerter, ALERTERS, file)
    problems += _watchlist_problems(config, file) + _rule_problems(config)
    if problems:
        raise ConfigError(problems)
    return config
