"""Politeness towards each host: how many requests at once, the least gap between two, and the
waits servers ask for (Retry-After), shared by every collector of one monitor.

Media Cloud's fetcher keeps to 2 requests at once and 5 s per host; our defaults (`[fetch]`:
2 at once, 1 s apart) suit a monitor that polls a few dozen feeds every few minutes. Waiting
for a host never holds a slot of another host: each host has its own condition.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


class HostBusy(Exception):
    """The host cannot be asked before the caller's deadline (slots taken, or it asked us to
    wait); `wait` is how long until it could be."""

    def __init__(self, host: str, wait: float, *, asked: bool):
        self.host = host
        self.wait = wait
        # True when the host itself asked for the wait (Retry-After), not our own limits.
        self.asked = asked
        super().__init__(f"{host}: {wait:.0f} s")


@dataclass
class _Host:
    active: int = 0
    last_start: float = float("-inf")
    blocked_until: float = float("-inf")
    changed: threading.Condition = field(default_factory=threading.Condition)


class HostLimits:
    """Per-host concurrency, minimum gap between request starts, and server-requested waits."""

    def __init__(
        self,
        per_host: int = 2,
        gap: float = 1.0,
        *,
        monotonic: Callable[[], float] = time.monotonic,
    ):
        if per_host < 1:
            raise ValueError("per_host must be at least 1")
        self.per_host = per_host
        self.gap = max(0.0, gap)
        self._now = monotonic
        self._hosts: dict[str, _Host] = {}
        self._lock = threading.Lock()

    def _host(self, host: str) -> _Host:
        with self._lock:
            return self._hosts.setdefault(host.lower(), _Host())

    def block(self, host: str, seconds: float) -> None:
        """The host asked us to wait (429/503 Retry-After): nobody asks it before then."""
        state = self._host(host)
        with state.changed:
            state.blocked_until = max(state.blocked_until, self._now() + max(0.0, seconds))
            state.changed.notify_all()

    def blocked_for(self, host: str) -> float:
        """Seconds until the host may be asked again (0 when it may now)."""
        state = self._host(host)
        with state.changed:
            return max(0.0, state.blocked_until - self._now())

    @contextmanager
    def slot(self, host: str, deadline: float | None = None) -> Iterator[None]:
        """Hold one of the host's slots for a request, started no sooner than `gap` after the
        previous start there. Raises HostBusy when that cannot happen before `deadline` (a
        value of the same monotonic clock), so a caller never waits past its own deadline."""
        state = self._host(host)
        with state.changed:
            while True:
                now = self._now()
                if state.blocked_until > now:
                    # A wait the server asked for is reported, never slept through here.
                    raise HostBusy(host, state.blocked_until - now, asked=True)
                wait: float | None = None  # None: until a slot frees
                if state.active < self.per_host:
                    wait = state.last_start + self.gap - now
                    if wait <= 0:
                        break
                timeout = wait
                if deadline is not None:
                    if deadline <= now or (wait is not None and now + wait > deadline):
                        raise HostBusy(host, wait or 0.0, asked=False)
                    timeout = deadline - now if wait is None else wait
                state.changed.wait(timeout=timeout)
            state.active += 1
            state.last_start = now
        try:
            yield
        finally:
            with state.changed:
                state.active -= 1
                state.changed.notify_all()
