"""Exact decimal vectors: sums, products and comparisons equal Decimal arithmetic, or raise."""

from decimal import Decimal, localcontext

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from budgetcalc.errors import AllocationError
from budgetcalc.exact import Fixed

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def vectors(size: int, low: int, high: int, max_scale: int) -> st.SearchStrategy[tuple[list[int], int]]:
    return st.tuples(
        st.lists(st.integers(low, high), min_size=size, max_size=size), st.integers(0, max_scale)
    )


def pairs(low: int, high: int, max_scale: int) -> st.SearchStrategy:
    return st.integers(1, 6).flatmap(
        lambda n: st.tuples(vectors(n, low, high, max_scale), vectors(n, low, high, max_scale))
    )


SMALL = pairs(-(10**9), 10**9, 4)  # nothing can overflow here
FULL = pairs(INT64_MIN, INT64_MAX, 8)  # anything may overflow


def fixed(vector: tuple[list[int], int]) -> Fixed:
    units, scale = vector
    return Fixed(np.array(units, dtype=np.int64), scale)


def decimals(vector: tuple[list[int], int]) -> list[Decimal]:
    units, scale = vector
    return [Decimal(u).scaleb(-scale) for u in units]


def values(result: Fixed) -> list[Decimal]:
    return [result.decimal_at(i) for i in range(len(result))]


def oracle(operation: str, pair: tuple) -> list:
    with localcontext() as context:
        context.prec = 80
        left, right = decimals(pair[0]), decimals(pair[1])
        if operation == "add":
            return [a + b for a, b in zip(left, right, strict=True)]
        if operation == "sub":
            return [a - b for a, b in zip(left, right, strict=True)]
        if operation == "mul":
            return [a * b for a, b in zip(left, right, strict=True)]
        return [(a > b) - (a < b) for a, b in zip(left, right, strict=True)]


def run(operation: str, pair: tuple) -> list:
    left, right = fixed(pair[0]), fixed(pair[1])
    if operation == "add":
        return values(left + right)
    if operation == "sub":
        return values(left - right)
    if operation == "mul":
        return values(left * right)
    return left.compare(right).tolist()


@pytest.mark.parametrize("operation", ["add", "sub", "mul", "compare"])
@given(pair=SMALL)
def test_small_values_are_exact(operation: str, pair: tuple) -> None:
    assert run(operation, pair) == oracle(operation, pair)


@pytest.mark.parametrize("operation", ["add", "sub", "mul"])
@given(pair=FULL)
def test_any_values_are_exact_or_raise(operation: str, pair: tuple) -> None:
    try:
        result = run(operation, pair)
    except AllocationError as error:
        assert "too large" in str(error)
        return
    assert result == oracle(operation, pair)


@given(pair=FULL)
@example(pair=(([2**62], 0), ([-(2**62)], 0)))
def test_compare_is_exact_or_raises(pair: tuple) -> None:
    try:
        result = run("compare", pair)
    except AllocationError:
        return
    assert result == oracle("compare", pair)


def test_decimals_add_exactly() -> None:
    total = Fixed.constant(Decimal("6567"), 2) + Fixed.constant(Decimal("1.68"), 2) * Fixed(
        np.array([664, 1000], dtype=np.int64), 0
    )
    assert values(total) == [6567 + Decimal("1.68") * 664, 6567 + Decimal("1.68") * 1000]


def test_compare_across_scales() -> None:
    land_area = Fixed(np.array([125, 120, 130], dtype=np.int64), 1)  # 12.5, 12.0, 13.0
    assert land_area.compare(Fixed.constant(Decimal("12.50"), 3)).tolist() == [0, -1, 1]


def test_whole_cents() -> None:
    amounts = Fixed(np.array([123400, 123450, -5000, -5001], dtype=np.int64), 4)
    assert amounts.is_whole_cents().tolist() == [True, False, True, False]


@pytest.mark.parametrize(
    "overflow",
    [
        lambda: Fixed.constant(Decimal(2**63), 1),
        lambda: Fixed.constant(Decimal(2**62), 1) + Fixed.constant(Decimal(2**62), 1),
        lambda: Fixed.constant(Decimal(2**62), 1) - Fixed.constant(Decimal(-(2**62)), 1),
        lambda: Fixed.constant(Decimal(2**32), 1) * Fixed.constant(Decimal(2**32), 1),
        lambda: Fixed.constant(Decimal(10**17), 1) + Fixed.constant(Decimal("0.01"), 1),
        lambda: Fixed.constant(Decimal(10**17), 1).to_cents(),
    ],
    ids=["constant", "sum", "difference", "product", "rescale", "to_cents"],
)
def test_overflow_raises_instead_of_wrapping(overflow) -> None:
    with pytest.raises(AllocationError, match="too large to compute exactly"):
        overflow()
