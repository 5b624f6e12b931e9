"""The one contract every extension point follows: collectors, stores, classifiers, alerters,
rule types (and digest sections).

A plugin is a module in its family's `types` package, named by the `type` a configuration
writes (`monitor/collectors/types/rss.py` is `type = "rss"`). The module exports

    PLUGIN = Plugin(Options, build)

where `Options` is the plugin's own pydantic model (unknown keys are errors) and
`build(name, options, context)` returns the working object. A family's `Registry` finds the
module by name and imports it only when the configuration uses it, so an office that never
configures Elasticsearch never imports its client.
"""

from __future__ import annotations

import importlib
import pkgutil
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict

from monitor.clock import Clock, SystemClock
from monitor.errors import MonitorError

if TYPE_CHECKING:
    import httpx

    from monitor.i18n import Messages

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)
OptionsT = TypeVar("OptionsT", bound="PluginOptions")


class PluginOptions(BaseModel):
    """Base of every plugin's options: frozen, and an unknown key is an error, so a typo never
    silently does nothing."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass(frozen=True)
class FetchSettings:
    """How plugins that fetch over HTTP behave towards other people's servers (`[fetch]`)."""

    # Requests at once to one host, and the least time between two requests' starts there.
    per_host: int = 2
    per_host_gap: float = 1.0
    # Sources collected at once by `monitor once` and the scheduler.
    workers: int = 16
    # Who to write to about our crawler; appended to the User-Agent when set.
    contact: str = ""


@dataclass
class PluginContext:
    """What a plugin may use besides its own options; the same for every family."""

    # The configuration file's folder: relative paths in options resolve against it.
    base_dir: Path = field(default_factory=Path.cwd)
    # Where the monitor keeps its own files (inbox, state, the embedded store).
    data_dir: Path = field(default_factory=lambda: Path.cwd() / "var")
    timezone: str = "Asia/Jakarta"
    language: str = "id"
    user_agent: str = "humas-monitor"
    # The labelled datasets folder (training and evaluation).
    shared_data: Path = field(default_factory=lambda: Path("../shared/data"))
    clock: Clock = field(default_factory=SystemClock)
    # How a plugin waits before retrying (Retry-After, backoff); tests pass one that records.
    sleep: Callable[[float], None] = time.sleep
    # One HTTP client shared by the plugins that fetch over HTTP; made on first use.
    http_factory: Callable[[], httpx.Client] | None = None
    fetch: FetchSettings = field(default_factory=FetchSettings)
    # The agency's names, programmes and officials (`[agency]`), by kind.
    agency: dict[str, tuple[str, ...]] = field(default_factory=dict)
    _shared: dict[str, Any] = field(default_factory=dict, repr=False)
    _shared_lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    def resolve(self, path: str | Path) -> Path:
        candidate = Path(path).expanduser()
        return candidate if candidate.is_absolute() else (self.base_dir / candidate).resolve()

    @property
    def agent(self) -> str:
        """The User-Agent: the project, its version and how to reach whoever runs it."""
        contact = self.fetch.contact.strip()
        return f"{self.user_agent} (kontak: {contact})" if contact else self.user_agent

    @cached_property
    def http(self) -> httpx.Client:
        if self.http_factory is not None:
            return self.http_factory()
        import httpx

        # Pooled connections for every worker at once; per-host limits are ours (collectors/hosts.py).
        limits = httpx.Limits(max_connections=max(self.fetch.workers * 2, 20), max_keepalive_connections=64)
        return httpx.Client(follow_redirects=True, headers={"User-Agent": self.agent}, limits=limits)

    def shared(self, key: str, factory: Callable[[], T]) -> T:
        """One object per context that every plugin built with it shares (the per-host limits
        of all collectors, for example); made by `factory` on first use."""
        with self._shared_lock:
            if key not in self._shared:
                self._shared[key] = factory()
            value: T = self._shared[key]
            return value

    def messages(self, language: str | None = None) -> Messages:
        """The message catalogue in the configured (or the given) language and time zone."""
        from monitor.i18n import Messages

        return Messages(language or self.language, self.timezone)


@dataclass(frozen=True)
class Plugin(Generic[T_co, OptionsT]):
    """What a plugin module exports as PLUGIN: its options model and how to build it."""

    options: type[OptionsT]
    build: Callable[[str, OptionsT, PluginContext], T_co]

    def make(self, name: str, options: PluginOptions, context: PluginContext) -> T_co:
        if not isinstance(options, self.options):
            raise TypeError(f"{name}: options must be {self.options.__name__}, not {type(options).__name__}")
        return self.build(name, options, context)


class UnknownPluginError(MonitorError):
    """A configuration names a type no module of the family provides."""

    def __init__(self, family: str, type_name: str, known: list[str]):
        self.family = family
        self.type_name = type_name
        self.known = known
        super().__init__(f"tipe {family} '{type_name}' tidak dikenal (pilihan: {', '.join(known) or '-'})")


class Registry(Generic[T_co]):
    """The plugins of one family: the modules of `package`, imported on first use."""

    def __init__(self, family: str, package: str):
        self.family = family
        self.package = package
        self._loaded: dict[str, Plugin[T_co, Any]] = {}
        self._added: dict[str, Plugin[T_co, Any]] = {}

    def names(self) -> list[str]:
        """Every type the family offers (module names; nothing is imported but the package)."""
        package = importlib.import_module(self.package)
        found = {m.name for m in pkgutil.iter_modules(package.__path__) if not m.name.startswith("_")}
        return sorted(found | set(self._added))

    def add(self, type_name: str, plugin: Plugin[T_co, Any]) -> None:
        """Offer a plugin that lives outside the package (an office's own module, a test)."""
        self._added[type_name] = plugin
        self._loaded[type_name] = plugin

    def plugin(self, type_name: str) -> Plugin[T_co, Any]:
        if type_name in self._loaded:
            return self._loaded[type_name]
        if type_name not in self.names():
            raise UnknownPluginError(self.family, type_name, self.names())
        module: ModuleType = importlib.import_module(f"{self.package}.{type_name}")
        plugin = getattr(module, "PLUGIN", None)
        if not isinstance(plugin, Plugin):
            raise TypeError(f"{module.__name__} must define PLUGIN = Plugin(Options, build)")
        self._loaded[type_name] = plugin
        return plugin

    def validate(self, type_name: str, raw: Mapping[str, Any]) -> PluginOptions:
        """The plugin's options from a configuration table; raises pydantic's ValidationError."""
        options = self.plugin(type_name).options.model_validate(dict(raw))
        assert isinstance(options, PluginOptions)
        return options

    def build(self, type_name: str, name: str, options: PluginOptions, context: PluginContext) -> T_co:
        return self.plugin(type_name).make(name, options, context)
