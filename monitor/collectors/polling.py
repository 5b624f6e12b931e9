"""When to ask a source again: an interval that follows how often it has something new, and a
backoff with jitter after failures that never comes sooner than the server asked."""

from __future__ import annotations

import random
from datetime import timedelta

# A feed with news comes back at half its configured interval at the soonest; a quiet one
# drifts out to four times it, a quarter more each empty run.
FASTEST, SLOWEST, SLOWDOWN = 0.5, 4.0, 1.25


def next_interval(current: float | None, configured: float, *, had_new: bool) -> float:
    """The next polling interval in seconds."""
    interval = current or configured
    interval = interval / 2 if had_new else interval * SLOWDOWN
    return min(max(interval, configured * FASTEST), configured * SLOWEST)


def failure_wait(
    configured: timedelta,
    failures: int,
    *,
    retry_after: float | None,
    cap: timedelta,
    rng: random.Random | None = None,
) -> timedelta:
    """How long after the `failures`-th failure in a row: 1, 2, 4 ... intervals with "equal
    jitter" (half fixed, half random, so sources failing together do not come back together),
    at most `cap`, and never less than the server's Retry-After."""
    base = min(configured.total_seconds() * 2 ** max(failures - 1, 0), cap.total_seconds())
    wait = base / 2 + (rng or random).uniform(0, base / 2)
    return timedelta(seconds=max(wait, retry_after or 0.0))
