"""Alerters: configured once by name (`[alerters.NAME]`), referenced by rules. Types in `types/`."""

from __future__ import annotations

from monitor.delivery.alerter import Alerter
from monitor.plugin import Registry

ALERTERS: Registry[Alerter] = Registry("alerter", "monitor.alerters.types")

__all__ = ["ALERTERS", "Alerter"]
