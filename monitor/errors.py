"""One error hierarchy. The CLI maps these to exit codes; stages catch them per source/rule."""

from __future__ import annotations

from dataclasses import dataclass


class MonitorError(Exception):
    """Base of every error the monitor raises on purpose."""

    exit_code = 1


@dataclass(frozen=True)
class ConfigProblem:
    file: str
    key: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.key}: {self.message}"


class ConfigError(MonitorError):
    """The configuration is invalid; carries every problem found, not just the first."""

    exit_code = 2

    def __init__(self, problems: list[ConfigProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class UsageError(MonitorError):
    """The command line asked for something that cannot be done as written."""

    exit_code = 2


class SourceError(MonitorError):
    """A source could not be collected; names the source so the operator knows which.

    `retry_after`: the server asked us to wait this many seconds (429/503 with Retry-After, an
    exhausted quota); the source is not tried again before. `permanent`: retrying cannot help
    until someone changes the configuration (a rejected token)."""

    def __init__(self, source: str, message: str, *, retry_after: float | None = None, permanent: bool = False):
        self.source = source
        self.retry_after = retry_after
        self.permanent = permanent
        super().__init__(f"sumber '{source}': {message}")


class StoreError(MonitorError):
    """The mention store failed (for example Elasticsearch unreachable)."""

    exit_code = 3


class ClassifierError(MonitorError):
    """A configured model could not be loaded or run."""


class AlertDeliveryError(MonitorError):
    """An alerter could not deliver; the alert stays in its outbox for a retry.

    `permanent`: retrying cannot fix it (a revoked token, a deleted channel) until someone
    changes the configuration; the outbox stops retrying and reports it. `uncertain`: no answer
    came (a timeout, a dropped connection), so the destination may have the alert after all."""

    def __init__(
        self,
        alerter: str,
        message: str,
        *,
        retry_after: float | None = None,
        permanent: bool = False,
        uncertain: bool = False,
    ):
        self.alerter = alerter
        self.retry_after = retry_after
        self.permanent = permanent
        self.uncertain = uncertain
        super().__init__(f"alerter '{alerter}': {message}")


class QueryError(MonitorError):
    """A watchlist query could not be parsed; points at the offending position."""

    def __init__(self, query: str, position: int, message: str):
        self.query = query
        self.position = position
        pointer = " " * position + "^"
        super().__init__(f"{message} (posisi {position})\n  {query}\n  {pointer}")


class DigestDeliveryError(MonitorError):
    """The digest email could not be sent; it stays queued for a retry unless `permanent`
    (refused credentials or addresses: retrying cannot help until the configuration changes)."""

    def __init__(self, message: str, *, permanent: bool = False):
        self.permanent = permanent
        super().__init__(message)
