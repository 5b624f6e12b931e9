"""A configuration opened for analysis: its store, its incidents, its language and time zone.

Notebooks start with `open_workspace()`: the configuration named, else `$MONITOR_CONFIG`, else
the demo run into a new temporary folder, so every notebook runs out of the box and the same
notebook reads an office's real data once `MONITOR_CONFIG` points at its configuration.
"""

from __future__ import annotations

import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from monitor.app import load_config
from monitor.config import CONFIG_ENV, MonitorConfig
from monitor.db import StateDB
from monitor.i18n import Messages
from monitor.incidents.book import IncidentBook
from monitor.store.base import MentionStore

STATE_FILE = "state.sqlite3"


@dataclass
class Workspace:
    config: MonitorConfig
    store: MentionStore
    say: Messages
    # The monitor's state file (incidents and their mentions); None where this machine has none,
    # e.g. an analyst's laptop reading the office's Elasticsearch.
    state: StateDB | None = None
    # True when this is the demo's data in a temporary folder.
    demo: bool = False

    @property
    def incidents(self) -> IncidentBook | None:
        return IncidentBook(self.state) if self.state else None

    def close(self) -> None:
        self.store.close()
        if self.state:
            self.state.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()


def open_config(config: MonitorConfig, *, demo: bool = False) -> Workspace:
    from monitor.app import open_store

    state_file = config.data_dir / STATE_FILE
    return Workspace(
        config=config,
        store=open_store(config),
        say=Messages(config.monitor.language, config.monitor.timezone),
        state=StateDB(state_file) if state_file.is_file() else None,
        demo=demo,
    )


def open_workspace(config: str | Path | None = None, *, demo_dir: Path | None = None) -> Workspace:
    """The configuration at `config`, else at $MONITOR_CONFIG, else the demo's data: the demo is
    run (a few seconds, offline) into `demo_dir` or a new temporary folder."""
    path = config or os.environ.get(CONFIG_ENV)
    if path:
        return open_config(load_config(path))
    from monitor.demo.run import run_demo

    folder = demo_dir or Path(tempfile.mkdtemp(prefix="humas-demo-"))
    result = run_demo(io.StringIO(), folder)
    return open_config(load_config(result.config), demo=True)
