"""Rules: one TOML file each, a type from `types/`, evaluated by the engine over the store."""

from __future__ import annotations

from monitor.plugin import Registry
from monitor.rules.base import RuleType

RULE_TYPES: Registry[RuleType] = Registry("rule", "monitor.rules.types")

__all__ = ["RULE_TYPES", "RuleType"]
