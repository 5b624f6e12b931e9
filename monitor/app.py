"""The composition root: a validated configuration, and the plugins it names, built.

This is the one place that knows every plugin family. Configuration validates each plugin's
options through `CATALOG` (monitor/config.py never imports a plugin), and the jobs get their
collectors, store, classifier and alerters from the builders here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from monitor.clock import Clock, SystemClock
from monitor.config import MonitorConfig, find_config, read_config
from monitor.plugin import FetchSettings, PluginContext, PluginOptions, Registry

if TYPE_CHECKING:
    import httpx

    from monitor.classify.base import Classifier
    from monitor.collectors.base import Collector
    from monitor.delivery.alerter import Alerter
    from monitor.store.base import MentionStore


def families() -> dict[str, Registry[Any]]:
    """Every plugin family by the name configuration uses for it."""
    from monitor.alerters import ALERTERS
    from monitor.classify import CLASSIFIERS
    from monitor.collectors import COLLECTORS
    from monitor.digest.sections import SECTIONS
    from monitor.rules import RULE_TYPES
    from monitor.store import STORES

    return {
        "source": COLLECTORS,
        "store": STORES,
        "classifier": CLASSIFIERS,
        "alerter": ALERTERS,
        "rule": RULE_TYPES,
        "digest_section": SECTIONS,
    }


class _Catalog:
    """The PluginCatalog configuration validates with."""

    def validate(self, family: str, type_name: str, raw: Mapping[str, Any]) -> PluginOptions:
        return families()[family].validate(type_name, raw)

    def check_query(self, name: str, query: str | list[str]) -> None:
        from monitor.enrich.query import check_query

        check_query(name, query)


CATALOG = _Catalog()


def load_config(path: str | Path | None = None) -> MonitorConfig:
    """The configuration at `path` (or found as `find_config` says), every plugin's options
    validated; raises ConfigError listing every problem."""
    return read_config(find_config(path), CATALOG)


def plugin_context(
    config: MonitorConfig, *, clock: Clock | None = None, http: Callable[[], httpx.Client] | None = None
) -> PluginContext:
    general = config.monitor
    return PluginContext(
        base_dir=config.base_dir,
        data_dir=config.data_dir,
        timezone=general.timezone,
        language=general.language,
        user_agent=general.user_agent,
        shared_data=config.shared_data,
        clock=clock or SystemClock(),
        http_factory=http,
        fetch=FetchSettings(
            per_host=config.fetch.per_host,
            per_host_gap=config.fetch.per_host_gap.total_seconds(),
            workers=config.fetch.workers,
            contact=config.fetch.contact,
        ),
        agency={
            "names": config.agency.names,
            "programmes": config.agency.programmes,
            "officials": config.agency.officials,
        },
    )


def open_store(config: MonitorConfig, context: PluginContext | None = None) -> MentionStore:
    from monitor.store import STORES

    entry = config.store
    return STORES.build(entry.type, "store", entry.validated(), context or plugin_context(config))


def build_classifier(config: MonitorConfig, context: PluginContext | None = None) -> Classifier:
    from monitor.classify import build_classifier as build
    from monitor.classify.options import ClassifierOptions

    options = config.classifier.validated()
    assert isinstance(options, ClassifierOptions)
    return build(config.classifier.type, options, context or plugin_context(config))


def build_collectors(config: MonitorConfig, context: PluginContext) -> dict[str, Collector]:
    from monitor.collectors import COLLECTORS
    from monitor.errors import ConfigError, ConfigProblem

    collectors, problems = {}, []
    for source in config.sources:
        try:
            collectors[source.name] = COLLECTORS.build(source.type, source.name, source.validated(), context)
        except ValueError as exc:  # options that only the rest of the configuration can judge
            problems.append(ConfigProblem(str(config.base_dir), f"sources.{source.name}", str(exc)))
    if problems:
        raise ConfigError(problems)
    return collectors


def build_alerters(
    config: MonitorConfig, context: PluginContext | None = None, names: Sequence[str] | None = None
) -> dict[str, Alerter]:
    from monitor.alerters import ALERTERS

    context = context or plugin_context(config)
    return {
        name: ALERTERS.build(entry.type, name, entry.validated(), context)
        for name, entry in config.alerters.items()
        if names is None or name in names
    }
