"""Properties of durations in configuration (monitor.values.parse_duration): every valid form
means what it says; anything else is a ValueError that quotes what was written."""

from __future__ import annotations

from datetime import timedelta
from fractions import Fraction

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from strategies import any_text

from monitor.values import MAX_DURATION, parse_duration

UNITS = {"s": timedelta(seconds=1), "m": timedelta(minutes=1), "h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}  # fmt: skip
spaces = st.sampled_from(["", " ", "  ", "\t"])


@given(st.sampled_from(sorted(UNITS)), st.integers(0, 10_000), st.sampled_from([0, 1, 2, 3]), spaces, spaces, spaces)
@example("h", 1, 1, "", "", "")  # 1.5h
def test_a_number_and_a_unit_is_that_long(unit: str, whole: int, quarters: int, before: str, between: str, after: str):
    amount = Fraction(whole) + Fraction(quarters, 4)  # quarters stay exact in binary floating point
    written = f"{before}{whole}{'.' + str(quarters * 25).zfill(2) if quarters else ''}{between}{unit}{after}"
    expected = UNITS[unit] * float(amount)
    if expected > MAX_DURATION:
        with pytest.raises(ValueError, match="terlalu panjang") as caught:
            parse_duration(written)
        assert repr(written) in str(caught.value)
    else:
        assert parse_duration(written) == expected


@given(st.integers(-(10**12), 10**12) | st.floats(allow_nan=True, allow_infinity=True))
def test_a_bare_number_is_seconds(seconds: float) -> None:
    finite = seconds == seconds and abs(seconds) <= MAX_DURATION.total_seconds()
    # Microseconds are the unit: -1e-300 s is no time at all, not a negative duration.
    if finite and timedelta(seconds=seconds) >= timedelta(0):
        assert parse_duration(seconds) == timedelta(seconds=seconds)
    else:  # NaN, infinite, too long or negative
        with pytest.raises(ValueError) as caught:
            parse_duration(seconds)
        assert repr(seconds) in str(caught.value)


@given(any_text)
@example("1y")  # `monitor search --since 1y`
@example("15 menit")
@example("-1h")
@example("1e3s")
@example("1.h")
@example("٣h")  # a digit of another script: Python's \d accepts it, and it is three
def test_any_other_text_is_refused_quoting_it(text: str) -> None:
    try:
        delta = parse_duration(text)
    except ValueError as error:
        assert repr(text) in str(error)
    else:
        assert timedelta(0) <= delta <= MAX_DURATION


@given(
    st.none()
    | st.booleans()
    | st.lists(st.integers(), max_size=2)
    | st.dictionaries(any_text, st.integers(), max_size=1)
)
def test_values_of_other_types_are_refused_quoting_them(value: object) -> None:
    with pytest.raises(ValueError) as caught:
        parse_duration(value)
    assert repr(value) in str(caught.value)
