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


class RuleConfig(Strict):
    """One rule file in config/rules/. Later rule types add their own keys here."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    type: Literal["any", "threshold"]
    description: str = ""
    severity: Literal["info", "warning", "critical"] = "warning"
    watchlists: list[str] = []
    topics: list[str] = []
    sentiment: list[Literal["positive", "neutral", "negative"]] = []
    flags: list[str] = []
    sources: list[str] = []
    channels: list[str] = []
    window: Duration = timedelta(hours=1)
    # Late-arriving data: evaluate the window that ended this long ago.
    delay: Duration = timedelta(0)
    threshold: int = Field(default=1, ge=1)
    # Count distinct authors rather than mentions (threshold rules).
    unique_authors: bool = False
    # "" (one incident per rule) or a mention field: "source", "channel", "author", "watchlist".
    group_by: Literal["", "source", "channel", "author", "watchlist", "topic"] = ""
    alerters: list[str] = ["log"]
    cooldown: Duration = timedelta(minutes=30)
    # An open incident with no new firing for this long is resolved.
    resolve_after: Duration = timedelta(hours=6)

    @model_validator(mode="after")
    def _any_has_no_threshold(self) -> RuleConfig:
        if self.type == "any" and self.threshold != 1:
            raise ValueError("aturan bertipe 'any' tidak memakai 'threshold'")
        return self


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
