"""How long commands show how far they are: a bar with rate and ETA on a terminal (tqdm), plain
lines every few seconds when the output is a file, a pipe or cron's mail.

Replay, `rules test`, `train` and `once` over a backlog all report through `Progress`, so every
long command looks and reads the same. The words come from the message catalogue; tqdm is
imported only when there is a terminal to draw on.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from monitor.i18n import Messages

# Plain lines at most this often: enough to see it move in a log, not a line per item.
PLAIN_EVERY = 5.0


class Progress:
    """Count work done towards `total` (None: unknown) in `unit`s; `note` adds what the count
    alone does not say (a replay's simulated time, the stage of a training)."""

    def __init__(
        self,
        say: Messages,
        what: str,
        total: int | None = None,
        *,
        unit: str = "",
        stream: TextIO | None = None,
        tty: bool | None = None,
        every: float = PLAIN_EVERY,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.say = say
        self.what = what
        self.total = total
        self.unit = unit
        self.stream = stream if stream is not None else sys.stderr
        self.every = every
        self.clock = clock
        self.done = 0
        self.note = ""
        self.started = clock()
        self._printed_at = self.started
        self._closed = False
        self._bar: Any = None
        if self.stream.isatty() if tty is None else tty:
            from tqdm import tqdm

            self._bar = tqdm(total=total, desc=what, unit=f" {unit}" if unit else "it", file=self.stream, leave=True)

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close(finished=kind is None)

    def advance(self, n: int = 1, *, note: str | None = None) -> None:
        self.update(self.done + n, note=note)

    def update(self, done: int, *, note: str | None = None, total: int | None = None) -> None:
        """Set the count (and the total, when it became known or grew)."""
        if total is not None and total != self.total:
            self.total = total
            if self._bar is not None:
                self._bar.total = total
                self._bar.refresh()
        step, self.done = done - self.done, done
        if note is not None:
            self.note = note
        if self._bar is not None:
            if note is not None:
                self._bar.set_postfix_str(note, refresh=False)
            self._bar.update(step)
            return
        now = self.clock()
        if now - self._printed_at >= self.every:
            self._printed_at = now
            print(self.line(now), file=self.stream, flush=True)

    def line(self, now: float | None = None) -> str:
        """The plain line: done (of total, percent), rate, time left, note."""
        elapsed = max((self.clock() if now is None else now) - self.started, 1e-9)
        rate = self.done / elapsed
        say = self.say
        if self.total:
            left = (self.total - self.done) / rate if rate > 0 else None
            text = say(
                "progress.line",
                what=self.what,
                done=say.number(self.done),
                total=say.number(self.total),
                pct=min(self.done / self.total, 1.0),
                rate=_rate(say, rate),
                unit=self.unit,
                left=clock_time(left) if left is not None else "?",
            )
        else:
            text = say(
                "progress.open",
                what=self.what,
                done=say.number(self.done),
                rate=_rate(say, rate),
                unit=self.unit,
            )
        return f"{text} · {self.note}" if self.note else text

    def close(self, *, finished: bool = True) -> None:
        """End the bar (or print the closing plain line: how much, how long, how fast)."""
        if self._closed:
            return
        self._closed = True
        if self._bar is not None:
            self._bar.close()
            return
        elapsed = max(self.clock() - self.started, 1e-9)
        # A command quicker than one plain line says enough with its own output.
        if finished and elapsed >= self.every:
            line = self.say(
                "progress.done",
                what=self.what,
                done=self.say.number(self.done),
                unit=self.unit,
                elapsed=clock_time(elapsed),
                rate=_rate(self.say, self.done / elapsed),
            )
            print(line, file=self.stream, flush=True)


def _rate(say: Messages, per_second: float) -> str:
    # A slow step (training: a stage every few seconds) would read "0 tahap/detik" rounded.
    return say.number(round(per_second) if per_second >= 10 else round(per_second, 1))


def clock_time(seconds: float) -> str:
    """'0:42', '12:05', '1:02:03': a stopwatch's reading, the same in every language."""
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
