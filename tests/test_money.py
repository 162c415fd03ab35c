"""Rounding to a step in each mode, checked against Python's decimal module; euro formatting."""

from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, localcontext

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from budgetcalc.errors import AllocationError
from budgetcalc.exact import Fixed
from budgetcalc.money import RoundingMode, format_euro, round_to_step

HALF_UP, HALF_EVEN, UP, DOWN = (
    RoundingMode.HALF_UP,
    RoundingMode.HALF_EVEN,
    RoundingMode.UP,
    RoundingMode.DOWN,
)

ORACLE = {HALF_UP: ROUND_HALF_UP, HALF_EVEN: ROUND_HALF_EVEN, UP: ROUND_CEILING, DOWN: ROUND_FLOOR}
STEPS = [Decimal("0.01"), Decimal("0.05"), Decimal("1"), Decimal("10"), Decimal("100")]


def fixed(*values: str) -> Fixed:
    """Exact amounts from decimal strings, all at the finest scale among them."""
    scale = max(max(0, -Decimal(v).as_tuple().exponent) for v in values)
    return Fixed(np.array([int(Decimal(v).scaleb(scale)) for v in values], dtype=np.int64), scale)


def rounded_euros(value: str, step: str, mode: RoundingMode) -> Decimal:
    return Decimal(int(round_to_step(fixed(value), Decimal(step), mode)[0])) / 100


def decimal_oracle(value: Decimal, step: Decimal, mode: RoundingMode) -> int:
    """Round value to a multiple of step with Python's decimal module; result in cents."""
    with localcontext() as context:
        context.prec = 60
        multiple = (value / step).quantize(Decimal(1), rounding=ORACLE[mode])
        return int(multiple * step * 100)


@pytest.mark.parametrize(
    ("value", "step", "mode", "expected"),
    [
        # ties to a cent
        ("12.345", "0.01", HALF_UP, "12.35"),
        ("12.345", "0.01", HALF_EVEN, "12.34"),
        ("12.355", "0.01", HALF_EVEN, "12.36"),
        ("-12.345", "0.01", HALF_UP, "-12.35"),  # away from zero
        ("-12.345", "0.01", HALF_EVEN, "-12.34"),
        ("12.344", "0.01", UP, "12.35"),
        ("12.349", "0.01", DOWN, "12.34"),
        # whole euros and hundreds (Leeuwarden: naar boven op honderdtallen)
        ("2.5", "1", HALF_UP, "3"),
        ("2.5", "1", HALF_EVEN, "2"),
        ("-2.5", "1", HALF_UP, "-3"),
        ("-2.5", "1", HALF_EVEN, "-2"),
        ("3262", "100", UP, "3300"),
        ("3797.5", "100", UP, "3800"),
        ("3300", "100", UP, "3300"),
        ("-3262", "100", UP, "-3200"),
        ("-3262", "100", DOWN, "-3300"),
        ("150", "100", HALF_EVEN, "200"),
        ("250", "100", HALF_EVEN, "200"),
        ("250", "100", HALF_UP, "300"),
        ("249.99", "100", HALF_UP, "200"),
        ("15", "10", HALF_EVEN, "20"),
        ("25", "10", HALF_EVEN, "20"),
        # a step of five cents: 1.025 is 20.5 steps
        ("1.025", "0.05", HALF_EVEN, "1.00"),
        ("1.025", "0.05", HALF_UP, "1.05"),
        ("1.075", "0.05", HALF_EVEN, "1.10"),
        ("1.01", "0.05", UP, "1.05"),
        ("1.04", "0.05", DOWN, "1.00"),
        ("0", "100", UP, "0"),
    ],
)
def test_round_to_step_by_hand(value: str, step: str, mode: RoundingMode, expected: str) -> None:
    assert rounded_euros(value, step, mode) == Decimal(expected)


@given(
    units=st.lists(st.integers(-(10**13), 10**13), min_size=1, max_size=8),
    scale=st.integers(0, 5),
    step=st.sampled_from(STEPS),
    mode=st.sampled_from(list(RoundingMode)),
)
def test_round_to_step_matches_decimal_quantize(
    units: list[int], scale: int, step: Decimal, mode: RoundingMode
) -> None:
    amounts = Fixed(np.array(units, dtype=np.int64), scale)
    result = round_to_step(amounts, step, mode)
    assert result.dtype == np.int64
    expected = [decimal_oracle(Decimal(u).scaleb(-scale), step, mode) for u in units]
    assert result.tolist() == expected


@given(
    tie=st.integers(-(10**6), 10**6),
    step=st.sampled_from(STEPS),
    mode=st.sampled_from([HALF_UP, HALF_EVEN]),
)
def test_exact_ties_match_decimal_quantize(tie: int, step: Decimal, mode: RoundingMode) -> None:
    value = (Decimal(tie) + Decimal("0.5")) * step  # exactly halfway between two multiples
    amount = fixed(str(value))
    assert int(round_to_step(amount, step, mode)[0]) == decimal_oracle(value, step, mode)


def test_round_to_step_overflow_raises_instead_of_wrapping() -> None:
    huge = Fixed(np.array([10**17], dtype=np.int64), 0)  # 1e17 euros fits, 1e19 cents does not
    with pytest.raises(AllocationError, match="too large"):
        round_to_step(huge, Decimal(1), UP)


@pytest.mark.parametrize(
    ("amount", "nl", "en"),
    [
        (768252, "€ 7.682,52", "€7,682.52"),
        (0, "€ 0,00", "€0.00"),
        (5, "€ 0,05", "€0.05"),
        (-1200, "-€ 12,00", "-€12.00"),
        (123456789, "€ 1.234.567,89", "€1,234,567.89"),
        (Decimal("6567"), "€ 6.567,00", "€6,567.00"),
        (Decimal("1.5"), "€ 1,50", "€1.50"),
        (Decimal("1115.52"), "€ 1.115,52", "€1,115.52"),
        (Decimal("3797.5"), "€ 3.797,50", "€3,797.50"),
        (Decimal("21.0625"), "€ 21,0625", "€21.0625"),  # digits below a cent are kept
        (Decimal("-0.5"), "-€ 0,50", "-€0.50"),
    ],
)
def test_format_euro(amount: int | Decimal, nl: str, en: str) -> None:
    assert format_euro(amount, "nl") == nl
    assert format_euro(amount, "en") == en


@given(st.integers(-(10**15), 10**15))
def test_format_euro_reads_back(cents: int) -> None:
    nl = format_euro(cents, "nl").replace("€ ", "").replace(".", "").replace(",", ".")
    en = format_euro(cents, "en").replace("€", "").replace(",", "")
    assert Decimal(nl) == Decimal(en) == Decimal(cents) / 100
