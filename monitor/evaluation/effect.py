"""Did the response change the conversation, or was it going that way anyway?

The hours around the first response are compared with what they would have been without it:
1. The seasonal baseline: the same hours of the previous weeks (`baseline_weeks`) give each hour's
   ordinary volume and the ordinary negative share. What is above it is the crisis.
2. The crisis before the response: its volume above the baseline, and its negative mentions
   above the baseline's, from their peak to the response. A crisis that was already fading
   projects its fading forward (a log-linear fit of the hours since the peak); one that was
   steady or still growing is projected flat (growth is not assumed: that would credit any
   response after a peak).
3. The expected negative share after the response: the baseline's negatives plus the projected
   negative excess, over the baseline's volume plus the projected excess.
The response is credited ("helped") when the negative share after it is at least `min_drop`
below that expectation, and more than chance would give (one-sided z ≥ 1,645 on the mentions
after it). A share that fell, but no further than the trend said, is "fading": the crisis was
calming anyway. Anything else is "unchanged"; too few mentions after the response, "too_few".
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

Verdict = Literal["helped", "fading", "unchanged", "too_few"]
# One-sided 95 %: the fall below the expectation is unlikely to be chance.
Z_CREDIT = 1.645
# Hours from the peak needed to fit a trend; fewer: the level is carried forward flat.
FIT_POINTS = 3


@dataclass(frozen=True)
class Hour:
    """One hour of the subject's public mentions."""

    total: int
    negative: int


@dataclass(frozen=True)
class Judgement:
    before_total: int
    before_negative: int
    before_hours: int
    after_total: int
    after_negative: int
    # The after window had the trend before the response continued, and the baseline alone.
    expected_total: float
    expected_share: float | None
    baseline_total: float
    baseline_share: float | None
    z: float
    verdict: Verdict

    @property
    def before_share(self) -> float | None:
        return self.before_negative / self.before_total if self.before_total else None

    @property
    def after_share(self) -> float | None:
        return self.after_negative / self.after_total if self.after_total else None


def projection(excess: Sequence[float], hours: int) -> list[float]:
    """The excess of the hours after the last one, continuing its trend since its peak: fitted
    log-linearly when it has FIT_POINTS hours or more and falls, flat otherwise."""
    if not excess or hours <= 0:
        return [0.0] * max(hours, 0)
    peak = max(range(len(excess)), key=lambda i: (excess[i], -i))
    tail = [math.log(v + 1) for v in excess[peak:]]
    slope = 0.0
    if len(tail) >= FIT_POINTS:
        xs = range(len(tail))
        mean_x, mean_y = (len(tail) - 1) / 2, sum(tail) / len(tail)
        spread = sum((x - mean_x) ** 2 for x in xs)
        slope = min(sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, tail, strict=True)) / spread, 0.0)
        level = mean_y + slope * (len(tail) - 1 - mean_x)
    else:
        level = sum(tail[-2:]) / len(tail[-2:])
    return [max(math.exp(level + slope * k) - 1, 0.0) for k in range(1, hours + 1)]


def judge(
    pre: Sequence[Hour],
    post: Sequence[Hour],
    usual: Sequence[float],
    usual_share: float | None,
    *,
    before_hours: int,
    min_drop: float,
    min_mentions: int,
) -> Judgement:
    """`pre`: the hours from the crisis' onset to the response; `post`: the hours after it;
    `usual`: each of those hours' baseline volume (pre then post); `usual_share`: the baseline's
    negative share. The share before is measured over the last `before_hours` hours of `pre`."""
    share = usual_share or 0.0
    usual_pre, usual_post = list(usual[: len(pre)]), list(usual[len(pre) :])
    excess = [max(h.total - u, 0.0) for h, u in zip(pre, usual_pre, strict=True)]
    negative_excess = [max(h.negative - u * share, 0.0) for h, u in zip(pre, usual_pre, strict=True)]
    projected = projection(excess, len(post))
    projected_negative = [min(n, t) for n, t in zip(projection(negative_excess, len(post)), projected, strict=True)]
    baseline_total = sum(usual_post)
    expected_total = baseline_total + sum(projected)
    expected_share = (baseline_total * share + sum(projected_negative)) / expected_total if expected_total else None
    before = pre[-before_hours:] if before_hours else []
    before_total, before_negative = sum(h.total for h in before), sum(h.negative for h in before)
    after_total, after_negative = sum(h.total for h in post), sum(h.negative for h in post)
    after_share = after_negative / after_total if after_total else None
    before_share = before_negative / before_total if before_total else None
    z = 0.0
    if expected_share is not None and after_share is not None and 0 < expected_share < 1:
        z = (expected_share - after_share) / math.sqrt(expected_share * (1 - expected_share) / after_total)
    verdict: Verdict
    if after_total < min_mentions or before_total < max(min_mentions // 2, 1):
        verdict = "too_few"
    elif (
        expected_share is not None
        and after_share is not None
        and (expected_share - after_share >= min_drop and z >= Z_CREDIT)
    ):
        verdict = "helped"
    elif before_share is not None and after_share is not None and before_share - after_share >= min_drop:
        verdict = "fading"
    else:
        verdict = "unchanged"
    return Judgement(
        before_total,
        before_negative,
        len(before),
        after_total,
        after_negative,
        round(expected_total, 2),
        round(expected_share, 4) if expected_share is not None else None,
        round(baseline_total, 2),
        round(usual_share, 4) if usual_share is not None else None,
        round(z, 2),
        verdict,
    )


@dataclass(frozen=True)
class Effect:
    """An incident's first response and how the conversation went around it."""

    incident_id: str
    response_at: datetime
    # From the incident's opening to the first response.
    delay: timedelta
    window: timedelta
    judgement: Judgement

    @property
    def verdict(self) -> Verdict:
        return self.judgement.verdict

    def to_json(self) -> dict[str, Any]:
        return {
            "incident_id": self.incident_id,
            "response_at": self.response_at.isoformat(),
            "delay_s": self.delay.total_seconds(),
            "window_s": self.window.total_seconds(),
            "judgement": asdict(self.judgement),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Effect:
        return cls(
            data["incident_id"],
            datetime.fromisoformat(data["response_at"]),
            timedelta(seconds=float(data["delay_s"])),
            timedelta(seconds=float(data["window_s"])),
            Judgement(**data["judgement"]),
        )
